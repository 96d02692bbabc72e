"""Input devices: which microphones there are, which one to use, and whether recording can work.

sounddevice is imported lazily: without the PortAudio library the import raises ``OSError``, which
is turned into a plain reason (:func:`audio_backend_status`) instead of a crash.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

INPUT_LATENCY_S = 0.1
"""Input buffering asked of PortAudio: room for the callback to be late on a busy machine
without overflows; it delays delivery a little, which a recording does not mind."""
NO_PORTAUDIO = "PortAudio library not found (install libportaudio2)"
NO_MICROPHONE = "no microphone found"


class AudioUnavailable(Exception):
    """No usable audio backend or device; ``str()`` is a one-line reason for the user."""



@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    default_rate: float
    channels: int
    is_default: bool
    hostapi: str = ""


def _sounddevice() -> Any:
    """Import sounddevice, translating a missing PortAudio library into :class:`AudioUnavailable`."""
    try:
        import sounddevice as sd
    except OSError:
        raise AudioUnavailable(NO_PORTAUDIO) from None
    return sd


def rescan_devices() -> None:
    """Re-initialise PortAudio so devices that appeared after start-up are listed.

    PortAudio builds its device list once, when it is initialised (at ``import sounddevice``).
    Do not call this while a stream is open.
    """
    sd = _sounddevice()
    try:
        sd._terminate()
    finally:
        sd._initialize()


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel; empty when PortAudio is missing."""
    try:
        sd = _sounddevice()
        devices = sd.query_devices()
        hostapis = sd.query_hostapis()
        default_in = _default_input_index(sd)
    except (AudioUnavailable, Exception):  # noqa: BLE001 - PortAudioError and friends: no devices
        return []
    out = []
    for dev in devices:
        if int(dev["max_input_channels"]) < 1:
            continue
        api = hostapis[dev["hostapi"]]["name"] if dev["hostapi"] < len(hostapis) else ""
        out.append(
            InputDevice(
                index=int(dev["index"]),
                name=str(dev["name"]),
                default_rate=float(dev["default_samplerate"]),
                channels=int(dev["max_input_channels"]),
                is_default=int(dev["index"]) == default_in,
                hostapi=str(api),
            )
        )
    return out


def _default_input_index(sd: Any) -> int:
    try:
        default = sd.default.device[0]
        if default is None or int(default) < 0:
            default = sd.query_devices(kind="input")["index"]
        return int(default)
    except Exception:  # noqa: BLE001 - no default input device
        return -1


def resolve_input_device(device: str | int | None = None) -> InputDevice:
    """The input device to record from: an index, a (part of a) name, or None for the default.

    Raises:
        AudioUnavailable: PortAudio missing, no input device at all, or ``device`` not found.
    """
    _sounddevice()
    devices = list_input_devices()
    if not devices:
        raise AudioUnavailable(NO_MICROPHONE)
    if device is None or device == "":
        for dev in devices:
            if dev.is_default:
                return dev
        return devices[0]
    if isinstance(device, int) or (isinstance(device, str) and device.strip().isdigit()):
        index = int(device)
        for dev in devices:
            if dev.index == index:
                return dev
        raise AudioUnavailable(f"input device {index} not found (see `mockmic devices`)")
    wanted = str(device).lower()
    exact = [dev for dev in devices if dev.name.lower() == wanted]
    partial = [dev for dev in devices if wanted in dev.name.lower()]
    if exact:
        return exact[0]
    if len(partial) == 1:
        return partial[0]
    if partial:
        names = ", ".join(repr(dev.name) for dev in partial[:4])
        raise AudioUnavailable(f"input device {device!r} is ambiguous: {names}")
    raise AudioUnavailable(f"input device {device!r} not found (see `mockmic devices`)")


def audio_backend_status(device: str | int | None = None) -> str | None:
    """None when recording can work, else a one-line reason (PortAudio missing, no microphone)."""
    try:
        resolve_input_device(device)
    except AudioUnavailable as exc:
        return str(exc)
    return None


def warm_up_input(device: str | int | None = None, timeout: float = 5.0) -> str | None:
    """Open the input device once and wait for its first block; None on success, else why not.

    The first stream a process opens can take a second or more to deliver audio (PulseAudio's
    ALSA plugin: 0.4-1.8 s measured), later ones about 40 ms. Call this from a worker thread at
    start-up (and after :func:`rescan_devices`) so the first answer is not clipped; it doubles
    as a microphone check.
    """
    try:
        sd = _sounddevice()
        dev = resolve_input_device(device)
    except AudioUnavailable as exc:
        return str(exc)
    got = threading.Event()

    def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        got.set()

    try:
        with sd.InputStream(device=dev.index, samplerate=int(round(dev.default_rate)),
                            channels=1, dtype="float32", latency=INPUT_LATENCY_S,
                            callback=callback):
            if not got.wait(timeout):
                return f"{dev.name!r} delivered no audio within {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - PortAudioError: device busy, gone, refuses
        return f"cannot open input device {dev.name!r}: {exc}"
    return None
