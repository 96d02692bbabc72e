"""The attempt store: one SQLite file next to the recordings (``recordings/mockmic.sqlite3``).

* The schema is versioned with ``PRAGMA user_version`` and migrated forward step by step
  (:data:`mockmic.store.schema.MIGRATIONS`); a database from a newer mockmic is refused with a clear message.
* WAL journal and a busy timeout, so the app and a ``mockmic batch --save`` run can write at the
  same time; every write is a short ``BEGIN IMMEDIATE`` transaction.
* An attempt row exists from the moment recording starts (status ``recording``); after the
  recording it is ``analyzing`` and then ``done``. Rows still ``recording``/``analyzing`` whose
  process is gone are interrupted attempts: :func:`mockmic.practice.recovery.recover_interrupted` makes their audio valid,
  analyzes it and marks them ``recovered``.

Audio paths inside the recordings folder are stored relative to it, so the folder can be moved.
No Textual, no sounddevice here.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mockmic.config import Settings
from mockmic.core import ATTEMPT_STATUSES, FINISHED_STATUSES, IN_PROGRESS_STATUSES, Report
from mockmic.store.files import (
    DB_NAME,
    _create_private,
    make_private_dirs,
    new_audio_path,
    tighten_folder,
)
from mockmic.store.records import LENSES, Attempt, QuestionStats, Session
from mockmic.store.schema import MIGRATIONS, SCHEMA_VERSION, _statements

__all__ = ["DB_NAME", "Attempt", "QuestionStats", "Session", "Store", "StoreError"]

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The database cannot be used; ``str()`` is one line naming the file and the problem."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _flags_text(report: Report) -> str:
    return ",".join(dict.fromkeys(flag.code for flag in report.flags))


def _report_values(report: Report) -> dict[str, Any]:
    """The columns that hold an attempt's analysis."""
    return {
        "model": report.model, "transcript": report.transcript,
        "words_json": json.dumps([w.__dict__ for w in report.words]),
        "report_json": json.dumps(report.to_json()), "flags": _flags_text(report),
        "word_count": report.word_count, "wpm": report.wpm,
        "fillers_per_min": report.fillers.per_minute,
        "longest_pause_s": report.longest_pause_s,
    }


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot, Linux), to tell a reused pid apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


_OWN_START = _process_start(os.getpid())


def _pid_alive(pid: int | None, started: str | None) -> bool:
    """Is the process that owns a row still running? (A pid reused after a restart is not it.)"""
    if not pid:
        return False
    if pid == os.getpid():
        return started == _OWN_START
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    current = _process_start(pid)
    return started is None or current is None or current == started


