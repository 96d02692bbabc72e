"""The engine with the real bundled Whisper models, on real read speech and on the project's own
Piper-spoken answers. Slow: run with ``pytest -m slow`` (they also run in the full suite)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.core import Report
from mockmic.pipeline.engine import Analyzer

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[1] / "data"
MODELS = ("base", "tiny.en")

# the --json fields PRODUCT.md / issue 2 promise to other tools
TOP_FIELDS = {"file", "model", "duration_s", "latency_s", "speaking_time_s", "word_count", "wpm",
              "articulation_wpm", "transcript", "words", "fillers", "pauses", "flags", "target"}
WORD_FIELDS = {"text", "start", "end", "filler"}
FILLER_FIELDS = {"count", "per_minute", "percent_of_words", "by_type", "items"}
FILLER_ITEM_FIELDS = {"text", "start", "end", "kind", "source"}
PAUSE_FIELDS = {"start", "end", "duration_s", "location"}
FLAG_FIELDS = {"code", "severity", "message", "at_s", "tip"}


def check_json(obj: dict) -> None:
    assert TOP_FIELDS <= set(obj), TOP_FIELDS - set(obj)
    json.dumps(obj)  # plain JSON types only
    assert all(WORD_FIELDS <= set(w) for w in obj["words"])
    assert FILLER_FIELDS <= set(obj["fillers"])
    for f in obj["fillers"]["items"]:
        assert FILLER_ITEM_FIELDS <= set(f)
        assert f["kind"] in ("hesitation", "discourse") and f["source"] in ("transcript", "audio")
    assert all(PAUSE_FIELDS <= set(p) and p["location"] in ("mid_sentence", "between_sentences")
               for p in obj["pauses"])
    assert all(FLAG_FIELDS <= set(f) for f in obj["flags"])
    assert set(obj["target"]) >= {"min_s", "max_s"}


def check_timestamps(r: Report) -> None:
    starts = [w.start for w in r.words]
    assert starts == sorted(starts), "word starts go backwards"
    assert all(0.0 <= w.start <= w.end <= r.duration_s + 0.05 for w in r.words)
    assert all(p.start < p.end for p in r.pauses)
    assert [p.start for p in r.pauses] == sorted(p.start for p in r.pauses)


def lexical_count(text: str) -> int:
    toks = [re.sub(r"[^\w']", "", t.lower()) for t in text.split()]
    return sum(1 for t in toks if t and t not in {"um", "uh", "er", "ah", "hmm"})


@pytest.fixture(scope="module", params=MODELS)
def analyzer(request: pytest.FixtureRequest, real_models) -> Analyzer:  # noqa: ANN001
    return real_models.analyzer(request.param)


@pytest.mark.parametrize("name,ref", [
    ("jfk.flac", "jfk.txt"),
    ("2412-153948-0000.flac", "2412-153948-0000.txt"),
    ("61-70968-0000.flac", "61-70968-0000.lab"),
])
def test_read_speech(analyzer: Analyzer, shared_speech: Path, name: str, ref: str) -> None:
    folder = shared_speech / "read"
    expected = lexical_count((folder / ref).read_text(encoding="utf-8"))
    r = analyzer.analyze_file(folder / name).report
    assert not r.no_speech
    assert abs(r.word_count - expected) <= max(2, round(0.1 * expected)), (r.word_count, expected, r.transcript)
    check_timestamps(r)
    check_json(r.to_json())
    assert r.latency_s is not None and r.latency_s < 1.5
    assert 0 < r.speaking_time_s <= r.duration_s


def test_generated_answer_with_a_long_pause(analyzer: Analyzer, real_models) -> None:  # noqa: ANN001
    truth = json.loads((DATA / "answer_tell_me.json").read_text(encoding="utf-8"))
    # the same report test_live_real.py compares with its live run (made once per session)
    r = real_models.report(analyzer.transcriber.name, DATA / "answer_tell_me.flac")
    check_timestamps(r)
    check_json(r.to_json())
    assert r.duration_s == pytest.approx(truth["duration_s"], abs=0.05)
    assert abs(r.word_count - truth["lexical_words"]) <= 0.08 * truth["lexical_words"], r.transcript
    assert r.latency_s == pytest.approx(truth["first_word_s"], abs=0.1)
    speaking = truth["last_word_end_s"] - truth["first_word_s"]
    assert r.speaking_time_s == pytest.approx(speaking, abs=0.2)
    (gap,) = truth["deliberate_pauses"]
    long = [p for p in r.pauses if p.duration_s >= 2.0]
    assert len(long) == 1
    assert long[0].start == pytest.approx(gap["start"], abs=0.1)
    assert long[0].duration_s == pytest.approx(gap["length_s"], abs=0.12)
    assert long[0].location == "between_sentences"
    assert "long_pause" in [f.code for f in r.flags]
    # 140 words in about 57 s of speaking time
    assert r.wpm == pytest.approx(truth["lexical_words"] / (speaking / 60), rel=0.1)


def test_generated_answer_with_defensive_phrasing(analyzer: Analyzer) -> None:
    r = analyzer.analyze_file(DATA / "answer_short.flac").report
    codes = {f.code for f in r.flags}
    assert "defensive_comparison" in codes
    assert "unsafe_independence" in codes
    assert "too_short" in codes  # 13 s against the default 45-120 s window


def test_piper_speech_made_here(analyzer: Analyzer, tmp_path: Path) -> None:
    """Speech synthesized in the test itself, so this runs even without tests/data."""
    pytest.importorskip("piper")
    import speech_synth as S

    text = S.ANSWER_SENTENCES[1]
    audio, gaps = S.join([1.5, S.speak(text), 1.0])
    path = tmp_path / "made.wav"
    sf.write(path, audio, S.SR, subtype="PCM_16")
    r = analyzer.analyze_file(path).report
    assert abs(r.word_count - lexical_count(text)) <= 1, r.transcript
    assert r.latency_s == pytest.approx(1.5, abs=0.1)
    check_timestamps(r)


# --- the command line with a real model ------------------------------------------------------------

def run(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess[str]:  # noqa: ANN003
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160")
    return subprocess.run([sys.executable, "-m", "mockmic", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600, **kw)


def test_analyze_json_cli(tmp_path: Path) -> None:
    proc = run("analyze", "--json", "--model", "tiny.en", str(DATA / "answer_short.flac"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    check_json(obj)
    assert obj["model"] == "tiny.en"


def test_batch_jobs_2_writes_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    (folder / "week2").mkdir(parents=True)
    shutil.copy(DATA / "answer_short.flac", folder / "a.flac")
    shutil.copy(DATA / "answer_short.flac", folder / "week2" / "b.flac")
    sf.write(folder / "week2" / "silence.wav", np.zeros(16000 * 2, dtype=np.float32), 16000)
    (folder / "broken.m4a").write_bytes(b"\x00" * 1000)
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    proc = run("batch", str(folder), "--jobs", "2", "--model", "tiny.en", "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr  # broken.m4a failed
    assert "Traceback" not in proc.stderr
    rows = {Path(o["file"]).name: o for o in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(rows) == {"a.flac", "b.flac", "silence.wav", "broken.m4a"}
    for name in ("a.flac", "b.flac"):
        check_json(rows[name])
        assert rows[name]["word_count"] > 20
    assert rows["a.flac"]["word_count"] == rows["b.flac"]["word_count"]
    assert rows["silence.wav"]["no_speech"] is True
    assert set(rows["broken.m4a"]) == {"file", "error"}
    assert "1 non-audio files skipped" in proc.stdout
    # the summary table lists each analyzed file with its numbers
    assert "a.flac" in proc.stdout and "Comparing with home" in proc.stdout  # plain flag titles


def test_batch_md(tmp_path: Path) -> None:
    # the CSV of the same answer is checked in test_batch_save.py, written by its --save run
    out = tmp_path / "r.md"
    proc = run("batch", str(DATA / "answer_short.flac"), "--model", "tiny.en", "--out", str(out),
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "answer_short.flac" in text
    # the csv keeps the codes for scripts; the Markdown is read by people: titles, one section per file
    assert "defensive_comparison" not in text
    assert "## answer_short.flac" in text and "**Comparing with home** at 0:" in text


def test_batch_ctrl_c_keeps_what_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(8):
        shutil.copy(DATA / "answer_short.flac", folder / f"answer{i}.flac")
    out = tmp_path / "r.jsonl"
    env = dict(os.environ, NO_COLOR="1")
    # a shell that starts the test suite in the background ignores SIGINT for it, and Python keeps
    # an ignored SIGINT ignored: give the child the default, as a terminal's Ctrl+C would find it
    proc = subprocess.Popen([sys.executable, "-m", "mockmic", "batch", str(folder), "--model", "tiny.en",
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 1:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        # seen once in a full run: the batch went on to the end after one SIGINT (not explained
        # yet); a user presses Ctrl+C again, and so does the test
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr + stdout
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 1 <= len(lines) < 8
    for line in lines:
        check_json(json.loads(line))  # every written line is complete
    assert "interrupted" in stdout
