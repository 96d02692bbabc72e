"""Report: metrics against targets, flags with tips, transcript, pace, self-review and a note."""

from __future__ import annotations


from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.tui.screens.base import MockmicScreen
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.practice.review import save_review
from mockmic.questions import Question
from mockmic.reporting.assess import Verdict, assess, pace_line, pace_range, transcript_pauses_note
from mockmic.reporting.fmt import at_time, clock, sparkline
from mockmic.reporting.terminal import transcript_text
from mockmic.tui.messages import PlaybackEnded, ReviewSaved
from mockmic.practice.playback import play_and_wait, player_problem
from mockmic.tui.widgets.rating import LensRating


LENSES: tuple[tuple[str, str, str], ...] = (
    ("safe", "Safe", "Would a program director trust me with patients on night one?"),
    ("honest", "Honest", "Did I say what really happened, limits included?"),
    ("reflective", "Reflective", "Did I show what I learned and what I changed?"),
    ("adaptable", "Adaptable", "Did I show how I adjust to a new system and team?"),
)
SAVE_DELAY_S = 0.8
STACK_BELOW = 110
"""Narrower than this, the self-review sits under the metric table instead of beside it."""


def _ok(good: bool | None, word: str = "") -> Text:
    """✓ within the target; off target, the verdict in words (``too fast``), never a bare mark."""
    if good is None:
        return Text("")
    return Text("✓", style="bold green") if good else Text(word or "off target", style="bold red")


def _verdict(v: Verdict | None) -> Text:
    return _ok(v.ok if v else None, v.word if v else "")


LENGTH_STYLE = {"under": "bold yellow", "over": "bold red"}


def metrics_table(report: Report, th: Thresholds) -> Table:
    """The report's numbers next to the targets they are judged against (see :func:`assess`)."""
    table = Table(box=None, padding=(0, 1), show_header=True, header_style="dim")
    table.add_column("", style="bold", no_wrap=True)
    table.add_column("you", no_wrap=True)
    table.add_column("target", style="dim", no_wrap=True)
    table.add_column("", no_wrap=True)
    a = assess(report, th)
    length = a.length
    verdict = _ok(True) if length.ok else Text(length.word, style=LENGTH_STYLE[length.window])
    table.add_row("Length", length.text, f"{clock(length.min_s)}–{clock(length.max_s)}", verdict)
    s = a.speech
    if s is None:
        return table
    lat = s.latency
    table.add_row("First word", lat.text if lat else "–", lat.short_target if lat else "", _verdict(lat))
    table.add_row("Rate", s.rate.text, s.rate.short_target, _verdict(s.rate))
    f = s.fillers
    table.add_row("Fillers", f"{f.count} · {f.per_minute} · {f.percent}", f.short_target, _verdict(f))
    table.add_row("Longest pause", s.longest_pause.text, s.longest_pause.short_target, _verdict(s.longest_pause))
    # the label column stays narrow: what the count counts goes where the target would be
    table.add_row("Pauses", s.pauses.text, f"each ≥ {th.min_pause_s:g} s", "")
    table.add_row("Words", f"{s.words}", "", "")
    for v in s.voice:
        table.add_row(v.label, v.short, v.short_target, _ok(v.ok))
    return table


def flags_text(report: Report) -> Text:
    out = Text()
    if report.no_speech:
        out.append(f"No speech found in {report.duration_s:.1f} s of audio. "
                   "Check that the microphone is not muted.", style="bold yellow")
        return out
    if not report.flags:
        out.append("No flags: a clean delivery.", style="green")
        return out
    for i, fl in enumerate(report.flags):
        if i:
            out.append("\n")
        out.append(fl.title, style="bold red" if fl.severity == "warning" else "bold yellow")
        if fl.at_s is not None:
            out.append(f" {at_time(fl.at_s)}", style="dim")
        out.append(f"  {fl.message}")
        if fl.tip:
            out.append(f"\n   → {fl.tip}", style="italic")
    return out


def pace_text(report: Report, th: Thresholds) -> Text:
    if len(report.pace) < 2:
        return Text("Too short for a pace curve.", style="dim")
    out = Text(sparkline([p.wpm for p in report.pace]), style="bold cyan")
    out.append(f"   {pace_line(report, th)} ({pace_range(report)})", style="dim")
    return out


