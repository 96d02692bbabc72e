"""`mockmic batch --save` imports analyzed files into the practice history (real model); the same
run writes the CSV report (--out), so one Whisper run serves both checks."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from mockmic.store.db import Store

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.slow


def _has_distributed() -> bool:
    import importlib.util

    return importlib.util.find_spec("distributed") is not None


@pytest.mark.parametrize("where", [
    ["--jobs", "1"],
    pytest.param(["--scheduler", "local:1", "--send", "bytes"], marks=pytest.mark.skipif(
        not _has_distributed(), reason="the cluster extra (distributed) is not installed")),
], ids=["local", "cluster"])
def test_batch_save_imports_attempts(tmp_path: Path, where: list[str]):
    # on a cluster the workers only analyze; the client alone writes the store and the FLAC
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    shutil.copytree(Path(__file__).resolve().parents[2] / "prompts", home / "prompts")
    src = tmp_path / "phone"
    src.mkdir()
    shutil.copy(DATA / "answer_short.flac", src / "answer.flac")
    (src / "notes.txt").write_text("not audio")
    env = {"MOCKMIC_HOME": str(home), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-m", "mockmic", "batch", str(src), "--save", "--model", "tiny.en",
         "--question", "core-tell-me-about-yourself", "--out", str(tmp_path / "r.csv"), *where],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "saved 1 attempt(s) to the history" in proc.stderr
    store = Store(home / "recordings" / "mockmic.sqlite3")
    attempts = store.list_attempts()
    assert len(attempts) == 1
    a = attempts[0]
    assert a.status == "imported"
    assert a.question_id == "core-tell-me-about-yourself"
    assert a.report is not None and a.report.word_count > 20
    audio = Path(a.audio_path)
    if not audio.is_absolute():
        audio = home / "recordings" / audio
    info = sf.info(str(audio))
    assert info.samplerate == 16000 and info.channels == 1
    assert abs(info.duration - a.report.duration_s) < 0.1

    # the CSV of the same run: one row per file, the flag codes kept for scripts, the numbers of
    # the attempt that went into the history
    text = (tmp_path / "r.csv").read_text(encoding="utf-8")
    (row,) = list(csv.DictReader(text.splitlines()))
    assert row["file"].endswith("answer.flac")
    assert row["status"] == "ok" and float(row["duration_s"]) == pytest.approx(13.0, abs=0.1)
    assert "defensive_comparison" in row["flags"].split(";"), row["flags"]
    assert int(row["word_count"]) == a.report.word_count
