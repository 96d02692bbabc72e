"""Batch plumbing without Whisper: path collection, workers, cancel, incremental output.

The real-model batch runs are in tests/integration/test_analyze_real.py.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.pipeline.batch import FileResult, analyze_paths, collect_paths
from mockmic.cli.batch import ReportWriter
from mockmic.config import Settings
from mockmic.core import Transcript, Word

SR = 16_000


def touch(p: Path, data: bytes = b"x") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_collect_files_folders_and_globs(tmp_path: Path) -> None:
    a = touch(tmp_path / "a.wav")
    touch(tmp_path / "rec" / "b.M4A")
    touch(tmp_path / "rec" / "deep" / "c.flac")
    touch(tmp_path / "rec" / "notes.txt")
    touch(tmp_path / "rec" / "deep" / "photo.jpg")
    touch(tmp_path / "rec" / ".DS_Store")
    touch(tmp_path / "g" / "x.mp3")
    touch(tmp_path / "g" / "y.ogg")
    touch(tmp_path / "g" / "readme.md")
    explicit_text = touch(tmp_path / "named.txt")
    files, skipped, errors = collect_paths([
        str(a), str(tmp_path / "rec"), str(tmp_path / "g" / "*"), str(a),  # a twice: once
        str(explicit_text), str(tmp_path / "gone.wav"), str(tmp_path / "none" / "*.wav"),
    ])
    names = [f.name for f in files]
    assert names == ["a.wav", "b.M4A", "c.flac", "x.mp3", "y.ogg", "named.txt"]
    assert skipped == 3  # notes.txt, photo.jpg, readme.md (hidden files are not counted)
    assert errors == [f"{tmp_path / 'gone.wav'}: file not found", f"{tmp_path / 'none' / '*.wav'}: no files match"]


def test_recursive_glob(tmp_path: Path) -> None:
    touch(tmp_path / "w1" / "a.wav")
    touch(tmp_path / "w2" / "sub" / "b.wav")
    touch(tmp_path / "w2" / "sub" / "c.mp3")
    files, skipped, errors = collect_paths([str(tmp_path / "**" / "*.wav")])
    assert sorted(f.name for f in files) == ["a.wav", "b.wav"] and skipped == 0 and errors == []


class Canned:
    """Returns a fixed sentence; counts calls; can block until released."""

    name = "canned"

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.calls = 0
        self.gate = gate

    def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True) -> Transcript:  # noqa: ANN001
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(10)
        n = len(audio) / SR
        return Transcript([Word("patients", 0.1, n / 2), Word("first.", n / 2, n - 0.1)])


def speechy(path: Path, seconds: float = 2.0) -> Path:
    """A short Piper-spoken sentence with a little silence around it."""
    pytest.importorskip("piper")
    import speech_synth as S

    audio, _ = S.join([0.2, S.speak("Patients come first."), 0.2])
    sf.write(path, audio, SR, subtype="PCM_16")
    return path


def test_analyze_paths_runs_workers_and_reports_each_file(tmp_path: Path) -> None:
    good = [speechy(tmp_path / f"g{i}.wav") for i in range(4)]
    bad = touch(tmp_path / "bad.wav", b"not audio")
    silent = tmp_path / "quiet.wav"
    sf.write(silent, np.zeros(SR * 2, dtype=np.float32), SR)
    made: list[Canned] = []

    def factory(i: int, n: int) -> Canned:
        made.append(Canned())
        return made[-1]

    seen: list[FileResult] = []
    summary = analyze_paths([*good, bad, silent], Settings(), jobs=2, on_result=seen.append,
                            transcriber_factory=factory)
    assert len(made) == 2  # one transcriber per worker
    assert sum(t.calls for t in made) == 4  # silence never reaches Whisper
    assert [r.path for r in seen] == [r.path for r in summary.results]
    assert {r.path.name for r in summary.analyzed} == {"g0.wav", "g1.wav", "g2.wav", "g3.wav", "quiet.wav"}
    (failed,) = summary.failed
    assert failed.path == bad and "not a readable audio file" in (failed.error or "")
    assert failed.to_json() == {"file": str(bad), "error": failed.error}
    quiet = next(r for r in summary.results if r.path == silent)
    assert quiet.report is not None and quiet.report.no_speech
    assert summary.audio_s == pytest.approx(sum(r.audio_s for r in summary.results))
    assert not summary.cancelled


def test_cancel_stops_handing_out_files(tmp_path: Path) -> None:
    files = [speechy(tmp_path / f"g{i}.wav") for i in range(5)]
    gate = threading.Event()
    cancel = threading.Event()
    seen: list[FileResult] = []

    def on_start(_p: Path) -> None:
        cancel.set()  # the user pressed Ctrl-C while the first file was being analyzed
        gate.set()

    summary = analyze_paths(files, Settings(), jobs=1, on_result=seen.append, on_start=on_start,
                            cancel=cancel, transcriber_factory=lambda i, n: Canned(gate))
    assert len(seen) == 1 and summary.cancelled


@pytest.mark.parametrize("kind", [".jsonl", ".csv", ".md"])
def test_writer_flushes_each_result(tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"r{kind}"
    w = ReportWriter(out)
    w.write(FileResult(tmp_path / "x.wav", error="file not found"))
    text = out.read_text(encoding="utf-8")  # readable before close: flushed
    assert "x.wav" in text and "file not found" in text
    if kind == ".jsonl":
        assert json.loads(text) == {"file": str(tmp_path / "x.wav"), "error": "file not found"}
    if kind == ".csv":
        (row,) = csv.DictReader(text.splitlines())
        assert row["status"] == "failed"
    w.close()


def test_progress_is_told_per_chunk_before_the_first_file_is_done(tmp_path: Path) -> None:
    """The batch bar moves from the first file's decoding on (issue 14): ``on_progress`` reports
    (path, seconds transcribed, seconds in the file) from the worker before the result arrives."""
    files = [speechy(tmp_path / f"g{i}.wav") for i in range(2)]
    events: list[tuple[str, object]] = []
    lock = threading.Lock()

    def on_progress(path: Path, done: float, total: float) -> None:
        with lock:
            events.append(("progress", (path.name, done, total)))

    def on_result(res: FileResult) -> None:
        with lock:
            events.append(("result", res.path.name))

    analyze_paths(files, Settings(), jobs=1, on_result=on_result, on_progress=on_progress,
                  transcriber_factory=lambda i, n: Canned())
    first_result = next(i for i, (kind, _v) in enumerate(events) if kind == "result")
    before = [v for kind, v in events[:first_result] if kind == "progress"]
    assert before and all(name == "g0.wav" for name, _d, _t in before)  # type: ignore[misc]
    dones = [d for _n, d, _t in before]  # type: ignore[misc]
    total = before[0][2]  # type: ignore[index]
    assert dones[0] == 0.0 and dones == sorted(dones) and dones[-1] > 0 and total > 0


def test_markdown_report_is_one_readable_section_per_file(tmp_path: Path) -> None:
    from review_support import long_script, make_report

    report = make_report(long_script(3, fillers=2, pause=3.2))
    out = tmp_path / "r.md"
    w = ReportWriter(out)
    w.write(FileResult(tmp_path / "answers" / "why.wav", report=report, audio_s=report.duration_s))
    w.write(FileResult(tmp_path / "bad.wav", error="not a readable audio file"))
    w.close()
    text = out.read_text(encoding="utf-8")
    assert "## why.wav" in text and "## bad.wav" in text and "**Not analyzed:** not a readable audio file" in text
    assert "| Speaking rate |" in text and "| Pauses ≥ 0.25 s |" in text
    assert "**Long pause** at 0:" in text and "long_pause" not in text
    assert max(len(line) for line in text.splitlines()) < 120  # no raw wide table


def test_batch_cuts_a_file_into_the_pieces_analyze_and_the_practice_room_use() -> None:
    from mockmic.analysis.chunks import ChunkRules, plan
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.vad import scan_speech
    from mockmic.audio.io import decode_file

    answer = Path(__file__).resolve().parents[1] / "data" / "answer_tell_me.flac"
    fake = Canned()
    summary = analyze_paths([answer], Settings(), jobs=1, transcriber_factory=lambda _i, _n: fake)
    assert summary.results[0].ok
    samples = decode_file(answer).samples
    assert Analyzer(Settings(), Canned()).chunk_rules == ChunkRules()
    scan = scan_speech(samples, min_silence_s=0.2)
    pieces = plan(scan.stretches, len(samples), scan.probs, ChunkRules())
    assert fake.calls == len(pieces) == 3  # 59 s: three pieces of 20-29 s, one Whisper pass each


def test_default_jobs_is_two_on_two_cores_and_one_on_one(monkeypatch) -> None:
    from mockmic.pipeline import batch as batch_mod

    monkeypatch.setattr(batch_mod.os, "cpu_count", lambda: 1)
    assert batch_mod.default_jobs() == 1
    monkeypatch.setattr(batch_mod.os, "cpu_count", lambda: 8)
    assert batch_mod.default_jobs() == 2


def test_table_names_files_below_the_folder_they_share() -> None:
    from mockmic.cli.batch import short_names

    deep = [Path("../shared/data/speech/spontaneous/fillerPT/6umB.wav"),
            Path("../shared/data/speech/spontaneous/notsofar/clip.wav")]
    folder, names = short_names(deep)
    assert folder == "../shared/data/speech/spontaneous"
    assert [names[p] for p in deep] == ["fillerPT/6umB.wav", "notsofar/clip.wav"]
    # nothing in common (or only the current folder): the paths as the user gave them
    loose = [Path("a.wav"), Path("/tmp/b.wav")]
    folder, names = short_names(loose)
    assert folder == "" and [names[p] for p in loose] == ["a.wav", "/tmp/b.wav"]
    assert short_names([Path("x/a.wav")]) == ("x", {Path("x/a.wav"): "a.wav"})


def test_encoder_passes_of_the_jobs_take_turns() -> None:
    from mockmic.pipeline.batch import _one_at_a_time

    inside = []
    overlap = threading.Event()
    active = threading.Semaphore(1)

    def encode(features):  # noqa: ANN001, ANN202
        if not active.acquire(blocking=False):
            overlap.set()  # a second pass started while one was running
            return features
        try:
            inside.append(features)
            time.sleep(0.02)
            return features * 2
        finally:
            active.release()

    locked = _one_at_a_time(encode)
    results: list[int] = []
    threads = [threading.Thread(target=lambda k=k: results.append(locked(k))) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not overlap.is_set()
    assert sorted(results) == [2 * k for k in range(8)] and len(inside) == 8
