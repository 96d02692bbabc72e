"""Renderables and small widgets shared by the History, Compare and Replay screens.

Widgets get finished values (reports, trend points) and render them; they compute nothing that
the pure modules (:mod:`mockmic.analysis.trends`, :mod:`mockmic.analysis.moments`) do not.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from mockmic.analysis.trends import LENSES, METRIC_LABELS, METRICS, AttemptPoint, summarize_question
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.assess import TRANSCRIPT_PAUSE_S, assess
from mockmic.reporting.fmt import clock, metric_number, sparkline

SPARK_W = 10
"""The trend sparklines show the last this many attempts (the pane is 46 columns wide)."""
DIRECTION_STYLE = {"better": "bold green", "worse": "bold red", "steady": "yellow", "n/a": "dim"}


def review_text(attempt: Any) -> str:
    scores = [getattr(attempt, lens, None) for lens in LENSES]
    if all(v is None for v in scores):
        return "–"
    return "/".join("–" if v is None else str(v) for v in scores)


def trend_renderable(points: list[AttemptPoint], thresholds: Thresholds, *, title: str = "") -> Text:
    """Sparklines of duration, wpm, fillers/min and longest pause over a question's attempts,
    each with the verdict of :func:`summarize_question`, then the self-review lenses."""
    out = Text()
    if title:
        out.append(title + "\n", style="bold")
    out.append(f"{len(points)} attempt{'s' if len(points) != 1 else ''}, oldest → newest\n\n", style="dim")
    sums = summarize_question(points, thresholds=thresholds)
    for m in METRICS:
        vals = [v for v in (p.value(m) for p in points) if v is not None]
        s = sums[m]
        out.append(f"{METRIC_LABELS[m]:<18}", style="bold")
        out.append(f"{sparkline(vals[-SPARK_W:]) or '–':<{SPARK_W}} ", style="cyan")
        if s.last is not None:
            out.append(f"{metric_number(m, s.last):>5}  ")
        out.append(s.direction if s.direction != "n/a" else "", style=DIRECTION_STYLE[s.direction])
        out.append("\n")
    out.append("\nSelf-review (1–5)\n", style="bold")
    for lens in LENSES:
        vals = [v for v in (p.self_review.get(lens) for p in points) if v is not None]
        out.append(f"  {lens:<16}")
        if vals:
            out.append(f"{sparkline(vals[-SPARK_W:]):<{SPARK_W}} ", style="magenta")
            out.append(f"{vals[-1]:>5}")
        else:
            out.append("not rated", style="dim")
        out.append("\n")
    return out


def metric_lines(report: Report | None, attempt: Any, thresholds: Thresholds) -> list[tuple[str, str, bool | None]]:
    """(label, value, within target) for the compare table; None = no target."""
    if report is None:
        return [("Length", clock(getattr(attempt, "duration_s", 0) or 0), None)]
    a = assess(report, thresholds)
    rows: list[tuple[str, str, bool | None]] = [
        ("Length", f"{a.length.text} ({a.length.target})", a.length.ok)]
    s = a.speech
    if s is None:
        return rows + [("Speech", "none found", False)]
    rows += [
        ("First word after", s.latency.text if s.latency else "–", s.latency.ok if s.latency else None),
        ("Words", str(s.words), None),
        ("Rate", s.rate.text, s.rate.ok),
        ("Fillers", f"{s.fillers.count} ({s.fillers.per_minute})", s.fillers.ok),
        (s.pauses.label, str(s.pauses.count), None),
        ("Longest pause", s.longest_pause.text, s.longest_pause.ok),
        ("Flags", ", ".join(dict.fromkeys(f.title for f in report.flags)) or "none", not report.flags),
        ("Self-review", review_text(attempt), None),
    ]
    return rows


def transcript_renderable(report: Report, *, current: int | None = None,
                          pause_min_s: float = TRANSCRIPT_PAUSE_S) -> Text:
    """The replay transcript: :func:`mockmic.reporting.terminal.transcript_text` with word ``current`` lit."""
    from mockmic.reporting.terminal import transcript_text

    return transcript_text(report, current=current, pause_min_s=pause_min_s)


class TranscriptFollower(Static):
    """The transcript of a replay, with the word being played highlighted."""

    DEFAULT_CSS = """
    TranscriptFollower { padding: 0 1; }
    """

    def __init__(self, report: Report | None = None, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.report = report
        self.current: int | None = None

    def on_mount(self) -> None:
        self._render_words()

    def set_report(self, report: Report | None) -> None:
        self.report = report
        self.current = None
        self._render_words()

    def set_current(self, index: int | None) -> bool:
        """Highlight word ``index``; returns True when it changed (and the text was redrawn)."""
        if index == self.current:
            return False
        self.current = index
        self._render_words()
        return True

    def _render_words(self) -> None:
        if self.report is None:
            self.update(Text("(no transcript)", style="dim"))
        elif self.report.no_speech or not self.report.words:
            self.update(Text("No speech was found in this recording.", style="dim"))
        else:
            self.update(transcript_renderable(self.report, current=self.current))

    def current_fraction(self) -> float:
        """Where the current word sits in the transcript (0-1), to scroll it into view."""
        if self.report is None or self.current is None or not self.report.words:
            return 0.0
        return self.current / max(1, len(self.report.words) - 1)
