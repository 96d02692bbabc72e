"""The delivery report as text for the terminal (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mockmic.analysis.fillers import audio_fillers_to_show
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.assess import assess
from mockmic.reporting.fmt import clock, sparkline


def transcript_text(report: Report, *, current: int | None = None, pause_min_s: float = 0.5) -> Text:
    """The transcript with fillers highlighted, audio-found fillers inserted as (uh) or (um), pauses of
    ``pause_min_s`` or more inline as ``[1.2s]``, and word ``current`` (an index into
    ``report.words``, for replay) in reverse video."""
    events: list[tuple[float, int, str, str]] = []
    for i, w in enumerate(report.words):
        style = "bold yellow" if w.filler else ""
        if i == current:
            style = "bold reverse" + (" yellow" if w.filler else "")
        events.append((w.start, 1, w.text.strip(), style))
    for f in audio_fillers_to_show(report.words, report.fillers.items):
        events.append((f.start, 1, f"({f.text.strip('() ')})", "bold magenta"))
    for p in report.pauses:
        if p.duration_s >= pause_min_s:
            style = "bold red" if p.location == "mid_sentence" else "cyan"
            events.append((p.start, 0, f"[{p.duration_s:.1f}s]", style))
    events.sort(key=lambda e: (e[0], e[1]))
    out = Text()
    for i, (_t, _k, text, style) in enumerate(events):
        if i:
            out.append(" ")
        out.append(text, style=style or None)
    return out


def report_renderable(report: Report, thresholds: Thresholds | None = None) -> Panel:
    if report.no_speech:
        body = Text(f"No speech found ({report.duration_s:.1f} s of audio). Check the microphone.",
                    style="bold yellow")
        return Panel(body, title=report.file or "report", border_style="yellow")
    a = assess(report, thresholds or Thresholds())
    s = a.speech
    assert s is not None  # no_speech returned above
    metrics = Table.grid(padding=(0, 2))
    metrics.add_column(style="bold")
    metrics.add_column()
    metrics.add_row("Length", Text(f"{clock(report.duration_s, tenths=True)}  (target {a.length.target})",
                                   style="green" if a.length.ok else "red"))
    metrics.add_row("First word after", s.latency.text if s.latency is not None else "–")
    metrics.add_row("Speaking time", f"{report.speaking_time_s:.1f} s")
    metrics.add_row("Words", str(report.word_count))
    metrics.add_row("Rate", f"{report.wpm:.0f} wpm  (articulation {report.articulation_wpm:.0f} wpm)")
    if len(report.pace) > 1:
        metrics.add_row("Pace over time", f"{sparkline([p.wpm for p in report.pace])}  "
                        f"{report.pace[0].wpm:.0f} → {report.pace[-1].wpm:.0f} wpm")
    f = report.fillers
    by = ", ".join(f"{k} ×{v}" for k, v in f.by_type.items())
    audio_n = sum(1 for i in f.items if i.source == "audio")
    extra = f"; {audio_n} heard in the audio only" if audio_n else ""
    metrics.add_row("Fillers", f"{f.count}  ({s.fillers.per_minute}, {s.fillers.percent} of words)"
                    f"{': ' + by if by else ''}{extra}")
    metrics.add_row(s.pauses.label, f"{s.pauses.text}, longest {report.longest_pause_s:.1f} s")
    for v in s.voice:
        metrics.add_row(v.label, Text(v.text, style="" if v.ok else "yellow"))

    flags = Table(show_header=False, box=None, padding=(0, 1))
    for fl in report.flags:
        colour = "red" if fl.severity == "warning" else "yellow"
        at = f"@{clock(fl.at_s, tenths=True)}" if fl.at_s is not None else ""
        flags.add_row(Text(fl.code, style=f"bold {colour}"), Text(at, style="dim"),
                      Text(fl.message + (f"\n→ {fl.tip}" if fl.tip else "")))
    parts: list[Any] = [metrics, Text()]
    if report.flags:
        parts += [Text("Flags", style="bold underline"), flags, Text()]
    else:
        parts += [Text("No flags: nice delivery.", style="green"), Text()]
    parts += [Text("Transcript", style="bold underline"), transcript_text(report)]
    return Panel(Group(*parts), title=f"{report.file}  [{report.model}]", border_style="blue")


def print_report(report: Report, console: Console | None = None, thresholds: Thresholds | None = None) -> None:
    (console or Console()).print(report_renderable(report, thresholds))
