"""The attempt store on a real SQLite file: migration, WAL, concurrent writers, recovery."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.analysis.delivery import build_report
from mockmic.config import Thresholds
from mockmic.core import Interval, Report, Target, Word
from mockmic.practice.recovery import recover_interrupted
from mockmic.store.db import Store, StoreError
from mockmic.store.schema import MIGRATIONS, SCHEMA_VERSION

SRC = Path(__file__).resolve().parents[2] / "src"


def make_report(n_words: int = 20, wpm_gap: float = 0.4, file: str = "x.wav") -> Report:
    words = []
    t = 0.5
    texts = ["um"] + ["word"] * (n_words - 1)
    for text in texts:
        words.append(Word(text, t, t + 0.3))
        t += wpm_gap
    return build_report(
        file=file, model="test-model", duration_s=t + 0.5, words=words,
        speech=[Interval(0.5, t)], fillers=[], filler_word_indices=set(),
        target=Target(45, 60), thresholds=Thresholds(),
    )


def make_v1_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO attempts (question_id, question_text, started_at, audio_path, duration_s,"
        " status, transcript, flags, wpm) VALUES ('why-us', 'Why this program?',"
        " '2026-01-02T03:04:05.000+00:00', 'audio/old.wav', 61.5, 'done', 'old words', 'overlong',"
        " 140.0)"
    )
    conn.commit()
    conn.close()


def test_migrates_a_version_1_file_forward_and_keeps_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    make_v1_database(db)
    store = Store(db)
    assert store.version == SCHEMA_VERSION == 3
    old = store.list_attempts()[0]
    assert (old.question_id, old.duration_s, old.transcript, old.flags, old.wpm) == (
        "why-us", 61.5, "old words", ["overlong"], 140.0)
    assert old.audio_path == tmp_path / "audio" / "old.wav"
    assert old.session_id is None and old.safe is None and old.note is None
    # the v2 parts work on the migrated file
    store.save_review(old.id, 4, 5, 3, 2, "slow start")
    session = store.start_session(title="Monday mock", planned=3)
    new_id = store.begin_attempt("why-us", "Why this program?", tmp_path / "a.wav", session)
    store.close()
    again = Store(db)  # reopening does not migrate twice
    assert again.version == 3
    assert again.get(old.id).review == {"safe": 4, "honest": 5, "reflective": 3, "adaptable": 2}
    assert again.get(old.id).note == "slow start"
    assert again.get(new_id).session_id == session
    assert [a.id for a in again.session_attempts(session)] == [new_id]


def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db)


def test_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    db.write_bytes(b"this is a text file, not sqlite" * 100)
    with pytest.raises(StoreError) as err:
        Store(db)
    assert str(db) in str(err.value) and "\n" not in str(err.value)


def test_wal_mode_is_on_and_persistent(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    Store(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_attempt_life_cycle_round_trips_the_report(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    audio = store.new_audio_path("tell-me-about-yourself")
    assert audio.is_relative_to(tmp_path / "audio")
    aid = store.begin_attempt("tell-me-about-yourself", "Tell me about yourself.", audio)
    row = store.get(aid)
    assert row.status == "recording" and row.audio_path == audio and row.ended_at is None
    store.mark_analyzing(aid, 12.5, overflows=2, error="disk full: recording stopped")
    assert store.get(aid).status == "analyzing"
    report = make_report()
    store.finish_attempt(aid, report, duration_s=12.5, overflows=2)
    done = store.get(aid)
    assert done.status == "done" and done.duration_s == 12.5 and done.overflows == 2
    assert done.model == "test-model" and done.word_count == report.word_count
    assert done.report.to_json() == report.to_json()
    assert [w.text for w in done.words] == [w.text for w in report.words]
    assert done.flags == [f.code for f in report.flags]
    assert done.ended_at is not None and done.ended_at >= done.started_at
    assert done.error == "disk full: recording stopped"  # the reason it was cut short stays


def test_review_scores_are_validated(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    aid = store.begin_attempt("q", "Q?", tmp_path / "a.wav")
    with pytest.raises(ValueError, match="reflective"):
        store.save_review(aid, 3, 3, 6, 3)
    store.save_review(aid, None, 2, None, 5, "ok")
    assert store.get(aid).review == {"safe": None, "honest": 2, "reflective": None, "adaptable": 5}


def test_stats_list_and_delete(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    ids = []
    for i, qid in enumerate(["a", "a", "b", "a"]):
        path = tmp_path / f"{i}.wav"
        path.write_bytes(b"RIFF")
        aid = store.begin_attempt(qid, qid.upper(), path)
        store.finish_attempt(aid, make_report(n_words=10 + i))
        ids.append(aid)
    failed = store.begin_attempt("b", "B", tmp_path / "f.wav")
    store.fail_attempt(failed, "disk full")
    stats = store.question_stats()
    assert stats["a"].attempts == 3 and stats["a"].last_id == ids[3]
    assert stats["b"].attempts == 1 and stats["b"].last_id == ids[2]
    assert [a.id for a in store.list_attempts("a")] == [ids[3], ids[1], ids[0]]
    assert [a.id for a in store.list_attempts("a", oldest_first=True, limit=2)] == ids[:2]
    assert store.get(failed).status == "failed" and store.get(failed).error == "disk full"
    assert store.delete_attempt(ids[0]) is True
    assert not (tmp_path / "0.wav").exists() and store.get(ids[0]) is None
    assert store.delete_attempt(ids[0]) is False
    assert store.question_stats()["a"].attempts == 2


def test_sessions(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    sid = store.start_session(planned=2)
    assert store.get_session(sid).ended_at is None
    store.end_session(sid)
    assert store.get_session(sid).ended_at is not None
    assert [s.id for s in store.list_sessions()] == [sid]


def test_imported_attempts(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    aid = store.add_imported(make_report(), tmp_path / "phone.m4a", question_id="why-im")
    got = store.get(aid)
    assert got.status == "imported" and got.report is not None and got.question_id == "why-im"
    assert store.question_stats()["why-im"].attempts == 1


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {src!r})
    from mockmic.store.db import Store
    store = Store({db!r})
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range({n}):
        aid = store.begin_attempt("batch", f"batch {{i}}", "x.wav")
        store.fail_attempt(aid, "batch")
    print("done", flush=True)
    """
)


