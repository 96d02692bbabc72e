"""Export attempts (one, several, or a whole mock-interview session) as Markdown or HTML.

The HTML report is one self-contained file: inline CSS, charts drawn here as inline SVG from the
numbers, no scripts, no fonts or images fetched from anywhere. Pure of Textual and of the store:
callers pass attempt-like objects (see :mod:`mockmic.analysis.trends`) and, optionally, each
question's earlier attempts for the trend charts.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from mockmic.analysis.trends import (
    LENSES,
    METRIC_LABELS,
    METRICS,
    AttemptPoint,
    as_datetime,
    attempt_point,
    question_series,
    summarize_question,
)
from mockmic.analysis.fillers import audio_fillers_to_show
from mockmic.config import Thresholds
from mockmic.reporting.voice import CONTOUR_CSS, contour_svg, voice_lines
from mockmic.reporting.voice import LEGEND as VOICE_LEGEND
from mockmic.core import Report

Format = Literal["md", "html"]
FORMATS: tuple[str, ...] = ("md", "html")

SPARK = "▁▂▃▄▅▆▇█"
PAUSE_SHOWN_S = 0.5
"""Pauses at least this long are written into the transcript."""


# ----------------------------------------------------------------------------- shared pieces


def sparkline(values: Sequence[float]) -> str:
    """Unicode block sparkline; all-equal values draw a flat middle line."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        return SPARK[3] * len(values)
    return "".join(SPARK[round((v - lo) / (hi - lo) * (len(SPARK) - 1))] for v in values)


def fmt_clock(seconds: float) -> str:
    m, s = divmod(max(0.0, seconds), 60)
    return f"{int(m)}:{s:04.1f}"


def fmt_when(value: Any) -> str:
    dt = as_datetime(value)
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else "–"


@dataclass(frozen=True)
class MetricRow:
    """One line of the metrics-vs-targets table."""

    name: str
    value: str
    target: str
    ok: bool | None  # None: no target for this metric


def metric_rows(report: Report, thresholds: Thresholds) -> list[MetricRow]:
    """The report's metrics next to the targets they are judged against."""
    th = thresholds
    t = report.target
    rows = [MetricRow("Length", f"{report.duration_s:.1f} s", f"{t.min_s:.0f}–{t.max_s:.0f} s",
                      t.min_s <= report.duration_s <= t.max_s)]
    if report.no_speech:
        return rows
    if report.latency_s is not None:
        rows.append(MetricRow("First word after", f"{report.latency_s:.1f} s", f"≤ {th.slow_start_s:g} s",
                              report.latency_s <= th.slow_start_s))
    rows.append(MetricRow("Speaking time", f"{report.speaking_time_s:.1f} s", "", None))
    rows.append(MetricRow("Words", str(report.word_count), "", None))
    rows.append(MetricRow("Speaking rate", f"{report.wpm:.0f} wpm", f"{th.wpm_slow:g}–{th.wpm_rushed:g} wpm",
                          th.wpm_slow <= report.wpm <= th.wpm_rushed))
    rows.append(MetricRow("Articulation rate", f"{report.articulation_wpm:.0f} wpm", "", None))
    f = report.fillers
    rows.append(MetricRow("Fillers", f"{f.count} ({f.per_minute:.1f}/min, {f.percent_of_words:.1f}% of words)",
                          f"≤ {th.filler_per_minute:g}/min and ≤ {th.filler_percent:g}%",
                          f.per_minute <= th.filler_per_minute and f.percent_of_words <= th.filler_percent))
    mids = sum(1 for p in report.pauses if p.location == "mid_sentence")
    rows.append(MetricRow("Pauses ≥ 0.25 s", f"{len(report.pauses)} ({mids} mid-sentence)", "", None))
    rows.append(MetricRow("Longest pause", f"{report.longest_pause_s:.1f} s", f"< {th.long_pause_s:g} s",
                          report.longest_pause_s < th.long_pause_s))
    rows += [MetricRow(line.label, line.text, line.target, line.ok) for line in voice_lines(report, th)]
    return rows


