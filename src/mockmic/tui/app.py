"""The practice room app: wiring of services, workers and screens.

``make_app`` builds the app with real parts by default; tests pass fakes for the transcriber,
the recorder, the player, the store and the clock. ``run_app`` is what ``mockmic`` runs.

Threads: the model load, the microphone check, the store, speech synthesis, playback, recording
start/stop and the analysis all run in ``@work(thread=True, exit_on_error=False)`` workers. They
talk back only through ``post_message`` (see :mod:`mockmic.tui.messages`); a single
``Worker.StateChanged`` handler on the app turns any worker error into a notification.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from mockmic.config import Settings, settings_path
from mockmic.core import Report
from mockmic.questions import Bank, Question, load_bank
from mockmic.tui.commands import PracticeCommands
from mockmic.tui.screens.history import ReviewCommands
from mockmic.tui.messages import MicStatus, ModelFailed, ModelReady
from mockmic.tui.services import (
    AfterStopAnalysis,
    AnalysisFactory,
    ModelHolder,
    ModelUnavailable,
)
from mockmic.pipeline.transcription import Transcriber

RecorderFactory = Callable[..., Any]
"""``factory(path, device=None, on_chunk=None)`` -> a recorder (see mockmic.audio.capture)."""


@dataclass
class Run:
    """The questions of one practice run: a single question, or a mock interview of N."""

    questions: list[Question]
    mock: bool = False
    session_id: int | None = None
    index: int = 0
    results: list[tuple[Question, int | None, Report]] = field(default_factory=list)
    ended: bool = False
    session_ready: threading.Event = field(default_factory=threading.Event)
    """Set once ``session_id`` is known (the session row is written by a worker)."""

    @property
    def current(self) -> Question:
        return self.questions[self.index]

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.questions)

    @property
    def position(self) -> str:
        return f"question {self.index + 1} of {len(self.questions)}" if self.mock else ""


def _default_recorder_factory(path: Path, device: str | None = None, on_chunk: Any = None) -> Any:
    from mockmic.audio.capture import SoundDeviceRecorder

    return SoundDeviceRecorder(path, device=device, on_chunk=on_chunk)


class MockmicApp(App[None]):
    """Pick a question, hear it, answer, read the report."""

    CSS_PATH = "app.tcss"
    TITLE = "mockmic"
    SUB_TITLE = "practice room"
    COMMANDS = App.COMMANDS | {PracticeCommands, ReviewCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("h", "history", "History"),  # review screens: mockmic.tui.screens.history
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        bank: Bank,
        models: ModelHolder,
        recorder_factory: RecorderFactory,
        player: Any,
        store: Any,
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
        self.t_created = time.perf_counter()
        self.t_first_paint: float | None = None

    # ------------------------------------------------------------------ start-up

    def get_default_screen(self) -> Any:
        from mockmic.tui.screens.home import HomeScreen

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
        notice = getattr(self.store, "notice", None)
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
            try:
                from mockmic.audio.capture import rescan_devices

                rescan_devices()
            except Exception:  # noqa: BLE001 - no PortAudio: the status says so below
                pass
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
        from mockmic.pipeline.engine import Analyzer
        from mockmic.store.db import recover_interrupted

        if not self.store.interrupted():
            return
        transcriber = self.models.transcriber
        analyzer = Analyzer(self.settings, transcriber) if transcriber is not None else None
        target: list[tuple[float, float] | None] = [None]

        def note_target(attempt: Any) -> None:
            q = self.bank.get(attempt.question_id) if attempt.question_id else None
            target[0] = q.target if q is not None else None

        def analyze(audio: Any) -> Report:
            assert analyzer is not None
            return analyzer.analyze(audio, target=target[0])

        results = recover_interrupted(self.store, analyze if analyzer is not None else None,
                                      on_progress=note_target)
        if results:
            ok = sum(1 for r in results if r.status == "recovered")
            self.call_from_thread(
                self.notify,
                f"Recovered {ok} interrupted recording(s)"
                + (f"; {len(results) - ok} could not be recovered" if ok < len(results) else "")
                + ". They are in the past attempts.",
                title="Recordings", timeout=12,
            )
            self.call_from_thread(self._reload_home)

    def _reload_home(self) -> None:
        from mockmic.tui.screens.home import HomeScreen

        home = self.screen_stack[0] if self.screen_stack else None
        if isinstance(home, HomeScreen):
            home.reload_stats()

    def on_mic_status(self, message: MicStatus) -> None:
        self.mic_problem = message.problem
        self.mic_checked = True
        self._broadcast_status()

    def _broadcast_status(self) -> None:
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_status", None)
            if refresh is not None:
                refresh()

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
            handler = getattr(screen, "worker_failed", None)
            if handler is not None:
                handler(event.worker)

    # ------------------------------------------------------------------ the practice flow

    def practise(self, question: Question) -> None:
        self.start_run(Run([question]))

    def practise_random(self) -> None:
        exclude = [q.id for q, _, _ in self.practice.results] if self.practice else []
        q = self.bank.random(self.rng, exclude=exclude)
        if q is None:
            self.notify("The question bank is empty.", severity="warning")
            return
        self.practise(q)

    def start_mock(self, count: int) -> None:
        chosen: list[Question] = []
        for _ in range(max(1, count)):
            q = self.bank.random(self.rng, exclude=[c.id for c in chosen])
            if q is None:
                break
            chosen.append(q)
        if not chosen:
            self.notify("The question bank is empty.", severity="warning")
            return
        run = Run(chosen, mock=True)
        self.start_run(run)
        if self.store is not None:
            self.open_session(run)
        else:
            run.session_ready.set()

    @work(thread=True, exit_on_error=False, group="store", description="saving the mock interview")
    def open_session(self, run: Run) -> None:
        try:
            run.session_id = self.store.start_session("mock", planned=len(run.questions))
        finally:
            run.session_ready.set()

    def start_run(self, run: Run) -> None:
        from mockmic.tui.screens.asking import AskingScreen

        if not run.mock:
            run.session_ready.set()
        self.practice = run
        self.push_screen(AskingScreen(run.current))

    def retry(self) -> None:
        from mockmic.tui.screens.asking import AskingScreen

        if self.practice is None:
            return
        self.switch_screen(AskingScreen(self.practice.current))

    def next_question(self) -> None:
        """After a report: the next question of the mock interview, its summary, or a new one."""
        from mockmic.tui.screens.asking import AskingScreen
        from mockmic.tui.screens.summary import SummaryScreen

        run = self.practice
        if run is None:
            return
        if run.mock and run.has_next:
            run.index += 1
            self.switch_screen(AskingScreen(run.current))
        elif run.mock:
            self._end_session(run)
            self.switch_screen(SummaryScreen(run))
        else:
            exclude = [q.id for q in run.questions]
            q = self.bank.random(self.rng, exclude=exclude)
            if q is None:
                return
            run.questions.append(q)
            run.index += 1
            self.switch_screen(AskingScreen(q))

    def record_result(self, question: Question, attempt_id: int | None, report: Report) -> None:
        if self.practice is not None:
            self.practice.results.append((question, attempt_id, report))

    def _end_session(self, run: Run) -> None:
        if self.store is not None and run.session_id is not None and not run.ended:
            run.ended = True
            self.close_session(run.session_id)

    @work(thread=True, exit_on_error=False, group="store", description="closing the mock interview")
    def close_session(self, session_id: int) -> None:
        self.store.end_session(session_id)

    def go_home(self) -> None:
        """Back to the question list, closing whatever practice screens are open."""
        from mockmic.tui.screens.home import HomeScreen

        if self.practice is not None and self.practice.mock and self.practice.session_id is not None:
            self._end_session(self.practice)
        self.practice = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.reload_stats()

    # ------------------------------------------------------------------ misc actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # History opens from the question list only: never over a recording or a question
        if action == "history":
            from mockmic.tui.screens.home import HomeScreen

            return isinstance(self.screen, HomeScreen)
        return True

    def action_history(self) -> None:
        from mockmic.tui.screens.history import open_history

        open_history(self)

    def action_help(self) -> None:
        from mockmic.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_settings(self) -> None:
        from mockmic.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.config_path))

    def action_rescan(self) -> None:
        self.mic_checked = False
        self._broadcast_status()
        self.check_microphone(rescan=True)


def _default_store(settings: Settings) -> tuple[Any, str | None]:
    """The attempt store, or None and the reason it cannot be opened."""
    from mockmic.store.db import Store, StoreError

    try:
        return Store.for_settings(settings), None
    except StoreError as exc:
        return None, str(exc)


def _default_player() -> Any:
    try:
        from mockmic.audio.playback import Player
    except ImportError:  # pragma: no cover
        return None
    return Player()


def _default_voice(settings: Settings) -> Callable[[Question], Path] | None:
    try:
        from mockmic.audio import voice
    except ImportError:  # pragma: no cover
        return None
    cache = voice.default_cache_dir(settings)

    def speak(question: Question) -> Path:
        return voice.question_audio(question, settings.prompts, cache)

    return speak


def _default_mic_check(settings: Settings) -> Callable[[], str | None]:
    def check() -> str | None:
        from mockmic.audio.capture import audio_backend_status

        return audio_backend_status(settings.input_device)

    return check


def make_app(
    settings: Settings,
    *,
    transcriber: Transcriber | None = None,
    recorder_factory: RecorderFactory | None = None,
    player: Any = None,
    store: Any = None,
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
        bank = load_bank(settings.prompts)
    store_problem = None
    if store is None:
        store, store_problem = _default_store(settings)
    if player is None:
        player = _default_player()
    if analysis_factory is None:
        from mockmic.pipeline.live import LiveAnswerAnalysis  # transcribes while the user speaks

        kind = LiveAnswerAnalysis if live else AfterStopAnalysis

        def analysis_factory(question: Question) -> Any:
            return kind(settings, models, question.target)
    check: Callable[[], str | None] | None
    if mic_check is True:
        check = _default_mic_check(settings)
    elif mic_check is False or mic_check is None:
        check = None
    else:
        check = mic_check
    speak: Callable[[Question], Path] | None
    if voice is True:
        speak = _default_voice(settings)
    elif voice is False or voice is None:
        speak = None
    else:
        speak = voice
    return MockmicApp(
        settings,
        bank=bank,
        models=models,
        recorder_factory=recorder_factory or _default_recorder_factory,
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
