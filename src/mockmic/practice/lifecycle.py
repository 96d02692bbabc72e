"""The attempt lifecycle: the only code that decides an attempt's status.

recording → analyzing → done | failed (and, after a crash, recovered: see :mod:`.recovery`).
An :class:`AnswerTake` is one answer from the first sample to its report. The UI calls its steps
from worker threads and shows what they return; it never writes a status itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockmic.audio.io import MIN_DURATION_S, AudioError
from mockmic.core import FINISHED_STATUSES, IN_PROGRESS_STATUSES, Report, is_finished
from mockmic.practice.analysis import ModelUnavailable
from mockmic.practice.ports import (
    AnalysisFactory,
    AnswerAnalysis,
    AnswerRecorder,
    AttemptLog,
    RecorderFactory,
)
from mockmic.questions import Question
from mockmic.store.files import new_audio_path

__all__ = ["FINISHED_STATUSES", "IN_PROGRESS_STATUSES", "MIN_DURATION_S", "is_finished",
           "AnswerTake", "RecordingRefused", "Stopped", "Outcome", "start_take"]


class RecordingRefused(Exception):
    """The recording could not start; ``str()`` is one line for the user."""


@dataclass(frozen=True)
class Stopped:
    """The audio is complete on disk; the report is being made."""

    duration_s: float
    overflows: int


@dataclass(frozen=True)
class Outcome:
    """How an answer ended: a report, or the one-line reason there is none."""

    audio_path: str
    report: Report | None = None
    problem: str | None = None
    overflows: int = 0
    cut_short: str | None = None
    """Why the recording stopped by itself (disk full, device lost); the audio up to then is kept."""


@dataclass
class AnswerTake:
    """One answer being recorded, then analyzed; its row in the store follows each step."""

    question: Question
    recorder: AnswerRecorder
    analysis: AnswerAnalysis
    audio_path: Path
    store: AttemptLog | None = None
    attempt_id: int | None = None
    device: str | None = None

    def _log(self) -> AttemptLog | None:
        return self.store if self.attempt_id is not None else None

    def finish(self, on_stopped: Callable[[Stopped], None] | None = None) -> Outcome:
        """Stop recording, then analyze: ``done`` with a report, or ``failed`` with a reason.

        ``on_stopped`` is told as soon as the audio is complete (the analysis takes longer).
        """
        result = self.recorder.stop()
        log = self._log()
        cut_short = result.error
        if log is not None and self.attempt_id is not None:
            log.mark_analyzing(self.attempt_id, result.duration_s, result.overflows, cut_short)
        if on_stopped is not None:
            on_stopped(Stopped(result.duration_s, result.overflows))
        try:
            if result.duration_s < MIN_DURATION_S:
                self.analysis.cancel()
                raise AudioError(result.path, f"the recording is only {result.duration_s:.1f} s long")
            report = self.analysis.finish(result.path)
        except (AudioError, ModelUnavailable) as exc:
            problem = exc.problem if isinstance(exc, AudioError) else str(exc)
            if log is not None and self.attempt_id is not None:
                log.finish_attempt(self.attempt_id, None, result.duration_s, result.overflows,
                                   status="failed", error=problem)
            return Outcome(str(result.path), problem=problem, overflows=result.overflows)
        cut_short = cut_short or self.recorder.error
        if log is not None and self.attempt_id is not None:
            log.finish_attempt(self.attempt_id, report, result.duration_s, result.overflows,
                               error=cut_short)
        return Outcome(str(result.path), report=report, overflows=result.overflows,
                       cut_short=cut_short)

    def discard(self) -> None:
        """The user threw the answer away: no audio, no row."""
        self.recorder.abandon()
        self.analysis.cancel()
        log = self._log()
        if log is not None and self.attempt_id is not None:
            log.delete_attempt(self.attempt_id)

    def close_on_exit(self) -> None:
        """The app is closing mid-answer: close the file properly. The row stays ``recording``
        and the next start recovers and analyzes it (:func:`.recovery.recover_interrupted`)."""
        try:
            self.recorder.stop()
        except Exception:  # noqa: BLE001 - the file is crash-safe anyway
            pass


def start_take(question: Question, *, store: AttemptLog | None, folder: Path,
               analysis_factory: AnalysisFactory, recorder_factory: RecorderFactory,
               device: str | None, session_id: Callable[[], int | None] = lambda: None,
               on_not_saved: Callable[[str], None] | None = None) -> AnswerTake:
    """Claim a file, start the recorder and write the attempt's ``recording`` row.

    ``session_id`` is asked only once the recorder runs (a mock interview's row may still be
    being written). Raises :class:`RecordingRefused` when nothing could be recorded.
    """
    if store is not None:
        folder = store.root
    try:
        path = new_audio_path(folder, question.id)  # claims the file: no other writer gets it
    except OSError as exc:
        raise RecordingRefused(f"cannot record into {folder}: "
                               f"{(exc.strerror or str(exc)).lower()}") from None
    analysis = analysis_factory(question)
    recorder = recorder_factory(path, device=device, on_chunk=analysis.feed)
    try:
        recorder.start()
    except Exception as exc:  # noqa: BLE001 - RecordingError and PortAudio errors: one line
        _remove_if_empty(path)
        raise RecordingRefused(str(exc) or type(exc).__name__) from None
    take = AnswerTake(question, recorder, analysis, path, store,
                      device=getattr(recorder, "device_name", None))
    if store is not None:
        try:
            take.attempt_id = store.begin_attempt(question.id, question.text, path,
                                                  session_id=session_id())
        except Exception as exc:  # noqa: BLE001 - keep recording; the file is still written
            if on_not_saved is not None:
                on_not_saved(f"attempt not saved in the history: {exc}")
    return take


def _remove_if_empty(path: Path) -> None:
    """Drop the file claimed for a recording that never started (nothing was written to it)."""
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass
