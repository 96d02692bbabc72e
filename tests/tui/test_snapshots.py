"""Snapshots (pytest-textual-snapshot) of the practice room's screens, with frozen inputs.

Frozen: the transcriber (canned words), the recorder's clock and level (ScriptedRecorder), the
voice (off), the microphone check, the cursor blink. Review the SVGs before --snapshot-update.
"""

from __future__ import annotations

from typing import Any

from conftest import scripted_factory
from test_flow import focus, shown, until

from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.recording import RecordingScreen
from mockmic.tui.screens.report import ReportScreen

SIZE = (120, 40)


async def _settled_home(pilot: Any) -> None:
    await until(pilot, lambda: "ready" in str(pilot.app.screen.query_one("#status").render())
                and pilot.app.mic_checked)
    await pilot.pause(0.2)


def test_home(snap_compare: Any, make: Any) -> None:
    assert snap_compare(make(), terminal_size=SIZE, run_before=_settled_home)


def test_home_without_microphone(snap_compare: Any, make: Any) -> None:
    app = make(mic_check=lambda: "no microphone found")
    assert snap_compare(app, terminal_size=SIZE, run_before=_settled_home)


def test_asking(snap_compare: Any, make: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settled_home(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: shown(pilot.app, AskingScreen) and pilot.app.screen.spoken is False)
        await pilot.pause(0.2)

    assert snap_compare(make(), terminal_size=SIZE, run_before=run_before)


def test_recording(snap_compare: Any, make: Any, answer_audio: Any) -> None:
    factory, made = scripted_factory(answer_audio, elapsed_s=71.4, level_db=-18.0)

    async def run_before(pilot: Any) -> None:
        await _settled_home(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: shown(pilot.app, AskingScreen) and pilot.app.screen.spoken is False)
        await pilot.press("space")
        await until(pilot, lambda: shown(pilot.app, RecordingScreen) and pilot.app.screen.phase == "recording")
        await pilot.pause(0.3)

    assert snap_compare(make(recorder_factory=factory), terminal_size=SIZE, run_before=run_before)


def test_report(snap_compare: Any, make: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await _settled_home(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: shown(pilot.app, AskingScreen) and pilot.app.screen.spoken is False)
        await pilot.press("space")
        await until(pilot, lambda: shown(pilot.app, RecordingScreen) and pilot.app.screen.phase == "recording")
        await pilot.press("space")
        await until(pilot, lambda: shown(pilot.app, ReportScreen, "#rep-transcript")
                    and pilot.app.focused is not None and pilot.app.focused.id == "rep-scroll")
        await focus(pilot, "#lens-safe")
        await pilot.press("4")
        await focus(pilot, "#rep-scroll")
        await until(pilot, lambda: "saved" in str(pilot.app.screen.query_one("#review-state").render()))
        await pilot.pause(0.2)

    assert snap_compare(make(), terminal_size=SIZE, run_before=run_before)
