"""Delivery metrics and flags, as defined in PRODUCT.md. Pure: no audio, no files, no models.

The inputs are what the adapters measured: the recording's length, Whisper's words, the speech
intervals the VAD found in the audio, and the fillers (from the transcript and from the audio).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from mockmic.analysis.content import content_flags
from mockmic.analysis.fillers import is_hesitation
from mockmic.analysis.text import ends_sentence, norm_token
from mockmic.config import Thresholds
from mockmic.core import (
    Filler,
    FillerSummary,
    Flag,
    Interval,
    PacePoint,
    Pause,
    PauseLocation,
    Report,
    ReportWord,
    Target,
    Word,
)

EDGE_SNAP_S = 0.35
"""A word edge within this distance of a VAD speech edge is moved onto it."""
SPEEDING_UP_MIN_S = 30.0
"""Below this speaking time, thirds are too short to compare pace."""
RATE_MIN_WORDS = 10
"""Below this many lexical words a words-per-minute figure means little: no rate flags."""


def speaking_span(words: list[Word], fillers: list[Filler], speech: list[Interval]) -> tuple[float, float] | None:
    """First word start -> last word end, with each edge snapped to the VAD's speech edge.

    Whisper places word edges 0.1-0.3 s off; the VAD is measured within ~30 ms. An audio-found
    filler before the first word (an "uh" that opens the answer) starts the speaking time too.
    """
    items = [(w.start, w.end) for w in words] + [(f.start, f.end) for f in fillers]
    if not items:
        return None
    start, first_end = min(items)
    last_start, end = max(items, key=lambda it: (it[1], it[0]))
    if speech:
        # Whisper often stretches the first word back to 0.0 over leading silence (and the last
        # one forward over trailing silence): take the onset of the speech the first word
        # overlaps, unless that speech began well before the word.
        onsets = [s.start for s in speech
                  if s.start < first_end and s.end > start and s.start >= start - EDGE_SNAP_S]
        if not onsets:
            onsets = [s.start for s in speech if start - EDGE_SNAP_S <= s.start <= first_end + EDGE_SNAP_S]
        if onsets:
            start = min(onsets)
        offsets = [s.end for s in speech
                   if s.end > last_start and s.start < end and s.end <= end + EDGE_SNAP_S]
        if not offsets:
            offsets = [s.end for s in speech if last_start - EDGE_SNAP_S <= s.end <= end + EDGE_SNAP_S]
        if offsets:
            end = max(offsets)
    return (start, max(end, start))


def silent_pauses(
    speech: list[Interval],
    span: tuple[float, float],
    words: list[Word],
    *,
    min_pause_s: float = 0.25,
) -> list[Pause]:
    """Silences of ``min_pause_s`` or more between VAD speech intervals, inside ``span``.

    A pause is ``between_sentences`` when the last word before it closes a sentence in the
    transcript, else ``mid_sentence``.
    """
    lo, hi = span
    ivs = sorted((i for i in speech if i.end > lo and i.start < hi), key=lambda i: i.start)
    pauses: list[Pause] = []
    for a, b in zip(ivs, ivs[1:]):
        start, end = max(a.end, lo), min(b.start, hi)
        if end - start >= min_pause_s:
            pauses.append(Pause(round(start, 3), round(end, 3), _location(words, start, end)))
    return pauses


def _location(words: list[Word], start: float, end: float) -> PauseLocation:
    mid = (start + end) / 2
    before = [w for w in words if (w.start + w.end) / 2 < mid]
    if not before:
        return "between_sentences"
    last = before[-1]
    return "between_sentences" if ends_sentence(last.text) else "mid_sentence"


def _rate(n_words: int, seconds: float) -> float:
    return n_words / (seconds / 60.0) if seconds > 0 else 0.0


def pace_curve(
    times: list[float], span: tuple[float, float], *, window_s: float, step_s: float
) -> list[PacePoint]:
    """Words per minute in a sliding window over the speaking time (``times`` = word midpoints)."""
    lo, hi = span
    if hi - lo <= 0:
        return []
    if hi - lo <= window_s:
        return [PacePoint(round((lo + hi) / 2, 2), round(_rate(len(times), hi - lo), 1))]
    points = []
    t = lo
    while t + window_s <= hi + 1e-9:
        n = sum(1 for x in times if t <= x < t + window_s)
        points.append(PacePoint(round(t + window_s / 2, 2), round(_rate(n, window_s), 1)))
        t += step_s
    if points and points[-1].t + window_s / 2 < hi - step_s / 2:  # cover the tail
        t = hi - window_s
        n = sum(1 for x in times if t <= x <= hi)
        points.append(PacePoint(round(t + window_s / 2, 2), round(_rate(n, window_s), 1)))
    return points


def filler_clusters(fillers: list[Filler], *, count: int, window_s: float) -> list[list[Filler]]:
    """Groups of ``count``+ fillers within ``window_s``; clusters do not overlap."""
    items = sorted(fillers, key=lambda f: f.start)
    clusters: list[list[Filler]] = []
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1].start - items[i].start <= window_s:
            j += 1
        if j - i + 1 >= count:
            clusters.append(items[i:j + 1])
            i = j + 1
        else:
            i += 1
    return clusters


def dedupe_fillers(fillers: Iterable[Filler], *, tolerance_s: float = 0.15) -> list[Filler]:
    """Drop a filler that overlaps one already kept (transcript fillers win over audio ones)."""
    ranked = sorted(fillers, key=lambda f: (f.source != "transcript", f.start))
    kept: list[Filler] = []
    for f in ranked:
        if f.source == "transcript":  # distinct transcript words ("so, um") are never duplicates
            kept.append(f)
            continue
        if any(f.start < k.end + tol and k.start < f.end + tol
               for k in kept
               # Whisper's "um" timestamps are loose: a held sound near one is that filler; beside
               # a discourse filler ("like, uh") it is a second filler unless truly overlapping
               for tol in [tolerance_s if k.source == "transcript" and k.kind == "hesitation" else 0.0]):
            continue
        kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _filler_type(f: Filler) -> str:
    text = norm_token(f.text).strip("()")
    if f.kind == "hesitation":
        if text.startswith(("um", "uum", "erm", "em")):
            return "um"
        if text.startswith(("uh", "u")):
            return "uh"
        if text.startswith(("er", "eh")):
            return "er"
        if text.startswith(("ah", "a")):
            return "ah"
        if text.startswith(("hm", "h")):
            return "hmm"
        if text.startswith("m"):
            return "mm"
        return text or "uh"
    return text


def _length_flags(duration_s: float, target: Target) -> list[Flag]:
    place = target.place(duration_s)
    if place == "over":
        return [Flag("overlong", "warning",
                     f"Answer ran {duration_s:.0f} s, above the {target.max_s:.0f} s maximum for this question.",
                     round(target.max_s, 2), "Cut to one example and land the point; stop at the target.")]
    if place == "under":
        return [Flag("too_short", "info",
                     f"Answer ran {duration_s:.0f} s, below the {target.min_s:.0f} s minimum for this question.",
                     None, "Add one concrete example and what you learned from it.")]
    return []


def _pace_flags(latency: float, wpm: float, n_lex: int, th: Thresholds) -> list[Flag]:
    flags = []
    if latency > th.slow_start_s:
        flags.append(Flag("slow_start", "warning",
                          f"First word came {latency:.1f} s after recording started (threshold {th.slow_start_s:g} s).",
                          0.0, "Start with a one-line headline answer, then fill in the detail."))
    if n_lex >= RATE_MIN_WORDS:
        if wpm > th.wpm_rushed:
            flags.append(Flag("rushed", "warning",
                              f"Speaking rate {wpm:.0f} wpm is above {th.wpm_rushed:g} wpm.",
                              None, "Slow down: pause at the end of each sentence and breathe."))
        elif wpm < th.wpm_slow:
            flags.append(Flag("slow", "info",
                              f"Speaking rate {wpm:.0f} wpm is below {th.wpm_slow:g} wpm.",
                              None, "Aim for 130-160 wpm: shorter sentences, fewer restarts."))
    return flags


def _speeding_up_flags(mids: list[float], span: tuple[float, float], n_lex: int, th: Thresholds) -> list[Flag]:
    speaking = span[1] - span[0]
    if speaking < SPEEDING_UP_MIN_S or n_lex < RATE_MIN_WORDS:
        return []
    third = speaking / 3
    first = _rate(sum(1 for t in mids if t < span[0] + third), third)
    last = _rate(sum(1 for t in mids if t >= span[1] - third), third)
    if first > 0 and last > first * (1 + th.speeding_up_ratio):
        return [Flag("speeding_up", "info",
                     f"Last third at {last:.0f} wpm vs {first:.0f} wpm in the first third "
                     f"(+{(last / first - 1) * 100:.0f}%, threshold +{th.speeding_up_ratio * 100:.0f}%).",
                     round(span[1] - third, 2), "Keep the pace of your opening through the ending.")]
    return []


def _filler_flags(fillers: list[Filler], per_min: float, pct: float, th: Thresholds) -> list[Flag]:
    flags = []
    n_fill = len(fillers)
    if n_fill and (pct > th.filler_percent or per_min > th.filler_per_minute):
        why = (f"{pct:.1f}% of words (threshold {th.filler_percent:g}%)" if pct > th.filler_percent
               else f"{per_min:.1f} per minute (threshold {th.filler_per_minute:g})")
        flags.append(Flag("filler_heavy", "warning", f"{n_fill} fillers: {why}.", None,
                          "Replace the filler with a silent pause; silence sounds more confident."))
    for cl in filler_clusters(fillers, count=th.filler_cluster_count, window_s=th.filler_cluster_window_s):
        flags.append(Flag("filler_cluster", "info",
                          f"{len(cl)} fillers within {cl[-1].start - cl[0].start:.0f} s "
                          f"(threshold {th.filler_cluster_count} in {th.filler_cluster_window_s:g} s).",
                          round(cl[0].start, 2), "Fillers bunch where you are unsure: prepare this part."))
    return flags


def _pause_flags(pauses: list[Pause], minutes: float, th: Thresholds) -> list[Flag]:
    flags = []
    for p in pauses:
        if p.duration_s >= th.long_pause_s:
            flags.append(Flag("long_pause", "info",
                              f"{p.duration_s:.1f} s pause ({p.location.replace('_', ' ')}; threshold {th.long_pause_s:g} s).",
                              p.start, "A short pause is fine; a long one mid-answer reads as losing the thread."))
    mid_long = [p for p in pauses if p.location == "mid_sentence" and p.duration_s >= th.choppy_pause_s]
    if minutes > 0 and len(mid_long) / max(minutes, 0.25) > th.choppy_per_minute:
        rate = len(mid_long) / max(minutes, 0.25)
        flags.append(Flag("choppy", "warning",
                          f"{len(mid_long)} mid-sentence pauses of {th.choppy_pause_s:g} s or more "
                          f"({rate:.1f}/min, threshold {th.choppy_per_minute:g}/min).",
                          mid_long[0].start, "Pause between sentences, not inside them: plan the sentence, then say it."))
    return flags


def build_report(
    *,
    file: str,
    model: str,
    duration_s: float,
    words: list[Word],
    speech: list[Interval],
    fillers: list[Filler],
    filler_word_indices: set[int],
    target: Target,
    thresholds: Thresholds,
) -> Report:
    """Compute every metric and flag of PRODUCT.md for one recording."""
    th = thresholds
    fillers = dedupe_fillers(fillers)
    lexical = [w for i, w in enumerate(words) if i not in filler_word_indices and not is_hesitation(w.text)]
    report_words = [
        ReportWord(w.text, round(w.start, 3), round(w.end, 3), i in filler_word_indices or is_hesitation(w.text))
        for i, w in enumerate(words)
    ]
    flags = _length_flags(duration_s, target)

    span = speaking_span(words, [f for f in fillers if f.source == "audio"], speech)
    if span is None:
        return Report(
            file=file, model=model, duration_s=duration_s, latency_s=None, speaking_time_s=0.0,
            word_count=0, wpm=0.0, articulation_wpm=0.0, transcript="", words=[],
            fillers=FillerSummary(0, 0.0, 0.0, {}, []), pauses=[], flags=flags, target=target,
            pace=[], no_speech=True,
        )
    latency = span[0]
    speaking = span[1] - span[0]
    pauses = silent_pauses(speech, span, words, min_pause_s=th.min_pause_s)
    silent = sum(p.duration_s for p in pauses)
    n_lex = len(lexical)
    wpm = _rate(n_lex, speaking)
    artic = _rate(n_lex, speaking - silent)

    flags += _pace_flags(latency, wpm, n_lex, th)
    mids = [(w.start + w.end) / 2 for w in lexical]
    pace = pace_curve(mids, span, window_s=th.pace_window_s, step_s=th.pace_step_s)
    flags += _speeding_up_flags(mids, span, n_lex, th)

    n_fill = len(fillers)
    minutes = speaking / 60.0
    per_min = n_fill / minutes if minutes > 0 else 0.0
    pct = 100.0 * n_fill / (n_lex + n_fill) if n_lex + n_fill else 0.0
    flags += _filler_flags(fillers, per_min, pct, th)
    flags += _pause_flags(pauses, minutes, th)
    flags.extend(content_flags(words))
    flags.sort(key=lambda f: (f.at_s is None, f.at_s or 0.0))

    by_type = Counter(_filler_type(f) for f in fillers)
    return Report(
        file=file,
        model=model,
        duration_s=duration_s,
        latency_s=latency,
        speaking_time_s=speaking,
        word_count=n_lex,
        wpm=wpm,
        articulation_wpm=artic,
        transcript=" ".join(w.text for w in words),
        words=report_words,
        fillers=FillerSummary(
            count=n_fill,
            per_minute=round(per_min, 2),
            percent_of_words=round(pct, 2),
            by_type=dict(sorted(by_type.items())),
            items=fillers,
        ),
        pauses=pauses,
        flags=flags,
        target=target,
        pace=pace,
    )
