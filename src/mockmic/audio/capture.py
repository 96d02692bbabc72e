"""Recording from the microphone into a file that survives a crash.

The audio path is deliberately short and boring:

* a sounddevice ``InputStream`` opened at the device's own default rate; its callback does nothing
  but copy each block into a queue (and count input overflows);
* a writer thread drains the queue, mixes to mono, resamples to 16 kHz with a streaming resampler
  (soxr), appends 16-bit PCM to a WAV file with raw ``os.write``
  calls, and passes every converted block on to ``on_chunk`` (the live transcriber), which
  runs in a thread of its own so a slow consumer never delays the disk;
* about twice a second the WAV header is rewritten with the current length and the file is
  fsync'ed, so after a crash, ``kill -9`` or power cut the file is a valid WAV up to that point;
  :func:`repair_wav` fixes the header of an interrupted file to cover everything on disk.

A full disk or an unwritable folder stops the recording with a one-line message in
:attr:`SoundDeviceRecorder.error` (and ``on_error``); every sample written before that is kept.

Devices are in :mod:`mockmic.audio.devices`, the WAV file in :mod:`mockmic.audio.wavfile`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from mockmic.audio.devices import (
    INPUT_LATENCY_S,
    AudioUnavailable,
    _sounddevice,
    resolve_input_device,
)
from mockmic.audio.wavfile import _open_failure, _WavAppender, _write_failure
from mockmic.core import SAMPLE_RATE

SYNC_INTERVAL_S = 0.5
"""How often the WAV header is brought up to date and the file fsync'ed (a crash loses less)."""
QUIET_DB = -50.0
"""Blocks quieter than this count as silence for :attr:`SoundDeviceRecorder.quiet_s`."""
SILENCE_DB = -100.0
"""``level_db`` before any audio arrived, and the floor for digital silence."""

ChunkCallback = Callable[[np.ndarray], None]
ErrorCallback = Callable[[str], None]


class RecordingError(Exception):
    """A recording could not be started; ``str()`` is a one-line reason for the user."""


# ----------------------------------------------------------------------------------------------
# the writer pipeline shared by the real and the fake recorder


def _to_dbfs(rms: float) -> float:
    return max(SILENCE_DB, 20.0 * float(np.log10(rms))) if rms > 0 else SILENCE_DB


