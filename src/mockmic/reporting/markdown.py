"""Attempts (one, several, or a mock-interview session) as a Markdown report."""

from __future__ import annotations

from typing import Any

from mockmic.analysis.trends import METRIC_LABELS, METRICS, AttemptPoint, summarize_question
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting import document as doc
from mockmic.reporting.fmt import MISSING, clock, plural, sparkline

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md_escape(text: str) -> str:
    return str(text).translate(_MD_SPECIAL)


MD_MARKS = {
    "word": "{text}", "filler": "**{text}**", "audio_filler": "**({text})**",
    "pause": "`⏸ {text}`", "pause_mid": "`⏸ {text} mid-sentence`",
}


def transcript_markdown(report: Report) -> str:
    """Fillers in bold, audio-only fillers as ``**(uh)**`` or ``**(um)**``, pauses as ``⏸ 1.2s``."""
    return doc.marked_transcript(report, MD_MARKS, md_escape)


def _md_report(report: Report, th: Thresholds, h: str) -> list[str]:
    out = []
    if report.no_speech:
        out += [f"No speech was found in {report.duration_s:.1f} s of audio.", ""]
    out += ["| Metric | Value | Target | |", "|---|---|---|---|"]
    for r in doc.metric_rows(report, th):
        mark = "" if r.ok is None else ("✅" if r.ok else "⚠️")
        out.append(f"| {r.name} | {md_escape(r.value)} | {md_escape(r.target)} | {mark} |")
    out.append("")
    if len(report.pace) > 1:
        wpms = [p.wpm for p in report.pace]
        out += [f"Pace over time: `{sparkline(wpms)}` {wpms[0]:.0f} → {wpms[-1]:.0f} wpm "
                f"(min {min(wpms):.0f}, max {max(wpms):.0f})", ""]
    out += [f"{h}# Flags", ""]
    for fl in report.flags:
        at = f" at {clock(fl.at_s, tenths=True)}" if fl.at_s is not None else ""
        out.append(f"- **{fl.code}**{at}: {md_escape(fl.message)}")
        if fl.tip:
            out.append(f"  - Tip: {md_escape(fl.tip)}")
    if not report.flags:
        out.append("No flags.")
    out.append("")
    if not report.no_speech:
        out += [f"{h}# Transcript", "",
                "_Fillers in bold; (uh), (um) = heard in the audio only; ⏸ = silent pause._", "",
                transcript_markdown(report), ""]
    return out


def _md_attempt(a: Any, th: Thresholds, history: dict[str, list[Any]] | None, level: int) -> list[str]:
    h = "#" * level
    report: Report | None = doc.attr(a, "report")
    out = [f"{h} {md_escape(doc.question_title(a))}", ""]
    meta = [f"{pre}**{md_escape(v)}**" if strong else f"{pre}{md_escape(v)}" for pre, v, strong in doc.meta_items(a, report)]
    out += [" · ".join(meta), ""]
    if report is None:
        duration = doc.attr(a, "duration_s") or 0.0
        out += [f"No analysis for this attempt ({duration:.1f} s of audio).", ""]
    else:
        out += _md_report(report, th, h)
    out += _md_self_review(a, h)
    points = doc.history_for(a, history)
    if len(points) > 1:
        out += [f"{h}# Progress on this question ({len(points)} attempts)", ""]
        out += _md_trend_table(points, th, doc.attr(a, "id"))
    return out


def _md_self_review(a: Any, h: str) -> list[str]:
    scores = doc.self_review(a)
    note = doc.attr(a, "note") or ""
    out = [f"{h}# Self-review", ""]
    if all(v is None for v in scores.values()) and not note:
        return out + ["Not rated.", ""]
    out.append(" · ".join(f"{lens} {v if v is not None else MISSING}/5" for lens, v in scores.items()))
    out.append("")
    if note:
        out += ["> " + md_escape(line) for line in note.splitlines()] + [""]
    return out


def _md_trend_table(points: list[AttemptPoint], th: Thresholds, attempt_id: Any) -> list[str]:
    summaries = summarize_question(doc.up_to(points, attempt_id), thresholds=th)
    out = ["| Metric | Trend | Summary |", "|---|---|---|"]
    for m in METRICS:
        vals = [v for v in (p.value(m) for p in points) if v is not None]
        out.append(f"| {METRIC_LABELS[m]} | `{sparkline(vals)}` | {md_escape(summaries[m].text)} |")
    return out + [""]


def markdown_text(export: doc.Export) -> str:
    """Markdown for one attempt or a set (e.g. a mock-interview session) of them."""
    attempts = export.attempts
    out = [f"# {md_escape(export.title)}", ""]
    if export.span:
        out += [f"{export.span} · {plural(len(attempts), 'attempt')} · made by mockmic", ""]
    if len(attempts) > 1:
        out += ["## Summary", "", "| # | Question | " + " | ".join(doc.SUMMARY_HEADERS) + " |",
                "|---" * (len(doc.SUMMARY_HEADERS) + 2) + "|"]
        for i, a in enumerate(attempts, 1):
            _p, cells = doc.summary_cells(a)
            out.append(f"| {i} | {md_escape(doc.question_title(a))} | " + " | ".join(cells) + " |")
        out.append("")
    for a in attempts:
        out += _md_attempt(a, export.thresholds, export.history, 2)
    return "\n".join(out).rstrip() + "\n"
