"""Hesitation fillers heard in the signal: held, steady voiced sounds ("uhhh", "umm", "hmm").

Whisper drops most filled pauses from its transcript, so mockmic also looks for them in the
audio. A filled pause is physically unlike the speech around it: the speaker holds one vowel or
a hum with the articulators still, so for a few hundred milliseconds the sound is

* voiced and periodic (clear autocorrelation peak at the pitch period),
* at a steady pitch (a flat or gently falling f0, no syllable-by-syllable pitch movement),
* with a steady spectrum (formants do not move: no consonant-vowel transitions),
* at a steady loudness (no syllable beats as in "ha-ha-ha" laughter),

and it lasts about 0.15-1.2 s, much longer than a vowel inside a word (typically 50-150 ms).
Breaths and whisper are not periodic; laughter pulses in loudness and is breathy; creaky voice
has irregular, very low pitch periods that do not give a clean autocorrelation peak; cut-off
words are short. The remaining confusion -- a word whose last vowel is held -- is resolved by
:func:`classify_candidates` with the transcript (a held word at a sentence end is not a filler).

Everything here is numpy and scipy: frames of 40 ms every 10 ms at 8 kHz. Pure: arrays in,
dataclasses out; no files, no Whisper. Audio fillers are labelled "(um)" when the held sound
ends in a nasal closure, else "(uh)" (:func:`filler_label`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockmic.analysis.text import ends_clause, ends_sentence, norm_token
from mockmic.core import SAMPLE_RATE, Filler, Interval, Word

RATE = 8_000
"""Analysis sample rate: the input (16 kHz) is halved first. Pitch, voicing and the first three
formants all lie below 4 kHz, and the frame FFTs cost a third of what they would at 16 kHz."""
HOP = 80
"""Frame hop in samples at ``RATE`` (10 ms)."""
WIN = 320
"""Analysis window in samples at ``RATE`` (40 ms: two periods of a 60 Hz voice fit in it)."""
NFFT = 512
"""FFT size: circular autocorrelation is exact for lags below NFFT - WIN = 192 samples, more
than the longest pitch period searched (RATE / F0_MIN = 133)."""
FRAME_RATE = RATE / HOP
"""Frames per second (100)."""
F0_MIN, F0_MAX = 60.0, 400.0
"""Pitch search range in Hz: covers low male to high female/child voices."""


@dataclass(frozen=True)
class Thresholds:
    """Physical thresholds of a held filler sound, each with the reason it has that value."""

    voicing: float = 0.55
    """Normalised autocorrelation peak above which a frame is periodic (voiced). Modal voiced
    speech gives 0.7-0.95; breath, whisper and fricatives stay below ~0.4; creak is irregular."""
    level_above_floor_db: float = 10.0
    """A filler is spoken at speech level: at least this far above the recording's noise floor
    (breaths and room noise are not)."""
    max_pitch_step_st: float = 1.0
    """Largest pitch jump between two 10 ms frames inside one held sound, in semitones."""
    max_pitch_spread_st: float = 2.0
    """Pitch spread (interquartile range, semitones) of a held sound; words swing much more."""
    max_pitch_glide_st: float = 4.0
    """Largest smooth pitch glide over a held sound, in semitones. A hesitation is said on a level
    or gently falling pitch (a "hmm." may fall 2-3 semitones); a wider sweep is intonation
    carried by a word ("so?", "no...")."""
    max_spectral_change: float = 15.0
    """Median spectral change of a held sound: distance between the (50 ms smoothed) MFCC
    vectors, coefficients 1-12, 60 ms apart. A held vowel or hum measures ~5-12; running speech
    with its consonant-vowel transitions 25-60. A single frame may reach twice this (the vowel to
    nasal step inside "um")."""
    max_level_spread_db: float = 6.0
    """Loudness spread (interquartile range, dB) of a held sound: laughter pulses far more."""
    min_s: float = 0.18
    """Shortest held sound counted: longer than almost every vowel inside fluent words."""
    min_isolated_s: float = 0.08
    """Shortest held sound counted when it is alone between two silences and no word was
    transcribed there (a clipped "uh." on its own)."""
    max_isolated_s: float = 0.6
    """Longest stretch of speech between silences that can be such a lone short filler."""
    max_s: float = 2.5
    """Longest: a very drawn-out "ummmm" still counts; longer steady sound is singing or a tone."""
    max_word_silence_s: float = 0.6
    """Most VAD silence inside the span of a transcribed word next to a held sound before that
    word's timing is taken as loose (a word is 0.1-0.6 s of sound; Whisper stretching one over
    more than 0.6 s of silence has lost the alignment there)."""
    same_sound_mfcc: float = 20.0
    """Largest distance between two held sounds' mean MFCCs (1-12) for them to be the same
    sound said again (see :func:`_repeated_sounds`)."""
    repeat_within_s: float = 5.0
    """How far apart two held sounds may be to count as a run of the same sound."""
    drawn_out_neighbours: int = 2
    """A held sound with at least this many other filler-shaped held sounds of different timbres
    (different vowels) within ``drawn_out_within_s`` is a syllable of slow, drawn-out speech, not a
    filler (see :func:`_drawn_out_neighbours`). A filler between fluent words has none (measured
    on mockmic's own set: 0 for every filler); a run of the same "uh" is counted before this rule
    looks."""
    drawn_out_within_s: float = 1.0
    """How near (gap in seconds) another held sound must be to count for ``drawn_out_neighbours``."""
    min_lone_a_s: float = 0.3
    """Shortest held sound, alone between two pauses, that counts as a filler even though Whisper
    wrote the word "a" over it (see :func:`classify`, rule 6)."""
    max_unexplained_s: float = 1.0
    """Most sound (seconds; ~3-4 syllables) between two transcribed words that neither a word
    nor a held filler-shaped sound accounts for, before a gap in the words stops being taken as a
    dropped filler (see :func:`_unexplained_s`)."""


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Frames:
    """Frame-level features; frame ``i`` is centred at ``i / FRAME_RATE`` seconds."""

    level_db: np.ndarray
    voicing: np.ndarray
    f0: np.ndarray
    mfcc: np.ndarray
    floor_db: float
    high_db: np.ndarray | None = None
    """Share of the voice's energy above 1 kHz, in dB (noise-subtracted mel bands; 0 where not
    analysed). A vowel keeps its 2nd and 3rd formants up there; a nasal murmur ("m") closes the
    mouth and loses them while the voice goes on (see :func:`filler_label`)."""

    @property
    def times(self) -> np.ndarray:
        return np.arange(len(self.level_db)) / FRAME_RATE


def _framed(audio: np.ndarray) -> np.ndarray:
    pad = WIN // 2
    x = np.pad(audio.astype(np.float32), (pad, pad))
    n = 1 + max(0, (len(x) - WIN) // HOP)
    return np.lib.stride_tricks.as_strided(
        x, shape=(n, WIN), strides=(x.strides[0] * HOP, x.strides[0]), writeable=False
    )


def _mel_matrix(n_fft: int, n_mels: int = 32, fmin: float = 60.0, fmax: float = 3900.0) -> np.ndarray:
    """Triangular mel filters (HTK mel scale) over the ``n_fft // 2 + 1`` FFT bins."""
    def mel(f):
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def hz(m):
        return 700.0 * (10 ** (np.asarray(m) / 2595.0) - 1.0)

    edges = hz(np.linspace(mel(fmin), mel(fmax), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1.0 / RATE)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (bins - lower) / (centre - lower)
    down = (upper - bins) / (upper - centre)
    return np.maximum(0.0, np.minimum(up, down))


_MEL = _mel_matrix(NFFT).astype(np.float32)
_HIGH = (np.fft.rfftfreq(NFFT, 1.0 / RATE) @ _MEL.T / _MEL.sum(axis=1)) > 1000.0
"""Mel bands centred above 1 kHz."""
_MEL_SPANS = [(int(np.flatnonzero(row)[0]), int(np.flatnonzero(row)[-1]) + 1) for row in _MEL]


def _mel_power(power: np.ndarray) -> np.ndarray:
    """``power @ _MEL.T`` band by band over each filter's few nonzero bins.

    Not a BLAS matrix product on purpose: OpenBLAS spreads even this small product over its
    worker threads, which then spin waiting for more work while Whisper's threads want the same
    two cores -- measured at ~1 s of CPU per minute of audio instead of ~0.07."""
    out = np.empty((power.shape[0], len(_MEL_SPANS)), np.float32)
    for k, (lo, hi) in enumerate(_MEL_SPANS):
        out[:, k] = (power[:, lo:hi] * _MEL[k, lo:hi]).sum(axis=1)
    return out


def frame_features(audio: np.ndarray) -> Frames:
    """Level, periodicity, pitch and MFCCs of 16 kHz mono audio, every 10 ms (numpy/scipy only).

    Only frames loud enough to matter (within 30 dB of the loudest tenth) get the spectral
    analysis; the others keep voicing 0.
    """
    from scipy.fft import irfft, rfft
    from scipy.signal import resample_poly

    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        z = np.zeros(0)
        return Frames(z, z, z, np.zeros((0, 13)), -100.0, z)
    x = resample_poly(audio, 1, SAMPLE_RATE // RATE).astype(np.float32)
    x -= x.mean()
    frames = _framed(x)
    window = np.hanning(WIN).astype(np.float32)
    n = len(frames)
    # level: mean power over each frame from a running sum (cheap; only the spectral part below
    # needs the taper)
    xp = np.pad(x.astype(np.float64), (WIN // 2, WIN // 2))
    c = np.concatenate([[0.0], np.cumsum(xp * xp)])
    starts = np.arange(n) * HOP
    level_db = 10 * np.log10((c[starts + WIN] - c[starts]) / WIN + 1e-10)
    floor = float(np.percentile(level_db, 10)) if n else -100.0
    top = float(np.percentile(level_db, 90)) if n else -100.0
    sel = np.flatnonzero((level_db > top - 30.0) & (level_db > -80.0))

    voicing = np.zeros(n, np.float32)
    f0 = np.full(n, 100.0)
    mfcc = np.zeros((n, 13), np.float32)
    high = np.zeros(n, np.float32)
    wac = irfft(np.abs(rfft(window, n=NFFT)) ** 2, n=NFFT)[:WIN]
    noise = _noise_mel(frames, level_db, floor, window)
    # spectral work in blocks of frames, so memory stays bounded on long recordings
    for first in range(0, sel.size, BLOCK):
        blk = sel[first:first + BLOCK]
        v, f, m, h = _spectral_block(frames[blk], window, wac, noise)
        voicing[blk] = v
        f0[blk] = f
        mfcc[blk] = m
        high[blk] = h
    return Frames(level_db, voicing, f0, mfcc, floor, high)


def _noise_mel(frames: np.ndarray, level_db: np.ndarray, floor: float, window: np.ndarray) -> np.ndarray:
    """Mel power spectrum of the recording's background: the mean over its quietest frames.

    Subtracted from every frame before the MFCCs, so the spectral envelope measured is that of
    the voice, not of voice plus room noise: otherwise a held sound fading in and out of a noise
    floor 20 dB down looks as if its spectrum moved (it slides towards the noise spectrum)."""
    from scipy.fft import rfft

    quiet = np.flatnonzero(level_db <= floor + 3.0)
    if quiet.size == 0:
        return np.zeros(_MEL.shape[0], np.float32)
    quiet = quiet[:: max(1, quiet.size // 400)]  # a few hundred frames are plenty
    xw = np.zeros((quiet.size, NFFT), np.float32)
    xw[:, :WIN] = frames[quiet] * window
    spec = rfft(xw, axis=1)
    power = spec.real ** 2 + spec.imag ** 2
    return _mel_power(power.astype(np.float32)).mean(axis=0)


BLOCK = 4096
"""Frames analysed per block in :func:`frame_features` (~40 s of speech, ~25 MB of buffers)."""


def _spectral_block(frames: np.ndarray, window: np.ndarray, wac: np.ndarray, noise: np.ndarray):
    """Voicing, pitch and MFCCs of a block of frames (rows of WIN samples at RATE)."""
    from scipy.fft import dct, irfft, rfft

    xw = np.zeros((len(frames), NFFT), np.float32)
    xw[:, :WIN] = frames * window
    spec = rfft(xw, axis=1)
    power = spec.real ** 2 + spec.imag ** 2
    ac = irfft(power, n=NFFT, axis=1)[:, :WIN]
    ac = ac / np.maximum(ac[:, :1], 1e-12) / (wac / wac[0])  # undo the window's own taper
    lo, hi = int(RATE / F0_MAX), int(RATE / F0_MIN)
    seg = ac[:, lo:hi]
    k = np.argmax(seg, axis=1)
    rows = np.arange(len(k))
    v = seg[rows, k]
    # sub-harmonic errors: a peak at 2, 3 or 4 periods can edge out the one at a single
    # period; take the shortest lag (1/4, 1/3, 1/2 of the best, +-1 sample) nearly as strong
    best = k + lo
    lag = best.astype(np.float64)
    chosen = np.zeros(len(k), bool)
    for div in (4, 3, 2):
        cand = np.rint(best / div).astype(int)
        ok = (cand - 1 >= lo) & ~chosen
        c = np.clip(cand, lo + 1, WIN - 2)
        near = np.maximum(np.maximum(ac[rows, c - 1], ac[rows, c]), ac[rows, c + 1])
        hit = ok & (near > 0.9 * v)
        lag[hit] = cand[hit]
        chosen |= hit
    # a maximum on the edge of the searched range is no pitch peak at all (a tone or click
    # above 400 Hz, or rumble below 60 Hz)
    v = np.where((k == 0) | (k == seg.shape[1] - 1), 0.0, v)
    mel = _mel_power(power.astype(np.float32))
    # noise subtraction with a floor: a band never drops below the noise level itself, so bands
    # where the voice has no energy read as "noise level" in every frame (steady), not as noise
    # fluctuations magnified by the log
    logmel = 10 * np.log10(np.maximum(mel - noise, noise) + 1e-10)
    mfcc = dct(logmel, type=2, axis=1, norm="ortho")[:, :13]
    voice = np.maximum(mel - noise, 0.0)
    high = 10 * np.log10((voice[:, _HIGH].sum(axis=1) + 1e-12) / (voice.sum(axis=1) + 1e-12))
    return np.clip(v, 0.0, 1.0), RATE / lag, mfcc, high


@dataclass(frozen=True)
class HeldSound:
    """A stretch of steady voiced sound, with the measurements that made it one."""

    start: float
    end: float
    voicing: float
    pitch_spread_st: float
    spectral_change: float
    level_spread_db: float
    level_db: float
    f0_hz: float
    parts: int = 1
    """How many steady runs were joined into this sound (see :func:`merge_held`)."""
    pitch_glide_st: float = 0.0
    """Smooth pitch change from start to end (semitones, signed; the straight-line fit):
    ``pitch_spread_st`` is measured around that line."""

    @property
    def duration(self) -> float:
        return self.end - self.start


def _runs(mask: np.ndarray, max_gap: int = 2) -> list[tuple[int, int]]:
    """``(first, last_exclusive)`` runs of True, bridging gaps of up to ``max_gap`` frames."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    runs = []
    start = prev = int(idx[0])
    for i in idx[1:]:
        i = int(i)
        if i - prev > max_gap + 1:
            runs.append((start, prev + 1))
            start = i
        prev = i
    runs.append((start, prev + 1))
    return runs


def spectral_change(mfcc: np.ndarray, span: int = 3, valid: np.ndarray | None = None) -> np.ndarray:
    """How fast the spectral envelope moves at each frame (0 where it cannot be measured).

    Frames outside ``valid`` (silence) take the spectrum of the nearest valid frame, so a sound
    starting out of silence is not counted as a change: only movement *within* sound counts.
    """
    from scipy.ndimage import uniform_filter1d

    n = len(mfcc)
    out = np.zeros(n)
    if n <= 2 * span:
        return out
    src = mfcc[:, 1:]
    if valid is not None and valid.any() and not valid.all():
        idx = np.arange(n)
        fwd = np.maximum.accumulate(np.where(valid, idx, -1))
        bwd = np.minimum.accumulate(np.where(valid, idx, n)[::-1])[::-1]
        near = np.where(fwd < 0, bwd, np.where(bwd >= n, fwd, np.where(idx - fwd <= bwd - idx, fwd, bwd)))
        src = src[near]
    m = uniform_filter1d(src, 5, axis=0)
    out[span:n - span] = np.sqrt(((m[2 * span:] - m[:-2 * span]) ** 2).sum(axis=1))
    out[:span] = out[span]
    out[n - span:] = out[n - span - 1]
    return out


HARMONIC_ST = (12.0, 12 * np.log2(3), 24.0)
"""Pitch errors in semitones: the tracker locking onto the 2nd, 3rd or 4th harmonic."""


_HARMONIC_OFFSETS = np.array((0.0,) + HARMONIC_ST + tuple(-x for x in HARMONIC_ST))


def _nearest_harmonic(diff: np.ndarray) -> np.ndarray:
    """For each pitch difference (semitones), the harmonic interval (0, +-12, +-19.02, +-24)
    nearest to it."""
    diff = np.asarray(diff, dtype=float)
    k = np.argmin(np.abs(diff[..., None] - _HARMONIC_OFFSETS), axis=-1)
    return _HARMONIC_OFFSETS[k]


def _fold_harmonic(step: np.ndarray) -> np.ndarray:
    """Absolute pitch steps (semitones) with a harmonic error taken out (distance to 0, 12,
    19.02 or 24 semitones, whichever is nearest)."""
    out = np.abs(step)
    for h in HARMONIC_ST:
        out = np.minimum(out, np.abs(np.abs(step) - h))
    return out


def harmonic_corrected(semis: np.ndarray, voiced: np.ndarray, half: int = 25) -> np.ndarray:
    """Pitch (semitones) with harmonic errors put back onto the local pitch contour.

    A nasal murmur ("mm", the end of "um") has one strong, narrow resonance near 250 Hz; when
    that sits on the 3rd harmonic of an 80 Hz voice, the waveform is nearly a 250 Hz sine and the
    autocorrelation peak at a third of the period is as high as the one at the period itself, so
    the tracker flips between 81 and 242 Hz frame by frame. The voice cannot jump an octave and a
    fifth in 10 ms: a frame lying 2x, 3x or 4x (+-1 semitone) above the voiced frames around it
    (+-``half`` frames) is brought back down by that interval. The reference is their lower
    quartile, not the median, because these errors only go upwards (the tracker already prefers
    the shorter of two equally strong lags) and can fill half of a murmur's frames."""
    from scipy.ndimage import percentile_filter

    out = semis.copy()
    if not voiced.any():
        return out
    # only voiced frames set the reference: unvoiced ones take the nearest earlier voiced value
    idx = np.arange(len(semis))
    near = np.maximum.accumulate(np.where(voiced, idx, -1))
    near = np.where(near < 0, int(np.flatnonzero(voiced)[0]), near)
    ref = percentile_filter(semis[near], 25, size=2 * half + 1, mode="nearest")
    diff = semis - ref
    for h in HARMONIC_ST:
        hit = np.abs(diff - h) <= 1.0
        out[hit] -= h
    return out


def _quantiles(values: np.ndarray, *qs: float) -> list[float]:
    """``np.percentile(values, qs)`` (default linear method) for a small 1-D array, computed from
    one sort. ``np.percentile`` and ``np.median`` cost ~0.1 ms of overhead per call, which over
    the few hundred steady runs of a two-minute answer was half the time of this stage."""
    v = np.sort(np.asarray(values, dtype=np.float64), kind="stable")
    n = v.size
    out = []
    for q in qs:
        pos = q / 100.0 * (n - 1)
        lo = int(np.floor(pos))
        hi = min(lo + 1, n - 1)
        t = pos - lo
        a, b = float(v[lo]), float(v[hi])
        # numpy's lerp: measured from whichever end is nearer, for symmetry
        out.append(b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t)
    return out


def _median(values: np.ndarray) -> float:
    return _quantiles(values, 50.0)[0]


def _iqr(values: np.ndarray) -> float:
    hi, lo = _quantiles(values, 75.0, 25.0)
    return hi - lo


def held_sounds(fr: Frames, th: Thresholds = DEFAULT_THRESHOLDS) -> list[HeldSound]:
    """Stretches that are voiced, loud enough, and steady in pitch and spectrum frame to frame."""
    n = len(fr.level_db)
    if n < 3:
        return []
    loud = fr.level_db > fr.floor_db + th.level_above_floor_db
    semis = harmonic_corrected(12 * np.log2(fr.f0 / 100.0), (fr.voicing >= th.voicing) & loud)
    step = np.abs(np.diff(semis, prepend=semis[0]))
    # harmonic slips left over inside a held sound are tracking errors, not pitch movement
    step = _fold_harmonic(step)
    change = spectral_change(fr.mfcc, valid=loud)
    voiced = (fr.voicing >= th.voicing) & loud & (step <= th.max_pitch_step_st)
    steady = voiced & (change <= 2 * th.max_spectral_change)
    out: list[HeldSound] = []
    min_frames = int(round(min(th.min_s, th.min_isolated_s) * FRAME_RATE))
    # the spectral-change measure spans 60 ms, so it smears a sound's edges inside speech; a
    # steady run is widened by up to 30 ms while the voice carries on at the same pitch
    edge = 3
    for a0, b0 in _runs(steady, max_gap=2):
        a, b = a0, b0
        k = 0
        while k < edge and a > 0 and voiced[a - 1]:
            a -= 1
            k += 1
        k = 0
        while k < edge and b < n and voiced[b]:
            b += 1
            k += 1
        if b - a < min_frames:
            continue
        # measured on the steady core; the widened edges only set the start and end
        sl = slice(a0, b0)
        ok = steady[sl]
        st = semis[sl][ok]
        # fold harmonic slips of the pitch tracker (2x, 3x, 4x, 1/2) that the contour correction
        # left over onto the median pitch, then measure the spread of the frames near it; if too
        # few are near it, the pitch is not steady at all
        med = _median(st)
        st = st - _nearest_harmonic(st - med)
        near = np.abs(st - med) <= 4.0
        t = np.flatnonzero(ok)[near] / FRAME_RATE if near.mean() >= 0.6 else None
        if t is None or t.size < 3:
            st, glide = np.array([med - 12.0, med + 12.0]), 0.0
        else:
            # a held sound may glide smoothly (a falling "hmm.", declination): the spread that
            # counts is around the straight line through its pitch, the glide is measured apart
            st = st[near]
            tc = t - t.mean()
            slope = float((tc * (st - st.mean())).sum() / (tc * tc).sum())  # least-squares line
            glide = slope * (t[-1] - t[0])
            st = st - slope * tc
        lv = fr.level_db[sl][ok]
        out.append(HeldSound(
            start=a / FRAME_RATE,
            end=b / FRAME_RATE,
            voicing=_median(fr.voicing[sl][ok]),
            pitch_spread_st=_iqr(st),
            spectral_change=_median(change[sl][ok]),
            level_spread_db=_iqr(lv),
            level_db=_median(lv),
            f0_hz=float(100 * 2 ** (_median(st) / 12)),
            pitch_glide_st=glide,
        ))
    return out


def is_filler_like(h: HeldSound, th: Thresholds = DEFAULT_THRESHOLDS, *, isolated: bool = False) -> bool:
    """Whether a held sound has the shape of a filled pause (without looking at words)."""
    return (
        (th.min_isolated_s if isolated else th.min_s) <= h.duration <= th.max_s
        and h.pitch_spread_st <= th.max_pitch_spread_st
        and abs(h.pitch_glide_st) <= th.max_pitch_glide_st
        and h.spectral_change <= th.max_spectral_change
        and h.level_spread_db <= th.max_level_spread_db
    )


def merge_held(
    sounds: list[HeldSound],
    frames: Frames | None = None,
    *,
    max_gap_s: float = 0.12,
    max_pitch_jump_st: float = 3.0,
    max_dip_db: float = 10.0,
    min_part_s: float = 0.1,
) -> list[HeldSound]:
    """Join held sounds split by a brief glitch, e.g. the vowel-to-nasal step inside "um".

    Two neighbours join when at most ``max_gap_s`` apart, at nearly the same pitch, and the sound
    does not dip by more than ``max_dip_db`` in between (the voice kept going; laughter pulses
    "ha-ha-ha" dip between pulses and stay apart). Measurements combine weighted by duration; a
    step in loudness between the parts is allowed (the "m" of "um" is quieter than the "u").
    """
    out: list[HeldSound] = []
    rate = FRAME_RATE
    for h in sorted(sounds, key=lambda s: s.start):
        if out:
            p = out[-1]
            jump = float(_fold_harmonic(np.array([abs(12 * np.log2(h.f0_hz / p.f0_hz))]))[0])
            dip_ok = True
            if frames is not None:
                gap = frames.level_db[int(round(p.end * rate)):int(round(h.start * rate))]
                dip_ok = gap.size == 0 or gap.min() >= min(p.level_db, h.level_db) - max_dip_db
            # at most two parts, each of some length: "u" + "m"; a chain of short steady bits
            # at one pitch is a run of different vowels (a word), not one held sound
            parts_ok = p.parts == 1 and min(p.duration, h.duration) >= min_part_s
            if h.start - p.end <= max_gap_s and jump <= max_pitch_jump_st and dip_ok and parts_ok:
                a, b = p.duration, h.duration
                w = lambda x, y: (x * a + y * b) / (a + b)  # noqa: E731
                # the step between the parts' median pitches is part of the glide when both
                # parts glide the same way; otherwise it widens the spread
                step = 12 * np.log2(h.f0_hz / p.f0_hz)
                step -= float(_nearest_harmonic(np.array(step)))
                glide = p.pitch_glide_st + h.pitch_glide_st + step
                same_way = step * (p.pitch_glide_st + h.pitch_glide_st) > 0
                out[-1] = HeldSound(
                    p.start, h.end, w(p.voicing, h.voicing),
                    max(p.pitch_spread_st, h.pitch_spread_st, 0.0 if same_way else jump),
                    w(p.spectral_change, h.spectral_change),
                    w(p.level_spread_db, h.level_spread_db),
                    w(p.level_db, h.level_db), p.f0_hz if a >= b else h.f0_hz, 2, glide,
                )
                continue
        out.append(h)
    return out


def expected_word_s(text: str) -> float:
    """A generous upper estimate of how long a word takes to say: ~80 ms per letter + 100 ms.

    Conversational English runs at 10-15 phones per second, and letters roughly track phones,
    so a word that lasts far longer than this has swallowed something (often an "uh")."""
    letters = sum(ch.isalpha() for ch in text)
    return 0.08 * letters + 0.1


def _clip_to_speech(w: Word, speech: list[Interval]) -> tuple[float, float]:
    """A word's span trimmed to the VAD speech it overlaps (Whisper often starts the first word at
    0.0 and stretches words over silences)."""
    parts = [(max(w.start, s.start), min(w.end, s.end)) for s in speech if s.start < w.end and w.start < s.end]
    if not parts:
        return w.start, w.end
    return parts[0][0], parts[-1][1]


def _sounding(speech: list[Interval], sounds: list[HeldSound]) -> list[Interval]:
    """The VAD's speech joined with the held voiced sounds: where something was said.

    The VAD often calls a long steady vowel silence (it was trained on running speech), so a word
    trimmed to the VAD alone loses the drawn-out vowel it is made of, and that vowel then looks
    like a sound no word covers."""
    spans = sorted([(iv.start, iv.end) for iv in speech] + [(h.start, h.end) for h in sounds])
    out: list[list[float]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [Interval(a, b) for a, b in out]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass(frozen=True)
class Verdict:
    """Why a held sound was or was not counted as a filler (for tests and the bench)."""

    sound: HeldSound
    filler: bool
    reason: str


def classify(
    sounds: list[HeldSound],
    words: list[Word],
    speech: list[Interval],
    *,
    is_hesitation,
    have_transcript: bool = True,
    th: Thresholds = DEFAULT_THRESHOLDS,
    frames: Frames | None = None,
) -> list[Verdict]:
    """Decide, for each held sound, whether it is a filler the transcript left out.

    Rules, in order:

    1. it must have the shape of a filled pause (:func:`is_filler_like`); a short one (from
       ``min_isolated_s``) only when it is alone between silences where no word was transcribed,
       or when it is one more of a run of the same sound (:func:`_short_repeats`);
    2. a hesitation word in the transcript within 0.3 s already counts it (each transcript filler
       accounts for one held sound, the nearest);
    3. with no transcript at all, it must stand apart from speech: a drop in level just before and
       just after it (a filler between words, not a lengthened vowel inside or ending one);
    4. no word covers it (at most 35% of it under transcribed words, each word trimmed to where
       something sounds: VAD speech or a held sound):
       a. one of a run of the same held sound (:func:`_repeated_sounds`) -> a filler;
       otherwise a filler Whisper dropped, unless
       b. it runs on with no silence from a word just before (ending up to 0.25 s into it, or
          squeezed whole into its start) that closes a clause or sentence and ends in a vowel or
          sonorant (Whisper ends words early: that is the word's last sound held; "forced,"
          cannot be held on, "Montreal," can);
       c. two or more held sounds of other vowels lie within 1 s of it (drawn-out syllables),
       d. a transcribed word next to it spans more than 0.6 s of VAD silence, or
       e. more than 1 s of sound between the words either side is neither a word nor a held
          filler-shaped sound: in both cases Whisper's timing has come loose there, and a gap in
          its words is no evidence;
    5. it lies under one word that is much longer than its letters warrant, or it is a speech
       stretch of its own while the word's body lies beyond a silence (the word swallowed it),
       at that word's start or end with a silence between it and the rest of the word, or in
       its middle as a stretch of speech of its own (silences on both sides) -> a
       filler, unless it is the end of a sentence-final word ending in a vowel or sonorant (a
       held word at a sentence end is not a filler);
    6. a held sound of ``min_lone_a_s`` or more that is a stretch of speech of its own (pauses
       on both sides) under the word "a" -> a filler: "uh" and the article are the same schwa,
       and an article is said joined to its noun, not alone between pauses;
    7. otherwise it is part of a word (a lengthened vowel in "theee", a slow word): not a filler.
    """
    verdicts: list[Verdict] = []
    hes = [w for w in words if is_hesitation(w.text)]
    lexical = [(i, w) for i, w in enumerate(words) if not is_hesitation(w.text)]

    def lone(s: HeldSound) -> bool:
        """Alone in a short stretch of speech between silences, with no word transcribed in it."""
        for iv in speech:
            if iv.start - 0.05 <= s.start and s.end <= iv.end + 0.05:
                if iv.duration > th.max_isolated_s or s.duration < 0.4 * iv.duration:
                    return False
                return not any(_overlap(iv.start, iv.end, w.start, w.end) > 0.05 for _i, w in lexical)
        return False

    candidates = [s for s in sounds if is_filler_like(s, th) or (have_transcript and is_filler_like(s, th, isolated=True) and lone(s))]
    tim = _timbres(candidates, frames, th) if frames is not None else [None] * len(candidates)
    repeated = _repeated_sounds(candidates, tim, th)
    if frames is not None and have_transcript and repeated:
        # a run of the same "uh" vouches for its short members too (see _short_repeats)
        for s, t in _short_repeats(sounds, candidates, tim, repeated, frames, th):
            candidates.append(s)
            tim.append(t)
            repeated.add(id(s))
        order = sorted(range(len(candidates)), key=lambda k: candidates[k].start)
        candidates = [candidates[k] for k in order]
        tim = [tim[k] for k in order]
    for s in sounds:
        if s not in candidates:
            verdicts.append(Verdict(s, False, "not steady or not filler length"))
    # words are trimmed to where something sounds: VAD speech or a held voiced sound
    spans = _sounding(speech, sounds)
    # rule 2: one-to-one claim of held sounds by transcript hesitation words
    claimed: set[int] = set()
    for w in hes:
        best, dist = None, 0.3
        for j, s in enumerate(candidates):
            if j in claimed:
                continue
            d = max(0.0, s.start - w.end, w.start - s.end)
            if d <= dist:
                best, dist = j, d
        if best is not None:
            claimed.add(best)
    for j, s in enumerate(candidates):
        if j in claimed:
            verdicts.append(Verdict(s, False, "already in the transcript"))
            continue
        if not have_transcript:
            if frames is not None and not _stands_apart(s, frames):
                verdicts.append(Verdict(s, False, "no transcript and joined to speech"))
            else:
                verdicts.append(Verdict(s, True, "held sound standing apart"))
            continue
        cover = []
        for i, w in lexical:
            a, b = _clip_to_speech(w, spans)
            ov = _overlap(s.start, s.end, a, b)
            if ov > 0:
                cover.append((ov, i, w, a, b))
        covered = sum(c[0] for c in cover) / s.duration
        if covered <= 0.35:
            prev = _word_before(s, lexical, spans)
            if id(s) in repeated:
                # the same held vowel again and again at one pitch ("uh ... uh ... uh"): a run of
                # fillers explains itself, whatever Whisper's timing around it, even right after
                # a word that could have been held on ("Montreal, uh, uh")
                verdicts.append(Verdict(s, True, "no word covers it; one of a run of the same sound"))
            elif prev is not None and frames is not None and _joined(s, frames, th, before=True) \
                    and (prev[0] == len(words) - 1 or ends_clause(prev[1].text)) \
                    and ends_in_sonorant(prev[1].text):
                # Whisper ends words early; a voice running on without a break from a word that
                # closes a clause or sentence is that word held, not a filler
                verdicts.append(Verdict(s, False, f"held end of {prev[1].text!r}"))
            elif (drawn := _drawn_out_neighbours(j, candidates, tim, th)) >= th.drawn_out_neighbours:
                # one steady vowel after another, each a different vowel: the speaker is drawing
                # out the syllables of words ("Mooon-treee-aaal"), and a held sound among them is
                # one more such syllable, however Whisper placed its words
                verdicts.append(Verdict(
                    s, False, f"among drawn-out syllables ({drawn} other held vowels within "
                              f"{th.drawn_out_within_s:g} s)"))
            elif (loose := _loose_neighbour(s, lexical, speech, th)) is not None:
                # the words either side are Whisper's anchors for "nothing was said here"; one
                # stretched over a long silence shows its timing has come loose from the audio
                verdicts.append(Verdict(s, False, f"words around it are mistimed ({loose})"))
            elif (lost := _unexplained_s(s, lexical, hes, candidates, sounds, speech, frames, th)) \
                    > th.max_unexplained_s:
                # the words around it leave seconds of speech unaccounted for: Whisper lost its
                # place here (mistimed or dropped words), so a gap in its words proves nothing
                verdicts.append(Verdict(
                    s, False, f"transcript lost its place ({lost:.1f} s of speech without words)"))
            else:
                verdicts.append(Verdict(s, True, "no word covers it"))
            continue
        ov, i, w, a, b = max(cover)
        longer = (b - a) >= expected_word_s(w.text) + 0.6 * s.duration
        # or the held sound is a stretch of speech of its own between silences while the word's
        # body lies in another stretch: a word has no silence of 0.2 s inside it, so Whisper's
        # word reaches over a separate sound ("uh ... and")
        apart = _split_from_word(s, w, speech)
        longer = longer or apart
        at_start = s.start - a <= 0.12
        at_end = b - s.end <= 0.15
        # the rest of the word must be set off from the held sound by a silence: "uh ... we"
        # read as one word "we", not a drawn-out "fooorced" whose vowel runs on from its consonants
        if frames is not None:
            at_start = at_start and not _joined(s, frames, th, before=False)
            at_end = at_end and not _joined(s, frames, th, before=True)
        if longer and (at_start or at_end or apart):
            last = i == len(words) - 1
            if at_end and not at_start and (last or ends_sentence(w.text)) and ends_in_sonorant(w.text):
                verdicts.append(Verdict(s, False, "held end of a sentence-final word"))
            else:
                verdicts.append(Verdict(s, True, f"swallowed by over-long word {w.text!r}"))
            continue
        if norm_token(w.text) == "a" and s.duration >= th.min_lone_a_s and _own_stretch(s, speech):
            # "uh" and the article "a" are one sound (a schwa), and Whisper writes one for the
            # other; an article is said joined to its noun, not held alone between two pauses
            verdicts.append(Verdict(s, True, f"held alone between pauses, written {w.text!r}"))
            continue
        verdicts.append(Verdict(s, False, f"part of the word {w.text!r}"))
    verdicts.sort(key=lambda v: v.sound.start)
    return verdicts


def ends_in_sonorant(text: str) -> bool:
    """Whether a word's last sound can be held as a steady voiced sound: a vowel or a sonorant
    (l, r, m, n, ng, w, y), judged from the spelling. A word ending in a voiceless or fricative
    consonant ("forced", "like", "is") cannot run on into a held vowel, so a held sound right
    after it is something else. Spelling rules used: "-ed" sounds /t/ after c, k, p, s, x, f,
    sh, ch; a silent final "e" after a consonant (longer words) hands over to that consonant."""
    w = "".join(ch for ch in text.lower() if ch.isalpha())
    if not w:
        return True
    if len(w) > 3 and w.endswith("ed"):
        return not (w[-3] in "ckpsxf" or w.endswith(("shed", "ched")))
    if len(w) > 3 and w.endswith("e") and w[-2] not in "aeiouy":
        w = w[:-1]
    return w[-1] in "aeiouylrmnw" or w.endswith("ng")


def _own_stretch(s: HeldSound, speech: list[Interval], own: float = 0.6) -> Interval | None:
    """The VAD speech stretch around the middle of ``s`` when ``s`` makes up at least ``own`` of
    it (the held sound is a stretch of speech of its own, pauses on both sides), else None."""
    mid = 0.5 * (s.start + s.end)
    home = next((iv for iv in speech if iv.start <= mid <= iv.end), None)
    return home if home is not None and s.duration >= own * home.duration else None


def _split_from_word(s: HeldSound, w: Word, speech: list[Interval], *, own: float = 0.6,
                     body_s: float = 0.08) -> bool:
    """Whether ``s`` makes up most (``own``) of its VAD speech stretch and the word ``w`` has at
    least ``body_s`` of speech in other stretches."""
    home = _own_stretch(s, speech, own)
    if home is None:
        return False
    elsewhere = sum(_overlap(w.start, w.end, iv.start, iv.end) for iv in speech if iv is not home)
    return elsewhere >= body_s


def _word_before(s: HeldSound, lexical: list[tuple[int, Word]], speech: list[Interval],
                 within_s: float = 0.35, inside_s: float = 0.25) -> tuple[int, Word] | None:
    """The transcribed word ending just before, or up to ``inside_s`` into, a held sound (Whisper
    misplaces word edges by 0.1-0.3 s, so a held last vowel may start before the word 'ends').

    The word may even start after the held sound does: at the end of a phrase Whisper squeezes
    the whole word into the first moment of its drawn-out last vowel ("aligneeer" written as a
    0.14 s word 0.08 s into a 0.66 s held sound, measured on the shared ``mfa_long`` clip)."""
    best = None
    for i, w in lexical:
        _a, b = _clip_to_speech(w, speech)
        if s.start - within_s <= b <= s.start + inside_s:
            best = (i, w)
    return best


def _timbres(candidates: list[HeldSound], fr: Frames, th: Thresholds) -> list[np.ndarray | None]:
    """Mean MFCCs 1-12 over each held sound's voiced frames (all its frames if none is voiced)."""
    out: list[np.ndarray | None] = []
    for s in candidates:
        a, b = int(round(s.start * FRAME_RATE)), int(round(s.end * FRAME_RATE))
        m, v = fr.mfcc[a:b, 1:13], fr.voicing[a:b] >= th.voicing
        out.append(m[v].mean(axis=0) if v.any() else (m.mean(axis=0) if len(m) else None))
    return out


def _repeated_sounds(candidates: list[HeldSound], tim: list[np.ndarray | None], th: Thresholds) -> set[int]:
    """``id`` of each candidate that has another candidate within ``repeat_within_s`` with the
    same timbre (mean MFCCs within ``same_sound_mfcc``, see :func:`_timbres`) and pitch (within
    3 semitones, harmonic slips folded).

    A hesitating speaker repeats one neutral vowel ("uh ... uh ... uh"); a word spoken slowly,
    syllable by syllable ("Mon ... tree ... al"), changes vowel from one held sound to the next
    (measured: 5-13 between the "uh"s of one speaker, 35-90 between the syllables of a word)."""
    out: set[int] = set()
    for i, s in enumerate(candidates):
        if any(j != i and _same_sound(s, tim[i], o, tim[j], th) for j, o in enumerate(candidates)):
            out.add(id(s))
    return out


def _same_sound(a: HeldSound, ta: np.ndarray | None, b: HeldSound, tb: np.ndarray | None,
                th: Thresholds) -> bool:
    """Whether two held sounds are the same sound said again: within ``repeat_within_s``, pitch
    within 3 semitones (harmonic slips folded), timbres within ``same_sound_mfcc``."""
    if ta is None or tb is None or abs(a.start - b.start) > th.repeat_within_s:
        return False
    pitch = float(_fold_harmonic(np.array([12 * np.log2(b.f0_hz / a.f0_hz)]))[0])
    return pitch <= 3.0 and float(np.linalg.norm(ta - tb)) <= th.same_sound_mfcc


def _short_repeats(sounds: list[HeldSound], candidates: list[HeldSound], tim: list[np.ndarray | None],
                   repeated: set[int], fr: Frames, th: Thresholds) -> list[tuple[HeldSound, np.ndarray]]:
    """Held sounds too short to be candidates on their own (from ``min_isolated_s``, 80 ms) that
    are one more of a run of the same sound: same timbre and pitch as a candidate in a run (see
    :func:`_repeated_sounds`) within ``repeat_within_s``, and more than 0.12 s from every
    candidate (closer, it is a fragment of that sound, the gap ``merge_held`` bridges).

    A speaker stuck on "uh ... uh ... uh" clips some of them to 0.1 s; measured on the shared
    ``mfa_uhuh`` clip, a 0.09 s "uh" after "Montreal," matches the run's other "uh"s at a timbre
    distance of 5-8 (different vowels measure 35-90)."""
    short = [s for s in sounds if s not in candidates and is_filler_like(s, th, isolated=True)]
    runs = [(c, t) for c, t in zip(candidates, tim) if id(c) in repeated and t is not None]
    out: list[tuple[HeldSound, np.ndarray]] = []
    for s, t in zip(short, _timbres(short, fr, th)):
        if t is None or any(c.start - 0.12 <= s.end and s.start <= c.end + 0.12 for c in candidates):
            continue
        if any(_same_sound(s, t, c, ct, th) for c, ct in runs):
            out.append((s, t))
    return out


def _drawn_out_neighbours(i: int, candidates: list[HeldSound], tim: list[np.ndarray | None],
                          th: Thresholds) -> int:
    """How many other filler-shaped held sounds of a different timbre (mean MFCCs further apart
    than ``same_sound_mfcc``) lie within ``drawn_out_within_s`` of candidate ``i``."""
    s, n = candidates[i], 0
    for j, o in enumerate(candidates):
        if j == i or tim[i] is None or tim[j] is None:
            continue
        if o.end > s.start - th.drawn_out_within_s and o.start < s.end + th.drawn_out_within_s \
                and float(np.linalg.norm(tim[i] - tim[j])) > th.same_sound_mfcc:
            n += 1
    return n


def _loose_neighbour(s: HeldSound, lexical: list[tuple[int, Word]], speech: list[Interval],
                     th: Thresholds) -> str | None:
    """The word just before or just after ``s`` when more than ``max_word_silence_s`` of its
    span is silence by the VAD (a word that starts the recording at 0.0 is exempt: Whisper
    routinely stretches the first word back to the start)."""
    before = [w for _i, w in lexical if w.end <= s.start + 0.25]
    after = [w for _i, w in lexical if w.start >= s.end - 0.25]
    for w in ([before[-1]] if before else []) + ([after[0]] if after else []):
        if w.start < 0.05:
            continue
        voiced = sum(_overlap(w.start, w.end, iv.start, iv.end) for iv in speech)
        silent = (w.end - w.start) - voiced
        if silent > th.max_word_silence_s:
            return f"{silent:.1f} s of silence inside {w.text!r}"
    return None


def _unexplained_s(s: HeldSound, lexical: list[tuple[int, Word]], hes: list[Word],
                   candidates: list[HeldSound], sounds: list[HeldSound], speech: list[Interval],
                   fr: Frames | None, th: Thresholds) -> float:
    """Seconds of sound between the lexical words either side of ``s`` that neither a word nor a
    filler-shaped held sound accounts for.

    Sound is every frame at speech level (``level_above_floor_db`` over the noise floor) that the
    VAD calls speech or that lies in a held sound (the VAD tends to miss a long steady vowel). A
    dropped filler leaves a filler-sized hole in the words; when the hole holds a second or more
    of other sound, the transcript's timing has come loose from the audio."""
    if fr is None or not len(fr.level_db):
        return 0.0
    ends = [_clip_to_speech(w, speech) for _i, w in lexical]
    lo = max((b for a, b in ends if b <= s.start + 0.25), default=0.0)
    hi = min((a for a, b in ends if a >= s.end - 0.25), default=len(fr.level_db) / FRAME_RATE)
    n = len(fr.level_db)
    i0, i1 = min(n, int(round(lo * FRAME_RATE))), min(n, int(round(hi * FRAME_RATE)))
    if i1 <= i0:
        return 0.0
    t = np.arange(i0, i1) / FRAME_RATE

    def inside(spans) -> np.ndarray:
        m = np.zeros(t.size, bool)
        for a, b in spans:
            m |= (t >= a) & (t < b)
        return m

    sound = fr.level_db[i0:i1] > fr.floor_db + th.level_above_floor_db
    sound &= inside([(iv.start, iv.end) for iv in speech] + [(h.start, h.end) for h in sounds])
    known = inside([(h.start, h.end) for h in candidates] + [(w.start, w.end) for w in hes])
    return float((sound & ~known).sum() / FRAME_RATE)


def _joined(s: HeldSound, fr: Frames, th: Thresholds, *, before: bool, look_s: float = 0.1) -> bool:
    """Whether the held sound runs on from (``before``) or into other sound with no silence
    between: every frame in the ``look_s`` next to it is at speech level (a consonant, another
    vowel), none near the noise floor."""
    k = int(look_s * FRAME_RATE)
    if before:
        a = int(round(s.start * FRAME_RATE))
        side = fr.level_db[max(0, a - k):a]
    else:
        b = int(round(s.end * FRAME_RATE))
        side = fr.level_db[b:b + k]
    return bool(side.size == k and side.min() > fr.floor_db + th.level_above_floor_db)


def _stands_apart(s: HeldSound, fr: Frames, *, drop_db: float = 10.0, look_s: float = 0.12) -> bool:
    """Whether the level falls by ``drop_db`` within ``look_s`` both before and after the sound.

    Used only when there is no transcript: a held vowel that runs straight on from or into
    other speech may be a lengthened word, so only a sound set apart on both sides counts."""
    rate = FRAME_RATE
    a, b = int(s.start * rate), int(s.end * rate)
    k = int(look_s * rate)
    before = fr.level_db[max(0, a - k):a]
    after = fr.level_db[b:b + k]
    quiet = s.level_db - drop_db
    return bool((before.size == 0 or before.min() < quiet) and (after.size == 0 or after.min() < quiet))


def filler_label(s: HeldSound, fr: Frames, *, nasal_drop_db: float = 10.0) -> str:
    """"(um)" or "(uh)" for a held sound, from what happens to its energy above 1 kHz.

    An "m" closes the lips: the voice goes on, but the 2nd and 3rd formants (1-3 kHz) are gone
    and only a low murmur is left. So a held sound whose last third has lost ``nasal_drop_db``
    or more of its high-band share against its first third ends in a nasal: "um". Anything else
    is labelled "uh" (a hum that is nasal all through is not told apart: its high-band share
    depends on the voice, and nothing here measures the speaker's own vowels reliably)."""
    if fr.high_db is None:
        return "(uh)"
    a, b = int(round(s.start * FRAME_RATE)), int(round(s.end * FRAME_RATE))
    loud = fr.level_db[a:b] > fr.floor_db + 10.0
    h = fr.high_db[a:b][loud]
    if h.size < 9:
        return "(uh)"
    k = h.size // 3
    return "(um)" if float(np.median(h[:k])) - float(np.median(h[-k:])) >= nasal_drop_db else "(uh)"


HESITATION_REACH_S = 0.3
"""How far from a transcribed hesitation word its held sound may lie: Whisper places word edges
0.1-0.3 s off (on real "um"s here it often starts them 0.4 s early but always overlaps them)."""


def unsupported_hesitations(
    words: list[Word], sounds: list[HeldSound], *, is_hesitation, reach_s: float = HESITATION_REACH_S
) -> set[int]:
    """Indices of hesitation words that nothing in the signal supports.

    A hesitation is a voiced sound held for a moment ("uhh", "umm", "hmm"). With a prompt that
    asks for fillers, Whisper also writes them where none was said: over a breath, a noise, a
    silence, or as a loop of "er, hmm, er, hmm" stacked on one instant. Such a word is dropped
    when

    * no held voiced sound (:func:`held_sounds`, any shape) lies within ``reach_s`` of it: a
      breath or a noise is not voiced, a silence holds nothing; or
    * it lies on the same instant as the hesitation word before it (it starts before that one
      ends, or both have no length at one time): one sound written twice.
    """
    out: set[int] = set()
    prev: Word | None = None
    for i, w in enumerate(words):
        if not is_hesitation(w.text):
            continue
        if prev is not None and (w.start < prev.end - 0.01 or (w.start <= prev.start + 0.01)):
            out.add(i)
            continue
        if not any(s.start - reach_s <= w.end and w.start <= s.end + reach_s for s in sounds):
            out.add(i)
            continue
        prev = w
    return out


@dataclass
class AudioEvidence:
    """What the signal says about an answer's hesitations."""

    fillers: list[Filler]
    """Hesitations heard in the audio that the transcript does not hold (``source="audio"``)."""
    unsupported: set[int]
    """Indices of transcribed hesitation words the signal does not support
    (:func:`unsupported_hesitations`): they were not said."""
    verdicts: list[Verdict]


def hesitation_evidence(
    audio: np.ndarray,
    words: list[Word],
    speech: list[Interval],
    *,
    is_hesitation,
    have_transcript: bool = True,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> AudioEvidence:
    """Check the transcript's hesitations against the signal, and find the ones it left out."""
    fr = frame_features(audio)
    sounds = merge_held(held_sounds(fr, th), fr)
    unsupported = unsupported_hesitations(words, sounds, is_hesitation=is_hesitation)
    kept = [w for i, w in enumerate(words) if i not in unsupported]
    verdicts = classify(sounds, kept, speech, is_hesitation=is_hesitation,
                        have_transcript=have_transcript, th=th, frames=fr)
    fillers = [
        Filler(filler_label(v.sound, fr), round(v.sound.start, 3), round(v.sound.end, 3), "hesitation", "audio")
        for v in verdicts if v.filler
    ]
    return AudioEvidence(fillers, unsupported, verdicts)


def audio_fillers(
    audio: np.ndarray,
    words: list[Word],
    speech: list[Interval],
    *,
    is_hesitation,
    have_transcript: bool = True,
    th: Thresholds = DEFAULT_THRESHOLDS,
) -> tuple[list[Filler], list[Verdict]]:
    """Hesitation fillers found in the audio that the transcript does not already count."""
    ev = hesitation_evidence(audio, words, speech, is_hesitation=is_hesitation,
                             have_transcript=have_transcript, th=th)
    return ev.fillers, ev.verdicts