class _Pipeline:
    """Queue -> mono -> 16 kHz -> WAV file + ``on_chunk``, in one writer thread."""

    def __init__(self, path: Path, in_rate: int, on_chunk: ChunkCallback | None,
                 on_error: ErrorCallback | None) -> None:
        self.path = path
        self.in_rate = int(in_rate)
        self.on_chunk = on_chunk
        self.on_error = on_error
        self.queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self.halted = False
        """Set when the file can no longer be written: producers stop feeding."""
        self.error: str | None = None
        self.chunk_error: str | None = None
        self.level_db = SILENCE_DB
        self.audio_started = threading.Event()
        """Set when the first block arrives (devices can take a second or two to deliver)."""
        self.last_sound_at: float | None = None
        """``time.monotonic()`` of the last block louder than :data:`QUIET_DB`."""
        self.first_audio_at: float | None = None
        """``time.monotonic()`` when the first block reached the writer."""
        self._resampler: Any = None
        if self.in_rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self.in_rate, SAMPLE_RATE, 1, dtype="float32",
                                                  quality="HQ")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.wav = _WavAppender(path)
        except OSError as exc:
            raise RecordingError(_open_failure(exc, path)) from None
        self._chunks: queue.SimpleQueue[np.ndarray | None] | None = None
        self._dispatcher: threading.Thread | None = None
        if on_chunk is not None:
            self._chunks = queue.SimpleQueue()
            self._dispatcher = threading.Thread(target=self._dispatch, name="mockmic-chunks",
                                                daemon=True)
            self._dispatcher.start()
        self._thread = threading.Thread(target=self._run, name="mockmic-writer", daemon=True)
        self._thread.start()

    @property
    def seconds(self) -> float:
        return self.wav.samples / SAMPLE_RATE

    def put(self, block: np.ndarray) -> None:
        self.queue.put(block)

    def finish(self) -> None:
        """Flush everything queued, close the file, and wait until ``on_chunk`` has had it all."""
        self.queue.put(None)
        self._thread.join()
        if self._chunks is not None and self._dispatcher is not None:
            self._chunks.put(None)
            self._dispatcher.join()

    def _dispatch(self) -> None:
        assert self._chunks is not None and self.on_chunk is not None
        while True:
            samples = self._chunks.get()
            if samples is None:
                return
            try:
                self.on_chunk(samples)
            except Exception as exc:  # noqa: BLE001 - the recording matters more
                if self.chunk_error is None:
                    self.chunk_error = f"live processing failed: {exc}"

    def _convert(self, block: np.ndarray, last: bool = False) -> np.ndarray:
        mono = block if block.ndim == 1 else (block[:, 0] if block.shape[1] == 1 else block.mean(axis=1))
        mono = np.ascontiguousarray(mono, dtype=np.float32)
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono, last=last)
        return np.asarray(mono, dtype=np.float32)

    def _fail(self, exc: OSError) -> None:
        self.halted = True
        self.error = _write_failure(exc, self.path, self.seconds)
        if self.on_error is not None:
            try:
                self.on_error(self.error)
            except Exception:  # noqa: BLE001 - a broken listener must not kill the writer
                pass

    def _run(self) -> None:
        last_sync = time.monotonic()
        while True:
            try:
                block = self.queue.get(timeout=SYNC_INTERVAL_S / 2)
            except queue.Empty:
                block = None
                if not self.halted and time.monotonic() - last_sync >= SYNC_INTERVAL_S:
                    try:
                        self.wav.sync()
                    except OSError as exc:
                        self._fail(exc)
                    last_sync = time.monotonic()
                continue
            final = block is None
            if not final and self.first_audio_at is None:
                self.first_audio_at = time.monotonic()
                self.audio_started.set()
            if self.halted:
                if final:
                    break
                continue  # the file is no longer writable: drop what still arrives
            samples = self._convert(np.zeros(0, np.float32) if block is None else block, last=final)
            if samples.size:
                np.clip(samples, -1.0, 1.0, out=samples)
                quantized = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
                # what the file holds is what the live analysis gets: decoding the WAV later
                # gives these very samples, so `mockmic analyze` of it repeats the live report
                samples = quantized.astype(np.float32) / np.float32(32768.0)
                pcm = quantized.tobytes()
                try:
                    self.wav.append(pcm)
                except OSError as exc:
                    self._fail(exc)
                    if final:
                        break
                    continue
                rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
                self.level_db = _to_dbfs(rms)
                if self.level_db > QUIET_DB:
                    self.last_sound_at = time.monotonic()
                if self._chunks is not None:
                    self._chunks.put(samples)
            if final:
                break
            if time.monotonic() - last_sync >= SYNC_INTERVAL_S:
                try:
                    self.wav.sync()
                except OSError as exc:
                    self._fail(exc)
                last_sync = time.monotonic()
        self.wav.close()


# ----------------------------------------------------------------------------------------------
# recorders


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    duration_s: float
    overflows: int
    device_name: str
    sample_rate: int
    """The device rate the audio was captured at (the file is always 16 kHz)."""
    error: str | None = None
    """Set when the recording was cut short (disk full, device lost); the audio is still kept."""


@runtime_checkable
class Recorder(Protocol):
    path: Path

    def start(self) -> None: ...
    def stop(self) -> RecordingResult: ...
    def abandon(self) -> None: ...
    @property
    def elapsed_s(self) -> float: ...
    @property
    def level(self) -> float: ...
    @property
    def level_db(self) -> float: ...
    @property
    def overflows(self) -> int: ...
    @property
    def error(self) -> str | None: ...
    @property
    def running(self) -> bool: ...
    @property
    def quiet_s(self) -> float: ...
    @property
    def capturing(self) -> bool: ...
    def wait_for_audio(self, timeout: float | None = None) -> bool: ...


def level_from_db(db: float, floor_db: float = -60.0) -> float:
    """Map dBFS onto 0..1 for a meter (``floor_db`` and below -> 0, 0 dBFS -> 1)."""
    return float(min(1.0, max(0.0, (db - floor_db) / -floor_db)))


