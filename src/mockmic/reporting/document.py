"""What the Markdown and the HTML export both say about an attempt, before either marks it up.

Attempt-like objects (see :mod:`mockmic.analysis.trends`) in; rows, tokens and titles out. The
verdicts come from :func:`mockmic.reporting.assess.assess`; nothing here judges a number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mockmic.analysis.fillers import audio_fillers_to_show
from mockmic.analysis.trends import LENSES, AttemptPoint, as_datetime, attempt_point, question_series
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.assess import Verdict, assess
from mockmic.reporting.fmt import MISSING, clock, when_text

PAUSE_SHOWN_S = 0.5
"""Pauses at least this long are written into the transcript."""
SUMMARY_HEADERS = ("Length", "Rate", "Fillers/min", "Longest pause", "Flags", "Self-review")
"""Columns of the one-line-per-attempt summary of a session (after # and Question)."""


@dataclass(frozen=True)
class MetricRow:
    """One line of the metrics-vs-targets table."""

    name: str
    value: str
    target: str
    ok: bool | None  # None: no target for this metric


def _row(v: Verdict, value: str | None = None) -> MetricRow:
    return MetricRow(v.label, v.text if value is None else value, v.target, v.ok)


def metric_rows(report: Report, thresholds: Thresholds) -> list[MetricRow]:
    """The report's metrics next to the targets they are judged against (see :func:`assess`)."""
    a = assess(report, thresholds)
    rows = [MetricRow("Length", a.length.text, a.length.target, a.length.ok)]
    s = a.speech
    if s is None:
        return rows
    if s.latency is not None:
        rows.append(_row(s.latency))
    rows += [_row(s.speaking_time), MetricRow("Words", str(s.words), "", None), _row(s.rate), _row(s.articulation)]
    f = s.fillers
    rows += [_row(f, f"{f.count} ({f.per_minute}, {f.percent} of words)"), _row(s.pauses), _row(s.longest_pause)]
    rows += [_row(v) for v in s.voice]
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


def marked_transcript(report: Report, marks: dict[str, str], escape: Callable[[str], str]) -> str:
    """The transcript with each token put into its format's template: ``marks`` maps ``word``,
    ``filler``, ``audio_filler``, ``pause`` and ``pause_mid`` to a template with ``{text}``
    (escaped) and ``{at}`` (the token's moment, ``m:ss.s``)."""
    parts = []
    for tok in transcript_tokens(report):
        kind = "pause_mid" if tok.kind == "pause" and tok.mid_sentence else tok.kind
        parts.append(marks[kind].format(text=escape(tok.text), at=clock(tok.t, tenths=True)))
    return " ".join(parts)


def attr(a: Any, name: str, default: Any = None) -> Any:
    return getattr(a, name, default)


def question_title(a: Any) -> str:
    text = attr(a, "question_text") or ""
    qid = attr(a, "question_id") or ""
    if text and qid:
        return f"{text} ({qid})"
    return text or qid or "Free practice"


def self_review(a: Any) -> dict[str, int | None]:
    return {lens: attr(a, lens) for lens in LENSES}


def meta_items(a: Any, report: Report | None) -> list[tuple[str, str, bool]]:
    """The attempt's header line as ``(prefix, value, stressed)`` pieces: id, date, model, status."""
    items = [("attempt ", str(attr(a, "id")), False), ("", when_text(attr(a, "started_at")), False)]
    model = attr(a, "model") or (report.model if report else "")
    if model:
        items.append(("model ", model, False))
    status = attr(a, "status")
    if status and status not in ("done", "analyzed"):
        items.append(("status ", status, True))
    return items


def summary_cells(a: Any) -> tuple[AttemptPoint, list[str]]:
    """One attempt's cells under :data:`SUMMARY_HEADERS` (and its trend point)."""
    p = attempt_point(a)
    return p, [f"{p.duration_s:.0f} s", num(p.wpm, ".0f"), num(p.fillers_per_min, ".1f"),
               num(p.longest_pause_s, ".1f", " s"), str(p.flags), num(p.self_review_mean, ".1f", "/5")]


def history_for(a: Any, history: dict[str, list[Any]] | None) -> list[AttemptPoint]:
    """The attempt's question history as trend points, including the attempt itself."""
    qid = attr(a, "question_id") or ""
    rows = list((history or {}).get(qid, []))
    if not any(attr(r, "id") == attr(a, "id") for r in rows):
        rows.append(a)
    return question_series(rows).get(qid, [])


def up_to(points: list[AttemptPoint], attempt_id: Any) -> list[AttemptPoint]:
    """The series up to and including ``attempt_id``: its summary then reads "this attempt vs before"."""
    for i, p in enumerate(points):
        if p.attempt_id == attempt_id:
            return points[:i + 1]
    return points


def date_range(attempts: Sequence[Any]) -> str:
    dates = sorted(d for d in (as_datetime(attr(a, "started_at")) for a in attempts) if d)
    if not dates:
        return ""
    a, b = when_text(dates[0]), when_text(dates[-1])
    return a if a == b else f"{a} → {b}"


def default_title(attempts: Sequence[Any], session_id: Any = None) -> str:
    if session_id is not None:
        return f"Mock interview {session_id}"
    if len(attempts) == 1:
        return f"Attempt {attr(attempts[0], 'id')}"
    return f"{len(attempts)} attempts"


@dataclass(frozen=True)
class Export:
    """What either format is written from: the attempts, a title, the thresholds, the date span and
    each question's earlier attempts (for the progress charts)."""

    attempts: list[Any]
    title: str
    thresholds: Thresholds
    span: str
    history: dict[str, list[Any]] | None


def prepare(attempts: Iterable[Any], *, title: str | None = None, session_id: Any = None,
            thresholds: Thresholds | None = None, history: dict[str, list[Any]] | None = None) -> Export:
    """An :class:`Export` with the defaults filled in (a title from the attempts or the session)."""
    rows = list(attempts)
    return Export(rows, title or default_title(rows, session_id), thresholds or Thresholds(), date_range(rows), history)


def num(v: float | None, spec: str, unit: str = "") -> str:
    return MISSING if v is None else f"{format(v, spec)}{unit}"
