"""Snapshots (pytest-textual-snapshot) of every screen of the practice room at 80×24 and at
120×36, and the footer check: no key is cut, ``? Help`` is always shown.

Frozen: the transcriber (canned words), the recorder's clock and level (ScriptedRecorder) where a
recording is on screen, the voice (off), the microphone check, the cursor blink, the time zone,
the attempts in the store (three, at fixed times). Look at the SVGs before --snapshot-update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import scripted_factory
from scenes import SCENES, SIZES, screen_text
from test_flow import until
from test_review_screens import filled  # noqa: F401  (the fixture: three attempts)

from mockmic.tui.widgets.footer import FitFooter

CONFIG = Path("/home/you/.local/share/mockmic/mockmic.toml")
"""The settings file the settings screen names (no file is read or written there)."""
FROZEN_CLOCK = {"recording", "discard_dialog"}


@pytest.fixture(autouse=True)
def _utc(utc: Any) -> None:
    """Every test here sees dates in UTC (the ``utc`` fixture of conftest.py)."""


def footer_problems(app: Any) -> list[str]:
    """Each footer key shown must be whole on the last line of the terminal, and ``?`` there."""
    footers = list(app.screen.query(FitFooter))
    if not footers:  # a dialog: the footer under it is the screen's own
        return []
    width = app.size.width
    last = screen_text(app).splitlines()[-1]
    problems = []
    keys = [k for k in footers[0].query("FooterKey") if "-command-palette" not in k.classes]
    for key in keys:
        label = f"{key.key_display} {key.description}"
        if key.region.right > width or label not in last:
            problems.append(f"{label!r} cut or missing in {last!r}")
    if not any(k.action in ("help", "app.help") for k in keys):
        problems.append(f"no '? Help' in {last!r}")
    return problems


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_screen(snap_compare: Any, make: Any, filled: Any, answer_audio: Any, scene: str, size: str) -> None:
    options: dict[str, Any] = {"config_path": CONFIG}
    if scene in FROZEN_CLOCK:
        options["recorder_factory"] = scripted_factory(answer_audio, elapsed_s=71.4, level_db=-18.0)[0]

    async def run_before(pilot: Any) -> None:
        await SCENES[scene](pilot)
        assert footer_problems(pilot.app) == []

    assert snap_compare(make(**options), terminal_size=SIZES[size], run_before=run_before)


def test_home_without_microphone(snap_compare: Any, make: Any) -> None:
    app = make(mic_check=lambda: "no microphone found")

    async def run_before(pilot: Any) -> None:
        await until(pilot, lambda: pilot.app.mic_checked and "ready" in str(pilot.app.screen.query_one("#status").render()))
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=run_before)


@pytest.mark.asyncio
async def test_no_footer_key_is_cut_at_any_width(make: Any, filled: Any) -> None:
    """History has the most keys: from 60 to 200 columns every shown key is whole, the ones that
    do not fit are left out (help lists them), and more width never shows fewer keys."""
    from scenes import history

    app = make()
    async with app.run_test(size=(80, 24)) as pilot:
        await history(pilot)
        shown_before = 0
        for width in (60, 80, 100, 120, 160, 200):
            await pilot.resize_terminal(width, 24)
            footer = app.screen.query_one(FitFooter)
            await until(pilot, lambda: footer._laid_out_for == width and footer.size.width == width)
            await pilot.pause()
            assert footer_problems(app) == [], width
            shown = len(footer.query("FooterKey"))
            assert shown >= shown_before, width
            shown_before = shown
        assert "Export session" in screen_text(app).splitlines()[-1]  # all of them at 200
