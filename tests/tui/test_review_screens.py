"""History, Compare and Replay in the real app, on a real SQLite store of real reports."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review_support import long_script, make_report  # noqa: E402
from waiting import until  # noqa: E402

from mockmic.core import SAMPLE_RATE  # noqa: E402

SIZE = (120, 36)


@pytest.fixture(autouse=True)
def _utc(utc: Any) -> None:
    """Every test here sees dates in UTC (the ``utc`` fixture of conftest.py)."""


class SeekablePlayer:
    """Shaped like mockmic.audio.playback.Player; the test sets the position; records every call."""

    def __init__(self, problem: str | None = None) -> None:
        self.error = problem
        self.calls: list[tuple[str, Any]] = []
        self.position_s = 0.0
        self.finished = True
        self.duration_s = 0.0

    def available(self) -> bool:
        return self.error is None

    def load(self, source: Any) -> float:
        self.calls.append(("load", Path(source)))
        self.duration_s = sf.info(str(source)).duration
        return self.duration_s

    def play(self, start_s: float = 0.0) -> None:
        self.calls.append(("play", start_s))
        self.position_s = start_s
        self.finished = False

    def pause(self) -> None:
        self.calls.append(("pause", None))

    def resume(self) -> None:
        self.calls.append(("resume", None))

    def seek(self, delta_s: float) -> float:
        self.calls.append(("seek", round(delta_s, 3)))
        return self.seek_to(self.position_s + delta_s, record=False)

    def seek_to(self, t: float, record: bool = True) -> float:
        if record:
            self.calls.append(("seek_to", round(t, 3)))
        self.position_s = max(0.0, min(t, self.duration_s))
        return self.position_s

    def stop(self) -> None:
        self.calls.append(("stop", None))
        self.finished = True


def _write_audio(path: Path, seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    sf.write(str(path), (0.01 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32),
             SAMPLE_RATE, subtype="PCM_16")
    return path


ATTEMPTS = [
    # question id, question text, script, day, self-review
    ("core-why-this-specialty", "Why did you choose this specialty?", long_script(5, fillers=4, pause=3.5), "2026-11-01T09:30:00+00:00",
     (2, 3, 2, 3), "Too many ums at the start."),
    ("core-why-this-specialty", "Why did you choose this specialty?", long_script(5, fillers=1), "2026-11-03T19:05:00+00:00",
     (4, 4, 3, 4), None),
    ("core-tell-me-about-yourself", "Tell me about yourself.", long_script(8) + " but in my country we did it without any supervision",
     "2026-11-02T08:00:00+00:00", (None, None, None, None), None),
]


@pytest.fixture
def filled(store: Any, settings: Any) -> list[int]:
    """Three finished attempts of two questions, with audio files, at fixed times."""
    ids = []
    for i, (qid, text, script, when, review, note) in enumerate(ATTEMPTS):
        report = make_report(script, target=(45, 90) if qid == "core-why-this-specialty" else (90, 120))
        audio = _write_audio(settings.recordings / "audio" / f"take{i}.wav", report.duration_s)
        aid = store.begin_attempt(qid, text, audio)
        store.finish_attempt(aid, report, duration_s=report.duration_s)
        if any(v is not None for v in review) or note:
            store.save_review(aid, *review, note=note)
        ids.append(aid)
    with sqlite3.connect(store.path) as conn:  # fixed times, as if recorded on those days
        for aid, row in zip(ids, ATTEMPTS):
            conn.execute("UPDATE attempts SET started_at = ?, model = 'base' WHERE id = ?", (row[3], aid))
    return ids


async def _settle(pilot: Any, app: Any) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _table_keys(screen: Any) -> list[str]:
    from textual.widgets import DataTable

    table = screen.query_one("#history-table", DataTable)
    return [str(k.value) for k in table.rows]


@pytest.mark.asyncio
async def test_history_lists_attempts_by_question_and_by_date(make: Any, filled: list[int]) -> None:
    from textual.widgets import Static

    from mockmic.tui.screens.history import HistoryScreen

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        a0, a1, a2 = filled
        # newest question group first, newest attempt first inside it
        assert _table_keys(screen) == ["q:core-why-this-specialty", f"a:{a1}", f"a:{a0}",
                                       "q:core-tell-me-about-yourself", f"a:{a2}"]
        # the cursor starts on the newest attempt; the trend pane shows its question's progress
        trends = str(screen.query_one("#history-trends", Static).render())
        assert "Why did you choose this specialty?" in trends and "2 attempts" in trends
        fill_line = next(line for line in trends.splitlines() if line.startswith("Fillers / min"))
        assert fill_line.rstrip().endswith("better")
        assert "safe" in trends and "2" in trends
        await pilot.press("g")
        await pilot.pause()
        assert _table_keys(screen) == ["d:2026-11-03", f"a:{a1}", "d:2026-11-02", f"a:{a2}",
                                       "d:2026-11-01", f"a:{a0}"]


@pytest.mark.asyncio
async def test_compare_shows_both_attempts(make: Any, filled: list[int]) -> None:
    from textual.widgets import Static

    from mockmic.tui.screens.compare import CompareScreen

    a0, a1, _a2 = filled
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        await pilot.press("c")  # the newest specialty attempt vs the one before it
        await _settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.ids == (a0, a1)
        left = _plain(screen.query_one("#compare-a", Static).content, app)
        right = _plain(screen.query_one("#compare-b", Static).content, app)
        assert f"Attempt {a0}" in left and f"Attempt {a1}" in right
        assert "Long pause" in left and "Long pause" not in right and "long_pause" not in left
        assert "Too many ums at the start." in left
        assert left.count("um") > right.count("um")
        head = screen.query_one("#compare-head", Static).content
        head_text = _plain(head, app)
        assert "Longest pause" in head_text and "better" in head_text


def _plain(renderable: Any, app: Any) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


@pytest.mark.asyncio
async def test_compare_refuses_different_questions(make: Any, filled: list[int]) -> None:
    from mockmic.tui.screens.history import HistoryScreen

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        await pilot.press("space")  # mark the newest specialty attempt
        screen = app.screen
        table = screen.query_one("#history-table")
        table.move_cursor(row=table.get_row_index(f"a:{filled[2]}"))
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert any("same question" in n.message for n in app._notifications)


@pytest.mark.asyncio
async def test_replay_highlights_the_word_at_the_player_position(make: Any, filled: list[int]) -> None:
    from mockmic.tui.screens.replay import ReplayScreen
    from mockmic.tui.widgets.review_widgets import TranscriptFollower

    player = SeekablePlayer()
    app = make(player=player)
    a0 = filled[0]
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        app.push_screen(ReplayScreen(a0))
        await _settle(pilot, app)
        screen = app.screen
        report = screen.report
        follower = screen.query_one("#replay-transcript", TranscriptFollower)
        assert follower.current is None  # nothing played yet
        await pilot.press("space")
        await _settle(pilot, app)
        assert player.calls[0][0] == "load" and player.calls[0][1].name == "take0.wav"
        assert player.calls[1] == ("play", 0.0)
        for idx in (3, 40, len(report.words) - 1):
            player.position_s = report.words[idx].start + 0.05
            await until(pilot, lambda: follower.current == idx, what=f"word {idx} highlighted")
            assert report.words[idx].text in str(follower.render())
        # seek back 5 s: a relative seek on the player
        player.position_s = 30.0
        await pilot.pause(0.25)
        await pilot.press("left")
        await _settle(pilot, app)
        assert ("seek", -5.0) in player.calls
        # pause, resume
        await pilot.press("space")
        await _settle(pilot, app)
        await pilot.press("space")
        await _settle(pilot, app)
        assert [c[0] for c in player.calls][-2:] == ["pause", "resume"]
        # the clip ends: the screen notices and shows it stopped
        player.position_s, player.finished = report.duration_s, True
        await until(pilot, lambda: not screen.playing, what="the end of the clip noticed")
        await pilot.press("space")  # plays again from the start, without decoding the file again
        await _settle(pilot, app)
        assert player.calls[-1] == ("play", 0.0) and [c[0] for c in player.calls].count("load") == 1


@pytest.mark.asyncio
async def test_replay_jumps_to_flagged_moments(make: Any, filled: list[int]) -> None:
    from mockmic.tui.screens.replay import LEAD_IN_S, ReplayScreen

    player = SeekablePlayer()
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        app.push_screen(ReplayScreen(filled[0]))
        await _settle(pilot, app)
        screen = app.screen
        kinds = {m.kind for m in screen.moments}
        assert {"filler", "long_pause"} <= kinds
        await pilot.press("space")
        await _settle(pilot, app)
        seen = []
        targets = sorted({round(m.t, 2) for m in screen.moments if m.t > LEAD_IN_S})
        for i in range(len(screen.moments)):
            await pilot.press("n")
            await _settle(pilot, app)
            if i < len(targets):
                await until(pilot, lambda: round(screen.position() + LEAD_IN_S, 2) == targets[i],
                            what=f"the jump to moment {i}")
            seen.append(round(screen.position() + LEAD_IN_S, 2))
        assert seen[: len(targets)] == targets
        pause = next(m for m in screen.moments if m.kind == "long_pause")
        assert round(pause.t, 2) in seen


@pytest.mark.asyncio
async def test_replay_without_output_device_says_so_and_still_follows(make: Any, filled: list[int]) -> None:
    from textual.widgets import Static

    from mockmic.tui.screens.replay import ReplayScreen
    from mockmic.tui.widgets.review_widgets import TranscriptFollower

    player = SeekablePlayer(problem="no audio output device found")
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        app.push_screen(ReplayScreen(filled[0]))
        await _settle(pilot, app)
        screen = app.screen
        notice = str(screen.query_one("#replay-notice", Static).render())
        assert "No sound: no audio output device found" in notice
        follower = screen.query_one("#replay-transcript", TranscriptFollower)
        await pilot.press("right")  # +5 s on the silent clock
        await until(pilot, lambda: screen.position() == pytest.approx(5.0) and follower.current is not None,
                    what="the seek to 5 s")
        assert screen.report.words[follower.current].start <= 5.0
        await pilot.press("n")  # the next flagged moment: the second "um"
        second_um = [m for m in screen.moments if m.kind == "filler"][1]
        await until(pilot, lambda: screen.position() == pytest.approx(second_um.t - 0.5),
                    what="the jump to the second um")
        await pilot.press("space")  # the silent clock runs
        await until(pilot, lambda: screen.position() > second_um.t
                    and screen.report.words[follower.current].start >= second_um.t,
                    what="the silent clock running past the um")
        assert not [c for c in player.calls if c[0] == "play"]  # never asked to make a sound


@pytest.mark.asyncio
async def test_delete_removes_the_row_and_the_audio(make: Any, filled: list[int], store: Any) -> None:
    from mockmic.tui.screens.dialogs import ConfirmScreen
    from mockmic.tui.screens.history import HistoryScreen

    a0, a1, _a2 = filled
    audio = store.get(a1).audio_path
    assert audio.is_file()
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep it
        await _settle(pilot, app)
        assert audio.is_file() and store.get(a1) is not None
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await _settle(pilot, app)
        await _settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert f"a:{a1}" not in _table_keys(screen) and f"a:{a0}" in _table_keys(screen)
        assert store.get(a1) is None and not audio.exists()


@pytest.mark.asyncio
async def test_export_from_history_writes_html(make: Any, filled: list[int], settings: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        await pilot.press("e")
        await _settle(pilot, app)
    out = settings.recordings / "exports" / f"attempt-{filled[1]}.html"
    page = out.read_text()
    assert "Why did you choose this specialty?" in page and "<svg" in page and "<script" not in page


# ----------------------------------------------------------------------------- snapshots


def _snap_app(make: Any, **kw: Any) -> Any:
    return make(mic_check=lambda: "no microphone found", **kw)


# History and Compare at 120x36 on these three attempts are snapshot in tests/tui/test_snapshots.py
# (test_screen[history-120x36], test_screen[compare-120x36], and at 80x24); the two snapshots
# this file used to keep of them were the same pictures byte for byte. Replay is kept here: it
# is paused mid-answer with a word highlighted, which the snapshot there (at the start) is not.


def test_snapshot_replay(make: Any, filled: list[int], snap_compare: Any) -> None:
    player = SeekablePlayer()

    async def run_before(pilot: Any) -> None:
        from mockmic.tui.screens.replay import ReplayScreen

        app = pilot.app
        await _settle(pilot, app)
        app.push_screen(ReplayScreen(filled[0]))
        await _settle(pilot, app)
        await pilot.press("space")
        await _settle(pilot, app)
        await pilot.press("space")  # paused, so the frame is still
        await _settle(pilot, app)
        player.position_s = app.screen.report.words[30].start + 0.05
        app.screen._last_pos = player.position_s
        await pilot.pause(0.3)

    assert snap_compare(_snap_app(make, player=player), terminal_size=SIZE, run_before=run_before)


@pytest.mark.asyncio
async def test_replay_failing_player_falls_back_to_the_silent_clock(make: Any, filled: list[int]) -> None:
    from textual.widgets import Static

    class BrokenPlayer(SeekablePlayer):
        def play(self, start_s: float = 0.0) -> None:
            raise RuntimeError("cannot open the output device: device unavailable")

    player = BrokenPlayer()
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        from mockmic.tui.screens.replay import ReplayScreen

        app.push_screen(ReplayScreen(filled[0]))
        await _settle(pilot, app)
        screen = app.screen
        assert str(screen.query_one("#replay-notice", Static).render()) == ""
        await pilot.press("space")
        await _settle(pilot, app)
        await until(pilot, lambda: "device unavailable" in str(screen.query_one("#replay-notice", Static).render())
                    and screen.playing and screen.position() > 0.2,
                    what="the silent clock taking over")  # and the notice saying why


# ----------------------------------------------------------------------------- the real player


@pytest.mark.mic
@pytest.mark.asyncio
async def test_replay_with_the_real_player_through_pulseaudio(virtual_mic: Any, make: Any, filled: list[int]) -> None:
    """Real sounddevice playback into the PulseAudio null sink; its monitor hears the attempt."""
    import sounddevice as sd

    from mockmic.audio.playback import Player
    from mockmic.tui.screens.replay import ReplayScreen
    from mockmic.tui.widgets.review_widgets import TranscriptFollower

    player = Player()
    assert player.available(), player.error
    app = make(player=player)
    heard: list[np.ndarray] = []

    def listen(indata: np.ndarray, frames: int, t: Any, status: Any) -> None:
        heard.append(indata[:, 0].copy())

    monitor = sd.InputStream(device=None, samplerate=SAMPLE_RATE, channels=1, dtype="float32", callback=listen)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot, app)
            app.push_screen(ReplayScreen(filled[0]))
            await _settle(pilot, app)
            screen = app.screen
            follower = screen.query_one("#replay-transcript", TranscriptFollower)
            monitor.start()
            t0 = time.monotonic()
            await pilot.press("space")
            await pilot.pause(2.5)
            pos = player.position_s
            elapsed = time.monotonic() - t0
            # playback has moved on, at most as far as the wall clock (plus the device's buffer);
            # measured against the clock, not the nominal pause: a loaded machine may stretch it
            assert 1.0 < pos < elapsed + 1.0 and player.playing, (pos, elapsed)
            assert follower.current is not None
            assert abs(screen.report.words[follower.current].start - pos) < 1.0
            await pilot.press("right")
            await until(pilot, lambda: player.position_s > pos + 4.5, what="the seek forward")
            await pilot.press("space")  # pause
            await until(pilot, lambda: not player.playing, what="the pause")
            paused_at = player.position_s
            await pilot.pause(0.6)
            assert player.position_s == pytest.approx(paused_at, abs=0.05)
            await pilot.press("escape")
            await _settle(pilot, app)
            assert player.finished
    finally:
        monitor.stop()
        monitor.close()
    sound = np.concatenate(heard) if heard else np.zeros(1)
    # the attempt's audio is noise at 0.01 RMS; the null sink is exact zeros when nothing plays
    assert np.sqrt(np.mean(sound ** 2)) > 0.002


@pytest.mark.asyncio
async def test_history_opens_on_the_question_under_the_home_cursor(make: Any, filled: list[int], bank: Any) -> None:
    from mockmic.tui.screens.history import HistoryScreen

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        home = app.screen
        table = home.query_one("#questions")
        assert bank.get("core-tell-me-about-yourself") is not None
        table.move_cursor(row=table.get_row_index("q:core-tell-me-about-yourself"))
        await pilot.pause()
        await pilot.press("h")
        await _settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.highlighted_key() == f"a:{filled[2]}"


@pytest.mark.asyncio
async def test_palette_entries_open_history_and_export(make: Any, filled: list[int], settings: Any) -> None:
    from textual.command import CommandList

    from mockmic.tui.commands import ReviewCommands
    from mockmic.tui.screens.history import HistoryScreen

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        # the palette lists the History entry when searched for
        from textual.command import CommandPalette

        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"history")
        prompts: list[str] = []

        def listed() -> bool:  # the palette searches in the background
            nonlocal prompts
            found = app.screen.query(CommandList)
            if found:
                lst = found.first()
                prompts = [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]
            return any("History: past attempts" in p for p in prompts)

        await until(pilot, listed, what="the History entry in the palette")
        await pilot.press("escape")
        await pilot.pause()
        # what the entry runs (called directly: the palette's ordering is its own business)
        provider = ReviewCommands(app.screen)
        hits = [h async for h in provider.search("history")]
        assert hits and "History" in str(hits[0].text)
        hits[0].command()
        await _settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        names = [h.text async for h in ReviewCommands(app.screen).discover()]
        assert f"Export attempt {filled[1]} as Markdown" in names
        await pilot.press("E")  # shift+e: Markdown export of the highlighted attempt
        await _settle(pilot, app)
    md = (settings.recordings / "exports" / f"attempt-{filled[1]}.md").read_text()
    assert md.startswith("# Practice answer: ") and "Progress on this question: this answer and 1 earlier one" in md


@pytest.mark.asyncio
async def test_delete_from_replay_returns_to_history_without_the_attempt(make: Any, filled: list[int],
                                                                         store: Any) -> None:
    from mockmic.tui.screens.history import HistoryScreen
    from mockmic.tui.screens.replay import ReplayScreen

    app = make(player=SeekablePlayer())
    a1 = filled[1]
    audio = store.get(a1).audio_path
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, app)
        await pilot.press("h")
        await _settle(pilot, app)
        await pilot.press("enter")  # replay the highlighted (newest) attempt
        await _settle(pilot, app)
        assert isinstance(app.screen, ReplayScreen) and app.screen.attempt_id == a1
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await _settle(pilot, app)
        await _settle(pilot, app)
        assert isinstance(app.screen, HistoryScreen)
        assert f"a:{a1}" not in _table_keys(app.screen)
    assert not audio.exists() and store.get(a1) is None
