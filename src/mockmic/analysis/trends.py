"""Progress over time: per-question series of past attempts and plain-language trend summaries.

Pure: takes attempt-like objects (anything with the attributes below, e.g. the store's
``Attempt``) and returns dataclasses. No files, no Textual.

An attempt-like object has ``id``, ``question_id``, ``started_at`` (a ``datetime``, an ISO
string or epoch seconds), ``duration_s``, ``report`` (a :class:`~mockmic.core.Report` or None)
and optionally the self-review scores ``safe``, ``honest``, ``reflective``, ``adaptable`` (1-5 or
None) and ``question_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

from mockmic.config import Thresholds
from mockmic.core import Report, Target

LENSES = ("safe", "honest", "reflective", "adaptable")
"""The four self-review lenses, scored 1-5."""

METRICS = ("duration_s", "wpm", "fillers_per_min", "longest_pause_s", "pitch_spread_st")
"""The per-attempt numbers a trend is drawn for."""

METRIC_LABELS = {
    "duration_s": "Duration (s)",
    "wpm": "Rate (wpm)",
    "fillers_per_min": "Fillers / min",
    "longest_pause_s": "Longest pause (s)",
    "pitch_spread_st": "Pitch spread (st)",
}

VARIETY_MARGIN_ST = 1.5
"""Pitch spread counts as good from this many semitones above ``flat_range_st`` (natural read
and synthetic speech measured 4.8-7.3 semitones over a whole answer: README)."""

Direction = Literal["better", "worse", "steady", "n/a"]


def as_datetime(value: Any) -> datetime | None:
    """``started_at`` as an aware datetime, whatever form the store gave it in."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    if isinstance(value, str):
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    return None


@dataclass(frozen=True)
class AttemptPoint:
    """One attempt reduced to the numbers the trends are drawn from."""

    attempt_id: Any
    question_id: str
    when: datetime | None
    duration_s: float
    wpm: float | None
    fillers_per_min: float | None
    longest_pause_s: float | None
    flags: int = 0
    pitch_spread_st: float | None = None
    """Vocal variety (10th-90th percentile pitch range, semitones); None before it was measured."""
    self_review: dict[str, int | None] = field(default_factory=dict)
    target: Target | None = None

    def value(self, metric: str) -> float | None:
        value: float | None = getattr(self, metric)
        return value

    @property
    def self_review_mean(self) -> float | None:
        scores = [v for v in self.self_review.values() if v is not None]
        return sum(scores) / len(scores) if scores else None


_UNSET: Any = object()


def attempt_point(attempt: Any, report: Report | None = _UNSET) -> AttemptPoint:
    """Reduce one attempt to its trend numbers (speech metrics are None without a usable report).

    ``report`` saves reading ``attempt.report`` again when the caller already has it.
    """
    if report is _UNSET:
        report = getattr(attempt, "report", None)
    spoke = report if report is not None and not report.no_speech else None
    duration = getattr(attempt, "duration_s", None)
    if duration is None and report is not None:
        duration = report.duration_s
    return AttemptPoint(
        attempt_id=getattr(attempt, "id", None),
        question_id=getattr(attempt, "question_id", None) or "",
        when=as_datetime(getattr(attempt, "started_at", None)),
        duration_s=float(duration or 0.0),
        wpm=round(spoke.wpm, 1) if spoke else None,
        fillers_per_min=round(spoke.fillers.per_minute, 2) if spoke else None,
        longest_pause_s=round(spoke.longest_pause_s, 2) if spoke else None,
        pitch_spread_st=_spread(spoke) if spoke else None,
        flags=len(report.flags) if report is not None else 0,
        self_review={lens: getattr(attempt, lens, None) for lens in LENSES},
        target=report.target if report is not None else None,
    )


def _spread(report: Report) -> float | None:
    voice = report.voice
    return None if voice is None or voice.spread_st is None else round(voice.spread_st, 2)


def _sort_key(p: AttemptPoint) -> tuple[float, str]:
    return (p.when.timestamp() if p.when else float("-inf"), str(p.attempt_id))


def question_series(attempts: Iterable[Any]) -> dict[str, list[AttemptPoint]]:
    """Attempts grouped by question id, each group oldest first (questions in first-seen order)."""
    return series_from_points(attempt_point(a) for a in attempts)


def series_from_points(points: Iterable[AttemptPoint]) -> dict[str, list[AttemptPoint]]:
    """:func:`question_series` for points already made (reports parsed once)."""
    out: dict[str, list[AttemptPoint]] = {}
    for p in points:
        out.setdefault(p.question_id, []).append(p)
    for group in out.values():
        group.sort(key=_sort_key)
    return out


def _window_distance(value: float, lo: float, hi: float) -> float:
    """0 inside ``[lo, hi]``, else how far outside it."""
    if value < lo:
        return lo - value
    if value > hi:
        return value - hi
    return 0.0


