"""Engine benchmark: prints, in one run on the same files,

1. ``mockmic analyze`` time vs plain faster-whisper transcription (same model, int8, beam 1,
   ``word_timestamps=True``) as a ratio, per file and in total;
2. batch throughput in audio minutes per wall minute for ``--jobs 1`` and ``--jobs 2`` (both
   ways of giving workers a model, see ``mockmic.pipeline.batch``), with each run's peak RSS;
3. a 2-hour recording (the project's Piper answers joined with silences, written to a temp file
   and deleted afterwards) analyzed end to end: wall time and peak RSS.

Every measurement runs in a child process; peak RSS is that child's ``ru_maxrss`` (os.wait4).

    .venv/bin/python bench/engine.py                      # base for everything, 2 h with tiny.en
    .venv/bin/python bench/engine.py --long-model base    # the 2 h file with base too (~15 min)
    .venv/bin/python bench/engine.py --skip-long
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
PY = sys.executable


CPU_S = {"last": 0.0}
"""user+sys CPU seconds of the last child (robust to other load on the machine, unlike wall time)."""


def spawn(args: list[str], *, stdout_path: Path | None = None) -> tuple[float, float, int, str]:
    """Run a child; returns (wall seconds, its own peak RSS in MB via os.wait4, exit code, stdout)."""
    env = dict(os.environ, NO_COLOR="1")
    out_fh = open(stdout_path, "wb") if stdout_path else tempfile.TemporaryFile()  # noqa: SIM115
    err_fh = tempfile.TemporaryFile()
    t0 = time.monotonic()
    proc = subprocess.Popen(args, stdout=out_fh, stderr=err_fh, cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU_S["last"] = usage.ru_utime + usage.ru_stime
    text = ""
    if not stdout_path:
        out_fh.seek(0)
        text = out_fh.read().decode("utf-8", "replace")
    out_fh.close()
    err_fh.seek(0)
    err = err_fh.read().decode("utf-8", "replace")
    err_fh.close()
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"child failed ({proc.returncode}): {' '.join(args)}\n{err[-3000:]}\n")
    return wall, usage.ru_maxrss / 1024.0, proc.returncode, text


# --- child: analyze vs plain faster-whisper -------------------------------------------------------

def child_compare(model_name: str, files: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from mockmic.config import load_settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.transcription import make_transcriber

    settings = load_settings()
    transcriber = make_transcriber(settings, model_name)
    model = transcriber.model  # the same cached WhisperModel mockmic uses
    analyzer = Analyzer(settings, transcriber)

    def plain(path: str) -> int:
        segments, _info = model.transcribe(path, language="en", beam_size=1, word_timestamps=True)
        return sum(len(s.words or []) for s in segments)

    plain(files[-1])  # warm-up: first-call allocations, VAD model load below too
    analyzer.analyze_file(files[-1])
    rows = []
    for f in files:
        t0, c0 = time.perf_counter(), time.process_time()
        n_plain = plain(f)
        t1, c1 = time.perf_counter(), time.process_time()
        r = analyzer.analyze_file(f).report
        t2, c2 = time.perf_counter(), time.process_time()
        rows.append({"file": Path(f).name, "audio_s": r.duration_s, "plain_s": t1 - t0,
                     "analyze_s": t2 - t1, "plain_cpu": c1 - c0, "analyze_cpu": c2 - c1,
                     "plain_words": n_plain, "words": len(r.words)})
    print(json.dumps(rows))


# --- parent -----------------------------------------------------------------------------------------

def bench_files(tmp: Path, copies: int) -> list[Path]:
    folder = tmp / "answers"
    folder.mkdir()
    files = []
    for i in range(copies):
        for name in ("answer_tell_me.flac", "answer_short.flac"):
            dst = folder / f"{Path(name).stem}_{i}.flac"
            shutil.copy(DATA / name, dst)
            files.append(dst)
    return files


def make_long(path: Path, hours: float) -> float:
    """Write ``hours`` of the project's answers joined with 2-6 s silences; returns its length."""
    import numpy as np
    import soundfile as sf

    sys.path.insert(0, str(ROOT / "src"))
    from mockmic.audio.io import decode_file

    pieces = [decode_file(DATA / n).samples for n in ("answer_tell_me.flac", "answer_short.flac")]
    total = int(hours * 3600 * 16000)
    written = 0
    k = 0
    with sf.SoundFile(str(path), "w", samplerate=16000, channels=1, subtype="PCM_16", format="FLAC") as fh:
        while written < total:
            piece = pieces[k % 2]
            gap = np.zeros(int((2 + 4 * ((k * 7) % 5) / 4) * 16000), dtype=np.float32)
            block = np.concatenate([piece, gap])[: total - written]
            fh.write(block)
            written += len(block)
            k += 1
    return written / 16000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="base")
    ap.add_argument("--copies", type=int, default=3, help="copies of each test answer (default 3)")
    ap.add_argument("--long-hours", type=float, default=2.0)
    ap.add_argument("--long-model", default="tiny.en")
    ap.add_argument("--skip-long", action="store_true")
    ap.add_argument("--long-only", action="store_true", help="only part 3")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child == "compare":
        child_compare(a.model, a.files)
        return

    print(f"mockmic engine benchmark: {os.cpu_count()} CPU cores, model {a.model}, int8, beam 1; "
          f"load average at start {os.getloadavg()[0]:.1f} (other work on the machine slows wall times)")
    with tempfile.TemporaryDirectory(prefix="mockmic-bench-") as tmpdir:
        tmp = Path(tmpdir)
        files = bench_files(tmp, a.copies)
        if not a.long_only:
            short_parts(a, tmp, files)
        if not a.skip_long:
            long_part(a, tmp)


