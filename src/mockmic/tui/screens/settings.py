"""Settings: the microphone (with a live level meter and a test recording), the model, how an
answer starts, and every threshold with its default and where it comes from.

Saving writes the same ``mockmic.toml`` the command line reads (other keys in it are kept); the
new values are used from the next start of mockmic.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from mockmic.config import THRESHOLD_HELP, ConfigError, Settings, Thresholds, save_settings
from mockmic.practice.playback import play_and_wait, player_problem
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.widgets.meters import LevelMeter
from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar


TEST_SECONDS = 4.0
"""Length of the test recording."""
SYSTEM_DEFAULT = "__default__"
START_MODES = [
    ("After the question and a cue tone", "auto"),
    ("When I press Space", "space"),
]


def _list_devices() -> list[tuple[str, str]]:
    from mockmic.audio.devices import list_input_devices

    return [(f"{d.name}{'  (system default)' if d.is_default else ''}", d.name) for d in list_input_devices()]


def _list_models(settings: Settings) -> list[str]:
    from mockmic.pipeline.models import available_models

    return available_models(settings.models)


def _number_text(value: float) -> str:
    return f"{value:g}"


class SettingsScreen(MockmicScreen[None]):
    """Edit and save ``mockmic.toml``."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("t", "test_mic", "Test microphone"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, config_path: Path,
                 list_devices: Callable[[], list[tuple[str, str]]] | None = None) -> None:
        super().__init__()
        self.config_path = config_path
        self._list_devices = list_devices
        self._testing = False
        self._recorder: Any = None
        self.test_seconds = TEST_SECONDS
        self.test_peak = 0.0
        """The loudest level of the last microphone test (0..1)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        settings = self.mm.settings
        yield TitleBar()
        with VerticalScroll(id="settings-body"):
            yield Static(Text.assemble(("Settings", "bold"), ("  saved to ", "dim"), (str(self.config_path), "dim")),
                         id="settings-where")
            yield Label("Microphone", classes="settings-section")
            yield Select([(settings.input_device or "System default", SYSTEM_DEFAULT)],
                         value=SYSTEM_DEFAULT, allow_blank=False, id="settings-mic")
            yield LevelMeter(id="settings-level")
            with Horizontal(classes="settings-row"):
                yield Button("Test microphone (t)", id="settings-test")
                yield Static("", id="settings-test-state")
            yield Label("Transcription model", classes="settings-section")
            yield Select([(settings.transcription.model, settings.transcription.model)],
                         value=settings.transcription.model, allow_blank=False, id="settings-model")
            yield Label("An answer starts", classes="settings-section")
            yield Select(START_MODES, value=settings.start_recording if settings.start_recording in ("auto", "space") else "auto",
                         allow_blank=False, id="settings-start")
            yield Label("Thresholds", classes="settings-section")
            defaults = Thresholds()
            for f in fields(Thresholds):
                label, source = THRESHOLD_HELP.get(f.name, (f.name, ""))
                default = getattr(defaults, f.name)
                with Horizontal(classes="settings-threshold"):
                    yield Label(label, classes="settings-label")
                    yield Input(_number_text(getattr(settings.thresholds, f.name)), id=f"th-{f.name}",
                                classes="settings-input", type="integer" if isinstance(default, int) else "number")
                yield Static(Text(f"default {_number_text(default)} · {source}".rstrip(" ·"), style="dim"),
                             classes="settings-source")
            yield Static("", id="settings-message")
            with Horizontal(classes="settings-row"):
                yield Button("Save (ctrl+s)", variant="primary", id="settings-save")
                yield Button("Back (esc)", id="settings-back")
        yield FitFooter()

    def on_mount(self) -> None:
        self.query_one("#settings-level").display = False
        self.load_choices()

    @work(thread=True, exclusive=True, group="settings-load")
    def load_choices(self) -> None:
        """Devices and models come from PortAudio and the disk: never on the event loop."""
        settings = self.mm.settings
        try:
            devices = (self._list_devices or _list_devices)()
        except Exception as exc:  # noqa: BLE001 - a broken audio backend still lets the rest be set
            devices = []
            self.app.call_from_thread(self._say, f"Microphones could not be listed: {exc}", error=True)
        models = _list_models(settings)
        self.app.call_from_thread(self._fill_choices, devices, models)

    def _fill_choices(self, devices: list[tuple[str, str]], models: list[str]) -> None:
        settings = self.mm.settings
        mic = self.query_one("#settings-mic", Select)
        options: list[tuple[str, str]] = [("System default", SYSTEM_DEFAULT), *devices]
        current = settings.input_device
        if current and current not in {value for _, value in devices}:
            options.append((f"{current} (not connected)", current))
        mic.set_options(options)
        mic.value = current or SYSTEM_DEFAULT
        model = self.query_one("#settings-model", Select)
        names = list(models)
        if settings.transcription.model not in names:
            names.append(settings.transcription.model)
        model.set_options([(name, name) for name in names])
        model.value = settings.transcription.model

    def _say(self, message: str, error: bool = False) -> None:
        box = self.query_one("#settings-message", Static)
        box.update(Text(message, style="bold red" if error else "green"))

    # ------------------------------------------------------------------ saving

    def collected(self) -> dict[str, Any]:
        """The screen's values in the settings-file layout; raises ConfigError naming a bad field."""
        thresholds: dict[str, float | int | None] = {}
        for f in fields(Thresholds):
            text = self.query_one(f"#th-{f.name}", Input).value.strip()
            label = THRESHOLD_HELP.get(f.name, (f.name, ""))[0]
            try:
                value = float(text)
            except ValueError:
                raise ConfigError(f"{label}: {text!r} is not a number") from None
            default = getattr(Thresholds(), f.name)
            # a default is not written down, so a later version's better default still applies
            thresholds[f.name] = (None if value == default else
                                  int(value) if isinstance(default, int) and value == int(value) else value)
        mic = self.query_one("#settings-mic", Select).value
        model = self.query_one("#settings-model", Select).value
        start = self.query_one("#settings-start", Select).value
        return {
            "thresholds": thresholds,
            "transcription": {"model": str(model)},
            "input_device": None if mic == SYSTEM_DEFAULT else str(mic),
            "start_recording": str(start),
        }

    def action_save(self) -> None:
        try:
            changes = self.collected()
        except ConfigError as exc:
            self._say(str(exc), error=True)
            return
        self.write_settings(changes)

    @work(thread=True, exclusive=True, group="settings-save")
    def write_settings(self, changes: dict[str, Any]) -> None:
        try:
            save_settings(self.config_path, changes)
        except (ConfigError, OSError) as exc:
            message = str(exc) if isinstance(exc, ConfigError) else f"{self.config_path}: {exc.strerror or exc}"
            self.app.call_from_thread(self._say, f"Not saved. {message}", error=True)
            return
        self.app.call_from_thread(self._say, f"Saved to {self.config_path}. Used from the next start of mockmic.")

    @on(Button.Pressed, "#settings-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#settings-back")
    def _back_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        if self._recorder is not None:
            self._recorder.abandon()
        self.dismiss(None)

    # ------------------------------------------------------------------ microphone test

    @on(Button.Pressed, "#settings-test")
    def _test_pressed(self) -> None:
        self.action_test_mic()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "t" types into a threshold field; the button still starts the test
        if action == "test_mic" and isinstance(self.focused, Input):
            return False
        return True

    def action_test_mic(self) -> None:
        if self._testing:
            return
        self._testing = True
        self.query_one("#settings-test", Button).disabled = True
        self.query_one("#settings-level").display = True
        mic = self.query_one("#settings-mic", Select).value
        self.test_recording(None if mic == SYSTEM_DEFAULT else str(mic))

    def _show_test(self, state: str, level: float | None = None) -> None:
        self.query_one("#settings-test-state", Static).update(Text(state))
        if level is not None:
            self.query_one("#settings-level", LevelMeter).level = level

    def _test_done(self, message: str, error: bool) -> None:
        self._testing = False
        self.query_one("#settings-test", Button).disabled = False
        self.query_one("#settings-level", LevelMeter).level = 0.0
        self._show_test("")
        self._say(message, error=error)

    @work(thread=True, exclusive=True, group="settings-test")
    def test_recording(self, device: str | None) -> None:
        """Record a few seconds from ``device`` with the level on screen, then play it back.

        The clip goes to a private temporary folder and is deleted afterwards; it is never kept.
        """
        folder = Path(tempfile.mkdtemp(prefix="mockmic-mic-test-"))
        call = self.app.call_from_thread
        try:
            message, error = self._record_and_play(folder, device)
        except Exception as exc:  # noqa: BLE001 - any backend failure is one line for the user
            self._recorder = None
            message, error = f"The microphone test failed: {exc}", True
        finally:
            # the clip is gone before the result shows: what the screen says is already true
            shutil.rmtree(folder, ignore_errors=True)
        call(self._test_done, message, error)

    def _record_and_play(self, folder: Path, device: str | None) -> tuple[str, bool]:
        """The test itself (the worker's thread): the result message and whether it is a problem."""
        call = self.app.call_from_thread
        recorder = self.mm.recorder_factory(folder / "test.wav", device=device)
        self._recorder = recorder
        recorder.start()
        peak = 0.0
        t_end = time.monotonic() + self.test_seconds
        while time.monotonic() < t_end and recorder.running:
            left = max(0.0, t_end - time.monotonic())
            peak = max(peak, recorder.level)
            call(self._show_test, f"● recording, say something… {left:.0f} s", recorder.level)
            time.sleep(0.05)
        self.test_peak = peak
        result = recorder.stop()
        self._recorder = None
        if recorder.error:
            return f"The microphone did not record: {recorder.error}", True
        player = self.mm.player
        if player is not None and Path(result.path).is_file():
            call(self._show_test, "▶ playing it back…", 0.0)
            if player_problem(player) is None:
                play_and_wait(player, str(result.path), cancelled=lambda: not self.is_attached)
        verdict = ("Heard you." if peak > 0.25 else
                   "Very quiet: move closer or raise the input volume." if peak > 0.02 else
                   "No sound came in: is the microphone muted or the wrong one?")
        return f"Test recording: {verdict} (peak level {peak:.0%})", peak <= 0.02
