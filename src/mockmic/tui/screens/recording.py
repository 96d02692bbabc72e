"""Recording: a timer against the target window, a level meter, a muted-mic warning. Sparse.

Space stops; the audio is complete on disk and the report is made in a worker (the screen
says "analyzing" meanwhile). Escape discards the answer after a confirmation.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, LoadingIndicator, Static

from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.store.db import new_audio_path
from mockmic.tui.screens.base import MockmicScreen
from mockmic.questions import Question
from mockmic.tui.messages import (
    AnalysisFailed,
    RecordingFailed,
    RecordingStarted,
    RecordingStopped,
    ReportReady,
)
from mockmic.tui.pacing import SilenceWatch
from mockmic.tui.screens.asking import question_header
from mockmic.tui.widgets.meters import AnswerTimer, LevelMeter

if TYPE_CHECKING:
    from mockmic.tui.app import MockmicApp

TICK_S = 0.1
MUTED_WARNING = "No sound from the microphone for 3 seconds. Is it muted?"


class RecordingScreen(MockmicScreen[None]):
    """One answer being recorded."""

    BINDINGS = [
        Binding("space", "stop", "Stop"),
        Binding("escape", "discard", "Discard"),
    ]

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.phase = "starting"
        """starting → recording → analyzing → (report screen) | failed"""
        self.recorder: Any = None
        self._analysis: Any = None
        self.attempt_id: int | None = None
        self.audio_path: str = ""
        self.silence = SilenceWatch()
        self._stop_requested = False

    @property
    def mm(self) -> MockmicApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="rec-body"):
            yield Static(question_header(self.mm, self.question), id="rec-header")
            yield Static(Text(self.question.text), id="rec-question")
            yield Static(Text("○ starting…", style="dim"), id="rec-state")
            yield AnswerTimer(self.question.target, id="rec-timer")
            yield LevelMeter(id="rec-level")
            yield Static("", id="rec-warning")
            yield LoadingIndicator(id="rec-loading")
            yield Static("", id="rec-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rec-loading").display = False
        self.begin()
        self.set_interval(TICK_S, self.tick)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # the footer shows only what works now: nothing while the report is being made
        if action == "stop":
            return self.phase in ("starting", "recording")
        if action == "discard":
            return self.phase in ("starting", "recording", "failed")
        return True

    # ------------------------------------------------------------------ start

    @work(thread=True, exclusive=True, exit_on_error=False, group="recording",
          description="starting the recording")
    def begin(self) -> None:
        app = self.mm
        q = self.question
        store = app.store
        folder = app.settings.recordings if store is None else store.root
        try:
            path = new_audio_path(folder, q.id)  # claims the file: no other writer gets this name
        except OSError as exc:
            self.post_message(RecordingFailed(f"cannot record into {folder}: "
                                              f"{(exc.strerror or str(exc)).lower()}"))
            return
        analysis = app.analysis_factory(q)
        recorder = app.recorder_factory(path, device=app.settings.input_device, on_chunk=analysis.feed)
        try:
            recorder.start()
        except Exception as exc:  # noqa: BLE001 - RecordingError and PortAudio errors: one line
            _remove_if_empty(path)
            self.post_message(RecordingFailed(str(exc) or type(exc).__name__))
            return
        attempt_id = None
        if store is not None:
            run = app.practice
            session_id = None
            if run is not None and run.mock:
                run.session_ready.wait(5.0)
                session_id = run.session_id
            try:
                attempt_id = store.begin_attempt(q.id, q.text, path, session_id=session_id)
            except Exception as exc:  # noqa: BLE001 - keep recording; the file is still written
                app.call_from_thread(app.notify, f"attempt not saved in the history: {exc}",
                                     severity="error")
        self.post_message(RecordingStarted(attempt_id, getattr(recorder, "device_name", None),
                                           recorder=recorder, analysis=analysis,
                                           audio_path=str(path)))

    def on_recording_started(self, message: RecordingStarted) -> None:
        self.recorder = message.recorder
        self._analysis = message.analysis
        self.attempt_id = message.attempt_id
        self.audio_path = message.audio_path
        self.phase = "recording"
        self.refresh_bindings()
        state = Text("● recording", style="bold red")
        if message.device:
            state.append(f"   {message.device}", style="dim")
        self.query_one("#rec-state", Static).update(state)
        self._hint("Space: stop · Esc: discard")
        if self._stop_requested:
            self.action_stop()

    def on_recording_failed(self, message: RecordingFailed) -> None:
        self.phase = "failed"
        self.refresh_bindings()
        self.query_one("#rec-state", Static).update(Text("○ not recording", style="bold"))
        self._warn(f"Could not record: {message.reason}", error=True)
        self._hint("Esc: back to the questions")
        self.mm.check_microphone()

    def on_unmount(self) -> None:
        # the app is closing mid-answer: close the file properly; the row stays "recording"
        # and the next start recovers and analyzes it (mockmic.store.db.recover_interrupted)
        if self.phase == "recording" and self.recorder is not None:
            try:
                self.recorder.stop()
            except Exception:  # noqa: BLE001 - the file is crash-safe anyway
                pass

    # ------------------------------------------------------------------ while recording

    def tick(self) -> None:
        r = self.recorder
        if r is None or self.phase != "recording":
            return
        elapsed = float(r.elapsed_s)
        self.query_one(AnswerTimer).elapsed = elapsed
        meter = self.query_one(LevelMeter)
        meter.level = float(r.level)
        if r.error:
            self._warn(r.error, error=True)
            self.action_stop()
            return
        silent = self.silence.update(elapsed, float(r.level_db))
        if silent != meter.silent:
            meter.silent = silent
            self._warn(MUTED_WARNING if silent else "")

    def _hint(self, text: str) -> None:
        self.query_one("#rec-hint", Static).update(Text(text))

    def _warn(self, text: str, error: bool = False) -> None:
        w = self.query_one("#rec-warning", Static)
        w.update(Text(text))
        w.set_class(bool(text), "-shown")
        w.set_class(error, "-error")

    # ------------------------------------------------------------------ stop → report

    def action_stop(self) -> None:
        if self.phase == "starting":
            self._stop_requested = True
            return
        if self.phase != "recording":
            return
        self.phase = "analyzing"
        self.refresh_bindings()
        self.query_one(AnswerTimer).elapsed = float(self.recorder.elapsed_s)
        self.query_one(LevelMeter).display = False
        if not self.recorder.error:
            self._warn("")  # silence after stop is not a muted microphone
        self.query_one("#rec-state", Static).update(Text("■ stopped", style="bold"))
        self._hint("Making your report…")
        self.query_one("#rec-loading").display = True
        self.finish()

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis",
          description="analyzing the answer")
    def finish(self) -> None:
        from mockmic.audio.io import MIN_DURATION_S, AudioError
        from mockmic.tui.services import ModelUnavailable

        store = self.mm.store
        result = self.recorder.stop()
        if store is not None and self.attempt_id is not None:
            store.mark_analyzing(self.attempt_id, result.duration_s, result.overflows,
                                 getattr(result, "error", None))
        self.post_message(RecordingStopped(result.duration_s, result.overflows))
        try:
            if result.duration_s < MIN_DURATION_S:
                self._analysis.cancel()
                raise AudioError(result.path, f"the recording is only {result.duration_s:.1f} s long")
            report = self._analysis.finish(result.path)
        except (AudioError, ModelUnavailable) as exc:
            problem = exc.problem if isinstance(exc, AudioError) else str(exc)
            if store is not None and self.attempt_id is not None:
                store.finish_attempt(self.attempt_id, None, result.duration_s, result.overflows,
                                     status="failed", error=problem)
            self.post_message(AnalysisFailed(problem, str(result.path)))
            return
        cut_short = getattr(result, "error", None) or self.recorder.error
        if store is not None and self.attempt_id is not None:
            store.finish_attempt(self.attempt_id, report, result.duration_s, result.overflows,
                                 error=cut_short)
        self.post_message(ReportReady(self.attempt_id, report, str(result.path), result.overflows,
                                      cut_short))

    def on_report_ready(self, message: ReportReady) -> None:
        from mockmic.tui.screens.report import ReportScreen

        self.mm.record_result(self.question, message.attempt_id, message.report)
        self.app.switch_screen(
            ReportScreen(self.question, message.report, attempt_id=message.attempt_id,
                         audio_path=message.audio_path, overflows=message.overflows, fresh=True,
                         recording_error=message.recording_error)
        )

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.phase = "failed"
        self.refresh_bindings()
        self.query_one("#rec-loading").display = False
        self._warn(f"No report: {message.reason}. The audio is kept in {message.audio_path}.",
                   error=True)
        self._hint("Esc: back to the questions")

    def worker_failed(self, worker: Any) -> None:
        """Called by the app's error handler: leave the analyzing state visibly."""
        if worker.node is self and worker.group in ("analysis", "recording"):
            self.phase = "failed"
            self.refresh_bindings()
            self.query_one("#rec-loading").display = False
            self._warn(f"Something went wrong: {worker.error}", error=True)
            self._hint("Esc: back to the questions")

    # ------------------------------------------------------------------ discard

    def action_discard(self) -> None:
        if self.phase in ("failed", "starting"):
            if self.phase == "starting":
                return
            self.mm.go_home()
            return
        if self.phase != "recording":
            return
        from mockmic.tui.screens.dialogs import ConfirmScreen

        def decided(discard: bool | None) -> None:
            if discard and self.phase == "recording":
                self.phase = "discarding"
                self.discard()

        self.app.push_screen(
            ConfirmScreen("Discard this answer?",
                          "The recording is deleted and nothing is saved.",
                          yes="Discard", no="Keep recording"),
            decided,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="recording",
          description="discarding the answer")
    def discard(self) -> None:
        self.recorder.abandon()
        if self._analysis is not None:
            self._analysis.cancel()
        if self.mm.store is not None and self.attempt_id is not None:
            self.mm.store.delete_attempt(self.attempt_id)
        self.app.call_from_thread(self.mm.go_home)


def _remove_if_empty(path: Path) -> None:
    """Drop the file claimed for a recording that never started (nothing was written to it)."""
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass
