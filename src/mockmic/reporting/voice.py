"""The pitch contour plot of the HTML export (the voice lines are verdicts of
:func:`mockmic.reporting.assess.assess_voice`, shown by every front end).

Pure: a :class:`~mockmic.core.Report` in, an inline SVG string out.
"""

from __future__ import annotations

import html
from mockmic.core import ContourPoint, Report

GAP_S = 0.6
"""Contour points further apart than this are not joined (unvoiced stretch, pause)."""
SPAN_ST = 12.0
"""The plot shows an octave either side of the median; points outside are clipped."""


def _clock(t: float) -> str:
    whole = int(max(0.0, t) + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def _segments(points: list[ContourPoint]) -> list[list[ContourPoint]]:
    runs: list[list[ContourPoint]] = []
    for p in points:
        if runs and p.t - runs[-1][-1].t <= GAP_S:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def contour_svg(report: Report, *, width: int = 640, height: int = 170) -> str:
    """The pitch contour as an inline SVG: semitones about the median over the recording, flat
    stretches shaded. Empty when there is nothing voiced to draw."""
    v = report.voice
    if v is None or not v.contour or report.duration_s <= 0:
        return ""
    e = html.escape
    left, right, top, bottom = 44, 10, 26, 24
    pw, ph = width - left - right, height - top - bottom

    def x(t: float) -> float:
        return round(left + pw * min(max(t / report.duration_s, 0.0), 1.0), 1)

    def y(st: float) -> float:
        return round(top + ph * (SPAN_ST - min(max(st, -SPAN_ST), SPAN_ST)) / (2 * SPAN_ST), 1)

    title = f"Pitch over time (semitones about your median, {v.median_hz:g} Hz)"
    parts = [f'<svg class="chart contour" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{e(title)}</title>",
             f'<text x="{left}" y="16" class="ttl">{e(title)}</text>']
    for s in v.flat_stretches:
        parts.append(f'<rect class="flat" x="{x(s.start)}" y="{top}" width="{round(x(s.end) - x(s.start), 1)}" '
                     f'height="{ph}"><title>{e(f"flat {_clock(s.start)}–{_clock(s.end)}: within {s.range_st:.1f} semitones")}'
                     "</title></rect>")
    for st in (-SPAN_ST, -6.0, 0.0, 6.0, SPAN_ST):
        cls = "axis zero" if st == 0 else "axis"
        parts.append(f'<line class="{cls}" x1="{left}" x2="{left + pw}" y1="{y(st)}" y2="{y(st)}"/>')
        parts.append(f'<text class="tick" x="{left - 4}" y="{y(st) + 4}" text-anchor="end">{st:+g}</text>')
    steps = max(1, int(report.duration_s // 4 // 15 + 1)) * 15  # a tick every 15, 30, ... s
    t = 0.0
    while t <= report.duration_s + 1e-6:
        parts.append(f'<text class="tick" x="{x(t)}" y="{height - 6}" text-anchor="middle">{_clock(t)}</text>')
        t += steps
    for run in _segments(v.contour):
        pts = " ".join(f"{x(p.t)},{y(p.st)}" for p in run)
        if len(run) == 1:
            parts.append(f'<circle class="pitch" cx="{x(run[0].t)}" cy="{y(run[0].st)}" r="1.5"/>')
        else:
            parts.append(f'<polyline class="pitch" fill="none" points="{pts}"/>')
    parts.append("</svg>")
    return "".join(parts)


CONTOUR_CSS = (".contour .pitch{stroke:#3465a4;stroke-width:1.5}.contour circle.pitch{fill:#3465a4}"
               ".contour .flat{fill:#f5c211;opacity:.25}.contour .axis{stroke:#ddd}"
               ".contour .zero{stroke:#999}.contour .tick{font-size:10px;fill:#666}"
               ".contour .ttl{font-size:12px;font-weight:bold}")
"""Styles for :func:`contour_svg` (the HTML export adds them to its stylesheet)."""

LEGEND = ("0 = your median pitch; +12 = an octave higher. Shaded: 10 s or more where the "
          "pitch stayed flat.")