@dataclass(frozen=True)
class Token:
    """A piece of the marked-up transcript."""

    kind: Literal["word", "filler", "audio_filler", "pause"]
    text: str
    t: float
    pause_s: float = 0.0
    mid_sentence: bool = False


def transcript_tokens(report: Report, *, pause_min_s: float = PAUSE_SHOWN_S) -> list[Token]:
    """Words in order, fillers marked, fillers heard only in the audio and pauses inserted."""
    events: list[tuple[float, int, Token]] = []
    for w in report.words:
        events.append((w.start, 1, Token("filler" if w.filler else "word", w.text.strip(), w.start)))
    for f in audio_fillers_to_show(report.words, report.fillers.items):
        events.append((f.start, 1, Token("audio_filler", f.text.strip("() "), f.start)))
    for p in report.pauses:
        if p.duration_s >= pause_min_s:
            events.append((p.start, 0, Token("pause", f"{p.duration_s:.1f}s", p.start, p.duration_s,
                                             p.location == "mid_sentence")))
    events.sort(key=lambda e: (e[0], e[1]))
    return [tok for _t, _o, tok in events]


def _attr(a: Any, name: str, default: Any = None) -> Any:
    return getattr(a, name, default)


def _question_title(a: Any) -> str:
    text = _attr(a, "question_text") or ""
    qid = _attr(a, "question_id") or ""
    if text and qid:
        return f"{text} ({qid})"
    return text or qid or "Free practice"


def _self_review(a: Any) -> dict[str, int | None]:
    return {lens: _attr(a, lens) for lens in LENSES}


def _history_for(a: Any, history: dict[str, list[Any]] | None) -> list[AttemptPoint]:
    """The attempt's question history as trend points, including the attempt itself."""
    qid = _attr(a, "question_id") or ""
    rows = list((history or {}).get(qid, []))
    if not any(_attr(r, "id") == _attr(a, "id") for r in rows):
        rows.append(a)
    return question_series(rows).get(qid, [])


def _date_range(attempts: Sequence[Any]) -> str:
    dates = sorted(d for d in (as_datetime(_attr(a, "started_at")) for a in attempts) if d)
    if not dates:
        return ""
    a, b = fmt_when(dates[0]), fmt_when(dates[-1])
    return a if a == b else f"{a} → {b}"


def default_title(attempts: Sequence[Any], session_id: Any = None) -> str:
    if session_id is not None:
        return f"Mock interview {session_id}"
    if len(attempts) == 1:
        return f"Attempt {_attr(attempts[0], 'id')}"
    return f"{len(attempts)} attempts"


# ----------------------------------------------------------------------------- Markdown


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md_escape(text: str) -> str:
    return str(text).translate(_MD_SPECIAL)


def transcript_markdown(report: Report) -> str:
    """Fillers in bold, audio-only fillers as ``**(uh)**`` or ``**(um)**``, pauses as ``⏸ 1.2s`` (``⏸⏸`` mid-sentence)."""
    parts = []
    for tok in transcript_tokens(report):
        if tok.kind == "word":
            parts.append(md_escape(tok.text))
        elif tok.kind == "filler":
            parts.append(f"**{md_escape(tok.text)}**")
        elif tok.kind == "audio_filler":
            parts.append(f"**({md_escape(tok.text)})**")
        else:
            parts.append(f"`⏸ {tok.text}{' mid-sentence' if tok.mid_sentence else ''}`")
    return " ".join(parts)


