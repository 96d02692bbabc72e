"""How numbers, times and dates look on every surface: terminal, TUI, Markdown and HTML.

One place decides the rounding, so an answer of 75.6 s reads ``1:16`` in the question list,
the report, the history and the summary alike. Pure: strings out, no Textual or rich.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mockmic.analysis.trends import as_datetime

SPARK = "▁▂▃▄▅▆▇█"
MISSING = "–"
"""Shown in place of a number or date that is not there."""
DATE_TIME = "%Y-%m-%d %H:%M"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled between the series' lowest and highest.

    A flat series (every value equal, or a single value) draws a middle line, so "steady"
    never reads as "at the bottom". Levels are the nearest of the eight blocks.
    """
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        return SPARK[3] * len(values)
    top = len(SPARK) - 1
    return "".join(SPARK[round((v - lo) / (hi - lo) * top)] for v in values)


def clock(seconds: float | None, *, tenths: bool = False, stopwatch: bool = False) -> str:
    """Seconds as ``m:ss``: ``75.6`` -> ``"1:16"`` (nearest second).

    ``tenths`` keeps one decimal (``"1:15.6"``, for moments inside a recording);
    ``stopwatch`` counts whole seconds passed (``"1:15"``), as a running timer shows them.
    Negative values read as zero; None reads as ``–``.
    """
    if seconds is None or math.isnan(seconds):
        return MISSING
    s = max(0.0, seconds)
    if tenths:
        whole_text, tenth = f"{s:.1f}".split(".")  # rounded once, as printf rounds; carries into the minute
        whole = int(whole_text)
        return f"{whole // 60}:{whole % 60:02d}.{tenth}"
    whole = int(s) if stopwatch else int(s + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def when_text(value: Any, fmt: str = DATE_TIME) -> str:
    """A stored timestamp (datetime, ISO text or epoch seconds) in local time, or ``–``."""
    dt = as_datetime(value)
    return dt.astimezone().strftime(fmt) if dt else MISSING


def seconds_range(lo: float, hi: float) -> str:
    """A window in seconds as ``60–90 s`` (fractions kept: ``45.5–60 s``)."""
    return f"{lo:g}–{hi:g} s"


def plural(n: int, word: str) -> str:
    """``1 filler``, ``3 fillers``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


METRIC_DIGITS = {"duration_s": 0, "wpm": 0, "fillers_per_min": 1, "longest_pause_s": 1, "pitch_spread_st": 1}
"""Decimals a trend metric is shown with (the keys of :data:`mockmic.analysis.trends.METRICS`)."""


def metric_number(metric: str, value: float | None) -> str:
    """A trend metric's value as the tables show it: ``72``, ``148``, ``2.5``; ``–`` when missing."""
    if value is None:
        return MISSING
    return f"{value:.{METRIC_DIGITS.get(metric, 1)}f}"
