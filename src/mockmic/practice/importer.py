"""History import (``mockmic batch --save``): analyzed files become ``imported`` attempts.

Each file's audio is copied into recordings/ as 16 kHz FLAC so replay works after the original
moves; a file whose bytes are already in the history is left out unless asked ``again``.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from mockmic.config import Settings
from mockmic.pipeline.batch import FileResult
from mockmic.store.db import Store
from mockmic.store.files import file_sha256

class HistoryImporter:
    """``batch --save``: each analyzed file becomes an ``imported`` attempt in the store, with
    its audio copied into recordings/ as 16 kHz FLAC so replay works after the original moves."""

    def __init__(self, store: Store, question_id: str | None, question_text: str, *,
                 again: bool = False) -> None:
        self.store = store
        self.question_id = question_id
        self.question_text = question_text
        self.again = again
        """Import files whose bytes are already in the history (``--again``)."""
        self._lock = threading.Lock()
        self._hashes: dict[Path, str] = {}
        self.saved = 0
        self.duplicates = 0
        """Files found already imported only at :meth:`add` (a copy earlier in this run, or
        another run importing the same file at the same time)."""

    def leave_out_known(self, files: list[Path]) -> tuple[list[Path], int]:
        """The files to analyze (those not yet in the history, unless ``again``) and how many
        were left out. A file that cannot be read is kept: its analysis will say why."""
        for f in files:
            if f not in self._hashes and _regular_file(f):
                try:
                    self._hashes[f] = file_sha256(f)
                except (OSError, RuntimeError):
                    pass
        if self.again:
            return files, 0
        known = self.store.imported_hashes(self._hashes[f] for f in files if f in self._hashes)
        keep = [f for f in files if self._hashes.get(f) not in known]
        return keep, len(files) - len(keep)

    @classmethod
    def open(cls, settings: Settings, question: str | None, *, again: bool = False) -> HistoryImporter:
        """The importer into the settings' store. Raises StoreError when it cannot be opened;
        the store's :attr:`~mockmic.store.db.Store.notice` is for the caller to show."""
        text = ""
        if question:
            from mockmic.questions import load_bank

            q = load_bank(settings.prompts, settings.user_questions).get(question)
            text = q.text if q is not None else ""
        return cls(Store.for_settings(settings), question, text, again=again)

    def add(self, res: FileResult) -> str | None:
        """Import one result; returns a one-line problem, or None.

        The audio goes into a file claimed for this attempt alone (see ``new_audio_path``); when
        anything fails that file is removed again, so a full disk leaves no empty FLAC behind.
        """
        from mockmic.audio.io import AudioError, decode_file
        from mockmic.store.db import StoreError
        from mockmic.store.files import write_private

        if res.report is None:
            return None

        with self._lock:
            dest: Path | None = None
            try:
                audio = decode_file(res.path).samples
                flac = _flac_bytes(audio)
                dest = self.store.new_audio_path(self.question_id or "imported", suffix=".flac")
                write_private(dest, flac)
                started = datetime.fromtimestamp(res.path.stat().st_mtime, tz=timezone.utc)
                digest = self._hashes.get(res.path)
                if digest is None:
                    digest = self._hashes[res.path] = file_sha256(res.path)
                added = self.store.add_imported(
                    res.report, dest, question_id=self.question_id,
                    question_text=self.question_text, started_at=started,
                    source_sha256=digest, again=self.again)
            except (AudioError, StoreError, OSError, RuntimeError, MemoryError) as exc:
                if dest is not None:
                    dest.unlink(missing_ok=True)
                return f"{res.path}: not saved to the history ({_one_line_reason(exc)})"
            if added is None:  # a concurrent run imported the same file first
                dest.unlink(missing_ok=True)
                self.duplicates += 1
                return None
            self.saved += 1
        return None


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _flac_bytes(audio: np.ndarray) -> bytes:
    """16 kHz 16-bit mono FLAC, encoded in memory (written to disk in one checked step)."""
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, audio, 16000, format="FLAC", subtype="PCM_16")
    return buf.getvalue()


def _one_line_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror.lower()}"
    if isinstance(exc, MemoryError):
        return "not enough memory"
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


