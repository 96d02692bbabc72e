"""Compare two attempts of the same question side by side: metrics, flags and transcripts."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.analysis.trends import METRIC_LABELS, METRICS, attempt_point, goal_distance
from mockmic.config import Thresholds
from mockmic.core import Report
from mockmic.reporting.fmt import metric_number, when_text
from mockmic.store.db import Attempt
from mockmic.tui.messages import CompareLoaded
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.widgets.review_widgets import metric_lines, transcript_renderable


class CompareScreen(MockmicScreen[None]):
    """Two attempts, older on the left: what changed and whether it got better."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("1", "replay(0)", "Replay left"),
        Binding("2", "replay(1)", "Replay right"),
        Binding("e", "export", "Export both (HTML)"),
    ]

    def __init__(self, first_id: int, second_id: int) -> None:
        super().__init__()
        self.ids = (int(first_id), int(second_id))
        self.attempts: tuple[Attempt, Attempt] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar("compare attempts")
        yield Static("Reading the two attempts…", id="compare-head")
        with Horizontal(id="compare-body"):
            with VerticalScroll(id="compare-left", classes="compare-side"):
                yield Static(id="compare-a")
            with VerticalScroll(id="compare-right", classes="compare-side"):
                yield Static(id="compare-b")
        yield FitFooter()

    def on_mount(self) -> None:
        self.sub_title = f"compare attempts {self.ids[0]} and {self.ids[1]}"
        self._load()

    def review_attempt(self) -> Attempt | None:
        """For the command palette: the newer of the two."""
        return self.attempts[1] if self.attempts else None

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare-load", description="reading attempts")
    def _load(self) -> None:
        store = self.mm.store
        a = store.get(self.ids[0]) if store is not None else None
        b = store.get(self.ids[1]) if store is not None else None
        if a is None or b is None:
            missing = self.ids[0] if a is None else self.ids[1]
            self.post_message(CompareLoaded(a, b, None, None, f"Attempt {missing} is not in the store."))
            return
        self.post_message(CompareLoaded(a, b, a.report, b.report))

    def on_compare_loaded(self, message: CompareLoaded) -> None:
        head = self.query_one("#compare-head", Static)
        if message.error:
            head.update(Text(message.error, style="bold red"))
            return
        a, b = message.first, message.second
        assert a is not None and b is not None
        self.attempts = (a, b)
        th = self.mm.settings.thresholds
        title = Text(a.question_text or a.question_id or "Free practice", style="bold")
        if (a.question_id or "") != (b.question_id or ""):
            title.append("  (different questions)", style="yellow")
        head.update(self._head(title, a, b, message, th))
        self.query_one("#compare-a", Static).update(self._side(a, message.first_report, th))
        self.query_one("#compare-b", Static).update(self._side(b, message.second_report, th))

    def _head(self, title: Text, a: Attempt, b: Attempt, m: CompareLoaded, th: Thresholds) -> Table:
        """The change table: each metric left → right, and whether that is closer to the goal."""
        pa, pb = attempt_point(a, m.first_report), attempt_point(b, m.second_report)
        table = Table(title=title, title_justify="left", expand=True, show_edge=False, pad_edge=False,
                      box=box.SIMPLE_HEAD)
        table.add_column("")
        table.add_column(f"#{a.id} · {when_text(a.started_at)}", justify="right")
        table.add_column(f"#{b.id} · {when_text(b.started_at)}", justify="right")
        table.add_column("change")
        for metric in METRICS:
            va, vb = pa.value(metric), pb.value(metric)
            cells = [metric_number(metric, v) for v in (va, vb)]
            verdict = Text("")
            if va is not None and vb is not None:
                known = m.second_report or m.first_report
                target = known.target if known is not None else None
                da = goal_distance(metric, va, thresholds=th, target=target)
                db = goal_distance(metric, vb, thresholds=th, target=target)
                delta = vb - va
                change = ("+" if delta > 0 else "") + metric_number(metric, delta)
                if abs(db - da) < 1e-9:
                    verdict = Text(f"{change}  same", style="yellow" if da else "green")
                elif db < da:
                    verdict = Text(f"{change}  better", style="bold green")
                else:
                    verdict = Text(f"{change}  worse", style="bold red")
            table.add_row(METRIC_LABELS[metric], *cells, verdict)
        fa = len(m.first_report.flags) if m.first_report else 0
        fb = len(m.second_report.flags) if m.second_report else 0
        table.add_row("Flags", str(fa), str(fb),
                      Text("fewer" if fb < fa else "more" if fb > fa else "same",
                           style="green" if fb < fa else "red" if fb > fa else "yellow"))
        return table

    def _side(self, attempt: Attempt, report: Report | None, th: Thresholds) -> Group:
        head = Text()
        head.append(f"Attempt {attempt.id}", style="bold")
        head.append(f" · {when_text(attempt.started_at)} · {attempt.model or ''}\n", style="dim")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold")
        grid.add_column()
        for label, value, ok in metric_lines(report, attempt, th):
            style = "" if ok is None else ("green" if ok else "red")
            grid.add_row(label, Text(value, style=style))
        parts: list[RenderableType] = [head, grid, Text("")]
        if report is not None and report.flags:
            flags = Text()
            for fl in report.flags:
                flags.append(f"• {fl.code}", style="bold red" if fl.severity == "warning" else "bold yellow")
                flags.append(f": {fl.message}\n")
                if fl.tip:
                    flags.append(f"  → {fl.tip}\n", style="dim")
            parts += [Text("Flags", style="bold underline"), flags]
        if attempt.note:
            parts += [Text("Note", style="bold underline"), Text(attempt.note + "\n")]
        parts.append(Text("Transcript", style="bold underline"))
        if report is None:
            parts.append(Text("No report for this attempt.", style="dim"))
        elif report.no_speech:
            parts.append(Text("No speech was found.", style="dim"))
        else:
            parts.append(transcript_renderable(report))
        return Group(*parts)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_replay(self, side: int) -> None:
        self.mm.open_replay(self.ids[side])

    def action_export(self) -> None:
        self.mm.start_export("html", attempt_ids=self.ids)