def _md_attempt(a: Any, th: Thresholds, history: dict[str, list[Any]] | None, level: int) -> list[str]:
    h = "#" * level
    report: Report | None = _attr(a, "report")
    out = [f"{h} {md_escape(_question_title(a))}", ""]
    meta = [f"attempt {md_escape(str(_attr(a, 'id')))}", fmt_when(_attr(a, "started_at"))]
    model = _attr(a, "model") or (report.model if report else "")
    if model:
        meta.append(f"model {md_escape(model)}")
    status = _attr(a, "status")
    if status and status not in ("done", "analyzed"):
        meta.append(f"status **{md_escape(status)}**")
    out += [" · ".join(meta), ""]
    if report is None:
        duration = _attr(a, "duration_s") or 0.0
        out += [f"No analysis for this attempt ({duration:.1f} s of audio).", ""]
    else:
        if report.no_speech:
            out += [f"No speech was found in {report.duration_s:.1f} s of audio.", ""]
        out += ["| Metric | Value | Target | |", "|---|---|---|---|"]
        for r in metric_rows(report, th):
            mark = "" if r.ok is None else ("✅" if r.ok else "⚠️")
            out.append(f"| {r.name} | {md_escape(r.value)} | {md_escape(r.target)} | {mark} |")
        out.append("")
        if len(report.pace) > 1:
            wpms = [p.wpm for p in report.pace]
            out += [f"Pace over time: `{sparkline(wpms)}` {wpms[0]:.0f} → {wpms[-1]:.0f} wpm "
                    f"(min {min(wpms):.0f}, max {max(wpms):.0f})", ""]
        out += [f"{h}# Flags", ""]
        if report.flags:
            for fl in report.flags:
                at = f" at {fmt_clock(fl.at_s)}" if fl.at_s is not None else ""
                out.append(f"- **{fl.code}**{at}: {md_escape(fl.message)}")
                if fl.tip:
                    out.append(f"  - Tip: {md_escape(fl.tip)}")
        else:
            out.append("No flags.")
        out.append("")
        if not report.no_speech:
            out += [f"{h}# Transcript", "",
                    "_Fillers in bold; (uh), (um) = heard in the audio only; ⏸ = silent pause._", "",
                    transcript_markdown(report), ""]
    out += _md_self_review(a, h)
    points = _history_for(a, history)
    if len(points) > 1:
        out += [f"{h}# Progress on this question ({len(points)} attempts)", ""]
        out += _md_trend_table(points, th, _attr(a, "id"))
    return out


def _md_self_review(a: Any, h: str) -> list[str]:
    scores = _self_review(a)
    note = _attr(a, "note") or ""
    out = [f"{h}# Self-review", ""]
    if all(v is None for v in scores.values()) and not note:
        return out + ["Not rated.", ""]
    out.append(" · ".join(f"{lens} {v if v is not None else '–'}/5" for lens, v in scores.items()))
    out.append("")
    if note:
        out += ["> " + md_escape(line) for line in note.splitlines()] + [""]
    return out


def _up_to(points: list[AttemptPoint], attempt_id: Any) -> list[AttemptPoint]:
    """The series up to and including ``attempt_id``: its summary then reads "this attempt vs before"."""
    for i, p in enumerate(points):
        if p.attempt_id == attempt_id:
            return points[:i + 1]
    return points


def _md_trend_table(points: list[AttemptPoint], th: Thresholds, attempt_id: Any) -> list[str]:
    summaries = summarize_question(_up_to(points, attempt_id), thresholds=th)
    out = ["| Metric | Trend | Summary |", "|---|---|---|"]
    for m in METRICS:
        vals = [p.value(m) for p in points if p.value(m) is not None]
        out.append(f"| {METRIC_LABELS[m]} | `{sparkline(vals)}` | {md_escape(summaries[m].text)} |")
    return out + [""]