def goal_distance(metric: str, value: float, *, thresholds: Thresholds, target: Target | None = None) -> float:
    """How far a value is from good (0 = good). Lower is better for every metric."""
    th = thresholds
    if metric == "duration_s":
        t = target or Target(45.0, 120.0)
        return _window_distance(value, t.min_s, t.max_s)
    if metric == "wpm":
        return _window_distance(value, th.wpm_slow, th.wpm_rushed)
    if metric == "fillers_per_min":
        return max(0.0, value)
    if metric == "longest_pause_s":
        # pauses below the choppy length are normal; past that every second counts
        return max(0.0, value - th.choppy_pause_s)
    if metric == "pitch_spread_st":
        # more variety is better up to a natural spread; beyond it, no better
        return max(0.0, th.flat_range_st + VARIETY_MARGIN_ST - value)
    raise ValueError(f"unknown metric {metric!r}")


STEADY_TOLERANCE = {"duration_s": 3.0, "wpm": 5.0, "fillers_per_min": 0.5, "longest_pause_s": 0.3,
                    "pitch_spread_st": 0.5}
"""Changes of the goal distance smaller than this read as steady."""


@dataclass(frozen=True)
class TrendSummary:
    """How one metric moved over a question's attempts."""

    metric: str
    n: int
    first: float | None
    last: float | None
    best: float | None
    mean: float | None
    direction: Direction
    text: str


def summarize_metric(
    points: list[AttemptPoint], metric: str, *, thresholds: Thresholds | None = None
) -> TrendSummary:
    """Compare the latest attempt with the earlier ones.

    The baseline is the mean of up to three attempts before the latest one, so one odd early
    attempt does not decide the verdict. Better/worse is judged by the distance from the
    metric's goal (the target window, the wpm range, zero fillers, no long pauses), not by
    the raw number going up or down.
    """
    th = thresholds or Thresholds()
    pairs = [(p, v) for p in points if (v := p.value(metric)) is not None]
    label = METRIC_LABELS.get(metric, metric)
    if not pairs:
        return TrendSummary(metric, 0, None, None, None, None, "n/a", f"{label}: no data yet")
    values = [v for _p, v in pairs]
    target = pairs[-1][0].target

    def dist(v: float) -> float:
        return goal_distance(metric, v, thresholds=th, target=target)

    best = min(values, key=dist)
    mean = sum(values) / len(values)
    first, last = values[0], values[-1]
    if len(values) < 2:
        return TrendSummary(metric, 1, first, last, best, mean, "n/a", f"{label}: {_fmt(metric, last)} (one attempt)")
    baseline = values[-4:-1]
    base_d = sum(dist(v) for v in baseline) / len(baseline)
    last_d = dist(last)
    tol = STEADY_TOLERANCE.get(metric, 0.0)
    if last_d < base_d - tol:
        direction: Direction = "better"
    elif last_d > base_d + tol:
        direction = "worse"
    else:
        direction = "steady"
    base_v = sum(baseline) / len(baseline)
    text = (f"{label}: {_fmt(metric, last)} now vs {_fmt(metric, base_v)} before "
            f"({direction}; best {_fmt(metric, best)} over {len(values)} attempts)")
    return TrendSummary(metric, len(values), first, last, best, round(mean, 2), direction, text)


def _fmt(metric: str, value: float) -> str:
    if metric == "wpm":
        return f"{value:.0f} wpm"
    if metric == "fillers_per_min":
        return f"{value:.1f}/min"
    if metric == "pitch_spread_st":
        return f"{value:.1f} st"
    return f"{value:.1f} s"


def summarize_question(points: list[AttemptPoint], *, thresholds: Thresholds | None = None) -> dict[str, TrendSummary]:
    """A :class:`TrendSummary` for each of :data:`METRICS`."""
    return {m: summarize_metric(points, m, thresholds=thresholds) for m in METRICS}


def self_review_series(points: list[AttemptPoint]) -> dict[str, list[int]]:
    """Each lens's scores in attempt order (unscored attempts left out)."""
    return {lens: [v for v in (p.self_review.get(lens) for p in points) if v is not None] for lens in LENSES}


def group_by_day(attempts: Iterable[Any], *, key: Callable[[datetime], str] | None = None) -> dict[str, list[Any]]:
    """Attempts grouped by local calendar day (``YYYY-MM-DD``), newest day first, newest first within."""
    fmt = key or (lambda d: d.astimezone().strftime("%Y-%m-%d"))
    rows = sorted(attempts, key=lambda a: _sort_key(attempt_point(a)), reverse=True)
    out: dict[str, list[Any]] = {}
    for a in rows:
        when = as_datetime(getattr(a, "started_at", None))
        out.setdefault(fmt(when) if when else "undated", []).append(a)
    return out
