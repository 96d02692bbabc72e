"""History: every past attempt, by question or by date, with per-question trends.

From here an attempt can be replayed, compared with another attempt of the same question,
exported (HTML or Markdown, also its whole mock-interview session) or deleted (after a
confirmation; its audio goes too). The store is read and written only in thread workers; results
come back as messages.

The queries and actions are the practice service's (:mod:`mockmic.practice.review`); other
screens open through the app (:class:`mockmic.tui.room.Room`).
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.analysis.trends import group_by_day
from mockmic.core import is_finished
from mockmic.practice.review import HistoryData, load_history
from mockmic.reporting.fmt import clock, when_text
from mockmic.store.db import Attempt
from mockmic.tui.messages import HistoryLoaded
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.widgets.review_widgets import review_text, trend_renderable

QUESTION_W = 22
NARROW = 100
"""Below this many columns the trends pane is shown instead of the table, on ``t``."""

def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class HistoryScreen(MockmicScreen[None]):
    """Past attempts grouped by question (or by day), with the question's trends beside them."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "replay", "Replay", show=False),
        Binding("p", "replay", "Replay"),
        Binding("space", "mark", "Mark"),
        Binding("c", "compare", "Compare"),
        Binding("g", "toggle_grouping", "Group"),
        Binding("t", "trends", "Trends"),
        Binding("e", "export('html')", "Export HTML"),
        Binding("E", "export('md')", "Export MD", key_display="E"),
        Binding("s", "export_session", "Export session"),
        Binding("d", "delete", "Delete"),
    ]

    def __init__(self, question_id: str | None = None) -> None:
        super().__init__()
        self.focus_question = question_id
        self.by_date = False
        self.data = HistoryData()
        self.marked: int | None = None
        self.loaded = False
        self.trends_only = False
        """On a narrow terminal the trends pane replaces the table (``t``) instead of sitting beside it."""

    def compose(self) -> ComposeResult:
        yield TitleBar("history")
        yield Static("Reading past attempts…", id="history-status")
        with Horizontal(id="history-body"):
            yield DataTable(id="history-table", cursor_type="row")
            with VerticalScroll(id="history-detail"):
                yield Static(id="history-trends")
                yield Static(id="history-attempt")
        yield FitFooter()

    def on_mount(self) -> None:
        self.sub_title = "history"
        table = self.query_one("#history-table", DataTable)
        for key, label, width in (("when", "When", 13), ("question", "Question", QUESTION_W), ("len", "Len", 5),
                                  ("wpm", "wpm", 3), ("fill", "Fil/m", 5), ("pause", "Pause", 5),
                                  ("flags", "Flags", 5)):
            table.add_column(label, key=key, width=width)
        table.focus()
        self._layout()
        self.reload()

    @property
    def narrow(self) -> bool:
        return (self.app.size.width or 120) < NARROW

    def _layout(self) -> None:
        """Table and trends side by side; below NARROW columns one at a time (``t`` switches)."""
        table = self.query_one("#history-table", DataTable)
        detail = self.query_one("#history-detail")
        if not self.narrow:
            self.trends_only = False
        table.display = not self.trends_only
        detail.display = not self.narrow or self.trends_only
        detail.set_class(self.trends_only, "-alone")

    def on_resize(self) -> None:
        self._layout()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "trends":
            return self.narrow
        return True

    def action_trends(self) -> None:
        self.trends_only = not self.trends_only
        self._layout()
        if not self.trends_only:
            self.query_one("#history-table", DataTable).focus()

    # -------------------------------------------------------------- loading

    def reload(self) -> None:
        if self.mm.store is None:
            self.query_one("#history-status", Static).update("No attempt store: nothing recorded can be shown.")
            return
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-load", description="reading past attempts")
    def _load(self) -> None:
        if self.mm.store is not None:
            self.post_message(HistoryLoaded(load_history(self.mm.store)))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        self.data = message.data
        self.loaded = True
        if self.marked not in self.data.attempts:
            self.marked = None
        self.fill_table()

    # -------------------------------------------------------------- table

    def _attempt_cells(self, a: Attempt, *, show_question: bool) -> tuple[Text | str, ...]:
        p = self.data.points[int(a.id)]
        mark = "● " if self.marked == int(a.id) else "  "
        status = a.status
        flags = p.flags
        text = a.question_text or a.question_id or "Free practice"
        question = Text(_cut(text, QUESTION_W)) if show_question else Text("")
        if not is_finished(status):
            flag_cell = Text(status, style="yellow")
        else:
            flag_cell = Text(str(flags), style="red" if flags else "green")
        return (
            Text(mark + when_text(a.started_at, "%m-%d %H:%M"), style="bold cyan" if mark.strip() else ""),
            question,
            clock(p.duration_s),
            "–" if p.wpm is None else f"{p.wpm:.0f}",
            "–" if p.fillers_per_min is None else f"{p.fillers_per_min:.1f}",
            "–" if p.longest_pause_s is None else f"{p.longest_pause_s:.1f}s",
            flag_cell,
        )

    def fill_table(self) -> None:
        table = self.query_one("#history-table", DataTable)
        keep = self.highlighted_key()
        table.clear()
        attempts = list(self.data.attempts.values())  # newest first (store order)
        status = self.query_one("#history-status", Static)
        if not attempts:
            table.add_row(Text("No attempts yet", style="dim"), Text("practise a question first", style="dim"),
                          *[""] * 5, key="none")
            status.update("0 attempts")
            self.show_detail(None)
            return
        n_q = len({a.question_id for a in attempts})
        status.update(f"{len(attempts)} attempts of {n_q} question{'s' if n_q != 1 else ''} · grouped by "
                      f"{'date' if self.by_date else 'question'} (g) · space marks one to compare (c)")
        if self.by_date:
            for day, rows in group_by_day(attempts).items():
                table.add_row(Text(day, style="bold"), Text(f"{len(rows)} attempt{'s' if len(rows) != 1 else ''}",
                                                                    style="dim"), *[""] * 5, key=f"d:{day}")
                for a in rows:
                    table.add_row(*self._attempt_cells(a, show_question=True), key=f"a:{a.id}")
        else:
            groups: dict[str, list[Attempt]] = {}
            for a in attempts:
                groups.setdefault(a.question_id or "", []).append(a)
            for qid, rows in groups.items():
                text = rows[0].question_text or qid or "Free practice"
                table.add_row(Text(f"{len(rows)} attempt{'s' if len(rows) != 1 else ''}", style="bold"),
                              Text(_cut(text, QUESTION_W), style="bold"), *[""] * 5, key=f"q:{qid}")
                for a in rows:
                    table.add_row(*self._attempt_cells(a, show_question=False), key=f"a:{a.id}")
        target = keep if keep and keep in table.rows else None
        if target is None and self.focus_question is not None:
            # the newest attempt of the question the user came from
            target = next((f"a:{a.id}" for a in attempts if (a.question_id or "") == self.focus_question), None)
            self.focus_question = None
        if target is None:
            target = next((k.value for k in table.rows if str(k.value).startswith("a:")), None)
        if target is not None:
            table.move_cursor(row=table.get_row_index(target))
        self.show_detail(self.highlighted_key())

    def highlighted_key(self) -> str | None:
        table = self.query_one("#history-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001 - empty or cleared table
            return None

    def highlighted_attempt(self) -> Attempt | None:
        key = self.highlighted_key()
        if key and key.startswith("a:"):
            return self.data.attempts.get(int(key[2:]))
        return None

    @on(DataTable.RowHighlighted, "#history-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(str(event.row_key.value))

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if str(event.row_key.value).startswith("a:"):
            self.action_replay()

    # -------------------------------------------------------------- detail pane

    def show_detail(self, key: str | None) -> None:
        trends = self.query_one("#history-trends", Static)
        detail = self.query_one("#history-attempt", Static)
        qid: str | None = None
        attempt = None
        if key and key.startswith("a:"):
            attempt = self.data.attempts.get(int(key[2:]))
            qid = attempt.question_id or "" if attempt is not None else None
        elif key and key.startswith("q:"):
            qid = key[2:]
        if qid is None:
            trends.update(Text("Pick an attempt or a question to see its trends.", style="dim") if self.loaded else "")
            detail.update("")
            return
        points = self.data.series.get(qid, [])
        any_attempt = attempt or next((a for a in self.data.attempts.values() if (a.question_id or "") == qid), None)
        title = (any_attempt.question_text or qid or "Free practice") if any_attempt else qid
        trends.update(trend_renderable(points, self.mm.settings.thresholds, title=title))
        detail.update(self._attempt_detail(attempt) if attempt is not None else "")

    def _attempt_detail(self, a: Attempt) -> Text:
        out = Text()
        out.append(f"Attempt {a.id}", style="bold")
        out.append(f" · {when_text(a.started_at)} · {a.status}\n", style="dim")
        report = self.data.reports.get(int(a.id))
        if report is None:
            reason = a.error
            out.append(f"No report{': ' + reason if reason else ''}.\n", style="yellow")
        else:
            for fl in report.flags:
                at = f" @{clock(fl.at_s, tenths=True)}" if fl.at_s is not None else ""
                out.append(f"• {fl.code}{at}", style="bold red" if fl.severity == "warning" else "bold yellow")
                out.append(f": {fl.message}\n")
            if not report.flags:
                out.append("No flags.\n", style="green")
        out.append("Self-review ", style="bold")
        out.append(f"{review_text(a)}  (safe/honest/reflective/adaptable)\n", style="")
        note = a.note
        if note:
            out.append("Note: ", style="bold")
            out.append(note + "\n")
        if self.marked is not None and self.marked != a.id:
            out.append(f"\nc compares with the marked attempt {self.marked}.", style="dim")
        return out

    # -------------------------------------------------------------- actions

    def action_back(self) -> None:
        if self.trends_only:
            self.action_trends()
            return
        self.app.pop_screen()

    def action_toggle_grouping(self) -> None:
        self.by_date = not self.by_date
        self.fill_table()

    def action_replay(self) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            self.mm.open_replay(a.id)

    def action_mark(self) -> None:
        a = self.highlighted_attempt()
        if a is None:
            return
        self.marked = None if self.marked == int(a.id) else int(a.id)
        self.fill_table()

    def action_compare(self) -> None:
        a = self.highlighted_attempt()
        if a is None:
            self.notify("Highlight an attempt to compare.", severity="warning")
            return
        other: int | None = None
        if self.marked is not None and self.marked != int(a.id):
            marked = self.data.attempts.get(self.marked)
            if marked is None or (marked.question_id or "") != (a.question_id or ""):
                self.notify("Compare works on two attempts of the same question.", severity="warning")
                return
            other = self.marked
        else:
            # the attempt before this one of the same question
            same = [p for p in self.data.series.get(a.question_id or "", [])]
            ids = [p.attempt_id for p in same]
            if a.id in ids and ids.index(a.id) > 0:
                other = int(ids[ids.index(a.id) - 1])
            elif a.id in ids and len(ids) > 1:
                other = int(ids[1])
        if other is None:
            self.notify("This question has only one attempt: nothing to compare with yet.", severity="warning")
            return
        first, second = sorted((other, int(a.id)),
                               key=lambda i: w.timestamp() if (w := self.data.points[i].when) else 0.0)
        self.mm.open_compare(first, second)

    def action_delete(self) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            self.mm.confirm_delete(a, lambda _id: self.reload())

    def action_export(self, fmt: str) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            self.mm.start_export(fmt, attempt_ids=(a.id,))

    def action_export_session(self) -> None:
        a = self.highlighted_attempt()
        sid = a.session_id if a is not None else None
        if sid is None:
            self.notify("This attempt is not part of a mock interview.", severity="warning")
            return
        self.mm.start_export("html", session_id=sid)

    def review_attempt(self) -> Attempt | None:
        return self.highlighted_attempt()

    def on_screen_resume(self) -> None:
        # back from Replay/Compare (which may have deleted an attempt): read the store again
        if self.loaded:
            self.reload()
