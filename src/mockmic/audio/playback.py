"""Playing a question or a past attempt through the default (or a chosen) output device.

A :class:`Player` holds one clip in memory and plays it through a sounddevice ``OutputStream``
whose callback (PortAudio's own thread) only copies the next frames out of the array. Pause,
resume and seeking only set fields the callback reads, so every call returns at once and is safe
from any thread, including Textual's event loop.

Without PortAudio or without an output device, :meth:`Player.available` is False and
:attr:`Player.error` says why in one line; nothing raises until :meth:`Player.play` is called.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mockmic.audio.devices import NO_PORTAUDIO, AudioUnavailable, _sounddevice
from mockmic.core import SAMPLE_RATE

NO_OUTPUT = "no audio output device found"
LEAD_IN_S = 0.06
"""Silence played before the clip when a stream starts."""
OUTPUT_LATENCY_S = 0.2
"""Generous buffering: no underruns on a busy 2-core machine; pause/seek react within ~0.2 s."""


class PlaybackError(Exception):
    """Playback is impossible; ``str()`` is a one-line reason for the user."""


def output_status(device: str | int | None = None) -> str | None:
    """None when sound can be played, else a one-line reason."""
    try:
        sd = _sounddevice()
    except AudioUnavailable:
        return NO_PORTAUDIO
    try:
        if device is None:
            sd.query_devices(kind="output")
        else:
            info = sd.query_devices(device)
            if int(info["max_output_channels"]) < 1:
                return f"{info['name']!r} is not an output device"
    except ValueError:
        return f"output device {device!r} not found" if device is not None else NO_OUTPUT
    except Exception:  # noqa: BLE001 - PortAudioError: nothing to play on
        return NO_OUTPUT
    return None


def load_clip(source: str | Path | np.ndarray, rate: int = SAMPLE_RATE) -> tuple[np.ndarray, int]:
    """Mono float32 samples and their rate from a file (any format) or an array."""
    if isinstance(source, np.ndarray):
        audio = source.astype(np.float32, copy=False)
        if audio.ndim > 1:
            audio = audio.mean(axis=1)
        return np.ascontiguousarray(audio), int(rate)
    from mockmic.audio.io import decode_file

    return decode_file(source, min_duration_s=0).samples, SAMPLE_RATE


class Player:
    """Plays one clip; ``play``/``pause``/``resume``/``seek``/``stop`` never block."""

    def __init__(self, device: str | int | None = None,
                 on_finished: Callable[[], None] | None = None) -> None:
        self.device = device
        self.on_finished = on_finished
        self.error: str | None = output_status(device)
        self._audio = np.zeros(0, np.float32)
        self._rate = SAMPLE_RATE
        self._stream: Any = None
        self._stream_rate = SAMPLE_RATE
        self._pos = 0
        """Next frame to play, in stream frames."""
        self._pending_seek: int | None = None
        self._paused = False
        self._finished = threading.Event()
        self._finished.set()
        self._generation = 0

    # -- state -----------------------------------------------------------------------------

    def available(self) -> bool:
        return self.error is None

    def refresh(self) -> bool:
        """Look for an output device again (after :func:`rescan_devices`); True if there is one."""
        self.error = output_status(self.device)
        return self.error is None

    @property
    def duration_s(self) -> float:
        return len(self._audio) / self._rate

    @property
    def position_s(self) -> float:
        pending = self._pending_seek
        frames = pending if pending is not None else self._pos
        return min(frames / self._stream_rate, self.duration_s)

    @property
    def playing(self) -> bool:
        return not self._finished.is_set() and not self._paused

    @property
    def paused(self) -> bool:
        return self._paused and not self._finished.is_set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends (for tests and scripts; never from the UI loop)."""
        return self._finished.wait(timeout)

    # -- control ---------------------------------------------------------------------------

    def load(self, source: str | Path | np.ndarray, rate: int = SAMPLE_RATE) -> float:
        """Load a file or an array (stopping what plays); returns the duration in seconds.

        Raises:
            mockmic.audio.io.AudioError: the file cannot be decoded.
        """
        self.stop()
        self._audio, self._rate = load_clip(source, rate)
        self._pos = 0
        self._stream_rate = self._rate
        return self.duration_s

    def play(self, start_s: float = 0.0) -> None:
        """Start playing the loaded clip from ``start_s``.

        Raises:
            PlaybackError: no PortAudio, no output device, or the device refuses to open.
        """
        if self.error is not None:
            raise PlaybackError(self.error)
        self.stop()
        sd = _sounddevice()
        stream, data, rate = self._open(sd)
        self._data = data
        self._stream_rate = rate
        self._pos = int(max(0.0, min(start_s, self.duration_s)) * rate)
        self._pending_seek = None
        self._paused = False
        self._finished.clear()
        self._stream = stream
        try:
            stream.start()
        except Exception as exc:  # noqa: BLE001
            self._finished.set()
            stream.close()
            self._stream = None
            raise PlaybackError(f"cannot start playback: {exc}") from None

    def _open(self, sd: Any) -> tuple[Any, np.ndarray, int]:
        self._generation += 1
        generation = self._generation
        stop_exc = sd.CallbackStop

        def make_callback(data: np.ndarray, rate: int) -> Callable[..., None]:
            total = len(data)
            # silence after the clip, so the device plays out its buffer before the stream stops
            # (PulseAudio's ALSA plugin drops the last buffer otherwise: the last word is cut)
            end = total + int((OUTPUT_LATENCY_S + 0.15) * rate)
            # and silence before it: a starting stream swallows its first ~25 ms
            lead = [int(LEAD_IN_S * rate)]

            def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
                # PortAudio's thread: copy frames out, nothing else
                if self._pending_seek is not None:
                    self._pos, self._pending_seek = self._pending_seek, None
                if self._paused or lead[0] > 0:
                    outdata.fill(0)
                    lead[0] -= 0 if self._paused else frames
                    return
                pos = self._pos
                n = max(0, min(frames, total - pos))
                outdata[:n, 0] = data[pos:pos + n]
                outdata[n:].fill(0)
                self._pos = pos + frames
                if pos + frames >= end:
                    raise stop_exc

            return callback

        def finished() -> None:
            if generation == self._generation:
                self._finished.set()
                if self.on_finished is not None:
                    try:
                        self.on_finished()
                    except Exception:  # noqa: BLE001 - a listener must not break playback
                        pass

        errors = []
        for rate in self._candidate_rates(sd):
            data = self._audio if rate == self._rate else self._resampled(rate)
            try:
                stream = sd.OutputStream(device=self.device, samplerate=rate, channels=1,
                                         dtype="float32", latency=OUTPUT_LATENCY_S,
                                         callback=make_callback(data, rate),
                                         finished_callback=finished)
                return stream, data, rate
            except Exception as exc:  # noqa: BLE001 - PortAudioError: try the device's own rate
                errors.append(exc)
        raise PlaybackError(f"cannot open the output device: {errors[-1] if errors else '?'}")

    def _candidate_rates(self, sd: Any) -> list[int]:
        rates = [self._rate]
        try:
            default = int(round(sd.query_devices(self.device, kind="output")["default_samplerate"]))
            if default not in rates:
                rates.append(default)
        except Exception:  # noqa: BLE001
            pass
        return rates

    def _resampled(self, rate: int) -> np.ndarray:
        import soxr

        return np.ascontiguousarray(soxr.resample(self._audio, self._rate, rate), dtype=np.float32)

    def pause(self) -> None:
        self._paused = True

    def resume(self) -> None:
        if self._finished.is_set():
            self.play(self.position_s if self.position_s < self.duration_s else 0.0)
        else:
            self._paused = False

    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.resume()

    def seek(self, delta_s: float) -> float:
        """Move by ``delta_s`` seconds (negative: back), clamped to the clip; returns the position."""
        return self.seek_to(self.position_s + delta_s)

    def seek_to(self, t: float) -> float:
        """Jump to ``t`` seconds (e.g. the next flagged moment); returns the new position."""
        t = max(0.0, min(float(t), self.duration_s))
        frames = int(t * self._stream_rate)
        if self._finished.is_set():
            self._pos = frames
        else:
            self._pending_seek = frames
        return t

    def stop(self) -> None:
        """Stop and release the device; the position stays where it was."""
        stream, self._stream = self._stream, None
        self._generation += 1  # a late finished_callback of the old stream is ignored
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - the device may be gone already
                pass
        self._pending_seek = None
        self._paused = False
        self._finished.set()
