"""The key flows of issue 14, driven by Pilot: quitting mid-answer asks, Enter goes back to
practising after a past attempt, a fast second Space stops the recording."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fakes import FakePlayer
from test_flow import shown, text_of
from test_review_screens import filled  # noqa: F401  (the fixture)
from waiting import until

from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.dialogs import ConfirmScreen
from mockmic.tui.screens.home import HomeScreen
from mockmic.tui.screens.recording import RecordingScreen
from mockmic.tui.screens.report import ReportScreen

pytestmark = pytest.mark.asyncio
SIZE = (80, 24)


async def _recording(pilot: Any) -> None:
    app = pilot.app
    await until(pilot, lambda: shown(app, HomeScreen) and app.mic_checked, what="home")
    await pilot.press("enter")
    await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None, what="asking")
    await pilot.press("space")
    await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording",
                what="recording")


@pytest.mark.parametrize("key", ["ctrl+q", "q"])
async def test_quitting_while_recording_asks_and_says_the_answer_is_kept(make: Any, key: str) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await _recording(pilot)
        await pilot.press(key)
        await until(pilot, lambda: shown(app, ConfirmScreen), what="the quit question")
        assert "kept" in text_of(app, ".dialog-detail")
        assert "next time it starts" in text_of(app, ".dialog-detail")
        await pilot.press("n")  # keep recording
        await until(pilot, lambda: shown(app, RecordingScreen))
        assert app.screen.phase == "recording" and app.is_running
        await pilot.press("ctrl+q")
        await until(pilot, lambda: shown(app, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, what="the app to quit")


async def test_quit_on_the_question_list_does_not_ask(make: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen))
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, what="the app to quit")


async def test_enter_after_a_past_attempt_practises_the_highlighted_question(make: Any, filled: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen) and app.mic_checked)
        home = app.screen
        await until(pilot, lambda: home.stats != {}, what="stats")
        table = home.query_one("#questions")
        row = table.get_row_index("q:core-why-this-specialty")
        table.move_cursor(row=row)
        attempts = home.query_one("#attempts")
        await until(pilot, lambda: attempts.option_count > 0
                    and str(attempts.get_option_at_index(0).id).isdigit(), what="its attempts")
        await pilot.press("a")
        await until(pilot, lambda: app.focused is attempts and attempts.highlighted == 0)
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, ReportScreen), what="the past attempt")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is home)
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen), what="practising, not the old attempt")
        assert app.screen.question.id == "core-why-this-specialty"


class HeldCue(FakePlayer):
    """The cue plays until the test lets it end (a second Space lands while it plays)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        return self.release.wait(timeout)


async def test_a_fast_second_space_stops_the_recording(make: Any) -> None:
    player = HeldCue()
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen) and app.mic_checked)
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        asking = app.screen
        await pilot.press("space")  # answer now: the cue starts
        await until(pilot, lambda: asking._starting)
        await pilot.press("space")  # ...and stop, before the recording screen is up
        player.release.set()
        # stopped: the report, or (when the stop came before any audio) "no report" on the
        # recording screen; never still recording
        await until(pilot, lambda: shown(app, ReportScreen) or (
            shown(app, RecordingScreen) and app.screen.phase in ("analyzing", "failed")),
            what="the recording to stop: the Space was not lost")


async def test_notifications_never_cover_a_dialog(make: Any) -> None:
    from scenes import screen_text

    from mockmic.tui.screens.dialogs import MockSetupScreen

    app = make()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen) and app.mic_checked)
        for i in range(4):
            app.notify(f"Note number-{i} saved", timeout=60)
        await until(pilot, lambda: "number-3" in screen_text(app), what="the notifications")
        await pilot.press("m")
        await until(pilot, lambda: shown(app, MockSetupScreen, "#start"))
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Start" in text and "Cancel" in text, text
        dialog_rows = [line for line in text.splitlines() if "█" in line]  # its thick border
        assert len(dialog_rows) > 5
        assert not any("number-" in line for line in dialog_rows), text  # held while it is open...
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))
        await until(pilot, lambda: "number-3" in screen_text(app), what="...and shown again after")


async def test_p_on_the_report_shows_that_the_answer_plays(make: Any) -> None:
    from scenes import report

    player = HeldCue()
    player.release.set()  # the question's cue plays through
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await report(pilot)
        line = app.screen.query_one("#rep-playing")
        assert not line.display
        player.release.clear()  # the answer plays until the test lets it end
        await pilot.press("p")
        await until(pilot, lambda: line.display and "playing" in text_of(app, "#rep-playing"))
        await pilot.press("p")
        await until(pilot, lambda: "paused" in text_of(app, "#rep-playing"))
        player.release.set()
        await until(pilot, lambda: not line.display, what="the sign gone when playback ends")
