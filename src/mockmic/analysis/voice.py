"""How the voice sounded: pitch variety, loudness per sentence, trailing off, a quiet microphone.

Pure: the frames of :mod:`mockmic.analysis.pitch` (measured while recording), the VAD's speech
intervals and Whisper's words in; a :class:`~mockmic.core.VoiceSummary` and flags out. The work
here is a few numpy passes over ~50 frames per second, so the summary at stop costs milliseconds
whatever was measured before.

Pitch is expressed in semitones about the speaker's own median, so one threshold fits low and
high voices (Traunmüller & Eriksson 1995). A stretch is *flat* when, over a window of
``flat_window_s`` with enough voiced speech, the pitch's 10th-90th percentile range stays below
``flat_range_st``: the percentile range ignores the odd octave error of the tracker, which a
standard deviation would not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mockmic.analysis.pitch import FMAX, FMIN, HOP, SAMPLE_RATE, PitchFrames
from mockmic.analysis.text import ends_sentence
from mockmic.config import Thresholds
from mockmic.core import (
    ContourPoint,
    FlatStretch,
    Flag,
    Interval,
    Report,
    SentenceLevel,
    VoiceSummary,
    Word,
)

VOICED_APERIODICITY = 0.35
"""Frames whose YIN aperiodicity is above this are not voiced (breath, hiss, consonants)."""
LEVEL_FLOOR_DB = 35.0
"""Frames more than this below the speech level are silence inside the VAD's intervals."""
OCTAVE_GUARD_ST = 9.0
"""Pitch more than this far from the median is taken as a tracker octave error and dropped."""
CONTOUR_BIN_S = 0.25
WINDOW_STEP_S = 1.0
SENTENCE_MIN_S = 1.2
END_PART = 0.25
"""The last quarter of a sentence (at least ``END_MIN_S``) is its end."""
END_MIN_S = 0.4
TRAILING_MIN_SENTENCES = 3
FRAME_S = HOP / SAMPLE_RATE


@dataclass(frozen=True)
class _Frames:
    """The frames inside speech: times, level, and semitones (NaN where not voiced)."""

    times: np.ndarray
    level_db: np.ndarray
    st: np.ndarray
    median_hz: float | None
    speech_dbfs: float | None


def _power_db(levels: np.ndarray) -> float:
    return float(10.0 * np.log10(np.mean(10.0 ** (levels / 10.0))))


def _in_speech(times: np.ndarray, speech: list[Interval]) -> np.ndarray:
    mask = np.zeros(len(times), dtype=bool)
    for iv in speech:
        a, b = np.searchsorted(times, [iv.start, iv.end])
        mask[a:b] = True
    return mask


def _speech_frames(frames: PitchFrames, speech: list[Interval]) -> _Frames:
    inside = _in_speech(frames.times, speech)
    times, level = frames.times[inside], frames.level_db[inside]
    f0, aper = frames.f0[inside], frames.aperiodicity[inside]
    if not len(times):
        return _Frames(times, level, np.zeros(0), None, None)
    loudest = float(np.percentile(level, 95))
    sounding = level > loudest - LEVEL_FLOOR_DB
    times, level, f0, aper = times[sounding], level[sounding], f0[sounding], aper[sounding]
    speech_db = _power_db(level) if len(level) else None
    voiced = (aper < VOICED_APERIODICITY) & (f0 > FMIN * 1.05) & (f0 < FMAX * 0.95)
    if not voiced.any():
        return _Frames(times, level, np.full(len(times), np.nan), None, speech_db)
    median = float(np.median(f0[voiced]))
    st = np.full(len(times), np.nan)
    st[voiced] = 12.0 * np.log2(f0[voiced] / median)
    st[np.abs(st) > OCTAVE_GUARD_ST] = np.nan
    return _Frames(times, level, st, median, speech_db)


def _spread(st: np.ndarray) -> tuple[float, float]:
    p10, p90 = np.percentile(st, [10, 90])
    return float(p90 - p10), float(np.sqrt(np.mean(st * st)))