def to_markdown(
    attempts: Sequence[Any],
    *,
    title: str | None = None,
    session_id: Any = None,
    thresholds: Thresholds | None = None,
    history: dict[str, list[Any]] | None = None,
) -> str:
    """Markdown for one attempt or a set (e.g. a mock-interview session) of them."""
    th = thresholds or Thresholds()
    attempts = list(attempts)
    title = title or default_title(attempts, session_id)
    out = [f"# {md_escape(title)}", ""]
    span = _date_range(attempts)
    if span:
        out += [f"{span} · {len(attempts)} attempt{'s' if len(attempts) != 1 else ''} · made by mockmic", ""]
    if len(attempts) > 1:
        out += ["## Summary", "", "| # | Question | Length | Rate | Fillers/min | Longest pause | Flags | Self-review |",
                "|---|---|---|---|---|---|---|---|"]
        for i, a in enumerate(attempts, 1):
            p = attempt_point(a)
            out.append(
                f"| {i} | {md_escape(_question_title(a))} | {p.duration_s:.0f} s | {_num(p.wpm, '.0f')} | "
                f"{_num(p.fillers_per_min, '.1f')} | {_num(p.longest_pause_s, '.1f', ' s')} | {p.flags} | "
                f"{_num(p.self_review_mean, '.1f', '/5')} |")
        out.append("")
    level = 2
    for a in attempts:
        out += _md_attempt(a, th, history, level)
    return "\n".join(out).rstrip() + "\n"


def _num(v: float | None, spec: str, unit: str = "") -> str:
    return "–" if v is None else f"{format(v, spec)}{unit}"


# ----------------------------------------------------------------------------- SVG charts


def nice_step(span: float, ticks: int = 4) -> float:
    """A 1/2/2.5/5 x 10^n step that cuts ``span`` into about ``ticks`` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
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
    lo_vals = list(ys) + ([band[0], band[1]] if band else []) + ([limit] if limit is not None else [])
    y_lo, y_hi = min(lo_vals), max(lo_vals)
    if y_hi - y_lo < 1e-9:
        y_lo, y_hi = y_lo - 1, y_hi + 1
    step = nice_step(y_hi - y_lo)
    y_lo = math.floor(y_lo / step) * step
    y_hi = math.ceil(y_hi / step) * step
    if y_lo < 0 <= min(lo_vals):
        y_lo = 0.0
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
    if x_labels:
        every = max(1, math.ceil(len(x_labels) / 6))
        for i, (x, lab) in enumerate(zip(xs, x_labels)):
            if i % every == 0 or i == len(x_labels) - 1:
                parts.append(f'<text x="{X(x)}" y="{top + ph + 16}" text-anchor="middle" class="tk">{e(lab)}</text>')
    else:
        xstep = nice_step(x_hi - x_lo, 5)
        x = math.ceil(x_lo / xstep) * xstep
        while x <= x_hi + 1e-9:
            parts.append(f'<text x="{X(x)}" y="{top + ph + 16}" text-anchor="middle" class="tk">{_fmt_tick(x)}{e(x_unit)}</text>')
            x += xstep
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
        idx = [i for i, p in enumerate(points) if p.value(m) is not None]
        xs = [float(i + 1) for i in idx]
        ys = [points[i].value(m) for i in idx]
        labs = [labels[i] for i in idx] if labels else [_short_date(points[i].when, i) for i in idx]
        tips = [f"{labs[j]}: {_fmt_tick(ys[j])}" for j in range(len(ys))]
        hl = next((j for j, i in enumerate(idx) if current is not None and points[i].attempt_id == current), None)
        charts.append(svg_line_chart(xs, ys, title=METRIC_LABELS[m], x_labels=labs, highlight=hl,
                                     point_titles=tips, width=260, height=170, **_metric_guides(m, th, points)))
    return charts


def _short_date(when: datetime | None, i: int) -> str:
    return when.astimezone().strftime("%d %b") if when else f"#{i + 1}"


# ----------------------------------------------------------------------------- HTML


CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;background:#fff;
max-width:1100px;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.4rem;border-bottom:2px solid #dfe4ea;padding-bottom:.2rem}
h3{margin:1.4rem 0 .4rem}.meta{color:#5b6675}
table{border-collapse:collapse;margin:.4rem 0}td,th{padding:.25rem .7rem;border-bottom:1px solid #e7ebf0;text-align:left}
th{background:#f4f6f9}.ok{color:#1b7f3b}.bad{color:#b3261e;font-weight:600}
.flag{margin:.3rem 0;padding:.35rem .6rem;border-left:4px solid #e0a100;background:#fff8e6}
.flag.warning{border-color:#b3261e;background:#fdeeee}.flag .tip{color:#444}.flag code{font-weight:600}
.transcript{line-height:1.9;background:#fafbfc;padding:.6rem .9rem;border-radius:6px}
mark.filler{background:#ffe27a;padding:0 .15rem;border-radius:3px}
mark.audio{background:#f2c4ff}
.pause{font-size:.8em;color:#0b6e8a;background:#e3f4f9;padding:0 .3rem;border-radius:3px;white-space:nowrap}
.pause.mid{color:#a12c00;background:#ffe6dc}
.charts{display:flex;flex-wrap:wrap;gap:.8rem}
svg.chart{background:#fff;border:1px solid #e7ebf0;border-radius:6px}
svg .ct{font:600 12px system-ui,sans-serif;fill:#1d232b}svg .tk{font:10px system-ui,sans-serif;fill:#5b6675}
svg .na{font:12px system-ui,sans-serif;fill:#8a94a3}
svg .grid{stroke:#eef1f5}svg .axis{stroke:#9aa4b2}svg .band{fill:#dff3e4}
svg .limit{stroke:#d9534f;stroke-dasharray:4 3}svg .line{fill:none;stroke:#2563eb;stroke-width:2}
svg .pt{fill:#2563eb}svg .pt.hl{fill:#fff;stroke:#b3261e;stroke-width:3}
.scores td{text-align:center}.note{white-space:pre-wrap;border-left:4px solid #9aa4b2;padding:.3rem .8rem;color:#333}
.legend{font-size:.85em;color:#5b6675}footer{margin-top:3rem;color:#8a94a3;font-size:.85em}
"""


