"""Messages the practice room's workers post back to the UI thread.

Workers never touch widgets; they post one of these (``post_message`` is thread-safe) and the
screen or the app updates itself in its handler.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from mockmic.core import Report
from mockmic.practice.lifecycle import AnswerTake
from mockmic.practice.review import HistoryData
from mockmic.store.db import Attempt


@dataclass
class ModelReady(Message):
    """The Whisper model is loaded and the transcriber can be used."""

    name: str
    load_s: float


@dataclass
class ModelFailed(Message):
    """The model could not be loaded; ``reason`` is one line for the user."""

    reason: str


@dataclass
class MicStatus(Message):
    """Result of checking the audio input: ``problem`` is None when recording works."""

    problem: str | None
    device: str | None = None


@dataclass
class QuestionSpoken(Message):
    """The question has been read aloud (``spoken``) or could not be (``reason`` says why)."""

    spoken: bool
    reason: str | None = None


@dataclass
class RecordingStarted(Message):
    """The recorder runs and the attempt's row exists (``take.attempt_id`` None without a store)."""

    take: AnswerTake


@dataclass
class RecordingFailed(Message):
    """The recorder could not start, or stopped with an error."""

    reason: str


@dataclass
class RecordingStopped(Message):
    """Audio is complete on disk; the report is being made."""

    duration_s: float
    overflows: int


@dataclass
class ReportReady(Message):
    """The report of the attempt just recorded (``attempt_id`` None when there is no store)."""

    attempt_id: int | None
    report: Report
    audio_path: str
    overflows: int = 0
    recording_error: str | None = None
    """Why the recording stopped by itself (disk full, device lost); the audio up to then is kept."""


@dataclass
class AnalysisFailed(Message):
    reason: str
    audio_path: str


@dataclass
class ReviewSaved(Message):
    attempt_id: int


@dataclass
class PlaybackEnded(Message):
    """Replay of an attempt's audio finished or failed (``reason``)."""

    reason: str | None = None


@dataclass(frozen=True)
class QuestionStat:
    attempts: int
    last: str
    """The last result in a few words: ``1:12 · 142 wpm · 3 fillers``."""


@dataclass
class StoreLoaded(Message):
    """Per-question stats read from the store: ``{question_id: stats}``."""

    stats: dict[str, QuestionStat]


# ---------------------------------------------------------------------------- review screens


@dataclass
class HistoryLoaded(Message):
    data: HistoryData


@dataclass
class PlaybackStarted(Message):
    """The player's stream is running (its ``finished`` flag now means the clip ended)."""


@dataclass
class PlaybackFailed(Message):
    """The player could not start (device gone, file unreadable): go on without sound."""

    reason: str


@dataclass
class ReplayLoaded(Message):
    attempt: Attempt | None
    report: Report | None
    audio: Path | None
    problem: str | None
    """Why there is no sound (no output device, audio file missing), or None."""
    error: str | None = None


@dataclass
class CompareLoaded(Message):
    first: Attempt | None
    second: Attempt | None
    first_report: Report | None
    second_report: Report | None
    error: str | None = None
