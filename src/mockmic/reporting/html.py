"""Attempts as one self-contained HTML page: inline CSS, charts drawn here as inline SVG from the
numbers, no scripts, no fonts or images fetched from anywhere."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from mockmic.analysis.trends import summarize_question
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.charts import pace_chart, trend_charts
from mockmic.reporting import document as doc
from mockmic.reporting.fmt import MISSING, clock, plural
from mockmic.reporting.voice import CONTOUR_CSS, LEGEND, contour_svg

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
""" + CONTOUR_CSS + "\n"


HTML_MARKS = {
    "word": "{text}",
    "filler": '<mark class="filler" title="{at}">{text}</mark>',
    "audio_filler": '<mark class="filler audio" title="{at}">({text})</mark>',
    "pause": '<span class="pause" title="{at}">⏸ {text}</span>',
    "pause_mid": '<span class="pause mid" title="{at}">⏸ {text}</span>',
}


def transcript_html(report: Report) -> str:
    """Fillers marked, audio-only fillers as (uh)/(um), pauses as ``⏸ 1.2s``; each with its moment as a tooltip."""
    return doc.marked_transcript(report, HTML_MARKS, html.escape)


def _html_report(report: Report, th: Thresholds) -> list[str]:
    e = html.escape
    out = []
    if report.no_speech:
        out.append(f"<p><b>No speech was found in {report.duration_s:.1f} s of audio.</b></p>")
    out.append("<h3>Metrics</h3><table><tr><th>Metric</th><th>Value</th><th>Target</th><th></th></tr>")
    for r in doc.metric_rows(report, th):
        mark = "" if r.ok is None else ('<span class="ok">✓ within</span>' if r.ok else '<span class="bad">✗ outside</span>')
        out.append(f"<tr><td>{e(r.name)}</td><td>{e(r.value)}</td><td>{e(r.target)}</td><td>{mark}</td></tr>")
    out.append("</table>")
    if report.pace:
        out.append('<div class="charts">' + pace_chart(report, th) + "</div>")
        out.append('<p class="legend">Green band: the target speaking rate.</p>')
    contour = contour_svg(report)
    if contour:
        out.append(f'<div class="charts">{contour}</div><p class="legend">{e(LEGEND)}</p>')
    out.append("<h3>Flags</h3>")
    for fl in report.flags:
        at = f" at {clock(fl.at_s, tenths=True)}" if fl.at_s is not None else ""
        tip = f'<div class="tip">Tip: {e(fl.tip)}</div>' if fl.tip else ""
        out.append(f'<div class="flag {e(fl.severity)}"><code>{e(fl.code)}</code>{at}: {e(fl.message)}{tip}</div>')
    if not report.flags:
        out.append("<p>No flags.</p>")
    if not report.no_speech:
        out.append("<h3>Transcript</h3>")
        out.append('<p class="legend"><mark class="filler">filler</mark> '
                   '<mark class="filler audio">(uh)</mark> <mark class="filler audio">(um)</mark> heard in the audio only · '
                   '<span class="pause">⏸ pause</span> between sentences · '
                   '<span class="pause mid">⏸ pause</span> mid-sentence</p>')
        out.append(f'<p class="transcript">{transcript_html(report)}</p>')
    return out


def _html_attempt(a: Any, th: Thresholds, history: dict[str, list[Any]] | None, index: int | None) -> list[str]:
    e = html.escape
    report: Report | None = doc.attr(a, "report")
    num = f"{index}. " if index is not None else ""
    out = [f'<section class="attempt" id="attempt-{e(str(doc.attr(a, "id")))}">',
           f"<h2>{num}{e(doc.question_title(a))}</h2>"]
    meta = [f"{pre}<b>{e(v)}</b>" if strong else f"{pre}{e(v)}" for pre, v, strong in doc.meta_items(a, report)]
    out.append(f'<p class="meta">{" · ".join(meta)}</p>')
    if report is None:
        out.append(f"<p>No analysis for this attempt ({(doc.attr(a, 'duration_s') or 0.0):.1f} s of audio).</p>")
    else:
        out += _html_report(report, th)
    out += _html_self_review(a)
    points = doc.history_for(a, history)
    if len(points) > 1:
        out.append(f"<h3>Progress on this question ({len(points)} attempts)</h3>")
        out.append('<div class="charts">' + "".join(trend_charts(points, th, current=doc.attr(a, "id"))) + "</div>")
        out.append('<p class="legend">Ringed: this attempt. Green band: target range; dashed line: threshold.</p>')
        so_far = doc.up_to(points, doc.attr(a, "id"))
        out.append("<ul>" + "".join(f"<li>{e(s.text)}</li>" for s in summarize_question(so_far, thresholds=th).values()) + "</ul>")
    out.append("</section>")
    return out


def _html_self_review(a: Any) -> list[str]:
    e = html.escape
    scores = doc.self_review(a)
    note = doc.attr(a, "note") or ""
    out = ["<h3>Self-review</h3>"]
    if all(v is None for v in scores.values()) and not note:
        return out + ["<p>Not rated.</p>"]
    out.append('<table class="scores"><tr>' + "".join(f"<th>{lens}</th>" for lens in scores) + "</tr><tr>"
               + "".join(f"<td>{v if v is not None else MISSING}/5</td>" for v in scores.values()) + "</tr></table>")
    if note:
        out.append(f'<div class="note">{e(note)}</div>')
    return out


def _html_summary(attempts: Sequence[Any], th: Thresholds) -> list[str]:
    e = html.escape
    out = ["<h2>Summary</h2>", "<table><tr><th>#</th><th>Question</th>"
           + "".join(f"<th>{h}</th>" for h in doc.SUMMARY_HEADERS) + "</tr>"]
    points = []
    for i, a in enumerate(attempts, 1):
        p, cells = doc.summary_cells(a)
        points.append(p)
        out.append(f'<tr><td><a href="#attempt-{e(str(p.attempt_id))}">{i}</a></td><td>{e(doc.question_title(a))}</td>'
                   + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    labels = [f"Q{i}" for i in range(1, len(points) + 1)]
    out.append("<h3>Across the session</h3>")
    out.append('<div class="charts">' + "".join(trend_charts(points, th, labels=labels)) + "</div>")
    out.append('<p class="legend">One point per answer, in the order asked.</p>')
    return out


def html_text(export: doc.Export) -> str:
    """A self-contained HTML page (no scripts, no external resources) for the attempts."""
    e = html.escape
    attempts, th, span = export.attempts, export.thresholds, export.span
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(export.title)}</title><style>{CSS}</style></head><body>",
           f"<h1>{e(export.title)}</h1>",
           f'<p class="meta">{e(span)}{" · " if span else ""}{plural(len(attempts), "attempt")}</p>']
    if len(attempts) > 1:
        out += _html_summary(attempts, th)
    for i, a in enumerate(attempts, 1):
        out += _html_attempt(a, th, export.history, i if len(attempts) > 1 else None)
    out.append("<footer>Made by mockmic on this computer. Nothing in this file loads anything from the network.</footer>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
