"""The end of a mock interview: every answer of the session side by side."""

from __future__ import annotations


from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.tui.screens.base import MockmicScreen
from mockmic.practice.session import Run
from mockmic.reporting.assess import assess_length
from mockmic.reporting.fmt import clock



class SummaryScreen(MockmicScreen[None]):
    """Per answer: length against the window, rate, fillers, flags; then the totals."""

    BINDINGS = [
        Binding("escape,q", "home", "Questions"),
        Binding("e", "export('html')", "Export HTML"),
        Binding("E", "export('md')", "Export MD", key_display="E"),
    ]

    def __init__(self, run: Run) -> None:
        super().__init__()
        self.run_ = run

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self._title(), id="sum-title")
        yield DataTable(id="sum-table", cursor_type="row")
        yield Static(self._totals(), id="sum-totals")
        yield FitFooter()

    def _title(self) -> Text:
        n = len(self.run_.results)
        out = Text(f"Mock interview done: {n} answer{'s' if n != 1 else ''}", style="bold")
        out.append("\nEnter opens an answer's report.", style="dim")
        return out

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "Question", "Length", "Target", "Rate", "Fillers", "Flags")
        # the question column takes what the others leave; the flags go one per line
        width = max(16, (self.app.size.width or 120) - 66)
        for i, (q, attempt_id, report) in enumerate(self.run_.results, 1):
            t = report.target
            in_window = assess_length(report).ok
            table.add_row(
                str(i),
                q.text if len(q.text) <= width else q.text[: width - 1] + "…",
                Text(clock(report.duration_s), style="green" if in_window else "red"),
                f"{t.min_s:g}–{t.max_s:g}s",
                "–" if report.no_speech else f"{report.wpm:.0f}",
                str(report.fillers.count),
                "\n".join(dict.fromkeys(f.code for f in report.flags)) or "–",
                key=str(i - 1), height=None,
            )
        table.focus()

    def _totals(self) -> Text:
        results = [r for _, _, r in self.run_.results]
        if not results:
            return Text("No answers were recorded.", style="dim")
        spoken = [r for r in results if not r.no_speech]
        in_window = sum(1 for r in results if assess_length(r).ok)
        total_s = sum(r.duration_s for r in results)
        out = Text()
        out.append(f"{in_window} of {len(results)} answers in their window", style="bold")
        out.append(f" · {clock(total_s)} speaking in total")
        if spoken:
            mean_wpm = sum(r.wpm for r in spoken) / len(spoken)
            fillers = sum(r.fillers.count for r in spoken)
            minutes = sum(r.duration_s for r in spoken) / 60 or 1
            out.append(f" · {mean_wpm:.0f} wpm on average · {fillers} filler"
                       f"{'' if fillers == 1 else 's'} ({fillers / minutes:.1f}/min)")
        codes: dict[str, int] = {}
        for r in results:
            for f in r.flags:
                codes[f.code] = codes.get(f.code, 0) + 1
        if codes:
            common = sorted(codes.items(), key=lambda kv: -kv[1])[:3]
            out.append("\nMost frequent flags: " + ", ".join(f"{c} ×{n}" for c, n in common))
        return out

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        q, attempt_id, report = self.run_.results[int(str(event.row_key.value))]
        self.mm.show_summary_report(q, report, attempt_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.run_.session_id is not None and self.mm.store is not None
        return True

    def action_export(self, fmt: str) -> None:
        """The whole mock interview as one page (HTML) or Markdown, into the recordings folder."""
        if self.run_.session_id is not None:
            self.mm.start_export(fmt, session_id=self.run_.session_id)

    def action_home(self) -> None:
        self.mm.go_home()