class Store:
    """The attempt store. Safe to share between threads of one process (one lock, one connection).

    Open a second ``Store`` on the same file from another process (a batch run) freely.
    """

    def __init__(self, path: str | Path, *, tighten: bool = False) -> None:
        """Open (or create) the store at ``path``.

        A new folder is created private (0700) and a new database file 0600 (SQLite gives its
        -wal and -shm files the same mode). ``tighten`` (the recordings folder of the settings)
        also makes an existing folder that others can read private; :attr:`notice` then says so.
        """
        self.path = Path(path)
        self.root = self.path.parent
        self.notice: str | None = None
        """One line for the user about the folder's permissions (shown once), or None."""
        try:
            make_private_dirs(self.root)
            if tighten:
                self.notice = tighten_folder(self.root)
            _create_private(self.path)
            self._conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                         isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from None
        self._lock = threading.RLock()
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the database to WAL mode ({mode})")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path}: not a usable mockmic database ({exc})") from None
        except StoreError:
            self._conn.close()
            raise

    @classmethod
    def for_settings(cls, settings: Settings) -> Store:
        """The store in ``settings.recordings`` (``recordings/mockmic.sqlite3``)."""
        return cls(Path(settings.recordings) / DB_NAME, tighten=True)

    # -- plumbing ----------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; SQLite failures become a one-line :class:`StoreError`."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write ({exc})") from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                try:
                    self._conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.path}: cannot write ({exc})") from None
                raise

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    @property
    def version(self) -> int:
        return int(self._query("PRAGMA user_version")[0][0])

    @property
    def journal_mode(self) -> str:
        return str(self._query("PRAGMA journal_mode")[0][0]).lower()

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema version {current} is newer than this mockmic "
                f"understands ({SCHEMA_VERSION}); upgrade mockmic"
            )
        if current == SCHEMA_VERSION:
            return
        with self._write() as conn:
            # re-read inside the write lock: another process may have migrated meanwhile
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for version in range(current, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rel(self, path: str | Path | None) -> str | None:
        if path is None:
            return None
        path = Path(path).absolute()
        try:
            return str(path.relative_to(self.root.absolute()))
        except ValueError:
            return str(path)

    def _abs(self, text: str | None) -> Path | None:
        if not text:
            return None
        path = Path(text)
        return path if path.is_absolute() else self.root / path

    def _attempt(self, row: sqlite3.Row) -> Attempt:
        return Attempt(
            id=row["id"], question_id=row["question_id"], question_text=row["question_text"],
            started_at=_dt(row["started_at"]),  # type: ignore[arg-type]
            ended_at=_dt(row["ended_at"]), audio_path=self._abs(row["audio_path"]),
            duration_s=row["duration_s"], model=row["model"], status=row["status"],
            transcript=row["transcript"],
            flags=[f for f in (row["flags"] or "").split(",") if f],
            word_count=row["word_count"], wpm=row["wpm"], fillers_per_min=row["fillers_per_min"],
            longest_pause_s=row["longest_pause_s"], overflows=row["overflows"] or 0,
            error=row["error"], session_id=row["session_id"], safe=row["review_safe"],
            honest=row["review_honest"], reflective=row["review_reflective"],
            adaptable=row["review_adaptable"], note=row["note"], pid=row["pid"],
            pid_start=row["pid_start"],
            report_json=row["report_json"], words_json=row["words_json"],
        )

    # -- attempts ------------------------------------------------------------------------------

    def new_audio_path(self, question_id: str | None = None, suffix: str = ".wav") -> Path:
        """A fresh file name for an attempt's audio (see :func:`new_audio_path`)."""
        return new_audio_path(self.root, question_id, suffix)

    def begin_attempt(self, question_id: str | None, question_text: str, audio_path: str | Path,
                      session_id: int | None = None) -> int:
        """Create the row for an attempt that starts recording now; returns its id."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO attempts (question_id, question_text, session_id, started_at,"
                " audio_path, status, pid, pid_start) VALUES (?, ?, ?, ?, ?, 'recording', ?, ?)",
                (question_id, question_text or "", session_id, _now(), self._rel(audio_path),
                 os.getpid(), _OWN_START),
            )
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def mark_analyzing(self, attempt_id: int, duration_s: float, overflows: int = 0,
                       error: str | None = None) -> None:
        """Recording stopped and the audio file is complete; analysis is under way."""
        with self._write() as conn:
            conn.execute(
                "UPDATE attempts SET status = 'analyzing', ended_at = COALESCE(ended_at, ?),"
                " duration_s = ?, overflows = ?, error = COALESCE(?, error) WHERE id = ?",
                (_now(), float(duration_s), int(overflows), error, attempt_id),
            )

    def finish_attempt(self, attempt_id: int, report: Report | None,
                       duration_s: float | None = None, overflows: int | None = None,
                       status: str = "done", error: str | None = None) -> None:
        """Store the analysis of an attempt (``report`` None: audio kept, no analysis).

        ``error`` None keeps a message stored earlier (e.g. "disk full" from :meth:`mark_analyzing`).
        """
        if status not in ATTEMPT_STATUSES:
            raise ValueError(f"unknown attempt status {status!r}")
        values: dict[str, Any] = {"status": status}
        if report is not None:
            values.update(_report_values(report))
            if duration_s is None:
                duration_s = report.duration_s
        if duration_s is not None:
            values["duration_s"] = float(duration_s)
        if overflows is not None:
            values["overflows"] = int(overflows)
        sets = ", ".join(f"{key} = ?" for key in values)
        with self._write() as conn:
            cur = conn.execute(
                f"UPDATE attempts SET {sets}, error = COALESCE(?, error),"
                " ended_at = COALESCE(ended_at, ?) WHERE id = ?",
                (*values.values(), error, _now(), attempt_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no attempt {attempt_id}")

    def fail_attempt(self, attempt_id: int, error: str) -> None:
        """The attempt could not be recorded or analyzed; its audio (if any) stays."""
        with self._write() as conn:
            conn.execute(
                "UPDATE attempts SET status = 'failed', error = ?, ended_at = COALESCE(ended_at, ?)"
                " WHERE id = ?",
                (error, _now(), attempt_id),
            )

    def add_imported(self, report: Report, audio_path: str | Path | None,
                     question_id: str | None = None, question_text: str = "",
                     session_id: int | None = None,
                     started_at: datetime | None = None, *,
                     source_sha256: str | None = None, again: bool = False) -> int | None:
        """Add an analyzed file from elsewhere (``mockmic batch --save``) as an attempt.

        The row and its analysis are written in one transaction: a kill at any moment leaves
        either nothing or the complete attempt. With ``source_sha256`` (of the original file's
        bytes) a file already imported is not added again unless ``again``; None is returned
        then.
        """
        when = (started_at or datetime.now(timezone.utc)).isoformat(timespec="milliseconds")
        values: dict[str, Any] = {
            "question_id": question_id, "question_text": question_text or "",
            "session_id": session_id, "started_at": when, "ended_at": _now(),
            "audio_path": self._rel(audio_path), "status": "imported",
            "duration_s": float(report.duration_s), "source_sha256": source_sha256,
            **_report_values(report),
        }
        with self._write() as conn:
            if source_sha256 and not again and conn.execute(
                    "SELECT 1 FROM attempts WHERE source_sha256 = ? LIMIT 1",
                    (source_sha256,)).fetchone():
                return None
            cur = conn.execute(
                f"INSERT INTO attempts ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def imported_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of these source-file hashes are already in the store."""
        wanted = list(dict.fromkeys(hashes))
        found: set[str] = set()
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            rows = self._query(
                f"SELECT DISTINCT source_sha256 FROM attempts WHERE source_sha256 IN "
                f"({', '.join('?' * len(part))})", tuple(part))
            found.update(r[0] for r in rows)
        return found

    def save_review(self, attempt_id: int, safe: int | None, honest: int | None,
                    reflective: int | None, adaptable: int | None,
                    note: str | None = None) -> None:
        """Self-review on the four lenses (1-5 each, None for not rated) and a note."""
        scores = (safe, honest, reflective, adaptable)
        for lens, score in zip(LENSES, scores):
            if score is not None and (not isinstance(score, int) or not 1 <= score <= 5):
                raise ValueError(f"{lens}: a score is 1 to 5, not {score!r}")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE attempts SET review_safe = ?, review_honest = ?, review_reflective = ?,"
                " review_adaptable = ?, note = ? WHERE id = ?",
                (*scores, note, attempt_id),
            )
            if cur.rowcount == 0:
                raise KeyError(f"no attempt {attempt_id}")

    def get(self, attempt_id: int) -> Attempt | None:
        rows = self._query("SELECT * FROM attempts WHERE id = ?", (attempt_id,))
        return self._attempt(rows[0]) if rows else None

    def list_attempts(self, question_id: str | None = None, *, session_id: int | None = None,
                      statuses: tuple[str, ...] | None = None, limit: int = 500,
                      offset: int = 0, oldest_first: bool = False) -> list[Attempt]:
        """Attempts, newest first (``oldest_first`` for trends), optionally of one question."""
        where: list[str] = []
        args: list[str | int] = []
        if question_id is not None:
            where.append("question_id = ?")
            args.append(question_id)
        if session_id is not None:
            where.append("session_id = ?")
            args.append(session_id)
        if statuses:
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            args.extend(statuses)
        sql = "SELECT * FROM attempts"
        if where:
            sql += " WHERE " + " AND ".join(where)
        order = "ASC" if oldest_first else "DESC"
        sql += f" ORDER BY started_at {order}, id {order} LIMIT ? OFFSET ?"
        return [self._attempt(r) for r in self._query(sql, (*args, int(limit), int(offset)))]

    def question_stats(self) -> dict[str, QuestionStats]:
        """Per question: number of finished attempts and the latest one's result."""
        rows = self._query(
            f"""
            SELECT question_id, n, id, started_at, duration_s, wpm, flags FROM (
                SELECT question_id, id, started_at, duration_s, wpm, flags,
                       COUNT(*) OVER (PARTITION BY question_id) AS n,
                       ROW_NUMBER() OVER (PARTITION BY question_id
                                          ORDER BY started_at DESC, id DESC) AS rn
                FROM attempts
                WHERE question_id IS NOT NULL AND status IN ({', '.join('?' * len(FINISHED_STATUSES))})
            ) WHERE rn = 1
            """,
            FINISHED_STATUSES,
        )
        return {
            r["question_id"]: QuestionStats(
                question_id=r["question_id"], attempts=int(r["n"]), last_id=int(r["id"]),
                last_at=_dt(r["started_at"]),  # type: ignore[arg-type]
                last_duration_s=r["duration_s"], last_wpm=r["wpm"],
                last_flags=[f for f in (r["flags"] or "").split(",") if f],
            )
            for r in rows
        }

    def delete_attempt(self, attempt_id: int) -> bool:
        """Delete the row, and its audio file unless another attempt points to the same file.

        False when there was no such attempt.
        """
        with self._write() as conn:
            row = conn.execute("SELECT audio_path FROM attempts WHERE id = ?",
                               (attempt_id,)).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
            audio = self._abs(row["audio_path"])
            shared = audio is not None and self._audio_in_use(conn, audio)
        # the row is gone for good; a file still named by another attempt stays
        if audio is not None and not shared:
            try:
                audio.unlink()
            except FileNotFoundError:
                pass
        return True

    def names_audio_file(self, path: str | Path) -> bool:
        """Is ``path`` the audio file of some attempt (under any spelling, or a hard link)?"""
        with self._lock:
            return self._audio_in_use(self._conn, Path(path))

    def _audio_in_use(self, conn: sqlite3.Connection, audio: Path) -> bool:
        """Does any attempt row name ``audio`` (stored relative or absolute, or via a link)?"""
        target = audio.absolute()
        names = {self._rel(target), str(target)}
        hit = conn.execute(
            f"SELECT 1 FROM attempts WHERE audio_path IN ({', '.join('?' * len(names))}) LIMIT 1",
            tuple(names),
        ).fetchone()
        if hit is not None:
            return True
        try:
            ident = os.stat(target)
        except OSError:
            return False
        # the same file under another spelling (a symlinked folder, ../): compare inodes
        for (other,) in conn.execute("SELECT audio_path FROM attempts WHERE audio_path IS NOT NULL"):
            path = self._abs(other)
            try:
                st = os.stat(path)  # type: ignore[arg-type]
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == (ident.st_dev, ident.st_ino):
                return True
        return False

    def interrupted(self) -> list[Attempt]:
        """Attempts left ``recording``/``analyzing`` by a process that no longer runs."""
        rows = self._query(
            "SELECT * FROM attempts WHERE status IN (?, ?) ORDER BY id", IN_PROGRESS_STATUSES
        )
        return [self._attempt(r) for r in rows if not _pid_alive(r["pid"], r["pid_start"])]

    def claim(self, attempt: Attempt) -> bool:
        """Take over an interrupted attempt so that two starting processes never both recover it."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE attempts SET pid = ?, pid_start = ? WHERE id = ? AND status IN (?, ?)"
                " AND pid IS ? AND pid_start IS ?",
                (os.getpid(), _OWN_START, attempt.id, *IN_PROGRESS_STATUSES, attempt.pid,
                 attempt.pid_start),
            )
            return cur.rowcount == 1

    # -- sessions ------------------------------------------------------------------------------

    def start_session(self, kind: str = "mock", title: str | None = None,
                      planned: int | None = None) -> int:
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO sessions (kind, title, planned, started_at) VALUES (?, ?, ?, ?)",
                (kind, title, planned, _now()),
            )
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def end_session(self, session_id: int) -> None:
        with self._write() as conn:
            conn.execute("UPDATE sessions SET ended_at = COALESCE(ended_at, ?) WHERE id = ?",
                         (_now(), session_id))

    def get_session(self, session_id: int) -> Session | None:
        rows = self._query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return self._session(rows[0]) if rows else None

    def list_sessions(self, limit: int = 100) -> list[Session]:
        rows = self._query("SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?",
                           (int(limit),))
        return [self._session(r) for r in rows]

    def session_attempts(self, session_id: int) -> list[Attempt]:
        return self.list_attempts(session_id=session_id, oldest_first=True)

    @staticmethod
    def _session(row: sqlite3.Row) -> Session:
        return Session(id=row["id"], kind=row["kind"], title=row["title"], planned=row["planned"],
                       started_at=_dt(row["started_at"]),  # type: ignore[arg-type]
                       ended_at=_dt(row["ended_at"]))