def _row_percentile(rows: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """``np.percentile(row[:count], q)`` (linear) of each sorted row, all rows at once."""
    pos = q / 100.0 * (counts - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, counts - 1)
    r = np.arange(len(rows))
    out: np.ndarray = rows[r, lo] + (pos - lo) * (rows[r, hi] - rows[r, lo])
    return out


def window_ranges(times: np.ndarray, st: np.ndarray, th: Thresholds) -> list[tuple[float, float, float]]:
    """(start, end, 10th-90th percentile range) of every judged window of ``flat_window_s``.

    ``times``/``st`` are the voiced frames (semitones about the median). Windows start every
    second; one needs ``flat_min_voiced_s`` of voiced frames to be judged. An answer about one
    window long (80% of it or more) is judged whole. All windows are sorted in one numpy call.
    """
    if not len(times):
        return []
    need = max(1, int(np.ceil(th.flat_min_voiced_s / FRAME_S)))
    starts = np.arange(float(times[0]), float(times[-1]) - th.flat_window_s + 1e-6, WINDOW_STEP_S)
    if not len(starts) and float(times[-1] - times[0]) >= 0.8 * th.flat_window_s:
        starts = np.array([float(times[0])])
    lo = np.searchsorted(times, starts)
    hi = np.searchsorted(times, starts + th.flat_window_s)
    keep = hi - lo >= need
    starts, lo, hi = starts[keep], lo[keep], hi[keep]
    if not len(starts):
        return []
    counts = hi - lo
    cols = np.arange(int(counts.max()))
    idx = lo[:, None] + cols[None, :]
    rows = np.where(cols[None, :] < counts[:, None], st[np.minimum(idx, len(st) - 1)], np.inf)
    rows.sort(axis=1)
    ranges = _row_percentile(rows, counts, 90) - _row_percentile(rows, counts, 10)
    ends = np.minimum(starts + th.flat_window_s, float(times[-1]))
    return [(float(a), float(b), float(r)) for a, b, r in zip(starts, ends, ranges)]


def flat_stretches(times: np.ndarray, st: np.ndarray, th: Thresholds) -> list[FlatStretch]:
    """The windows whose pitch range stays below ``flat_range_st``, overlapping ones merged."""
    merged: list[FlatStretch] = []
    for a, b, rng in window_ranges(times, st, th):
        if rng >= th.flat_range_st:
            continue
        if merged and a <= merged[-1].end:
            last = merged[-1]
            merged[-1] = FlatStretch(last.start, round(b, 2), min(last.range_st, round(rng, 2)))
        else:
            merged.append(FlatStretch(round(a, 2), round(b, 2), round(rng, 2)))
    return merged


def contour(times: np.ndarray, st: np.ndarray, bin_s: float = CONTOUR_BIN_S) -> list[ContourPoint]:
    """Median pitch (semitones) per ``bin_s`` bin that holds voiced frames, for plots."""
    if not len(times):
        return []
    bins = np.floor(times / bin_s).astype(np.int64)
    order = np.lexsort((st, bins))  # by bin, then by value: each bin's values sorted
    values = st[order]
    first = np.flatnonzero(np.r_[True, np.diff(bins[order]) != 0])
    counts = np.diff(np.r_[first, len(values)])
    med = 0.5 * (values[first + (counts - 1) // 2] + values[first + counts // 2])
    return [ContourPoint(round((float(b) + 0.5) * bin_s, 2), round(float(m), 2))
            for b, m in zip(bins[order][first], med)]


def sentence_spans(words: list[Word]) -> list[tuple[float, float]]:
    """(start, end) of each sentence of the transcript (a word ending in . ? ! closes one)."""
    spans: list[tuple[float, float]] = []
    start: float | None = None
    for w in words:
        if start is None:
            start = w.start
        if ends_sentence(w.text):
            spans.append((start, w.end))
            start = None
    if start is not None and words:
        spans.append((start, words[-1].end))
    return spans


def sentence_levels(fr: _Frames, words: list[Word]) -> list[SentenceLevel]:
    """Level of each sentence of ``SENTENCE_MIN_S`` or more, and the drop at its end."""
    if fr.speech_dbfs is None:
        return []
    out: list[SentenceLevel] = []
    for a, b in sentence_spans(words):
        if b - a < SENTENCE_MIN_S:
            continue
        i, j = np.searchsorted(fr.times, [a, b])
        cut = np.searchsorted(fr.times, b - max(END_PART * (b - a), END_MIN_S))
        if j - i < 10 or cut <= i or j <= cut:
            continue
        body, end = _power_db(fr.level_db[i:cut]), _power_db(fr.level_db[cut:j])
        out.append(SentenceLevel(round(a, 2), round(b, 2),
                                 round(_power_db(fr.level_db[i:j]) - fr.speech_dbfs, 1),
                                 round(body - end, 1)))
    return out


def summarise(frames: PitchFrames, speech: list[Interval], words: list[Word], th: Thresholds) -> VoiceSummary:
    """Pitch variety and loudness of the speech in a recording."""
    fr = _speech_frames(frames, speech)
    voiced = ~np.isnan(fr.st)
    vt, vst = fr.times[voiced], fr.st[voiced]
    spread = std = None
    if len(vst) >= 10:
        rng, sd = _spread(vst)
        spread, std = round(rng, 2), round(sd, 2)
    sentences = sentence_levels(fr, words)
    trailing = None
    if len(sentences) >= TRAILING_MIN_SENTENCES:
        trailing = round(sum(s.end_drop_db > th.trailing_drop_db for s in sentences) / len(sentences), 2)
    return VoiceSummary(
        voiced_s=round(len(vst) * FRAME_S, 2),
        median_hz=None if fr.median_hz is None else round(fr.median_hz, 1),
        spread_st=spread,
        std_st=std,
        flat_stretches=flat_stretches(vt, vst, th),
        contour=contour(vt, vst),
        speech_dbfs=None if fr.speech_dbfs is None else round(fr.speech_dbfs, 1),
        sentences=sentences,
        trailing_share=trailing,
    )


def voice_flags(v: VoiceSummary, th: Thresholds) -> list[Flag]:
    """``monotone``, ``trailing_off`` and ``too_quiet`` for a summary."""
    flags: list[Flag] = []
    if v.flat_stretches:
        flat = min(v.flat_stretches, key=lambda s: s.range_st)
        total = sum(s.end - s.start for s in v.flat_stretches)
        flags.append(Flag(
            "monotone", "info",
            f"Pitch stayed within {flat.range_st:.1f} semitones for {flat.end - flat.start:.0f} s "
            f"({total:.0f} s flat in all; threshold {th.flat_range_st:g} semitones over "
            f"{th.flat_window_s:g} s).",
            flat.start, "Lift the key word of each sentence and let your voice fall at the full stop."))
    if v.trailing_share is not None and v.trailing_share > th.trailing_share:
        first = next(s for s in v.sentences if s.end_drop_db > th.trailing_drop_db)
        n = sum(s.end_drop_db > th.trailing_drop_db for s in v.sentences)
        flags.append(Flag(
            "trailing_off", "info",
            f"{n} of {len(v.sentences)} sentences end more than {th.trailing_drop_db:g} dB quieter "
            f"than they began (threshold: over {th.trailing_share * 100:.0f}% of sentences).",
            first.start, "Carry your voice through the last word; breathe before the sentence, not in it."))
    if v.speech_dbfs is not None and v.speech_dbfs < th.too_quiet_dbfs:
        flags.append(Flag(
            "too_quiet", "info",
            f"Speech level {v.speech_dbfs:.0f} dBFS is below {th.too_quiet_dbfs:g} dBFS: "
            "the microphone is picking up little of your voice.",
            None, "Check the microphone: move it closer or raise its input gain, then try again."))
    return flags


def with_voice(report: Report, frames: PitchFrames, speech: list[Interval], words: list[Word],
               th: Thresholds) -> Report:
    """The report with its voice summary and flags (unchanged when there is no speech)."""
    if report.no_speech:
        return report
    voice = summarise(frames, speech, words, th)
    flags = sorted(report.flags + voice_flags(voice, th), key=lambda f: (f.at_s is None, f.at_s or 0.0))
    return replace(report, voice=voice, flags=flags)
