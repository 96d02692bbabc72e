"""Recording: a timer against the target window, a level meter, a muted-mic warning. Sparse.

Space stops; the audio is complete on disk and the report is made in a worker (the screen
says "analyzing" meanwhile). Escape discards the answer after a confirmation.
"""

from __future__ import annotations


from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.worker import Worker
from textual.widgets import LoadingIndicator, Static

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.practice.ports import AnswerRecorder
from mockmic.practice.lifecycle import AnswerTake, RecordingRefused, Stopped, start_take
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
from mockmic.tui.widgets.labels import question_header
from mockmic.tui.widgets.meters import AnswerTimer, LevelMeter


TICK_S = 0.1
MUTED_WARNING = "No sound from the microphone for 3 seconds. Is it muted?"


class RecordingScreen(MockmicScreen[None]):
    """One answer being recorded."""

    BINDINGS = [
        Binding("space", "stop", "Stop"),
        Binding("escape", "discard", "Discard"),
        Binding("q", "app.quit", "Quit"),  # asks first, like Ctrl+Q (see MockmicApp.action_quit)
    ]

    def __init__(self, question: Question, stop_at_once: bool = False) -> None:
        super().__init__()
        self.question = question
        self.phase = "starting"
        """starting → recording → analyzing → (report screen) | failed"""
        self.take: AnswerTake | None = None
        self.silence = SilenceWatch()
        self._stop_requested = stop_at_once

    @property
    def recorder(self) -> AnswerRecorder | None:
        return self.take.recorder if self.take is not None else None

    @property
    def attempt_id(self) -> int | None:
        return self.take.attempt_id if self.take is not None else None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="rec-body"):
            yield Static(question_header(self.mm.practice, self.question), id="rec-header")
            yield Static(Text(self.question.text), id="rec-question")
            yield Static(Text("○ starting…", style="dim"), id="rec-state")
            yield AnswerTimer(self.question.target, id="rec-timer")
            yield LevelMeter(id="rec-level")
            yield Static("", id="rec-warning")
            yield LoadingIndicator(id="rec-loading")
            yield Static("", id="rec-hint")
        yield FitFooter()

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
        run = app.practice

        def not_saved(problem: str) -> None:
            self.app.call_from_thread(self.app.notify, problem, severity="error")

        try:
            take = start_take(self.question, store=app.store, folder=app.settings.recordings,
                              analysis_factory=app.analysis_factory,
                              recorder_factory=app.recorder_factory,
                              device=app.settings.input_device,
                              session_id=run.session_for_attempt if run is not None else lambda: None,
                              on_not_saved=not_saved)
        except RecordingRefused as exc:
            self.post_message(RecordingFailed(str(exc)))
            return
        self.post_message(RecordingStarted(take))

    def on_recording_started(self, message: RecordingStarted) -> None:
        self.take = message.take
        self.phase = "recording"
        self.refresh_bindings()
        state = Text("● recording", style="bold red")
        if message.take.device:
            state.append(f"   {message.take.device}", style="dim")
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
        # the app is closing mid-answer: the practice service closes the file properly and
        # the next start recovers the attempt
        if self.phase == "recording" and self.take is not None:
            self.take.close_on_exit()

    # ------------------------------------------------------------------ while recording

    def tick(self) -> None:
        if self.take is None or self.phase != "recording":
            return
        r = self.take.recorder
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
        assert self.take is not None
        self.phase = "analyzing"
        self.refresh_bindings()
        self.query_one(AnswerTimer).elapsed = float(self.take.recorder.elapsed_s)
        self.query_one(LevelMeter).display = False
        if not self.take.recorder.error:
            self._warn("")  # silence after stop is not a muted microphone
        self.query_one("#rec-state", Static).update(Text("■ stopped", style="bold"))
        self._hint("Making your report…")
        self.query_one("#rec-loading").display = True
        self.finish()

    @work(thread=True, exclusive=True, exit_on_error=False, group="analysis",
          description="analyzing the answer")
    def finish(self) -> None:
        assert self.take is not None

        def stopped(what: Stopped) -> None:
            self.post_message(RecordingStopped(what.duration_s, what.overflows))

        outcome = self.take.finish(on_stopped=stopped)
        if outcome.report is None:
            self.post_message(AnalysisFailed(outcome.problem or "no report", outcome.audio_path))
            return
        self.post_message(ReportReady(self.take.attempt_id, outcome.report, outcome.audio_path,
                                      outcome.overflows, outcome.cut_short))

    def on_report_ready(self, message: ReportReady) -> None:
        self.mm.record_result(self.question, message.attempt_id, message.report)
        self.mm.show_report(self.question, message.report, attempt_id=message.attempt_id,
                            audio_path=message.audio_path, overflows=message.overflows,
                            recording_error=message.recording_error)

    def on_analysis_failed(self, message: AnalysisFailed) -> None:
        self.phase = "failed"
        self.refresh_bindings()
        self.query_one("#rec-loading").display = False
        self._warn(f"No report: {message.reason}. The audio is kept in {message.audio_path}.",
                   error=True)
        self._hint("Esc: back to the questions")

    def worker_failed(self, worker: Worker[object]) -> None:
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
        def decided(discard: bool | None) -> None:
            if discard and self.phase == "recording":
                self.phase = "discarding"
                self.discard()

        self.mm.confirm("Discard this answer?", "The recording is deleted and nothing is saved.",
                        yes="Discard", no="Keep recording", then=decided)

    @work(thread=True, exclusive=True, exit_on_error=False, group="recording",
          description="discarding the answer")
    def discard(self) -> None:
        if self.take is not None:
            self.take.discard()
        self.app.call_from_thread(self.mm.go_home)