def test_two_processes_and_threads_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    store = Store(db)
    n = 150
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(src=str(SRC), db=str(db), n=n)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    errors: list[BaseException] = []

    def app_writer(tag: str) -> None:
        try:
            own = Store(db) if tag == "own" else store
            for i in range(n):
                aid = own.begin_attempt(tag, f"{tag} {i}", "y.wav")
                own.save_review(aid, 1 + i % 5, 3, 3, 3, tag)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=app_writer, args=(tag,)) for tag in ("shared", "own")]
    child.stdin.write("go\n")
    child.stdin.flush()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and out.strip() == "done"
    assert errors == []
    counts = {qid: len(store.list_attempts(qid, limit=10_000)) for qid in ("batch", "shared", "own")}
    assert counts == {"batch": n, "shared": n, "own": n}


def write_pcm_wav_without_final_header(path: Path, samples: np.ndarray) -> None:
    """What a recording killed mid-way leaves: a header claiming less data than is on disk."""
    from mockmic.audio.wavfile import _wav_header

    pcm = np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2").tobytes()
    path.write_bytes(_wav_header(16000) + pcm + b"\x07")  # header says 0.5 s; half a sample too


def test_recovery_repairs_the_audio_analyzes_it_and_marks_it_recovered(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    rng = np.random.default_rng(1)
    signal = (0.3 * rng.standard_normal(16000 * 3)).astype(np.float32)
    audio = tmp_path / "audio" / "killed.wav"
    audio.parent.mkdir()
    write_pcm_wav_without_final_header(audio, signal)
    killed = store.begin_attempt("why-us", "Why us?", audio)
    analyzing = store.begin_attempt("why-us", "Why us?", audio.with_name("analyzing.wav"))
    sf.write(audio.with_name("analyzing.wav"), signal[:16000], 16000, subtype="PCM_16")
    store.mark_analyzing(analyzing, 1.0)
    missing = store.begin_attempt("why-us", "Why us?", tmp_path / "gone.wav")
    # pretend the rows were left by a process that is gone
    store._conn.execute("UPDATE attempts SET pid = 999999999")
    # a recording of this very process is not interrupted
    live = store.begin_attempt("why-us", "Why us?", tmp_path / "live.wav")

    seen: list[int] = []

    def analyze(samples: np.ndarray) -> Report:
        seen.append(len(samples))
        return make_report()

    results = {r.attempt_id: r for r in recover_interrupted(store, analyze)}
    assert set(results) == {killed, analyzing, missing}
    assert results[killed].status == "recovered" and results[killed].duration_s == 3.0
    assert sorted(seen) == [16000, 48000]
    got, info = store.get(killed), sf.info(str(audio))
    assert got.status == "recovered" and got.report is not None and got.duration_s == 3.0
    assert info.frames == 48000
    back, _ = sf.read(str(audio), dtype="float32")
    assert np.max(np.abs(back - np.clip(signal, -1, 1))) < 1e-4
    assert store.get(analyzing).status == "recovered"
    assert store.get(missing).status == "failed" and "missing" in store.get(missing).error
    assert store.get(live).status == "recording"
    assert recover_interrupted(store, analyze) == []  # nothing left to recover


def test_recovery_without_analyzer_and_with_a_failing_one(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    write_pcm_wav_without_final_header(a, np.zeros(8000, np.float32))
    write_pcm_wav_without_final_header(b, np.zeros(8000, np.float32))
    ia = store.begin_attempt("q", "Q", a)
    store._conn.execute("UPDATE attempts SET pid = 999999999")
    recover_interrupted(store, None)
    assert store.get(ia).status == "recovered" and store.get(ia).report is None
    assert store.get(ia).duration_s == 0.5

    ib = store.begin_attempt("q", "Q", b)
    store._conn.execute("UPDATE attempts SET pid = 999999999 WHERE id = ?", (ib,))

    def broken(samples: np.ndarray) -> Report:
        raise RuntimeError("model missing")

    recover_interrupted(store, broken)
    got = store.get(ib)
    assert got.status == "recovered" and got.report is None
    assert "model missing" in got.error and b.exists()


def test_a_reused_pid_does_not_hide_an_interrupted_attempt(tmp_path: Path) -> None:
    """After a restart the new process can get the dead one's pid (containers: always)."""
    store = Store(tmp_path / "mockmic.sqlite3")
    mine = store.begin_attempt("q", "Q", tmp_path / "a.wav")
    old = store.begin_attempt("q", "Q", tmp_path / "b.wav")
    store._conn.execute("UPDATE attempts SET pid_start = 'an-earlier-process' WHERE id = ?", (old,))
    assert [a.id for a in store.interrupted()] == [old]
    assert store.get(mine).status == "recording"


def test_two_processes_never_recover_the_same_attempt(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    first, second = Store(db), Store(db)
    aid = first.begin_attempt("q", "Q", tmp_path / "a.wav")
    first._conn.execute("UPDATE attempts SET pid = 999999999")
    stale = second.interrupted()[0]
    assert first.claim(first.interrupted()[0]) is True
    assert second.claim(stale) is False
    assert first.get(aid).pid is not None


def test_a_full_disk_under_the_database_is_one_clear_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    store._conn.execute("PRAGMA max_page_count = 12")  # the database cannot grow: disk full
    with pytest.raises(StoreError) as err:
        for i in range(200):
            aid = store.begin_attempt("q", "Q" * 2000, tmp_path / f"{i}.wav")
            store.finish_attempt(aid, make_report(n_words=60))
    assert "full" in str(err.value) and str(tmp_path / "mockmic.sqlite3") in str(err.value)
    assert "\n" not in str(err.value)
    # what was written before stays readable and the store keeps working for reads
    assert len(store.list_attempts()) >= 1
