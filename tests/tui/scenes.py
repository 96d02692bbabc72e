"""Ways to reach every screen of the practice room with Pilot, shared by the snapshot tests and
the layout checks (every screen at 80×24 and at 120×36).

Each scene is ``async (pilot) -> None`` and leaves the app still on the screen it names. They use
only fakes (tests/tui/conftest.py) and wait on conditions, never on the clock.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from waiting import until

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}


def screen_text(app: Any) -> str:
    """The whole terminal as plain text, one line per row (what a user would read)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def shown(app: Any, cls: type, selector: str = "*") -> bool:
    return isinstance(app.screen, cls) and bool(app.screen.query(selector))


async def settle(pilot: Any) -> None:
    """Every worker done and the screen redrawn."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _press_for(pilot: Any, key: str, screen: type, selector: str = "*") -> None:
    """Press ``key`` and wait until ``screen`` is shown with ``selector`` mounted, then settle."""
    await pilot.press(key)
    await until(pilot, lambda: shown(pilot.app, screen, selector), what=screen.__name__)
    await settle(pilot)


async def home(pilot: Any) -> None:
    app = pilot.app
    await until(pilot, lambda: "ready" in str(app.screen.query_one("#status").render())
                and app.mic_checked, what="home ready")
    await settle(pilot)
    await pilot.pause(0.1)


async def asking(pilot: Any) -> None:
    from mockmic.tui.screens.asking import AskingScreen

    await home(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: shown(pilot.app, AskingScreen) and pilot.app.screen.spoken is False,
                what="asking")
    await pilot.pause(0.1)


async def recording(pilot: Any) -> None:
    from mockmic.tui.screens.recording import RecordingScreen

    await asking(pilot)
    await pilot.press("space")
    await until(pilot, lambda: shown(pilot.app, RecordingScreen) and pilot.app.screen.phase == "recording",
                what="recording")
    await pilot.pause(0.2)


async def report(pilot: Any) -> None:
    from mockmic.tui.screens.report import ReportScreen

    await recording(pilot)
    await pilot.press("space")
    await until(pilot, lambda: shown(pilot.app, ReportScreen, "#rep-transcript")
                and pilot.app.focused is not None and pilot.app.focused.id == "rep-scroll",
                what="report")
    await settle(pilot)


async def mock_setup(pilot: Any) -> None:
    from mockmic.tui.screens.dialogs import MockSetupScreen

    await home(pilot)
    await pilot.press("m")
    await until(pilot, lambda: shown(pilot.app, MockSetupScreen, "#count"), what="mock setup")
    await pilot.pause(0.1)


async def summary(pilot: Any) -> None:
    from mockmic.tui.screens.asking import AskingScreen
    from mockmic.tui.screens.report import ReportScreen
    from mockmic.tui.screens.summary import SummaryScreen

    await mock_setup(pilot)
    await pilot.press("backspace", "2", "enter")
    for _ in range(2):
        await until(pilot, lambda: shown(pilot.app, AskingScreen) and pilot.app.screen.spoken is False)
        await pilot.press("space")
        await until(pilot, lambda: getattr(pilot.app.screen, "phase", "") == "recording")
        await pilot.press("space")
        await until(pilot, lambda: shown(pilot.app, ReportScreen, "#rep-transcript"))
        await settle(pilot)
        await pilot.press("n")
    await until(pilot, lambda: shown(pilot.app, SummaryScreen, "#sum-table"), what="summary")
    await settle(pilot)


async def discard_dialog(pilot: Any) -> None:
    from mockmic.tui.screens.dialogs import ConfirmScreen

    await recording(pilot)
    await pilot.press("escape")
    await until(pilot, lambda: shown(pilot.app, ConfirmScreen), what="discard dialog")
    await pilot.pause(0.1)


async def help_(pilot: Any) -> None:
    from mockmic.tui.screens.help import HelpScreen

    await home(pilot)
    await pilot.press("question_mark")
    await until(pilot, lambda: shown(pilot.app, HelpScreen), what="help")
    await pilot.pause(0.1)


async def settings(pilot: Any) -> None:
    from mockmic.tui.screens.settings import SettingsScreen

    await home(pilot)
    await _press_for(pilot, "s", SettingsScreen)


async def history(pilot: Any) -> None:
    from mockmic.tui.screens.history import HistoryScreen

    await home(pilot)
    await _press_for(pilot, "h", HistoryScreen, "#history-table")


async def compare(pilot: Any) -> None:
    from mockmic.tui.screens.compare import CompareScreen

    await history(pilot)
    await _press_for(pilot, "c", CompareScreen)


async def replay(pilot: Any) -> None:
    from mockmic.tui.screens.replay import ReplayScreen

    await history(pilot)
    await _press_for(pilot, "p", ReplayScreen)


Scene = Callable[[Any], Awaitable[None]]
SCENES: dict[str, Scene] = {
    "home": home, "asking": asking, "recording": recording, "report": report,
    "mock_setup": mock_setup, "summary": summary, "discard_dialog": discard_dialog,
    "help": help_, "settings": settings, "history": history, "compare": compare, "replay": replay,
}