class ReportScreen(MockmicScreen[None]):
    """The report of one attempt: just recorded (``fresh``) or opened from the history."""

    help_topic = "report"
    """``?`` (the app's help) opens with what each line of the report means."""

    BINDINGS = [
        Binding("p", "replay", "Replay"),
        Binding("t", "follow", "Replay + transcript"),
        Binding("r", "retry", "Retry"),
        Binding("n", "next", "Next"),
        Binding("escape", "home", "Questions"),
    ]

    def __init__(self, question: Question | None, report: Report, *, attempt_id: int | None,
                 audio_path: str | None, overflows: int = 0, fresh: bool = True,
                 question_text: str | None = None, review: dict[str, int | None] | None = None,
                 note: str | None = None, when: str | None = None,
                 recording_error: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.question_text = question.text if question else (question_text or "")
        self.report = report
        self.attempt_id = attempt_id
        self.audio_path = audio_path
        self.overflows = overflows
        self.fresh = fresh
        self.review = dict(review or {})
        self.note = note or ""
        self.when = when
        self.recording_error = recording_error
        self._save_timer: Timer | None = None
        self._dirty = False
        self._playing = False
        self._paused = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._header(), id="rep-header")
        yield Static("", id="rep-playing")
        # One scroll for the whole report: on a narrow terminal the self-review goes under the
        # numbers and the flags (see on_resize), so what to change comes before the rating, and
        # the page scrolls instead of cutting the table.
        with VerticalScroll(id="rep-scroll"):
            with Horizontal(id="rep-top"):
                with Vertical(id="rep-left"):
                    yield Static(metrics_table(self.report, self.mm.settings.thresholds), id="rep-metrics")
                    yield Static("Flags", classes="section-title")
                    yield Static(flags_text(self.report), id="rep-flags")
                with Vertical(id="rep-review"):
                    yield Static("Self-review: do I sound…", classes="section-title")
                    for lens, label, question in LENSES:
                        yield LensRating(lens, label, question, self.review.get(lens), id=f"lens-{lens}")
                    yield Input(self.note, placeholder="A note for next time", id="note")
                    yield Static("", id="review-state")
            yield Static("Pace over time", classes="section-title")
            yield Static(pace_text(self.report, self.mm.settings.thresholds), id="rep-pace")
            yield Static(Text(f"Transcript  (fillers highlighted; {transcript_pauses_note()} as [1.2s])"),
                         classes="section-title")
            yield Static(transcript_text(self.report) if self.report.words
                         else Text("(nothing transcribed)", style="dim"), id="rep-transcript")
        yield FitFooter()

    def _header(self) -> Text:
        out = Text()
        run = self.mm.practice
        if self.fresh and run is not None and run.mock:
            out.append(f"Mock interview · {run.position} · ", style="bold")
        if self.when:
            out.append(f"{self.when} · ", style="dim")
        out.append(self.question_text, style="bold")
        out.append(f"\nSpeech-to-text model: {self.report.model} · ? explains each line", style="dim")
        if self.fresh and run is not None and run.mock and not run.has_next:
            out.append(" · last question: n shows the summary", style="bold")
        if self.recording_error:
            out.append(f"\nRecording stopped early: {self.recording_error}", style="bold yellow")
        if self.overflows:
            out.append(f" · {self.overflows} input overflow(s): a little audio may be missing",
                       style="yellow")
        return out

    def on_mount(self) -> None:
        self._stack_when_narrow()
        self.query_one("#rep-scroll").focus()

    def on_resize(self) -> None:
        self._stack_when_narrow()

    def _stack_when_narrow(self) -> None:
        """Numbers and self-review side by side from STACK_BELOW columns up, else one above the other."""
        self.query_one("#rep-top").set_class((self.app.size.width or 120) < STACK_BELOW, "-stacked")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next" and not self.fresh:
            return False
        if action == "retry" and self.question is None:
            return False
        if action == "replay" and not self.audio_path:
            return False
        if action == "follow" and (not self.audio_path or self.attempt_id is None or self.mm.store is None):
            return False
        return True

    def action_follow(self) -> None:
        """Open the Replay screen: the transcript follows the audio, jumps to flagged moments."""
        if self.attempt_id is not None:
            if self._playing:
                if self.mm.player is not None:
                    self.mm.player.stop()
                self._playing = False
            self.workers.cancel_group(self, "replay")
            self.mm.open_replay(self.attempt_id)

    # ------------------------------------------------------------------ self-review

    @on(LensRating.Changed)
    @on(Input.Changed, "#note")
    def _review_changed(self, event: LensRating.Changed | Input.Changed) -> None:
        if isinstance(event, LensRating.Changed):
            self.review[event.rating.lens] = event.value
        else:
            self.note = event.value
        if self.attempt_id is None:
            self.query_one("#review-state", Static).update(
                Text("not saved: attempts are not being stored", style="dim"))
            return
        self._dirty = True
        self.query_one("#review-state", Static).update(Text("…", style="dim"))
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY_S, self.save_review)

    def _review_values(self) -> tuple[dict[str, int | None], str]:
        """The self-review as last changed (kept here: the widgets may be gone on unmount)."""
        return {lens: self.review.get(lens) for lens, _, _ in LENSES}, self.note.strip()

    def save_review(self) -> None:
        if not self._dirty or self.attempt_id is None or self.mm.store is None:
            return
        self._dirty = False
        scores, note = self._review_values()
        self._write_review(self.attempt_id, scores, note)

    @work(thread=True, exit_on_error=False, group="review", description="saving the self-review")
    def _write_review(self, attempt_id: int, scores: dict[str, int | None], note: str) -> None:
        if self.mm.store is not None:
            save_review(self.mm.store, attempt_id, scores, note)
        self.post_message(ReviewSaved(attempt_id))

    def on_review_saved(self, message: ReviewSaved) -> None:
        if self.is_attached:
            self.query_one("#review-state", Static).update(Text("saved ✓", style="green"))

    def _flush_review(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self.save_review()

    def on_unmount(self) -> None:
        # the app is closing within the save delay: write the self-review now (a few ms)
        if self._dirty and self.attempt_id is not None and self.mm.store is not None:
            self._dirty = False
            scores, note = self._review_values()
            try:
                save_review(self.mm.store, self.attempt_id, scores, note)
            except Exception:  # noqa: BLE001 - closing: nothing left to show an error on
                pass

    # ------------------------------------------------------------------ replay

    def action_replay(self) -> None:
        player = self.mm.player
        problem = player_problem(player)
        if problem:
            self.notify(f"Cannot play the recording: {problem}", severity="warning")
            return
        assert player is not None  # player_problem says why there is none
        if self._playing:
            if self._paused:
                player.resume()
            else:
                player.pause()
            self._paused = not self._paused
            self._show_playing()
            return
        self._playing = True
        self._paused = False
        self._show_playing()
        self.replay()

    def _show_playing(self) -> None:
        """A line under the header while the recording plays (or is paused): p was heard."""
        line = self.query_one("#rep-playing", Static)
        if not self._playing:
            line.update("")
        elif self._paused:
            line.update(Text("❚❚ paused · p resumes", style="bold yellow"))
        else:
            line.update(Text("▶ playing your answer · p pauses", style="bold green"))
        line.set_class(self._playing, "-shown")

    @work(thread=True, exclusive=True, exit_on_error=False, group="replay", description="replaying")
    def replay(self) -> None:
        worker = get_current_worker()
        player, audio = self.mm.player, self.audio_path
        try:
            if player is None or audio is None:
                raise RuntimeError("nothing to play")
            play_and_wait(player, audio, cancelled=lambda: worker.is_cancelled)
        except Exception as exc:  # noqa: BLE001 - a missing file or device: say so, keep going
            self.post_message(PlaybackEnded(str(exc) or type(exc).__name__))
            return
        self.post_message(PlaybackEnded(None))

    def on_playback_ended(self, message: PlaybackEnded) -> None:
        self._playing = False
        self._paused = False
        self._show_playing()
        if message.reason:
            self.notify(f"Cannot play the recording: {message.reason}", severity="warning")

    def _stop_playback(self) -> None:
        if self._playing:
            self.workers.cancel_group(self, "replay")
            self._playing = False
            self._show_playing()

    # ------------------------------------------------------------------ leaving

    def _leave(self) -> None:
        self._flush_review()
        self._stop_playback()

    def action_retry(self) -> None:
        if self.question is None:
            return
        self._leave()
        if self.fresh:
            self.mm.retry()
        else:
            self.app.pop_screen()
            self.mm.practise(self.question)

    def action_next(self) -> None:
        if not self.fresh:
            return
        self._leave()
        self.mm.next_question()

    def action_home(self) -> None:
        self._leave()
        if self.fresh:
            self.mm.go_home()
        else:
            self.app.pop_screen()
