"""The practice room app: wiring of services, workers and screens.

``make_app`` builds the app with real parts by default; tests pass fakes for the transcriber,
the recorder, the player, the store and the clock. ``run_app`` is what ``mockmic`` runs.

Threads: the model load, the microphone check, the store, speech synthesis, playback, recording
start/stop and the analysis all run in ``@work(thread=True, exit_on_error=False)`` workers. They
talk back only through ``post_message`` (see :mod:`mockmic.tui.messages`); a single
``Worker.StateChanged`` handler on the app turns any worker error into a notification.

The workflow itself (which question, an attempt's status, recovery, export) is the practice
service's (:mod:`mockmic.practice`); the app runs it in workers and changes screens. Screens
see the app as :class:`mockmic.tui.room.Room` and ask it for every screen change; the review
side of that is :class:`mockmic.tui.reviewing.ReviewNavigation`, the real parts are in
:mod:`mockmic.tui.wiring`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from mockmic.config import Settings, settings_path
from mockmic.core import Report
from mockmic.pipeline.transcription import Transcriber
from mockmic.practice.analysis import AfterStopAnalysis, ModelHolder, ModelUnavailable
from mockmic.practice.ports import AnalysisFactory, AnswerAnalysis, RecorderFactory, SoundPlayer
from mockmic.practice.session import Practice, Run
from mockmic.questions import Bank, Question, load_bank
from mockmic.store.db import Store
from mockmic.tui import wiring
from mockmic.tui.commands import PracticeCommands, ReviewCommands
from mockmic.tui.messages import MicStatus, ModelFailed, ModelReady
from mockmic.tui.reviewing import ReviewNavigation
from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.screens.dialogs import MockSetupScreen
from mockmic.tui.screens.home import HomeScreen
from mockmic.tui.screens.recording import RecordingScreen
from mockmic.tui.screens.report import ReportScreen
from mockmic.tui.screens.settings import SettingsScreen
from mockmic.tui.screens.summary import SummaryScreen


class MockmicApp(ReviewNavigation):
    """Pick a question, hear it, answer, read the report."""

    CSS_PATH = "app.tcss"
    TITLE = "mockmic"
    SUB_TITLE = "practice room"
    COMMANDS = App.COMMANDS | {PracticeCommands, ReviewCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("h", "history", "History"),  # review screens: mockmic.tui.reviewing
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        bank: Bank,
        models: ModelHolder,
        recorder_factory: RecorderFactory,
        player: SoundPlayer | None,
        store: Store | None,
        clock: Callable[[], float],
        analysis_factory: AnalysisFactory,
        mic_check: Callable[[], str | None] | None,
        voice: Callable[[Question], Path] | None,
        rng: random.Random,
        store_problem: str | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.config_path = settings_path(config_path)
        """The settings file the settings screen writes (the one this run read, or would have)."""
        self.settings = settings
        self.bank = bank
        self.models = models
        self.recorder_factory = recorder_factory
        self.player = player
        self.store = store
        self.clock = clock
        self.analysis_factory = analysis_factory
        self.mic_check = mic_check
        self.voice = voice
        self.rng = rng
        self.store_problem = store_problem
        self.mic_problem: str | None = "checking the microphone…"
        self.mic_checked = False
        self.practice: Run | None = None
        self.sessions = Practice(bank, rng, store)
        self.t_created = time.perf_counter()
        self.t_first_paint: float | None = None
        self._asking_to_quit = False

    # ------------------------------------------------------------------ start-up

    def get_default_screen(self) -> Screen[None]:
        return HomeScreen()

    def on_mount(self) -> None:
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.t_first_paint = time.perf_counter()
        # heavy start-up work only once something is on screen
        self.load_model()
        self.check_microphone()
        if self.store_problem:
            self.notify(f"Attempts will not be saved: {self.store_problem}", severity="error",
                        timeout=20)
        notice = self.store.notice if self.store is not None else None
        if notice:  # the recordings folder was readable by others and has been made private
            self.notify(notice, title="Privacy", severity="warning", timeout=15)
        for err in self.bank.errors[:5]:
            self.notify(err, title="Question bank", severity="warning", timeout=10)

    @work(thread=True, exit_on_error=False, group="model", description="loading the speech model")
    def load_model(self) -> None:
        if self.models.transcriber is not None:
            self.post_message(ModelReady(self.models.transcriber.name, 0.0))
            return
        try:
            t = self.models.load(self.settings)
        except ModelUnavailable as exc:
            self.post_message(ModelFailed(str(exc)))
            return
        self.post_message(ModelReady(t.name, self.models.load_s))

    @work(thread=True, exit_on_error=False, group="mic", description="checking the microphone")
    def check_microphone(self, rescan: bool = False) -> None:
        if self.mic_check is None:
            self.post_message(MicStatus(None))
            return
        if rescan:
            wiring.rescan_microphones()
        self.post_message(MicStatus(self.mic_check()))

    def on_model_ready(self, message: ModelReady) -> None:
        self._broadcast_status()
        if self.store is not None:
            self.recover_attempts()

    def on_model_failed(self, message: ModelFailed) -> None:
        self.notify(f"Speech model not available: {message.reason}", severity="error", timeout=15)
        self._broadcast_status()
        if self.store is not None:
            self.recover_attempts()

    @work(thread=True, exit_on_error=False, group="recovery",
          description="recovering interrupted recordings")
    def recover_attempts(self) -> None:
        """Attempts a crash or kill left behind: audio made valid, analyzed, marked recovered."""
        from mockmic.practice.recovery import recover_with_model, recovery_notice

        if self.store is None:
            return
        results = recover_with_model(self.store, self.settings, self.bank, self.models.transcriber)
        if results:
            self.call_from_thread(self.notify, recovery_notice(results), title="Recordings",
                                  timeout=12)
            self.call_from_thread(self._reload_home)

    def _reload_home(self) -> None:
        home = self.screen_stack[0] if self.screen_stack else None
        if isinstance(home, HomeScreen):
            home.reload_stats()

    def on_mic_status(self, message: MicStatus) -> None:
        self.mic_problem = message.problem
        self.mic_checked = True
        self._broadcast_status()

    def _broadcast_status(self) -> None:
        # A screen still being composed has no widgets yet: it shows the status in its own
        # on_mount (a model or microphone report can arrive before that at start-up).
        for screen in self.screen_stack:
            if isinstance(screen, MockmicScreen) and screen.is_mounted:
                screen.refresh_status()

    def status_text(self) -> str:
        """One line: the model and the microphone, plainly."""
        if self.models.ready and self.models.transcriber is not None:
            model = f"model {self.models.transcriber.name} ready"
        elif self.models.error:
            model = f"model not available: {self.models.error}"
        else:
            model = f"loading model {self.settings.transcription.model}…"
        if not self.mic_checked:
            mic = "checking the microphone…"
        elif self.mic_problem:
            mic = f"recording off: {self.mic_problem}"
        else:
            mic = f"microphone: {self.settings.input_device or 'default input'}"
        return f"{mic}  ·  {model}"

    # ------------------------------------------------------------------ worker errors

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        self.on_worker_state(event)

    def on_worker_state(self, event: Worker.StateChanged) -> None:
        """The one place worker errors end up: shown to the user, the app keeps running.

        Screens forward their workers' state changes here (see ``screens/base.py``).
        """
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        what = event.worker.description or event.worker.name or "background task"
        self.notify(f"{what} failed: {error}", title="Error", severity="error", timeout=15)
        for screen in self.screen_stack:
            if isinstance(screen, MockmicScreen):
                screen.worker_failed(event.worker)

    # ------------------------------------------------------------------ the practice flow

    def practise(self, question: Question) -> None:
        self.start_run(self.sessions.single(question))

    def practise_random(self) -> None:
        q = self.sessions.random_question(self.practice)
        if q is None:
            self.notify("The question bank is empty.", severity="warning")
            return
        self.practise(q)

    def start_mock(self, count: int) -> None:
        run = self.sessions.mock(count)
        if run is None:
            self.notify("The question bank is empty.", severity="warning")
            return
        self.start_run(run)
        if self.store is not None:
            self.open_session(run)

    @work(thread=True, exit_on_error=False, group="store", description="saving the mock interview")
    def open_session(self, run: Run) -> None:
        self.sessions.open_session(run)

    def choose_mock(self) -> None:
        """Ask how many questions, then start the mock interview."""
        def chosen(count: int | None) -> None:
            if count:
                self.start_mock(count)

        self.push_screen(MockSetupScreen(len(self.bank)), chosen)

    def start_run(self, run: Run) -> None:
        self.practice = run
        self.push_screen(AskingScreen(run.current))

    def retry(self) -> None:
        if self.practice is None:
            return
        self.switch_screen(AskingScreen(self.practice.current))

    def next_question(self) -> None:
        """After a report: the next question of the mock interview, its summary, or a new one."""
        run = self.practice
        if run is None:
            return
        step = self.sessions.next_step(run)
        if step is None:
            return
        if step.question is not None:
            self.switch_screen(AskingScreen(step.question))
        else:
            self._end_session(run)
            self.switch_screen(SummaryScreen(run))

    def record_result(self, question: Question, attempt_id: int | None, report: Report) -> None:
        if self.practice is not None:
            self.practice.record(question, attempt_id, report)

    def _end_session(self, run: Run | None) -> None:
        session_id = self.sessions.session_to_close(run)
        if session_id is not None:
            self.close_session(session_id)

    @work(thread=True, exit_on_error=False, group="store", description="closing the mock interview")
    def close_session(self, session_id: int) -> None:
        self.sessions.close_session(session_id)

    def show_recording(self, question: Question, stop_at_once: bool = False) -> None:
        if isinstance(self.screen, AskingScreen):
            self.switch_screen(RecordingScreen(question, stop_at_once=stop_at_once))

    def show_report(self, question: Question, report: Report, *, attempt_id: int | None,
                    audio_path: str, overflows: int, recording_error: str | None) -> None:
        """The report of the answer just recorded, in place of the recording screen."""
        self.switch_screen(ReportScreen(question, report, attempt_id=attempt_id,
                                        audio_path=audio_path, overflows=overflows, fresh=True,
                                        recording_error=recording_error))

    def show_summary_report(self, question: Question, report: Report,
                            attempt_id: int | None) -> None:
        """One answer of the mock interview, opened from its summary."""
        self.push_screen(ReportScreen(question, report, attempt_id=attempt_id, audio_path=None,
                                      fresh=False))

    def go_home(self) -> None:
        """Back to the question list, closing whatever practice screens are open."""
        self._end_session(self.practice)
        self.practice = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.reload_stats()

    # ------------------------------------------------------------------ quitting

    QUIT_DETAIL = ("Your answer so far is kept: mockmic analyzes it the next time it starts "
                   "and shows it in the history.")

    def answer_in_progress(self) -> bool:
        """An answer is being recorded or analyzed on some screen of the stack."""
        return any(isinstance(s, RecordingScreen) and s.phase in ("starting", "recording", "analyzing")
                   for s in self.screen_stack)

    async def action_quit(self) -> None:
        """Ctrl+Q (and q where it quits). The one rule: leaving an answer in progress asks first
        (Esc asks to discard it, q and Ctrl+Q ask to quit and keep it); a second Ctrl+Q on the
        question quits."""
        if not self.answer_in_progress() or self._asking_to_quit:
            self.exit()
            return
        self._asking_to_quit = True

        def decided(quit_: bool | None) -> None:
            self._asking_to_quit = False
            if quit_:
                self.exit()

        self.confirm("Quit in the middle of this answer?", self.QUIT_DETAIL, yes="Quit",
                     no="Keep recording", then=decided)

    # ------------------------------------------------------------------ misc actions

    def action_settings(self) -> None:
        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.config_path))

    def action_rescan(self) -> None:
        self.mic_checked = False
        self._broadcast_status()
        self.check_microphone(rescan=True)


def make_app(
    settings: Settings,
    *,
    transcriber: Transcriber | None = None,
    recorder_factory: RecorderFactory | None = None,
    player: SoundPlayer | None = None,
    store: Store | None = None,
    clock: Callable[[], float] | None = None,
    bank: Bank | None = None,
    analysis_factory: AnalysisFactory | None = None,
    mic_check: Callable[[], str | None] | None | bool = True,
    voice: Callable[[Question], Path] | None | bool = True,
    seed: int | None = None,
    live: bool = True,
    config_path: Path | None = None,
) -> MockmicApp:
    """Build the app. Every part left as None is the real one.

    ``live=False`` analyzes each answer after stop instead of transcribing while it is spoken.
    ``mic_check=False`` skips the microphone check (a fake recorder needs none); a callable
    replaces it. ``voice=False`` turns the question voice off; a callable replaces it.
    """
    models = ModelHolder(transcriber)
    if bank is None:
        bank = load_bank(settings.prompts, settings.user_questions)
    store_problem = None
    if store is None:
        store, store_problem = wiring.default_store(settings)
    if player is None:
        player = wiring.default_player()
    if analysis_factory is None:
        from mockmic.pipeline.live import LiveAnswerAnalysis  # transcribes while the user speaks

        kind = LiveAnswerAnalysis if live else AfterStopAnalysis

        def analysis_factory(question: Question) -> AnswerAnalysis:
            return kind(settings, models, question.target)
    check: Callable[[], str | None] | None
    if mic_check is True:
        check = wiring.default_mic_check(settings)
    elif mic_check is False or mic_check is None:
        check = None
    else:
        check = mic_check
    speak: Callable[[Question], Path] | None
    if voice is True:
        speak = wiring.default_voice(settings)
    elif voice is False or voice is None:
        speak = None
    else:
        speak = voice
    return MockmicApp(
        settings,
        bank=bank,
        models=models,
        recorder_factory=recorder_factory or wiring.default_recorder_factory,
        player=player,
        store=store,
        clock=clock or time.time,
        analysis_factory=analysis_factory,
        mic_check=check,
        voice=speak,
        rng=random.Random(seed),
        store_problem=store_problem,
        config_path=config_path,
    )


def run_app(settings: Settings, config_path: Path | None = None) -> None:
    """Open the practice room (what ``mockmic`` with no arguments does)."""
    make_app(settings, config_path=config_path).run()
