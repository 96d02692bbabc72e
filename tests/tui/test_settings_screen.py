"""The settings screen: what it saves is what the next start reads; bad values are refused."""

from __future__ import annotations

import os
from dataclasses import replace
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from mockmic.config import Thresholds, load_settings
from waiting import until

pytestmark = pytest.mark.asyncio

DEVICES = [("USB headset", "USB headset"), ("Laptop microphone  (system default)", "Laptop microphone")]


def _screen(app: Any) -> Any:
    from mockmic.tui.screens.settings import SettingsScreen

    return app.screen if isinstance(app.screen, SettingsScreen) else None


async def _open(pilot: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import mockmic.tui.screens.settings as mod

    monkeypatch.setattr(mod, "_list_devices", lambda: list(DEVICES))
    await pilot.press("s")
    await until(pilot, lambda: _screen(pilot.app) is not None, what="settings screen")
    screen = _screen(pilot.app)
    await until(pilot, lambda: len(screen.query_one("#settings-mic", Select)._options) > 2, what="devices listed")
    return screen


def _message(screen: Any) -> str:
    return str(screen.query_one("#settings-message", Static).render())


async def test_saved_settings_are_what_the_next_start_reads(make: Any, settings: Any,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "conf" / "mockmic.toml"
    config.parent.mkdir()
    config.write_text('default_target = "40-100"\n[thresholds]\nlong_pause_s = 2.5\nwpm_slow = 100\n')
    started = load_settings(config)
    app = make(settings=replace(settings, thresholds=started.thresholds), config_path=config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, monkeypatch)
        screen.query_one("#th-wpm_rushed", Input).value = "182"
        screen.query_one("#th-filler_cluster_count", Input).value = "4"
        screen.query_one("#th-wpm_slow", Input).value = "110"  # back to the default
        screen.query_one("#settings-mic", Select).value = "USB headset"
        screen.query_one("#settings-start", Select).value = "auto"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved" in _message(screen), what="saved message")
    loaded = load_settings(config)
    assert loaded.thresholds.wpm_rushed == 182.0
    assert loaded.thresholds.filler_cluster_count == 4
    assert loaded.input_device == "USB headset"
    assert loaded.start_recording == "auto"
    # keys the screen does not show are kept, and the file is the user's only
    assert loaded.default_target == (40.0, 100.0)
    assert loaded.thresholds.long_pause_s == 2.5
    assert loaded.thresholds.wpm_slow == Thresholds().wpm_slow
    assert "wpm_slow" not in config.read_text() and "min_pause_s" not in config.read_text()
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600


async def test_a_bad_value_is_named_and_nothing_is_written(make: Any, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    config = tmp_path / "mockmic.toml"
    app = make(config_path=config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, monkeypatch)
        screen.query_one("#th-long_pause_s", Input).value = "-3"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Not saved" in _message(screen), what="refusal")
        assert "long_pause_s" in _message(screen) or "Long pause" in _message(screen)
    assert not config.exists()


async def test_system_default_microphone_removes_the_key(make: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    config = tmp_path / "mockmic.toml"
    config.write_text('input_device = "Gone mic"\n')
    app = make(settings=replace(settings, input_device=load_settings(config).input_device), config_path=config)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, monkeypatch)
        mic = screen.query_one("#settings-mic", Select)
        assert mic.value == "Gone mic"  # shown as not connected, not silently dropped
        mic.value = "__default__"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Saved" in _message(screen), what="saved")
    assert load_settings(config).input_device is None
    assert "input_device" not in config.read_text()


async def test_microphone_test_shows_the_level_and_deletes_the_clip(make: Any, answer_audio: Any,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    from mockmic.audio.capture import FakeRecorder

    made: list[Any] = []

    def real_time(path: Path, device: Any = None, on_chunk: Any = None) -> Any:
        made.append(FakeRecorder(path, answer_audio, speed=1.0))
        return made[-1]

    app = make(config_path=tmp_path / "mockmic.toml", recorder_factory=real_time)
    app.test_recorders = made
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, monkeypatch)
        screen.test_seconds = 3.0
        await pilot.press("t")
        await until(pilot, lambda: bool(app.test_recorders), what="a recorder")
        await until(pilot, lambda: "Test recording" in _message(screen) or "failed" in _message(screen),
                    what="test result")
        message = _message(screen)
        assert "Test recording" in message, message
        # the answer's speech reached the meter: the measured peak is above the no-sound level
        assert "No sound came in" not in message and "peak level 0%" not in message, message
        assert screen.test_peak > 0.02
        clip = Path(app.test_recorders[0].path)
        assert not clip.exists() and not clip.parent.exists()
        assert app.player.played, "the test clip is played back"


@pytest.mark.filterwarnings("ignore")
def test_every_threshold_has_a_plain_label() -> None:
    from dataclasses import fields

    from mockmic.config import THRESHOLD_HELP

    assert {f.name for f in fields(Thresholds)} <= set(THRESHOLD_HELP)