class _RecorderBase:
    device_name = ""
    sample_rate = SAMPLE_RATE

    def __init__(self, path: str | Path, on_chunk: ChunkCallback | None,
                 on_error: ErrorCallback | None) -> None:
        self.path = Path(path)
        self.on_chunk = on_chunk
        self.on_error = on_error
        self._pipeline: _Pipeline | None = None
        self._t0: float | None = None
        self._t_end: float | None = None
        self._overflows = 0
        self._extra_error: str | None = None
        self._result: RecordingResult | None = None

    @property
    def elapsed_s(self) -> float:
        """Seconds since the device started delivering audio (0 until it does)."""
        first = self._pipeline.first_audio_at if self._pipeline else None
        if first is None:
            return 0.0
        return max(0.0, (self._t_end or time.monotonic()) - first)

    @property
    def quiet_s(self) -> float:
        """Seconds since the input was last louder than :data:`QUIET_DB` (a muted mic grows)."""
        if self._pipeline is None or self._pipeline.first_audio_at is None:
            return 0.0
        since = self._pipeline.last_sound_at or self._pipeline.first_audio_at
        return max(0.0, (self._t_end or time.monotonic()) - since)

    @property
    def capturing(self) -> bool:
        """True once the device has delivered audio: show "recording" from then on."""
        return self._pipeline is not None and self._pipeline.audio_started.is_set()

    def wait_for_audio(self, timeout: float | None = None) -> bool:
        """Block until the device delivers its first block (some take 1-2 s after start).

        Call it from a worker thread, never from the UI loop. False on timeout.
        """
        if self._pipeline is None:
            raise RuntimeError("recorder was never started")
        return self._pipeline.audio_started.wait(timeout)

    @property
    def recorded_s(self) -> float:
        """Seconds of 16 kHz audio written to the file so far."""
        return self._pipeline.seconds if self._pipeline else 0.0

    @property
    def level_db(self) -> float:
        return self._pipeline.level_db if self._pipeline else SILENCE_DB

    @property
    def level(self) -> float:
        return level_from_db(self.level_db)

    @property
    def overflows(self) -> int:
        return self._overflows

    @property
    def error(self) -> str | None:
        if self._pipeline is not None and self._pipeline.error:
            return self._pipeline.error
        return self._extra_error

    @property
    def running(self) -> bool:
        return (self._t0 is not None and self._t_end is None and self._extra_error is None
                and not (self._pipeline is not None and self._pipeline.halted))

    def _open_pipeline(self, in_rate: int) -> None:
        self._pipeline = _Pipeline(self.path, in_rate, self.on_chunk, self.on_error)

    def _close(self) -> RecordingResult:
        if self._result is not None:
            return self._result
        if self._t_end is None:
            self._t_end = time.monotonic()
        assert self._pipeline is not None
        self._pipeline.finish()
        self._result = RecordingResult(
            path=self.path, duration_s=self._pipeline.seconds, overflows=self._overflows,
            device_name=self.device_name, sample_rate=int(self.sample_rate), error=self.error,
        )
        return self._result

    def _delete(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def stop(self) -> RecordingResult:
        raise NotImplementedError

    def abandon(self) -> None:
        """Stop and delete the file."""
        if self._pipeline is None:
            return
        self.stop()
        self._delete()


class SoundDeviceRecorder(_RecorderBase):
    """Records one answer from a real input device through PortAudio.

    ``on_chunk`` gets every block of 16 kHz mono float32 samples, in order, from a thread of
    its own, after the block is on disk; :meth:`stop` returns once it has had the last one. ``on_error`` gets the one-line message when writing fails
    or the device stops delivering audio.
    """

    def __init__(self, path: str | Path, device: str | int | None = None,
                 on_chunk: ChunkCallback | None = None, *,
                 on_error: ErrorCallback | None = None, blocksize: int = 0) -> None:
        super().__init__(path, on_chunk, on_error)
        self.device = device
        self.blocksize = blocksize
        self._stream: Any = None
        self._stopping = False

    def start(self) -> None:
        """Open the device and the file and start capturing.

        Raises:
            RecordingError: no PortAudio, no such device, the device refuses to open, or the
                folder cannot be written. The message is one line for the user.
        """
        if self._t0 is not None:
            raise RuntimeError("a recorder records once; make a new one")
        try:
            sd = _sounddevice()
            dev = resolve_input_device(self.device)
        except AudioUnavailable as exc:
            raise RecordingError(str(exc)) from None
        self.device_name = dev.name
        self.sample_rate = int(round(dev.default_rate)) or SAMPLE_RATE
        self._open_pipeline(self.sample_rate)
        pipeline = self._pipeline
        assert pipeline is not None
        stop_exc = sd.CallbackStop

        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            # PortAudio's thread: copy the block and return, nothing else
            if status.input_overflow:
                self._overflows += 1
            if pipeline.halted:
                raise stop_exc
            pipeline.queue.put(indata.copy())

        def finished() -> None:
            if not self._stopping and not pipeline.halted and self._extra_error is None:
                self._extra_error = "the input device stopped delivering audio (unplugged?)"
                if self.on_error is not None:
                    try:
                        self.on_error(self._extra_error)
                    except Exception:  # noqa: BLE001
                        pass

        last_exc: Exception | None = None
        for channels in dict.fromkeys((1, min(2, dev.channels))):
            try:
                self._stream = sd.InputStream(
                    device=dev.index, samplerate=self.sample_rate, channels=channels,
                    dtype="float32", blocksize=self.blocksize, latency=INPUT_LATENCY_S,
                    callback=callback,
                    finished_callback=finished,
                )
                break
            except Exception as exc:  # noqa: BLE001 - sd.PortAudioError, ValueError
                last_exc = exc
        if self._stream is None:
            pipeline.finish()
            self._delete()
            raise RecordingError(f"cannot open input device {dev.name!r}: {last_exc}")
        self._t0 = time.monotonic()
        try:
            self._stream.start()
        except Exception as exc:  # noqa: BLE001
            self._stream.close()
            pipeline.finish()
            self._delete()
            raise RecordingError(f"cannot start recording from {dev.name!r}: {exc}") from None

    def _close_stream(self) -> None:
        self._stopping = True
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except Exception:  # noqa: BLE001 - the device may already be gone
                pass

    def stop(self) -> RecordingResult:
        """Stop capturing, write everything still queued and close the file."""
        if self._pipeline is None:
            raise RuntimeError("recorder was never started")
        self._t_end = self._t_end or time.monotonic()
        self._close_stream()
        return self._close()



class FakeRecorder(_RecorderBase):
    """Feeds a given array through the real writer pipeline (file, resampling, ``on_chunk``).

    ``speed`` 1.0 plays it in real time, 0 (default) as fast as possible. ``rate`` is the rate of
    ``audio`` (resampled to 16 kHz like a device rate would be). After the array, silence follows
    in real-time mode, as from a real quiet microphone, until :meth:`stop`.
    """

    def __init__(self, path: str | Path, audio: np.ndarray, rate: int = SAMPLE_RATE,
                 on_chunk: ChunkCallback | None = None, *, speed: float = 0.0,
                 block_s: float = 0.1, on_error: ErrorCallback | None = None,
                 device_name: str = "fake microphone") -> None:
        super().__init__(path, on_chunk, on_error)
        self.audio = np.asarray(audio, dtype=np.float32)
        self.sample_rate = int(rate)
        self.speed = float(speed)
        self.block = max(1, int(block_s * rate))
        self.device_name = device_name
        self._halt = threading.Event()
        self._feeder: threading.Thread | None = None
        self.fed_all = threading.Event()
        """Set once the whole array has been queued."""

    def start(self) -> None:
        if self._t0 is not None:
            raise RuntimeError("a recorder records once; make a new one")
        self._open_pipeline(self.sample_rate)
        self._t0 = time.monotonic()
        self._feeder = threading.Thread(target=self._feed, name="mockmic-fake-mic", daemon=True)
        self._feeder.start()

    def _feed(self) -> None:
        assert self._pipeline is not None
        pos, t0 = 0, time.monotonic()
        while not self._halt.is_set() and not self._pipeline.halted:
            if pos < len(self.audio):
                block = self.audio[pos:pos + self.block]
            elif self.speed > 0:
                block = np.zeros(self.block, np.float32)
            else:
                break
            self._pipeline.put(block.copy())
            pos += len(block)
            if pos >= len(self.audio):
                self.fed_all.set()
            if self.speed > 0:
                ahead = t0 + pos / self.sample_rate / self.speed - time.monotonic()
                if ahead > 0:
                    self._halt.wait(ahead)
        self.fed_all.set()

    def wait_fed(self, timeout: float | None = None) -> bool:
        """Block until the whole array has been queued (instant mode: almost immediately)."""
        return self.fed_all.wait(timeout)

    def stop(self) -> RecordingResult:
        if self._pipeline is None:
            raise RuntimeError("recorder was never started")
        self._t_end = self._t_end or time.monotonic()
        self._halt.set()
        if self._feeder is not None:
            self._feeder.join()
        return self._close()

