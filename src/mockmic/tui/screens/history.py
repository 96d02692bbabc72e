"""History: every past attempt, by question or by date, with per-question trends.

From here an attempt can be replayed, compared with another attempt of the same question,
exported (HTML or Markdown, also its whole mock-interview session) or deleted (after a
confirmation; its audio goes too). The store is read and written only in thread workers; results
come back as messages.

The screen needs from the app: ``store`` (see :mod:`mockmic.store.db`), ``store_lock``,
``settings`` and, for replay, ``player``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.analysis.trends import AttemptPoint, group_by_day, series_from_points
from mockmic.config import Settings
from mockmic.reporting.fmt import clock, when_text
from mockmic.tui.widgets.review_widgets import review_text, trend_renderable

HISTORY_LIMIT = 1000
QUESTION_W = 22
REVIEW_BLOCKED = ("RecordingScreen", "AskingScreen")
"""Screens during which the review screens are not opened (an answer is being recorded)."""

_fallback_lock = threading.Lock()


# ------------------------------------------------------------------------------ store helpers


def store_of(app: Any) -> tuple[Any, Any]:
    """The app's store and the lock that serialises its use across workers."""
    return getattr(app, "store", None), getattr(app, "store_lock", None) or _fallback_lock


def settings_of(app: Any) -> Settings:
    return getattr(app, "settings", None) or Settings()


def exports_folder(settings: Settings) -> Path:
    return Path(settings.recordings) / "exports"


def write_export(app: Any, fmt: str, *, attempt_ids: tuple[int, ...] = (), session_id: int | None = None) -> Path:
    """Render the attempts (or the session) from the store into ``recordings/exports/``.

    Call from a thread worker: it reads the store and writes a file.
    """
    from mockmic.reporting.export import collect, export_name, question_history, render

    store, lock = store_of(app)
    settings = settings_of(app)
    with lock:
        attempts, title = collect(store, attempt_ids, session_id)
        history = question_history(store, attempts)
    text = render(attempts, fmt, title=title, session_id=session_id, thresholds=settings.thresholds,
                  history=history)
    from mockmic.store.db import make_private_dirs, write_private

    folder = exports_folder(settings)
    make_private_dirs(folder)
    path = folder / export_name(attempt_ids, session_id, fmt)
    write_private(path, text.encode("utf-8"))
    os.chmod(path, 0o600)  # an export of the same name written by an older mockmic
    return path


def can_open_review(app: Any) -> bool:
    return type(app.screen).__name__ not in REVIEW_BLOCKED


def open_history(app: Any, question_id: str | None = None) -> None:
    """Push the History screen (not while an answer is being recorded)."""
    if not can_open_review(app):
        app.notify("Finish or abandon the answer first.", severity="warning")
        return
    if isinstance(app.screen, HistoryScreen):
        return
    if question_id is None:
        # from the question list: open on the question under the cursor
        pick = getattr(app.screen, "highlighted_question", None)
        question = pick() if callable(pick) else None
        question_id = getattr(question, "id", None)
    app.push_screen(HistoryScreen(question_id=question_id))


def open_replay(app: Any, attempt_id: int) -> None:
    from mockmic.tui.screens.replay import ReplayScreen

    if can_open_review(app):
        app.push_screen(ReplayScreen(attempt_id))


def open_compare(app: Any, first_id: int, second_id: int) -> None:
    from mockmic.tui.screens.compare import CompareScreen

    if can_open_review(app):
        app.push_screen(CompareScreen(first_id, second_id))


def confirm_delete(app: Any, attempt: Any, on_deleted: Callable[[int], None] | None = None) -> None:
    """Ask, then delete the attempt and its audio in a worker; ``on_deleted(id)`` afterwards."""
    from mockmic.tui.screens.dialogs import ConfirmScreen

    audio = getattr(attempt, "audio_path", None)
    detail = (f"{getattr(attempt, 'question_text', '') or getattr(attempt, 'question_id', '') or 'Free practice'}\n"
              f"recorded {when_text(getattr(attempt, 'started_at', None))}\n\n"
              + (f"Its audio file {audio} is removed too. " if audio else "")
              + "This cannot be undone.")

    def answered(yes: bool | None) -> None:
        if yes:
            _delete_worker(app, int(attempt.id), on_deleted)

    app.push_screen(ConfirmScreen(f"Delete attempt {attempt.id}?", detail, yes="Delete", no="Keep"), answered)


