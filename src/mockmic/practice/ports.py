"""The small interfaces the practice service works through: store, recorder, player, analysis.

The real parts (:class:`mockmic.store.db.Store`, :class:`mockmic.audio.capture.SoundDeviceRecorder`,
:class:`mockmic.audio.playback.Player`) satisfy them, and so do the fakes the tests pass in. The
recorder's interface is the one :mod:`mockmic.audio.capture` defines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from mockmic.audio.capture import Recorder
from mockmic.core import Report
from mockmic.questions import Question


class AttemptLog(Protocol):
    """What the attempt lifecycle and the session runs write (the store's recording side)."""

    @property
    def root(self) -> Path: ...

    def begin_attempt(self, question_id: str | None, question_text: str, audio_path: str | Path,
                      session_id: int | None = None) -> int: ...

    def mark_analyzing(self, attempt_id: int, duration_s: float, overflows: int = 0,
                       error: str | None = None) -> None: ...

    def finish_attempt(self, attempt_id: int, report: Report | None, duration_s: float | None = None,
                       overflows: int | None = None, status: str = "done",
                       error: str | None = None) -> None: ...

    def delete_attempt(self, attempt_id: int) -> bool: ...

    def start_session(self, kind: str = "mock", title: str | None = None,
                      planned: int | None = None) -> int: ...

    def end_session(self, session_id: int) -> None: ...


AnswerRecorder = Recorder
"""One recording of one answer into one file (:class:`mockmic.audio.capture.Recorder`)."""

ChunkCallback = Callable[[np.ndarray], None]


class RecorderFactory(Protocol):
    """``factory(path, device=None, on_chunk=None)`` -> a recorder for one answer."""

    def __call__(self, path: Path, *, device: str | None = None,
                 on_chunk: ChunkCallback | None = None) -> AnswerRecorder: ...


class SoundPlayer(Protocol):
    """Plays one sound at a time (see :class:`mockmic.audio.playback.Player`)."""

    error: str | None
    """Why there is no sound, in one line, or None."""

    def available(self) -> bool: ...

    def load(self, source: str | Path | np.ndarray, rate: int = 16_000) -> float: ...

    def play(self, start_s: float = 0.0) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...

    def stop(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def seek(self, delta_s: float) -> float: ...

    def seek_to(self, t: float) -> float: ...

    @property
    def position_s(self) -> float: ...

    @property
    def finished(self) -> bool: ...


class AnswerAnalysis(Protocol):
    """Turns one recorded answer into a report.

    ``feed`` gets every 16 kHz block while recording (from the recorder's writer thread) so an
    implementation can transcribe while the user speaks; ``finish`` runs in a worker after stop.
    """

    def feed(self, chunk: np.ndarray) -> None: ...

    def finish(self, audio_path: Path) -> Report: ...

    def cancel(self) -> None: ...


AnalysisFactory = Callable[[Question], AnswerAnalysis]
"""Called with the question being answered; returns a fresh :class:`AnswerAnalysis`."""
