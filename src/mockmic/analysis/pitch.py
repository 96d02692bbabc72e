"""Frame-level pitch and level of a 16 kHz recording, computable block by block while recording.

Pure numpy: samples in, arrays out; no files, no devices. The frames sit on a fixed grid of the
recording's timeline (frame ``k`` covers samples ``[k * HOP, k * HOP + FRAME)``), so a
:class:`PitchTracker` fed the recording in any number of blocks holds exactly the frames one
call over the whole file gives. :mod:`mockmic.analysis.voice` summarises them at stop.

The pitch estimate is the YIN method (de Cheveigné & Kawahara 2002): the cumulative mean
normalised difference of each frame, its first dip below a threshold (or its lowest value), a
parabola through the dip for sub-sample precision. Each 64 ms frame is halved to 8 kHz by
averaging sample pairs first: the voice's fundamental (60-400 Hz) survives, and the FFTs are half
as long. The value at the dip ("aperiodicity": 0 for a perfectly periodic frame, near 1 for
noise) is kept, so that the summary can tell voiced frames from breath, hiss and consonants --
``librosa.yin`` returns a pitch for every frame and no such measure (``bench/voice_quality.py``
compares the cost with it and with ``librosa.pyin``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16_000
HOP = 320
"""20 ms between frames."""
FRAME = 1024
"""64 ms per frame at 16 kHz (512 samples once halved to 8 kHz)."""
FMIN = 60.0
FMAX = 400.0
YIN_THRESHOLD = 0.15
"""The first dip of the normalised difference below this is taken as the period."""
_RATE = SAMPLE_RATE // 2
_TAU_MIN = int(_RATE / FMAX)  # 20 samples at 8 kHz
_TAU_MAX = int(np.ceil(_RATE / FMIN))  # 134
_HALF = FRAME // 2
_WIN = _HALF - _TAU_MAX  # integration window of the difference function
_NFFT = 512  # lags up to _TAU_MAX never wrap: _WIN + _TAU_MAX == _HALF
GROUP = 50
"""Frames are measured in groups of 50 (1 s) that start at multiples of 50 on the recording's
grid. The FFT's rounding can depend on how many rows it transforms at once, so fixed groups make
a live session's frames bit-for-bit those of a whole-file pass; and numpy's cost per call is
fixed, so measuring each 0.1 s block on its own would cost four times as much."""
SILENT_DB = -100.0


@dataclass(frozen=True)
class PitchFrames:
    """Per-frame measures of a recording; frame ``k`` is centred at ``times[k]`` seconds.

    Attributes:
        times: frame centres in seconds.
        f0: pitch estimate in Hz (every frame has one; use ``aperiodicity`` to judge it).
        aperiodicity: YIN's normalised difference at the chosen period (0 = periodic).
        level_db: RMS level of the frame in dB relative to full scale.
    """

    times: np.ndarray
    f0: np.ndarray
    aperiodicity: np.ndarray
    level_db: np.ndarray

    def __len__(self) -> int:
        return len(self.times)


def frame_count(n_samples: int) -> int:
    """How many whole frames ``n_samples`` samples hold."""
    return max(0, (n_samples - FRAME) // HOP + 1)


def _frames(audio: np.ndarray, first: int, count: int) -> np.ndarray:
    start = first * HOP
    seg = np.asarray(audio[start:start + (count - 1) * HOP + FRAME], dtype=np.float64)
    view = np.lib.stride_tricks.sliding_window_view(seg, FRAME)[::HOP]
    return view[:count]


def _yin(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Period (in 8 kHz samples, fractional) and aperiodicity of each 16 kHz frame row."""
    x = 0.5 * (frames[:, 0::2] + frames[:, 1::2])  # 8 kHz, 512 samples
    x = x - x.mean(axis=1, keepdims=True)
    # difference function d(tau) = e0 + e(tau) - 2 r(tau) over the first _WIN samples at lag tau
    spec_x = np.fft.rfft(x, _NFFT, axis=1)
    spec_w = np.fft.rfft(x[:, :_WIN], _NFFT, axis=1)
    r = np.fft.irfft(spec_x * np.conj(spec_w), _NFFT, axis=1)[:, : _TAU_MAX + 1]
    sq = np.concatenate([np.zeros((len(x), 1)), np.cumsum(x * x, axis=1)], axis=1)
    taus = np.arange(_TAU_MAX + 1)
    energy = sq[:, taus + _WIN] - sq[:, taus]  # sum of x^2 over [tau, tau + _WIN)
    diff = np.maximum(energy[:, :1] + energy - 2.0 * r, 0.0)
    diff[:, 0] = 0.0
    cum = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * taus[1:] / np.maximum(cum, 1e-12)
    band = cmnd[:, _TAU_MIN:_TAU_MAX]
    # first local minimum below the threshold, else the lowest value in the band
    is_min = np.zeros(band.shape, dtype=bool)
    is_min[:, 1:-1] = (band[:, 1:-1] <= band[:, :-2]) & (band[:, 1:-1] < band[:, 2:])
    below = is_min & (band < YIN_THRESHOLD)
    first = np.where(below.any(axis=1), below.argmax(axis=1), band.argmin(axis=1))
    idx = first + _TAU_MIN
    rows = np.arange(len(x))
    left, mid, right = cmnd[rows, idx - 1], cmnd[rows, idx], cmnd[rows, np.minimum(idx + 1, _TAU_MAX)]
    curve = left - 2.0 * mid + right
    shift = np.where(np.abs(curve) > 1e-12, 0.5 * (left - right) / np.where(curve == 0, 1, curve), 0.0)
    return idx + np.clip(shift, -1.0, 1.0), np.clip(mid, 0.0, 1.0)