def transcript_html(report: Report) -> str:
    e = html.escape
    parts = []
    for tok in transcript_tokens(report):
        at = f' title="{fmt_clock(tok.t)}"'
        if tok.kind == "word":
            parts.append(e(tok.text))
        elif tok.kind == "filler":
            parts.append(f'<mark class="filler"{at}>{e(tok.text)}</mark>')
        elif tok.kind == "audio_filler":
            parts.append(f'<mark class="filler audio"{at}>({e(tok.text)})</mark>')
        else:
            cls = "pause mid" if tok.mid_sentence else "pause"
            parts.append(f'<span class="{cls}"{at}>⏸ {e(tok.text)}</span>')
    return " ".join(parts)


def _html_attempt(a: Any, th: Thresholds, history: dict[str, list[Any]] | None, index: int | None) -> list[str]:
    e = html.escape
    report: Report | None = _attr(a, "report")
    num = f"{index}. " if index is not None else ""
    out = [f'<section class="attempt" id="attempt-{e(str(_attr(a, "id")))}">',
           f"<h2>{num}{e(_question_title(a))}</h2>"]
    meta = [f"attempt {e(str(_attr(a, 'id')))}", e(fmt_when(_attr(a, "started_at")))]
    model = _attr(a, "model") or (report.model if report else "")
    if model:
        meta.append(f"model {e(model)}")
    status = _attr(a, "status")
    if status and status not in ("done", "analyzed"):
        meta.append(f"status <b>{e(status)}</b>")
    out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if report is None:
        out.append(f"<p>No analysis for this attempt ({(_attr(a, 'duration_s') or 0.0):.1f} s of audio).</p>")
    else:
        if report.no_speech:
            out.append(f"<p><b>No speech was found in {report.duration_s:.1f} s of audio.</b></p>")
        out.append("<h3>Metrics</h3><table><tr><th>Metric</th><th>Value</th><th>Target</th><th></th></tr>")
        for r in metric_rows(report, th):
            mark = "" if r.ok is None else ('<span class="ok">✓ within</span>' if r.ok else '<span class="bad">✗ outside</span>')
            out.append(f"<tr><td>{e(r.name)}</td><td>{e(r.value)}</td><td>{e(r.target)}</td><td>{mark}</td></tr>")
        out.append("</table>")
        if report.pace:
            out.append('<div class="charts">' + pace_chart(report, th) + "</div>")
            out.append('<p class="legend">Green band: the target speaking rate.</p>')
        contour = contour_svg(report)
        if contour:
            out.append(f'<div class="charts">{contour}</div><p class="legend">{e(VOICE_LEGEND)}</p>')
        out.append("<h3>Flags</h3>")
        if report.flags:
            for fl in report.flags:
                at = f" at {fmt_clock(fl.at_s)}" if fl.at_s is not None else ""
                tip = f'<div class="tip">Tip: {e(fl.tip)}</div>' if fl.tip else ""
                out.append(f'<div class="flag {e(fl.severity)}"><code>{e(fl.code)}</code>{at}: {e(fl.message)}{tip}</div>')
        else:
            out.append("<p>No flags.</p>")
        if not report.no_speech:
            out.append("<h3>Transcript</h3>")
            out.append('<p class="legend"><mark class="filler">filler</mark> '
                       '<mark class="filler audio">(uh)</mark> <mark class="filler audio">(um)</mark> heard in the audio only · '
                       '<span class="pause">⏸ pause</span> between sentences · '
                       '<span class="pause mid">⏸ pause</span> mid-sentence</p>')
            out.append(f'<p class="transcript">{transcript_html(report)}</p>')
    out += _html_self_review(a)
    points = _history_for(a, history)
    if len(points) > 1:
        out.append(f"<h3>Progress on this question ({len(points)} attempts)</h3>")
        out.append('<div class="charts">' + "".join(trend_charts(points, th, current=_attr(a, "id"))) + "</div>")
        out.append('<p class="legend">Ringed: this attempt. Green band: target range; dashed line: threshold.</p>')
        so_far = _up_to(points, _attr(a, "id"))
        out.append("<ul>" + "".join(f"<li>{e(s.text)}</li>" for s in summarize_question(so_far, thresholds=th).values()) + "</ul>")
    out.append("</section>")
    return out


