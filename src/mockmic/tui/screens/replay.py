"""Replay an attempt: its audio plays while the transcript follows it, word by word.

Space pauses and resumes, ←/→ seek 5 s, n / N jump to the next / previous flagged moment (long
pause, filler, filler cluster, content flag), Home starts over. The highlight follows the player
through a timer that reads the player's position ten times a second; every call that could
block (starting playback, seeking, stopping) runs in a thread worker.

Without an output device (or without the audio file) a notice says so and the replay runs on a
silent clock instead: the transcript, the moments and the jumps all still work.
"""

from __future__ import annotations

import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.analysis.moments import Moment, flagged_moments, next_moment, previous_moment, word_index_at
from mockmic.core import Report
from mockmic.practice.ports import SoundPlayer
from mockmic.reporting.fmt import clock, when_text
from mockmic.store.db import Attempt
from mockmic.tui.messages import PlaybackFailed, PlaybackStarted, ReplayLoaded
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.widgets.review_widgets import TranscriptFollower

TICK_S = 0.1
LEAD_IN_S = 0.5
"""A jump lands this much before the moment, so its start is heard."""


class SilentClock:
    """Playback position without sound: a clock that can be paused and moved."""

    def __init__(self, duration_s: float, now: Callable[[], float] = time.monotonic) -> None:
        self.duration_s = duration_s
        self._now = now
        self._base = 0.0
        self._since: float | None = None

    @property
    def playing(self) -> bool:
        return self._since is not None

    def position(self) -> float:
        pos = self._base + (self._now() - self._since if self._since is not None else 0.0)
        return min(pos, self.duration_s)

    def play(self, at: float | None = None) -> None:
        if at is not None:
            self._base = max(0.0, min(at, self.duration_s))
        self._since = self._now()

    def pause(self) -> None:
        self._base = self.position()
        self._since = None

    def move_to(self, at: float) -> None:
        playing = self.playing
        self._base = max(0.0, min(at, self.duration_s))
        self._since = self._now() if playing else None


def _position_of(player: Any) -> float | None:
    value = getattr(player, "position_s", None)
    if callable(value):
        value = value()
    return None if value is None else float(value)


def _start_player(player: SoundPlayer, path: Path, at: float, loaded: list[Path]) -> None:
    """Load ``path`` into the player (once: decoding takes a moment) and play from ``at`` s."""
    if not loaded or loaded[0] != path:
        player.load(path)
        loaded[:] = [path]
    player.play(at)


