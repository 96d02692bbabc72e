"""The attempt store and the CLI under abuse: nothing lost, nothing exposed, nothing hangs.

No Whisper here: reports are built by hand and analyses are faked.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime
from pathlib import Path

import pytest

import mockmic.storage as storage
from mockmic.analysis.delivery import build_report
from mockmic.config import Thresholds
from mockmic.core import Interval, Report, Target, Word
from mockmic.storage import Store, new_audio_path


def make_report(n_words: int = 12, file: str = "x.wav") -> Report:
    words = [Word("word", 0.5 + 0.4 * i, 0.8 + 0.4 * i) for i in range(n_words)]
    end = words[-1].end
    return build_report(
        file=file, model="test-model", duration_s=end + 0.5, words=words,
        speech=[Interval(0.5, end)], fillers=[], filler_word_indices=set(),
        target=Target(45, 60), thresholds=Thresholds(),
    )


class _FrozenClock(datetime):
    """Every call to now() is the same second: the case where two attempts collide."""

    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206
        return datetime(2026, 3, 4, 10, 11, 12, tzinfo=tz)


# --- 1. audio names are claimed atomically; a delete only removes an unshared file --------------

def test_two_claims_in_the_same_second_get_two_files(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(storage, "datetime", _FrozenClock)
    first = new_audio_path(tmp_path, "q1", ".flac")
    second = new_audio_path(tmp_path, "q1", ".flac")  # the first one is not written yet
    assert first != second
    assert first.exists() and second.exists()  # claimed at once, not when written


def _claim_many(root: str, n: int, out: "mp.Queue[list[str]]") -> None:
    out.put([str(new_audio_path(Path(root), "imported", ".flac")) for _ in range(n)])


def test_processes_claiming_at_once_never_share_a_name(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    out: mp.Queue[list[str]] = ctx.Queue()
    procs = [ctx.Process(target=_claim_many, args=(str(tmp_path), 200, out)) for _ in range(3)]
    for p in procs:
        p.start()
    names = [name for _ in procs for name in out.get(timeout=120)]
    for p in procs:
        p.join(timeout=120)
    assert len(names) == 600 and len(set(names)) == 600


def test_deleting_one_of_two_attempts_on_one_file_keeps_the_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    audio = store.new_audio_path("q")
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(b"RIFF....")
    # an older mockmic could give two attempts one file: the file must outlive the first delete
    a = store.add_imported(make_report(), audio, question_id="q")
    b = store.add_imported(make_report(), str(audio.absolute()), question_id="q")
    assert store.delete_attempt(a) is True
    assert audio.exists() and store.get(b).audio_path.exists()
    assert store.delete_attempt(b) is True
    assert not audio.exists()