def _html_self_review(a: Any) -> list[str]:
    e = html.escape
    scores = _self_review(a)
    note = _attr(a, "note") or ""
    out = ["<h3>Self-review</h3>"]
    if all(v is None for v in scores.values()) and not note:
        return out + ["<p>Not rated.</p>"]
    out.append('<table class="scores"><tr>' + "".join(f"<th>{lens}</th>" for lens in scores) + "</tr><tr>"
               + "".join(f"<td>{v if v is not None else '–'}/5</td>" for v in scores.values()) + "</tr></table>")
    if note:
        out.append(f'<div class="note">{e(note)}</div>')
    return out


def _html_summary(attempts: Sequence[Any], th: Thresholds) -> list[str]:
    e = html.escape
    points = [attempt_point(a) for a in attempts]
    out = ["<h2>Summary</h2>", "<table><tr><th>#</th><th>Question</th><th>Length</th><th>Rate</th>"
           "<th>Fillers/min</th><th>Longest pause</th><th>Flags</th><th>Self-review</th></tr>"]
    for i, (a, p) in enumerate(zip(attempts, points), 1):
        out.append(f'<tr><td><a href="#attempt-{e(str(p.attempt_id))}">{i}</a></td><td>{e(_question_title(a))}</td>'
                   f"<td>{p.duration_s:.0f} s</td><td>{_num(p.wpm, '.0f')}</td><td>{_num(p.fillers_per_min, '.1f')}</td>"
                   f"<td>{_num(p.longest_pause_s, '.1f', ' s')}</td><td>{p.flags}</td>"
                   f"<td>{_num(p.self_review_mean, '.1f', '/5')}</td></tr>")
    out.append("</table>")
    labels = [f"Q{i}" for i in range(1, len(points) + 1)]
    out.append("<h3>Across the session</h3>")
    out.append('<div class="charts">' + "".join(trend_charts(points, th, labels=labels)) + "</div>")
    out.append('<p class="legend">One point per answer, in the order asked.</p>')
    return out


