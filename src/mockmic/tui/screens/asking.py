"""Asking: the question on screen and spoken, then a cue, then recording starts."""

from __future__ import annotations


from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.tui.screens.base import MockmicScreen
from mockmic.questions import Question
from mockmic.tui.messages import QuestionSpoken
from mockmic.tui.pacing import cue_tone, reading_time_s
from mockmic.tui.widgets.labels import question_header
from mockmic.practice.playback import play_and_wait, player_problem



class AskingScreen(MockmicScreen[None]):
    """Shows and speaks the question; recording follows a cue (or Space, per the setting)."""

    BINDINGS = [
        Binding("space", "start", "Start answering"),
        Binding("h", "hear_again", "Hear again"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.spoken: bool | None = None
        self._countdown: Timer | None = None
        self._countdown_left = 0.0
        self._starting = False
        self._waiting_for_mic = False
        self.stop_pressed = False
        """Space again while the cue plays: the user means stop, so the recording stops at once."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="ask-body"):
            yield Static(question_header(self.mm.practice, self.question), id="ask-header")
            with Center():
                yield Static(Text(self.question.text), id="ask-question")
            yield Static(self._meta(), id="ask-meta")
            yield Static("", id="ask-notice")
            yield Static("", id="ask-hint")
        yield FitFooter()

    def _meta(self) -> Text:
        q = self.question
        out = Text()
        if q.structure:
            out.append("Structure: ", style="dim")
            out.append(q.structure)
            out.append("\n")
        if q.tips:
            out.append("Tip: ", style="dim")
            out.append(q.tips[0])
        return out

    def on_mount(self) -> None:
        self._hint("Listening to the question…  (Space: answer now)")
        self.speak()

    def _hint(self, text: str) -> None:
        self.query_one("#ask-hint", Static).update(Text(text))

    def _notice(self, text: str) -> None:
        notice = self.query_one("#ask-notice", Static)
        notice.update(Text(text))
        notice.set_class(bool(text), "-shown")

    # ------------------------------------------------------------------ speaking

    @work(thread=True, exclusive=True, exit_on_error=False, group="speech",
          description="speaking the question")
    def speak(self) -> None:
        app = self.mm
        worker = get_current_worker()
        if app.voice is None:
            self.post_message(QuestionSpoken(False, "the question voice (Piper) is not installed"))
            return
        problem = player_problem(app.player)
        if problem:
            self.post_message(QuestionSpoken(False, problem))
            return
        assert app.player is not None  # player_problem says why there is none
        try:
            path = app.voice(self.question)
        except Exception as exc:  # noqa: BLE001 - VoiceUnavailable, or a cache folder error
            self.post_message(QuestionSpoken(False, str(exc) or type(exc).__name__))
            return
        if play_and_wait(app.player, path, cancelled=lambda: worker.is_cancelled):
            self.post_message(QuestionSpoken(True))

    def on_question_spoken(self, message: QuestionSpoken) -> None:
        self.spoken = message.spoken
        if not message.spoken:
            self._notice(f"Not spoken: {message.reason}. Read the question on screen.")
        self._ready_to_answer()

    def _ready_to_answer(self) -> None:
        app = self.mm
        if app.mic_checked and app.mic_problem:
            self._hint(f"Recording is off: {app.mic_problem}. You can still answer aloud; "
                       "Esc goes back.")
            return
        if app.settings.start_recording == "space":
            self._hint("Press Space to start recording when you are ready.")
            return
        if self.spoken:
            self.start_recording()
        else:
            self._countdown_left = reading_time_s(self.question.text)
            self._tick_countdown()
            self._countdown = self.set_interval(1.0, self._tick_countdown)

    def _tick_countdown(self) -> None:
        if self._countdown_left <= 0:
            if self._countdown is not None:
                self._countdown.stop()
            self.start_recording()
            return
        self._hint(f"Recording starts in {self._countdown_left:.0f} s…  (Space: start now)")
        self._countdown_left -= 1

    def refresh_status(self) -> None:
        """The app's status changed (model, microphone): go on if we were waiting for the mic."""
        if self._waiting_for_mic and self.mm.mic_checked:
            self._waiting_for_mic = False
            self.start_recording()

    # ------------------------------------------------------------------ starting the answer

    def start_recording(self) -> None:
        if self._starting:
            return
        app = self.mm
        if not app.mic_checked:
            self._waiting_for_mic = True
            self._hint("Checking the microphone…")
            return
        if app.mic_problem:
            self.app.bell()
            self._hint(f"Recording is off: {app.mic_problem}.")
            return
        self._starting = True
        if self._countdown is not None:
            self._countdown.stop()
        self.workers.cancel_group(self, "speech")
        self._hint("")
        self.play_cue()

    @work(thread=True, exclusive=True, exit_on_error=False, group="cue", description="playing the cue")
    def play_cue(self) -> None:
        player = self.mm.player
        if player is not None and player_problem(player) is None:
            try:
                player.stop()
                play_and_wait(player, cue_tone(), rate=16_000, cancelled=lambda: False)
            except Exception:  # noqa: BLE001 - no cue is fine; the screen change is the cue too
                pass
        self.app.call_from_thread(self._open_recording)

    def _open_recording(self) -> None:
        if self.is_current:
            self.mm.show_recording(self.question, stop_at_once=self.stop_pressed)

    # ------------------------------------------------------------------ actions

    def action_start(self) -> None:
        if self._starting:  # a second Space before the recording screen is up: never lost
            self.stop_pressed = True
            return
        self.start_recording()

    def action_hear_again(self) -> None:
        if self._starting:
            return
        if self._countdown is not None:
            self._countdown.stop()
        self.spoken = None
        self._hint("Listening to the question…  (Space: answer now)")
        self.speak()

    def action_back(self) -> None:
        self.workers.cancel_group(self, "speech")
        if self.mm.player is not None and player_problem(self.mm.player) is None:
            self.mm.player.stop()
        self.mm.go_home()
