"""Charts for the HTML report, drawn here as inline SVG from the numbers (no scripts, no fonts)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mockmic.analysis.trends import METRIC_LABELS, METRICS, AttemptPoint
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.fmt import when_text


def nice_step(span: float, ticks: int = 4) -> float:
    """A 1/2/2.5/5 x 10^n step that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_tick(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.1f}"


def svg_line_chart(
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    title: str,
    x_labels: Sequence[str] | None = None,
    x_unit: str = "",
    y_unit: str = "",
    band: tuple[float, float] | None = None,
    limit: float | None = None,
    highlight: int | None = None,
    point_titles: Sequence[str] | None = None,
    width: int = 520,
    height: int = 190,
) -> str:
    """A line chart as an inline ``<svg>`` string.

    ``band`` shades the good range (a target window), ``limit`` draws a dashed threshold line,
    ``highlight`` rings one point (the attempt the report is about). ``x_labels`` replace numeric
    x ticks with one label per point (e.g. attempt dates).
    """
    e = html.escape
    left, right, top, bottom = 46, 12, 26, 34
    pw, ph = width - left - right, height - top - bottom
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{e(title)}">'
            f'<text x="{left}" y="16" class="ct">{e(title)}</text>')
    if not ys:
        return head + f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" class="na">no data</text></svg>'
    y_lo, y_hi, step = _y_axis(ys, band, limit)
    x_lo, x_hi = min(xs), max(xs)
    if x_hi - x_lo < 1e-9:
        x_lo, x_hi = x_lo - 1, x_hi + 1

    inset = 16  # keep end points and their labels off the frame

    def X(x: float) -> float:
        return round(left + inset + (x - x_lo) / (x_hi - x_lo) * (pw - 2 * inset), 1)

    def Y(y: float) -> float:
        return round(top + (1 - (y - y_lo) / (y_hi - y_lo)) * ph, 1)

    parts = [head]
    if band:
        b0, b1 = max(band[0], y_lo), min(band[1], y_hi)
        if b1 > b0:
            parts.append(f'<rect class="band" x="{left}" y="{Y(b1)}" width="{pw}" height="{round(Y(b0) - Y(b1), 1)}"/>')
    v = y_lo
    while v <= y_hi + 1e-9:
        parts.append(f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{Y(v)}" y2="{Y(v)}"/>'
                     f'<text x="{left - 6}" y="{Y(v) + 4}" text-anchor="end" class="tk">{_fmt_tick(v)}</text>')
        v += step
    if limit is not None and y_lo <= limit <= y_hi:
        parts.append(f'<line class="limit" x1="{left}" x2="{left + pw}" y1="{Y(limit)}" y2="{Y(limit)}"/>')
    parts.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    for x, lab in _x_ticks(xs, x_labels, x_lo, x_hi, x_unit):
        parts.append(f'<text x="{X(x)}" y="{top + ph + 16}" text-anchor="middle" class="tk">{e(lab)}</text>')
    if y_unit:
        parts.append(f'<text x="{left + pw}" y="16" text-anchor="end" class="tk">{e(y_unit)}</text>')
    pts = " ".join(f"{X(x)},{Y(y)}" for x, y in zip(xs, ys))
    if len(ys) > 1:
        parts.append(f'<polyline class="line" points="{pts}"/>')
    for i, (x, y) in enumerate(zip(xs, ys)):
        tip = point_titles[i] if point_titles else f"{_fmt_tick(x)}{x_unit}: {_fmt_tick(y)}{y_unit}"
        cls = "pt hl" if i == highlight else "pt"
        r = 5 if i == highlight else 3
        parts.append(f'<circle class="{cls}" cx="{X(x)}" cy="{Y(y)}" r="{r}"><title>{e(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _y_axis(ys: Sequence[float], band: tuple[float, float] | None, limit: float | None) -> tuple[float, float, float]:
    """The y range (whole ticks around the data, the band and the limit; from 0 when all are >= 0) and its step."""
    lo_vals = list(ys) + ([band[0], band[1]] if band else []) + ([limit] if limit is not None else [])
    y_lo, y_hi = min(lo_vals), max(lo_vals)
    if y_hi - y_lo < 1e-9:
        y_lo, y_hi = y_lo - 1, y_hi + 1
    step = nice_step(y_hi - y_lo)
    y_lo = math.floor(y_lo / step) * step
    y_hi = math.ceil(y_hi / step) * step
    if y_lo < 0 <= min(lo_vals):
        y_lo = 0.0
    return y_lo, y_hi, step


def _x_ticks(xs: Sequence[float], x_labels: Sequence[str] | None, x_lo: float, x_hi: float,
             x_unit: str) -> list[tuple[float, str]]:
    """Where the x labels go: every point's label (thinned to about six), else round numbers."""
    if x_labels:
        every = max(1, math.ceil(len(x_labels) / 6))
        return [(x, lab) for i, (x, lab) in enumerate(zip(xs, x_labels))
                if i % every == 0 or i == len(x_labels) - 1]
    ticks = []
    xstep = nice_step(x_hi - x_lo, 5)
    x = math.ceil(x_lo / xstep) * xstep
    while x <= x_hi + 1e-9:
        ticks.append((x, f"{_fmt_tick(x)}{x_unit}"))
        x += xstep
    return ticks


def pace_chart(report: Report, th: Thresholds) -> str:
    return svg_line_chart(
        [p.t for p in report.pace], [p.wpm for p in report.pace],
        title="Pace over time (words per minute)", x_unit=" s", y_unit="wpm",
        band=(th.wpm_slow, th.wpm_rushed),
    )


def _metric_guides(metric: str, th: Thresholds, points: list[AttemptPoint]) -> dict[str, Any]:
    if metric == "duration_s":
        targets = {p.target for p in points if p.target}
        if len(targets) == 1:  # a band only when every answer had the same window
            target = targets.pop()
            return {"band": (target.min_s, target.max_s)}
        return {}
    if metric == "wpm":
        return {"band": (th.wpm_slow, th.wpm_rushed)}
    if metric == "fillers_per_min":
        return {"limit": th.filler_per_minute}
    if metric == "longest_pause_s":
        return {"limit": th.long_pause_s}
    if metric == "pitch_spread_st":
        return {"limit": th.flat_range_st}
    return {}


def trend_charts(points: list[AttemptPoint], th: Thresholds, *, current: Any = None, labels: Sequence[str] | None = None) -> list[str]:
    """One chart per metric over ``points`` (attempts in order); ``current`` is ringed."""
    charts = []
    for m in METRICS:
        known = [(i, v) for i, v in enumerate(p.value(m) for p in points) if v is not None]
        idx = [i for i, _v in known]
        xs = [float(i + 1) for i in idx]
        ys = [v for _i, v in known]
        labs = [labels[i] for i in idx] if labels else [_short_date(points[i].when, i) for i in idx]
        tips = [f"{labs[j]}: {_fmt_tick(ys[j])}" for j in range(len(ys))]
        hl = next((j for j, i in enumerate(idx) if current is not None and points[i].attempt_id == current), None)
        charts.append(svg_line_chart(xs, ys, title=METRIC_LABELS[m], x_labels=labs, highlight=hl,
                                     point_titles=tips, width=260, height=170, **_metric_guides(m, th, points)))
    return charts


def _short_date(at: datetime | None, i: int) -> str:
    return when_text(at, "%d %b") if at else f"#{i + 1}"
