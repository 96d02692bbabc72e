"""Batch at scale: ``mockmic batch`` against a plain faster-whisper loop, in one run on the same files.

Prints, per way of running: wall time, CPU time and peak memory of the whole process tree
(Dask workers included), and throughput as a ratio to the plain loop; then the differences
between the reports of the ways that run mockmic (words, fillers, pauses, flags per file).

Ways (``--ways``, comma-separated, in this order by default):

* ``plain``   -- a plain script: ``WhisperModel`` loaded once (int8, faster-whisper's defaults
  otherwise: beam 5, 30 s windows, earlier text carried), ``word_timestamps=True``, each file;
* ``default`` -- ``mockmic batch`` with its default ``--jobs`` (2 on a machine with 2+ cores: two
  files at once, one Whisper thread each, one shared model, encoder passes one at a time);
* ``jobs1``   -- ``mockmic batch --jobs 1`` (one file at a time, as ``mockmic analyze`` runs);
* ``local2``  -- ``mockmic batch --scheduler local:2`` (a Dask LocalCluster of 2 worker processes).

Every way runs in a child process. CPU time is user+sys of the child and everything it waited
for (``os.wait4``); peak memory is the largest sum of resident memory over the child and its
descendants, sampled every 50 ms with psutil (pages shared between processes count once per
process, so a tree's figure is an upper bound). Other work on the machine slows wall times:
the load average is printed, and every ratio comes from the same run. On a shared machine the
CPU-time ratio is the steadier figure: wall time also measures what the neighbours did, and a
process with more threads gets a larger share of busy cores.

    .venv/bin/python bench/batch_scale.py                         # the project's 22 answers, base
    .venv/bin/python bench/batch_scale.py --files ../shared/data/speech/filler_clips --model tiny.en
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PY = sys.executable
WAYS = ("plain", "default", "jobs1", "local2")


def default_files() -> list[Path]:
    """The project's own answers: 2 Piper answers and 20 short answers with and without fillers."""
    return sorted(DATA.glob("*.flac")) + sorted((DATA / "fillers").glob("*.flac"))


class TreePeak:
    """Samples the resident memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def spawn(args: list[str]) -> dict[str, float]:
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT, env=env)
        peak = TreePeak(proc.pid)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - t0
        mem = peak.stop()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            sys.stderr.write(f"child failed ({code}): {' '.join(args)}\n"
                             f"{err.read().decode('utf-8', 'replace')[-3000:]}\n")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "mem": mem, "code": code}


def child_plain(model_name: str, files: list[str]) -> None:
    """The plain loop, as someone would write it over faster-whisper."""
    sys.path.insert(0, str(ROOT / "src"))
    from faster_whisper import WhisperModel

    from mockmic.config import load_settings
    from mockmic.pipeline.models import resolve_model

    path = resolve_model(model_name, load_settings().models)  # the same model folder
    model = WhisperModel(str(path), device="cpu", compute_type="int8", local_files_only=True)
    for f in files:
        segments, _info = model.transcribe(f, language="en", word_timestamps=True)
        print(json.dumps({"file": f, "words": sum(len(s.words or []) for s in segments)}), flush=True)


def run_way(way: str, a: argparse.Namespace, files: list[Path], out: Path) -> dict[str, float]:
    names = [str(f) for f in files]
    if way == "plain":
        return spawn([PY, __file__, "--child", "plain", "--model", a.model, *names])
    extra = {"jobs1": ["--jobs", "1"], "jobs2": ["--jobs", "2"], "default": [],
             "local2": ["--scheduler", "local:2"]}[way]
    return spawn([PY, "-m", "mockmic", "batch", *names, "--model", a.model, "--out", str(out), *extra])


def summary_of(row: dict) -> dict:
    if "error" in row:
        return {"error": row["error"]}
    return {
        "words": [w["text"] for w in row.get("words", [])],
        "fillers": [(i["text"], round(i["start"], 2)) for i in row["fillers"]["items"]],
        "pauses": [(round(p["start"], 2), round(p["end"], 2)) for p in row.get("pauses", [])],
        "flags": sorted(f["code"] for f in row.get("flags", [])),
    }


def load_rows(path: Path) -> dict[str, dict]:
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {r["file"]: summary_of(r) for r in rows}


def differences(ref: dict[str, dict], other: dict[str, dict]) -> list[str]:
    lines = []
    for f in sorted(set(ref) | set(other)):
        a, b = ref.get(f), other.get(f)
        if a is None or b is None:
            lines.append(f"{Path(f).name}: {'missing' if b is None else 'extra'} row")
            continue
        for key in ("error", "words", "fillers", "pauses", "flags"):
            if a.get(key) != b.get(key):
                lines.append(f"{Path(f).name}: {key} differ: {a.get(key)} -> {b.get(key)}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="base")
    ap.add_argument("--ways", default=",".join(WAYS))
    ap.add_argument("--files", nargs="*", type=Path, help="audio files or folders (default: the project's answers)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "plain":
        child_plain(a.model, a.rest)
        return
    files: list[Path] = []
    for f in a.files or default_files():
        files.extend(sorted(p for p in f.rglob("*") if p.suffix in (".flac", ".wav")) if f.is_dir() else [f])
    if a.limit:
        files = files[: a.limit]
    import soundfile as sf

    audio_min = sum(sf.info(str(f)).duration for f in files) / 60
    ways = [w for w in a.ways.split(",") if w]
    print(f"batch at scale: {len(files)} files, {audio_min:.1f} audio min, model {a.model}, "
          f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="mockmic-scale-") as tmp:
        outs = {w: Path(tmp) / f"{w}.jsonl" for w in ways}
        for way in ways:
            results[way] = run_way(way, a, files, outs[way])
            r = results[way]
            print(f"  ran {way:<8} wall {r['wall']:6.1f} s  (load {os.getloadavg()[0]:.1f})", flush=True)
        base = results.get("plain")
        print("\n| way | wall s | CPU s | peak MB (tree) | throughput vs plain loop (wall) | CPU per file vs plain |")
        print("|---|---|---|---|---|---|")
        for way, r in results.items():
            ratio = f"{base['wall'] / r['wall']:.2f}x" if base else "-"
            cpu = f"{r['cpu'] / base['cpu']:.2f}x" if base else "-"
            print(f"| {way} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['mem']:.0f} | {ratio} | {cpu} |")
        rows = {w: load_rows(outs[w]) for w in ways if w != "plain"}
        ref_way = "default" if "default" in rows else next(iter(rows), None)
        print(f"\nreport differences against {ref_way} (words, fillers, pauses, flags per file):")
        for way, got in rows.items():
            if way == ref_way:
                continue
            diff = differences(rows[ref_way], got)
            files_differing = len({line.split(":", 1)[0] for line in diff})
            print(f"  {way}: {len(got)} rows, {len(diff)} difference(s) in {files_differing} file(s)")
            for line in diff[:20]:
                print(f"    {line[:300]}")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