def _delete_worker(app: Any, attempt_id: int, on_deleted: Callable[[int], None] | None) -> None:
    def run() -> None:
        store, lock = store_of(app)
        with lock:
            ok = store.delete_attempt(attempt_id)
        if ok:
            app.call_from_thread(app.notify, f"Attempt {attempt_id} and its audio were deleted.")
            if on_deleted is not None:
                app.call_from_thread(on_deleted, attempt_id)
        else:
            app.call_from_thread(app.notify, f"Attempt {attempt_id} was already gone.", severity="warning")

    app.run_worker(run, thread=True, exit_on_error=False, group="review-delete",
                   description=f"deleting attempt {attempt_id}")


def start_export(app: Any, fmt: str, *, attempt_ids: tuple[int, ...] = (), session_id: int | None = None) -> None:
    """Export in a worker; a notification names the file written."""
    def run() -> None:
        try:
            path = write_export(app, fmt, attempt_ids=attempt_ids, session_id=session_id)
        except (LookupError, OSError) as exc:
            app.call_from_thread(app.notify, f"Export failed: {exc}", severity="error", timeout=10)
            return
        app.call_from_thread(app.notify, f"Exported to {path}", title="Export", timeout=10)

    app.run_worker(run, thread=True, exit_on_error=False, group="review-export", description="exporting")


# ------------------------------------------------------------------------------ the screen


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class HistoryData:
    attempts: dict[int, Any] = field(default_factory=dict)
    points: dict[int, AttemptPoint] = field(default_factory=dict)
    reports: dict[int, Any] = field(default_factory=dict)
    """Parsed once in the worker, so the UI thread never parses report JSON."""
    series: dict[str, list[AttemptPoint]] = field(default_factory=dict)
    """Per question id, oldest first."""


@dataclass
class HistoryLoaded(Message):
    data: HistoryData