class ReplayScreen(MockmicScreen[None]):
    """Audio + transcript following it + the flagged moments to jump to."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("space", "play_pause", "Play/pause"),
        Binding("left", "seek(-5)", "−5 s"),
        Binding("right", "seek(5)", "+5 s"),
        Binding("n", "next_moment", "Next flag"),
        Binding("N", "previous_moment", "Previous flag", key_display="N"),
        Binding("home", "restart", "Start", show=False),
        Binding("e", "export", "Export HTML"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, attempt_id: int) -> None:
        super().__init__()
        self.attempt_id = int(attempt_id)
        self.attempt: Attempt | None = None
        self.report: Report | None = None
        self.audio: Path | None = None
        self.problem: str | None = None
        self.moments: list[Moment] = []
        self.duration_s = 0.0
        self.clock: SilentClock | None = None
        """Set when there is no sound: the position then comes from this clock."""
        self.playing = False
        self.started = False
        self._last_pos = 0.0
        self._loaded: list[Path] = []
        self._live = False
        """The player's stream runs (set when the start worker reports back)."""
        """The file the player has loaded (set by the worker that loads it)."""

    def compose(self) -> ComposeResult:
        yield TitleBar("replay")
        yield Static(id="replay-title")
        yield Static("Reading the attempt…", id="replay-state")
        yield Static(id="replay-notice")
        with Horizontal(id="replay-body"):
            with VerticalScroll(id="replay-scroll"):
                yield TranscriptFollower(id="replay-transcript")
            yield OptionList(id="replay-moments")
        yield FitFooter()

    def on_mount(self) -> None:
        self.sub_title = f"replay attempt {self.attempt_id}"
        self._load()
        self.set_interval(TICK_S, self._tick)

    def review_attempt(self) -> Attempt | None:
        return self.attempt

    @property
    def player(self) -> SoundPlayer | None:
        return self.mm.player

    def _sound(self) -> SoundPlayer:
        """The player, once the replay plays with sound (no silent clock: it is there)."""
        assert self.player is not None
        return self.player

    # -------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, exit_on_error=False, group="replay-load", description="reading the attempt")
    def _load(self) -> None:
        store = self.mm.store
        attempt = store.get(self.attempt_id) if store is not None else None
        if attempt is None:
            self.post_message(ReplayLoaded(None, None, None, None, f"Attempt {self.attempt_id} is not in the store."))
            return
        report = attempt.report
        audio = Path(attempt.audio_path) if attempt.audio_path else None
        problem: str | None
        if audio is None or not audio.is_file():
            problem = f"the audio file is missing ({audio})" if audio else "this attempt has no audio file"
        else:
            from mockmic.practice.playback import player_problem

            problem = player_problem(self.player)
            if problem:
                problem = f"no sound: {self.player.error if self.player is not None and self.player.error else problem}"
        self.post_message(ReplayLoaded(attempt, report, audio, problem))

    def on_replay_loaded(self, message: ReplayLoaded) -> None:
        state = self.query_one("#replay-state", Static)
        if message.error:
            state.update(Text(message.error, style="bold red"))
            return
        a = message.attempt
        if a is None:
            return
        self.attempt, self.report, self.audio, self.problem = a, message.report, message.audio, message.problem
        self.duration_s = float(a.duration_s or (message.report.duration_s if message.report else 0.0) or 0.0)
        title = Text(a.question_text or a.question_id or "Free practice", style="bold")
        title.append(f"\nattempt {a.id} · {when_text(a.started_at)} · {clock(self.duration_s)}", style="dim")
        self.query_one("#replay-title", Static).update(title)
        self.query_one("#replay-transcript", TranscriptFollower).set_report(message.report)
        th = self.mm.settings.thresholds
        self.moments = flagged_moments(message.report, long_pause_s=th.long_pause_s,
                                       trailing_drop_db=th.trailing_drop_db) if message.report else []
        moments = self.query_one("#replay-moments", OptionList)
        moments.clear_options()
        if not self.moments:
            moments.add_option(Option(Text("No flagged moments.", style="dim"), id="none", disabled=True))
        for i, m in enumerate(self.moments):
            moments.add_option(Option(Text.assemble((f"{clock(m.t)} ", "bold"), (m.label, _KIND_STYLE[m.kind])),
                                      id=f"m{i}"))
        notice = self.query_one("#replay-notice", Static)
        if self.problem:
            self.clock = SilentClock(self.duration_s)
            notice.update(f"⚠ {self.problem[0].upper()}{self.problem[1:]}. The transcript still follows a silent "
                          "clock: space plays/pauses, ←/→ and n/N move.")
        else:
            notice.update("")
        self._show_state(0.0)

    # -------------------------------------------------------------- position and highlight

    def position(self) -> float:
        if self.clock is not None:
            return self.clock.position()
        if not self.started:
            return self._last_pos
        pos = _position_of(self.player)
        return self._last_pos if pos is None else pos

    def _tick(self) -> None:
        if self.attempt is None:
            return
        pos = self.position()
        if self.playing and (pos >= self.duration_s - 0.05 or self._player_finished()):
            self._ended()
        self._last_pos = pos
        self._show_state(pos)

    def _show_state(self, pos: float) -> None:
        follower = self.query_one("#replay-transcript", TranscriptFollower)
        idx = word_index_at(self.report.words, pos) if self.report else None
        if follower.set_current(idx) and idx is not None:
            scroll = self.query_one("#replay-scroll", VerticalScroll)
            y = follower.current_fraction() * scroll.virtual_size.height - scroll.size.height / 2
            scroll.scroll_to(y=max(0.0, y), animate=False)
        mark = "▶ playing" if self.playing else ("⏸ paused" if self.started or self.clock else "■ ready")
        bar_w = 30
        frac = min(1.0, pos / self.duration_s) if self.duration_s else 0.0
        bar = "━" * int(frac * bar_w) + "●" + "─" * (bar_w - int(frac * bar_w))
        text = Text()
        text.append(f"{mark:<10}", style="bold green" if self.playing else "bold")
        text.append(f" {clock(pos, tenths=True)} {bar} {clock(self.duration_s, tenths=True)}")
        nxt = next_moment(self.moments, pos)
        if nxt is not None:
            text.append(f"   next flag {clock(nxt.t)} (n)", style="dim")
        self.query_one("#replay-state", Static).update(text)

    # -------------------------------------------------------------- transport

    def _player_call(self, fn: Callable[..., object], *args: object, description: str = "playback") -> None:
        """Run a player method off the UI thread (decoding a file, opening a stream take a while)."""
        def run() -> None:
            try:
                fn(*args)
            except Exception as exc:  # noqa: BLE001 - PlaybackError, AudioError: replay goes on silently
                self.post_message(PlaybackFailed(str(exc) or type(exc).__name__))
                return
            if fn is _start_player:
                self.post_message(PlaybackStarted())

        self.run_worker(run, thread=True, exit_on_error=False, group="replay-player", description=description)

    def _play_from(self, at: float) -> None:
        at = max(0.0, min(at, max(0.0, self.duration_s - 0.05)))
        self._last_pos = at
        self._live = False
        if self.clock is not None:
            self.clock.play(at)
        else:
            self._player_call(_start_player, self.player, self.audio, at, self._loaded,
                              description="starting playback")
        self.started = True
        self.playing = True

    def action_play_pause(self) -> None:
        if self.attempt is None:
            return
        if not self.playing:
            at = self.position()
            if at >= self.duration_s - 0.1:
                at = 0.0
            if self.clock is None and self.started:
                self._player_call(self._sound().resume, description="resuming playback")
                self.playing = True
            else:
                self._play_from(at)
            return
        if self.clock is not None:
            self.clock.pause()
        else:
            self._player_call(self._sound().pause, description="pausing playback")
        self.playing = False

    def move_to(self, at: float) -> None:
        """Put the playback (or, before it started, the cursor) at ``at`` seconds."""
        if self.attempt is None:
            return
        at = max(0.0, min(at, self.duration_s))
        if self.clock is not None:
            self.clock.move_to(at)
        elif self.started:
            self._player_call(self._sound().seek_to, at, description="seeking")
        self._last_pos = at
        self._show_state(at)

    def action_seek(self, delta: float) -> None:
        if self.attempt is None:
            return
        if self.clock is None and self.started:
            self._player_call(self._sound().seek, float(delta), description="seeking")
            self._show_state(max(0.0, min(self.position() + float(delta), self.duration_s)))
            return
        self.move_to(self.position() + float(delta))

    def action_restart(self) -> None:
        self.move_to(0.0)

    def action_next_moment(self) -> None:
        m = next_moment(self.moments, self.position() + LEAD_IN_S)
        if m is None:
            self.notify("No more flagged moments after this point.")
            return
        self._jump(m)

    def action_previous_moment(self) -> None:
        m = previous_moment(self.moments, self.position() + LEAD_IN_S)
        if m is None:
            self.notify("No flagged moment before this point.")
            return
        self._jump(m)

    def _jump(self, m: Moment) -> None:
        self.move_to(max(0.0, m.t - LEAD_IN_S))
        idx = self.moments.index(m)
        moments = self.query_one("#replay-moments", OptionList)
        moments.highlighted = idx

    @on(OptionList.OptionSelected, "#replay-moments")
    def _moment_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.startswith("m"):
            self._jump(self.moments[int(event.option.id[1:])])

    def _player_finished(self) -> bool:
        return self._live and self.clock is None and bool(getattr(self.player, "finished", False))

    def on_playback_started(self, message: PlaybackStarted) -> None:
        self._live = self.started

    def on_playback_failed(self, message: PlaybackFailed) -> None:
        """No sound after all: carry on with the silent clock from where we were."""
        pos = self._last_pos
        self.problem = f"no sound: {message.reason}"
        self.clock = SilentClock(self.duration_s)
        self.clock.move_to(pos)
        if self.playing:
            self.clock.play()
        self.query_one("#replay-notice", Static).update(
            f"⚠ No sound: {message.reason}. The transcript still follows a silent clock.")

    def _ended(self) -> None:
        self._live = False
        self.playing = False
        self.started = False
        if self.clock is not None:
            self.clock.pause()

    def _stop(self) -> None:
        if self.clock is None and self.started and self.player is not None:
            self._player_call(self.player.stop, description="stopping playback")
        self.playing = False
        self.started = False
        self._live = False

    # -------------------------------------------------------------- leaving, delete, export

    def action_back(self) -> None:
        self._stop()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self.started and self.clock is None and self.player is not None:
            try:
                self.player.stop()
            except Exception:  # noqa: BLE001 - leaving the screen must not fail
                pass

    def action_export(self) -> None:
        if self.attempt is not None:
            self.mm.start_export("html", attempt_ids=(self.attempt_id,))

    def action_delete(self) -> None:
        if self.attempt is None:
            return

        def deleted(_id: int) -> None:
            if self.is_current:
                self.app.pop_screen()

        self._stop()
        self.mm.confirm_delete(self.attempt, deleted)


_KIND_STYLE = {"long_pause": "cyan", "filler": "yellow", "filler_cluster": "bold yellow", "content": "bold red",
               "voice": "magenta", "delivery": "bold magenta"}