def to_html(
    attempts: Sequence[Any],
    *,
    title: str | None = None,
    session_id: Any = None,
    thresholds: Thresholds | None = None,
    history: dict[str, list[Any]] | None = None,
) -> str:
    """A self-contained HTML page (no scripts, no external resources) for the attempts."""
    e = html.escape
    th = thresholds or Thresholds()
    attempts = list(attempts)
    title = title or default_title(attempts, session_id)
    span = _date_range(attempts)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title><style>{CSS}{CONTOUR_CSS}</style></head><body>",
           f"<h1>{e(title)}</h1>",
           f'<p class="meta">{e(span)}{" · " if span else ""}{len(attempts)} attempt{"s" if len(attempts) != 1 else ""}</p>']
    if len(attempts) > 1:
        out += _html_summary(attempts, th)
    for i, a in enumerate(attempts, 1):
        out += _html_attempt(a, th, history, i if len(attempts) > 1 else None)
    out.append("<footer>Made by mockmic on this computer. Nothing in this file loads anything from the network.</footer>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(
    attempts: Iterable[Any],
    fmt: str,
    *,
    title: str | None = None,
    session_id: Any = None,
    thresholds: Thresholds | None = None,
    history: dict[str, list[Any]] | None = None,
) -> str:
    """``to_markdown`` or ``to_html`` by format name (``md`` or ``html``)."""
    if fmt == "md":
        return to_markdown(list(attempts), title=title, session_id=session_id, thresholds=thresholds, history=history)
    if fmt == "html":
        return to_html(list(attempts), title=title, session_id=session_id, thresholds=thresholds, history=history)
    raise ValueError(f"unknown export format {fmt!r}: use md or html")


# ----------------------------------------------------------------------------- from the store


FINISHED = ("done", "recovered", "imported")


def question_history(store: Any, attempts: Sequence[Any], *, limit: int = 200) -> dict[str, list[Any]]:
    """Finished attempts of each question among ``attempts``, oldest first (for the trend charts)."""
    out: dict[str, list[Any]] = {}
    for qid in dict.fromkeys(_attr(a, "question_id") for a in attempts if _attr(a, "question_id")):
        out[qid] = [a for a in store.list_attempts(question_id=qid, limit=limit, oldest_first=True)
                    if _attr(a, "status", "done") in FINISHED]
    return out


def collect(store: Any, attempt_ids: Sequence[int] = (), session_id: int | None = None) -> tuple[list[Any], str | None]:
    """The attempts to export (and a title for a session) from the store.

    Raises:
        LookupError: an unknown attempt or session id, or a session without attempts; the
            message names it.
    """
    if session_id is not None:
        session = store.get_session(session_id)
        if session is None:
            raise LookupError(f"no mock-interview session {session_id}")
        attempts = store.session_attempts(session_id)
        if not attempts:
            raise LookupError(f"session {session_id} has no attempts")
        title = _attr(session, "title") or f"Mock interview {session_id} ({fmt_when(_attr(session, 'started_at'))})"
        return list(attempts), title
    attempts = []
    for attempt_id in attempt_ids:
        a = store.get(attempt_id)
        if a is None:
            raise LookupError(f"no attempt {attempt_id}")
        attempts.append(a)
    return attempts, None


def export_name(attempt_ids: Sequence[int] = (), session_id: int | None = None, fmt: str = "html") -> str:
    """A file name for an export: ``session-3.html``, ``attempt-12.md``, ``attempts-4-9.html``."""
    if session_id is not None:
        stem = f"session-{session_id}"
    elif len(attempt_ids) == 1:
        stem = f"attempt-{attempt_ids[0]}"
    else:
        stem = "attempts-" + "-".join(str(i) for i in attempt_ids[:6])
    return f"{stem}.{fmt}"