def measure(audio: np.ndarray, first: int, count: int) -> PitchFrames:
    """Frames ``first .. first + count`` of ``audio`` (which must hold them whole)."""
    if count <= 0:
        empty = np.zeros(0, dtype=np.float32)
        return PitchFrames(empty, empty, empty, empty)
    periods, aper, levels = [], [], []
    a, end = first, first + count
    while a < end:
        b = min(end, (a // GROUP + 1) * GROUP)  # up to the next multiple of GROUP
        frames = _frames(audio, a, b - a)
        a = b
        p, ap = _yin(frames)
        periods.append(p)
        aper.append(ap)
        rms = np.sqrt(np.einsum("ij,ij->i", frames, frames) / FRAME)
        levels.append(np.where(rms > 1e-5, 20.0 * np.log10(np.maximum(rms, 1e-5)), SILENT_DB))
    times = (np.arange(first, first + count) * HOP + FRAME / 2) / SAMPLE_RATE
    return PitchFrames(
        times=times.astype(np.float32),
        f0=(_RATE / np.concatenate(periods)).astype(np.float32),
        aperiodicity=np.concatenate(aper).astype(np.float32),
        level_db=np.concatenate(levels).astype(np.float32),
    )


def pitch_frames(audio: np.ndarray) -> PitchFrames:
    """Every whole frame of a recording (16 kHz mono)."""
    return measure(audio, 0, frame_count(len(audio)))


class PitchTracker:
    """Collects the frames of a recording as it grows (the live session feeds it).

    ``push(buf, n)`` measures the frames that the first ``n`` samples of ``buf`` complete and
    that were not measured yet; ``frames()`` returns all of them. The result equals
    :func:`pitch_frames` over the same samples, however the pushes were split.
    """

    def __init__(self) -> None:
        self._parts: list[PitchFrames] = []
        self._done = 0

    @property
    def frames_done(self) -> int:
        return self._done

    def push(self, buf: np.ndarray, n: int, *, final: bool = False) -> None:
        """Measure the new whole groups of frames in ``buf[:n]`` (every new frame if ``final``)."""
        total = frame_count(n)
        if not final:
            total -= total % GROUP
        if total > self._done:
            self._parts.append(measure(buf, self._done, total - self._done))
            self._done = total

    def frames(self) -> PitchFrames:
        if len(self._parts) != 1:
            parts = self._parts or [measure(np.zeros(0), 0, 0)]
            self._parts = [PitchFrames(*(np.concatenate([getattr(p, k) for p in parts])
                                         for k in ("times", "f0", "aperiodicity", "level_db")))]
        return self._parts[0]