def short_parts(a: argparse.Namespace, tmp: Path, files: list[Path]) -> None:
    # 1. analyze vs plain faster-whisper
    wall, rss, rc, out = spawn([PY, __file__, "--child", "compare", "--model", a.model,
                                *map(str, files)])
    rows = json.loads(out.strip().splitlines()[-1]) if rc == 0 else []
    print("\n1. analyze vs plain faster-whisper (word_timestamps=True), same process, model warm")
    print(f"   {'file':28s} {'audio s':>8s} {'plain s':>8s} {'analyze s':>10s} {'ratio':>6s}"
          f" {'plain cpu':>10s} {'analyze cpu':>12s} {'cpu ratio':>10s}")
    for r in rows:
        print(f"   {r['file']:28s} {r['audio_s']:8.1f} {r['plain_s']:8.2f} {r['analyze_s']:10.2f} "
              f"{r['analyze_s'] / r['plain_s']:6.2f} {r['plain_cpu']:10.2f} {r['analyze_cpu']:12.2f} "
              f"{r['analyze_cpu'] / r['plain_cpu']:10.2f}")
    if rows:
        ps, an, au, pc, ac = (sum(r[k] for r in rows)
                              for k in ("plain_s", "analyze_s", "audio_s", "plain_cpu", "analyze_cpu"))
        print(f"   {'total':28s} {au:8.1f} {ps:8.2f} {an:10.2f} {an / ps:6.2f} {pc:10.2f} {ac:12.2f} "
              f"{ac / pc:10.2f}")
        print(f"   analyze/plain = {an / ps:.2f}x wall, {ac / pc:.2f}x CPU; plain {au / ps:.1f}x real time, "
              f"analyze {au / an:.1f}x real time; child peak RSS {rss:.0f} MB")

    # 2. batch throughput
    audio_min = sum(r["audio_s"] for r in rows) / 60 if rows else float("nan")
    print(f"\n2. mockmic batch on the same {len(files)} files ({audio_min:.1f} audio min), "
          "wall time includes process start and model load")
    print(f"   {'run':34s} {'wall s':>7s} {'audio min / wall min':>21s} {'cpu s':>7s} {'peak RSS MB':>12s}")
    for label, extra in (("--jobs 1", ["--jobs", "1"]),
                         ("--jobs 2 (a model per worker)", ["--jobs", "2", "--parallel", "models"]),
                         ("--jobs 2 (one model, 2 workers)", ["--jobs", "2", "--parallel", "shared"])):
        outp = tmp / "out.jsonl"
        wall, rss, rc, _ = spawn([PY, "-m", "mockmic", "batch", str(files[0].parent), "--model", a.model,
                                  "--out", str(outp), *extra])
        n = len(outp.read_text().splitlines()) if outp.exists() else 0
        ok = "" if rc == 0 and n == len(files) else f"  (exit {rc}, {n} lines)"
        print(f"   {label:34s} {wall:7.1f} {audio_min / (wall / 60):21.1f} {CPU_S['last']:7.1f} "
              f"{rss:12.0f}{ok}")

    print(f"   load average now {os.getloadavg()[0]:.1f}")


def long_part(a: argparse.Namespace, tmp: Path) -> None:
    long_path = tmp / "two_hours.flac"
    secs = make_long(long_path, a.long_hours)
    print(f"\n3. one {secs / 3600:.2f} h recording ({long_path.stat().st_size / 1e6:.0f} MB FLAC), "
          f"mockmic analyze --json --model {a.long_model}")
    outp = tmp / "long.json"
    wall, rss, rc, _ = spawn([PY, "-m", "mockmic", "analyze", "--json", "--model", a.long_model,
                              str(long_path)], stdout_path=outp)
    if rc == 0:
        rep = json.loads(outp.read_text())
        print(f"   wall {wall:.0f} s ({secs / wall:.1f}x real time), CPU {CPU_S['last']:.0f} s, "
              f"peak RSS {rss:.0f} MB, "
              f"{rep['word_count']} words, {len(rep['pauses'])} pauses, duration_s {rep['duration_s']}")
    else:
        print(f"   FAILED: exit {rc} after {wall:.0f} s, peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