class HistoryScreen(Screen[None]):
    """Past attempts grouped by question (or by day), with the question's trends beside them."""

    DEFAULT_CSS = """
    HistoryScreen #history-body { height: 1fr; }
    HistoryScreen #history-table { width: 1fr; min-width: 60; }
    HistoryScreen #history-detail { width: 46; border-left: solid $panel-lighten-2; padding: 0 1; }
    HistoryScreen #history-status { height: 1; padding: 0 1; color: $text-muted; }
    HistoryScreen #history-attempt { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "replay", "Replay", show=False),
        Binding("p", "replay", "Replay"),
        Binding("space", "mark", "Mark"),
        Binding("c", "compare", "Compare"),
        Binding("g", "toggle_grouping", "By date/question"),
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

    def compose(self) -> ComposeResult:
        yield TitleBar("history")
        yield Static("Reading past attempts…", id="history-status")
        with Horizontal(id="history-body"):
            yield DataTable(id="history-table", cursor_type="row")
            with VerticalScroll(id="history-detail"):
                yield Static(id="history-trends")
                yield Static(id="history-attempt")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "history"
        table = self.query_one("#history-table", DataTable)
        for key, label, width in (("when", "When", 13), ("question", "Question", QUESTION_W), ("len", "Len", 5),
                                  ("wpm", "wpm", 3), ("fill", "Fil/m", 5), ("pause", "Pause", 5),
                                  ("flags", "Flags", 5)):
            table.add_column(label, key=key, width=width)
        table.focus()
        self.reload()

    # -------------------------------------------------------------- loading

    def reload(self) -> None:
        store, _lock = store_of(self.app)
        if store is None:
            self.query_one("#history-status", Static).update("No attempt store: nothing recorded can be shown.")
            return
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-load", description="reading past attempts")
    def _load(self) -> None:
        store, lock = store_of(self.app)
        with lock:
            attempts = store.list_attempts(limit=HISTORY_LIMIT)
        data = HistoryData()
        series_input = []
        from mockmic.analysis.trends import attempt_point

        for a in attempts:
            data.attempts[int(a.id)] = a
            data.reports[int(a.id)] = report = a.report
            p = attempt_point(a, report)
            data.points[int(a.id)] = p
            if getattr(a, "status", "done") in ("done", "recovered", "imported"):
                series_input.append(a)
        # series from the points already computed (each report is parsed once)
        data.series = series_from_points(data.points[int(a.id)] for a in series_input)
        self.post_message(HistoryLoaded(data))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        self.data = message.data
        self.loaded = True
        if self.marked not in self.data.attempts:
            self.marked = None
        self.fill_table()

    # -------------------------------------------------------------- table

    def _attempt_cells(self, a: Any, *, show_question: bool) -> tuple[Any, ...]:
        p = self.data.points[int(a.id)]
        mark = "● " if self.marked == int(a.id) else "  "
        status = getattr(a, "status", "done")
        flags = p.flags
        text = a.question_text or a.question_id or "Free practice"
        question = Text(_cut(text, QUESTION_W)) if show_question else Text("")
        if status not in ("done", "recovered", "imported"):
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
            groups: dict[str, list[Any]] = {}
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

    def highlighted_attempt(self) -> Any:
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
        title = (getattr(any_attempt, "question_text", "") or qid or "Free practice") if any_attempt else qid
        trends.update(trend_renderable(points, settings_of(self.app).thresholds, title=title))
        detail.update(self._attempt_detail(attempt) if attempt is not None else "")

    def _attempt_detail(self, a: Any) -> Text:
        out = Text()
        out.append(f"Attempt {a.id}", style="bold")
        out.append(f" · {when_text(a.started_at)} · {getattr(a, 'status', '')}\n", style="dim")
        report = self.data.reports.get(int(a.id))
        if report is None:
            reason = getattr(a, "error", None)
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
        note = getattr(a, "note", None)
        if note:
            out.append("Note: ", style="bold")
            out.append(note + "\n")
        if self.marked is not None and self.marked != a.id:
            out.append(f"\nc compares with the marked attempt {self.marked}.", style="dim")
        return out

    # -------------------------------------------------------------- actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_grouping(self) -> None:
        self.by_date = not self.by_date
        self.fill_table()

    def action_replay(self) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            open_replay(self.app, int(a.id))

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
        first, second = sorted((other, int(a.id)), key=lambda i: self.data.points[i].when.timestamp()
                               if self.data.points[i].when else 0.0)
        open_compare(self.app, first, second)

    def action_delete(self) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            confirm_delete(self.app, a, lambda _id: self.reload())

    def action_export(self, fmt: str) -> None:
        a = self.highlighted_attempt()
        if a is not None:
            start_export(self.app, fmt, attempt_ids=(int(a.id),))

    def action_export_session(self) -> None:
        a = self.highlighted_attempt()
        sid = getattr(a, "session_id", None) if a is not None else None
        if sid is None:
            self.notify("This attempt is not part of a mock interview.", severity="warning")
            return
        start_export(self.app, "html", session_id=int(sid))

    def on_screen_resume(self) -> None:
        # back from Replay/Compare (which may have deleted an attempt): read the store again
        if self.loaded:
            self.reload()


# ------------------------------------------------------------------------------ command palette


class ReviewCommands(Provider):
    """Palette entries for the review screens."""

    def _commands(self) -> list[tuple[str, Any, str]]:
        app = self.app
        out: list[tuple[str, Any, str]] = [
            ("History: past attempts and trends", partial(open_history, app), "Attempts by question or date (h)"),
        ]
        screen = app.screen
        attempt = None
        if isinstance(screen, HistoryScreen):
            attempt = screen.highlighted_attempt()
        elif hasattr(screen, "review_attempt"):
            attempt = screen.review_attempt()
        if attempt is not None:
            aid = int(attempt.id)
            out += [
                (f"Replay attempt {aid}", partial(open_replay, app, aid), "Audio with the transcript following it"),
                (f"Export attempt {aid} as HTML", partial(start_export, app, "html", attempt_ids=(aid,)),
                 "Self-contained report with charts, in recordings/exports/"),
                (f"Export attempt {aid} as Markdown", partial(start_export, app, "md", attempt_ids=(aid,)),
                 "Plain-text report in recordings/exports/"),
                (f"Delete attempt {aid}", partial(confirm_delete, app, attempt, None), "Asks first; removes its audio"),
            ]
            sid = getattr(attempt, "session_id", None)
            if sid is not None:
                out.append((f"Export mock interview {sid} as HTML",
                            partial(start_export, app, "html", session_id=int(sid)), "Every answer of the session"))
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
