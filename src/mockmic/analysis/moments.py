"""Replay helpers: which word is being said at a time, and the flagged moments to jump to.

Pure: a :class:`~mockmic.core.Report` in, plain values out. The Replay screen uses these to
follow the audio with the transcript and to jump between moments worth hearing again.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from mockmic.analysis.content import RULES
from mockmic.core import Report, ReportWord

CONTENT_CODES = frozenset(rule.code for rule in RULES)

MomentKind = Literal["long_pause", "filler", "filler_cluster", "content", "voice", "delivery"]
COVERED_ELSEWHERE = frozenset({"long_pause", "monotone", "trailing_off"})
"""Flags whose moments the pause list or :func:`voice_moments` already give (one moment, not two)."""


@dataclass(frozen=True)
class Moment:
    """A point of the recording worth replaying."""

    t: float
    kind: MomentKind
    label: str


def word_index_at(words: list[ReportWord], t: float) -> int | None:
    """Index of the word being spoken at ``t`` (or the last one started before it).

    Between two words the earlier word stays current, so the highlight does not flicker off
    during short gaps; before the first word there is none.
    """
    if not words:
        return None
    starts = [w.start for w in words]
    i = bisect_right(starts, t + 1e-6) - 1
    return i if i >= 0 else None


def _fmt(t: float) -> str:
    return f"{int(t // 60)}:{int(t % 60):02d}"


def voice_moments(report: Report, *, trailing_drop_db: float = 6.0) -> list[Moment]:
    """Where the pitch stayed flat for 10 s or more, and each sentence whose end fades out."""
    v = report.voice
    if v is None:
        return []
    out = [Moment(s.start, "voice", f"flat pitch {_fmt(s.start)}–{_fmt(s.end)} (within {s.range_st:.1f} semitones)")
           for s in v.flat_stretches]
    out += [Moment(s.start, "voice", f"sentence fades: its end is {s.end_drop_db:.0f} dB quieter")
            for s in v.sentences if s.end_drop_db > trailing_drop_db]
    return out


def flagged_moments(report: Report, *, long_pause_s: float = 3.0, trailing_drop_db: float = 6.0) -> list[Moment]:
    """Every flagged moment in time order: long pauses, fillers, filler clusters, content flags,
    flat pitch and fading sentence ends, and the other flags with a time (speeding up, a choppy
    stretch, a slow start).

    A filler cluster's flag and its first filler share a time; both are kept (they are
    different reasons to listen), the cluster first.
    """
    out: list[Moment] = []
    for p in report.pauses:
        if p.duration_s >= long_pause_s:
            out.append(Moment(p.start, "long_pause", f"{p.duration_s:.1f} s pause ({p.location.replace('_', ' ')})"))
    for f in report.fillers.items:
        src = " (heard in the audio)" if f.source == "audio" else ""
        out.append(Moment(f.start, "filler", f"filler \u201c{f.text.strip('()')}\u201d{src}"))
    for fl in report.flags:
        if fl.at_s is None:
            continue
        if fl.code == "filler_cluster":
            out.append(Moment(fl.at_s, "filler_cluster", fl.message))
        elif fl.code in CONTENT_CODES:
            out.append(Moment(fl.at_s, "content", f"{fl.code}: {fl.message}"))
        elif fl.code not in COVERED_ELSEWHERE:
            out.append(Moment(fl.at_s, "delivery", f"{fl.code}: {fl.message}"))
    out += voice_moments(report, trailing_drop_db=trailing_drop_db)
    order = {"filler_cluster": 0, "content": 1, "delivery": 2, "voice": 3, "long_pause": 4, "filler": 5}
    out.sort(key=lambda m: (m.t, order[m.kind]))
    return out


def next_moment(moments: list[Moment], t: float, *, min_gap_s: float = 0.25) -> Moment | None:
    """The first moment strictly after ``t`` (by ``min_gap_s``, so pressing again moves on)."""
    for m in moments:
        if m.t > t + min_gap_s:
            return m
    return None


def previous_moment(moments: list[Moment], t: float, *, min_gap_s: float = 1.0) -> Moment | None:
    """The last moment before ``t`` (by ``min_gap_s``, so pressing again moves back further)."""
    for m in reversed(moments):
        if m.t < t - min_gap_s:
            return m
    return None
