"""Home: the question bank by category, each with its attempts and last result."""

from __future__ import annotations


from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from mockmic.tui.widgets.footer import FitFooter
from mockmic.tui.widgets.titlebar import TitleBar
from mockmic.tui.screens.base import MockmicScreen
from mockmic.core import Report, is_finished
from mockmic.practice.review import recent_attempts
from mockmic.store.db import QuestionStats
from mockmic.questions import CATEGORY_LABELS, Question
from mockmic.tui.messages import QuestionStat, StoreLoaded
from mockmic.reporting.assess import assess_length
from mockmic.core import fixed
from mockmic.reporting.fmt import clock, plural, when_text



def result_line(report: Report | None, duration_s: float | None = None) -> str:
    """A report in a few words for the question list."""
    if report is None:
        return clock(duration_s) + " · not analyzed" if duration_s else "not analyzed"
    if report.no_speech:
        return f"{clock(report.duration_s)} · no speech"
    return (f"{clock(report.duration_s)} {assess_length(report).mark} · {report.wpm:.0f} wpm · "
            f"{plural(report.fillers.count, 'filler')}")


def stats_line(entry: QuestionStats) -> str:
    """The store's per-question summary in a few words: ``1:12 · 142 wpm · 2 flags``."""
    parts = []
    if entry.last_duration_s is not None:
        parts.append(clock(entry.last_duration_s))
    if entry.last_wpm:
        parts.append(f"{fixed(entry.last_wpm, 0)} wpm")
    n = len(entry.last_flags)
    parts.append(plural(n, "flag") if n else "no flags")
    return " · ".join(parts)


def _matches(q: Question, words: list[str]) -> bool:
    hay = f"{q.text} {q.id} {q.category_label} {q.structure} {q.specialty}".lower()
    return all(w in hay for w in words)


DETAIL_MIN = 32
NARROW = 100
"""Below this many columns the side pane is hidden until ``a`` asks for past attempts."""


class HomeScreen(MockmicScreen[None]):
    """Pick a question: by category, by filter, at random, or a mock interview of N."""

    BINDINGS = [
        # in the order the footer keeps them when the terminal is narrow
        Binding("r", "random", "Random"),
        Binding("m", "mock", "Mock interview"),
        Binding("a", "attempts", "Attempts"),
        Binding("s", "app.settings", "Settings"),
        Binding("q", "app.quit", "Quit"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("enter", "practise", "Practise the highlighted question", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stats: dict[str, QuestionStat] = {}
        self._row_questions: dict[str, Question] = {}
        self._detail_forced = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="status")
        with Horizontal(id="home-body"):
            with Vertical(id="question-pane"):
                yield Input(placeholder="Filter questions (/)", id="filter")
                yield DataTable(id="questions", cursor_type="row", zebra_stripes=False)
                yield Static(id="narrow-tip")  # the side pane's tip when there is no side pane
            with VerticalScroll(id="detail"):
                yield Static(id="q-text")
                yield Static(id="q-meta")
                yield Static("Past attempts", classes="section-title")
                yield OptionList(id="attempts")
        yield FitFooter()

    def on_mount(self) -> None:
        table = self.query_one("#questions", DataTable)
        table.add_column("Question", key="question")
        table.add_column("Target", key="target", width=8)
        table.add_column("Tries", key="tries", width=5)
        table.add_column("Last result", key="last", width=26)
        self._layout_detail()
        self.fill_table()
        self.refresh_status()
        self.reload_stats()
        table.focus()

    # ------------------------------------------------------------------ status line

    def refresh_status(self) -> None:
        # the screen can count as mounted while its children are still being mounted; on_mount
        # shows the status once they are (the start-up race behind NoMatches '#status')
        found = self.query("#status").results(Static)
        status = next(found, None)
        if status is None:
            return
        status.update(self.mm.status_text())
        status.set_class(bool(self.mm.mic_checked and self.mm.mic_problem), "-problem")

    # ------------------------------------------------------------------ question table

    def fill_table(self) -> None:
        table = self.query_one("#questions", DataTable)
        words = self.query_one("#filter", Input).value.lower().split()
        current = self.highlighted_question()
        table.clear()
        self._row_questions.clear()
        shown = 0
        width = self._question_width()
        for category, questions in self.mm.bank.by_category().items():
            chosen = [q for q in questions if _matches(q, words)]
            if not chosen:
                continue
            name = CATEGORY_LABELS.get(category, category).upper()
            if len(name) > width + 2:  # a long category name must not widen the column
                name = name.split(" & ")[0]
            label = Text(name[: width + 2], style="bold")
            table.add_row(label, "", "", "", key=f"cat:{category}")
            for q in chosen:
                stat = self.stats.get(q.id)
                text = q.text if len(q.text) <= width else q.text[: width - 1] + "…"
                table.add_row(
                    Text("  " + text + (" ★" if q.user else "")),
                    Text(f"{q.target_min_s:g}–{q.target_max_s:g}s", style="dim"),
                    Text(str(stat.attempts) if stat else "–", justify="right"),
                    Text(stat.last if stat else "not tried yet", style="" if stat else "dim"),
                    key=f"q:{q.id}",
                )
                self._row_questions[f"q:{q.id}"] = q
                shown += 1
        if not shown:
            empty = ("No question matches the filter." if words
                     else "No questions found: see `mockmic questions --errors`.")
            table.add_row(Text(empty, style="dim"), "", "", "", key="none")
        # keep the cursor on the same question when possible, else on the first question
        target = f"q:{current.id}" if current and f"q:{current.id}" in self._row_questions else None
        target = target or next(iter(self._row_questions), None)
        if target is not None:
            table.move_cursor(row=table.get_row_index(target))
        self.show_detail(self.highlighted_question())

    @property
    def _narrow(self) -> bool:
        return (self.app.size.width or 120) < NARROW

    def _detail_width(self) -> int:
        return max(DETAIL_MIN, (self.app.size.width or 120) * 3 // 10)

    def _layout_detail(self) -> None:
        """Side pane beside the list; on a narrow terminal it shows only on demand (``a``)."""
        detail = self.query_one("#detail")
        detail.styles.width = self._detail_width()
        detail.display = not self._narrow or self._detail_forced
        self.query_one("#narrow-tip").display = self._narrow and not self._detail_forced

    def _question_width(self) -> int:
        """Characters left for the question text once the other columns and the pane are drawn."""
        total = self.app.size.width or 120
        pane = self._detail_width() + 1 if not self._narrow else 0
        # fixed columns, 2 cells of padding per column and the scrollbar
        return max(24, total - pane - (8 + 5 + 26) - 4 * 2 - 2 - 2)  # and the 2-space indent

    def on_resize(self) -> None:
        self._layout_detail()
        self.fill_table()

    def highlighted_question(self) -> Question | None:
        table = self.query_one("#questions", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # noqa: BLE001 - empty table
            return None
        return self._row_questions.get(str(key))

    @on(DataTable.RowHighlighted, "#questions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(self._row_questions.get(str(event.row_key.value)))

    @on(DataTable.RowSelected, "#questions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        q = self._row_questions.get(str(event.row_key.value))
        if q is not None:
            self.mm.practise(q)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.fill_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#questions", DataTable).focus()

    def key_escape(self) -> None:
        if self._detail_forced:
            self._detail_forced = False
            self._layout_detail()
            self.query_one("#questions", DataTable).focus()
            return
        flt = self.query_one("#filter", Input)
        if flt.has_focus:
            if flt.value:
                flt.value = ""
            self.query_one("#questions", DataTable).focus()

    # ------------------------------------------------------------------ detail pane

    def show_detail(self, q: Question | None) -> None:
        text = self.query_one("#q-text", Static)
        meta = self.query_one("#q-meta", Static)
        if q is None:
            text.update("")
            meta.update("")
            self.query_one("#narrow-tip", Static).update("")
            self.query_one("#attempts", OptionList).clear_options()
            return
        text.update(Text(q.text, style="bold"))
        hint = Text("Tip: ", style="dim")
        hint.append(q.tips[0] if q.tips else (q.structure or ""))
        self.query_one("#narrow-tip", Static).update(hint if q.tips or q.structure else "")
        body = Text()
        body.append(f"{q.category_label}", style="bold")
        if q.specialty:
            body.append(f" · {q.specialty}")
        body.append(f" · target {q.target_label()}\n")
        if q.structure:
            body.append("Structure: ", style="dim")
            body.append(q.structure + "\n")
        for tip in q.tips:
            body.append("Tip: ", style="dim")
            body.append(tip + "\n")
        if q.user:
            body.append(f"Your question, from {q.source_file}\n", style="dim italic")
        meta.update(body)
        self.load_attempts(q.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-attempts",
          description="reading past attempts")
    def load_attempts(self, question_id: str) -> None:
        store = self.mm.store
        rows: list[tuple[int, str]] = []
        if store is not None:
            for a in recent_attempts(store, question_id):
                line = result_line(a.report, a.duration_s) if is_finished(a.status) else a.status
                rows.append((a.id, f"{when_text(a.started_at)}  {line}"))
        self.app.call_from_thread(self._show_attempts, question_id, rows)

    def _show_attempts(self, question_id: str, rows: list[tuple[int, str]]) -> None:
        q = self.highlighted_question()
        if q is None or q.id != question_id:
            return
        attempts = self.query_one("#attempts", OptionList)
        attempts.clear_options()
        if not rows:
            attempts.add_option(Option(Text("none yet", style="dim"), id="none", disabled=True))
        for attempt_id, line in rows:
            attempts.add_option(Option(line, id=str(attempt_id)))

    @on(OptionList.OptionSelected, "#attempts")
    def _open_attempt(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id.isdigit():
            self.mm.open_past_attempt(int(event.option.id))

    # ------------------------------------------------------------------ stats from the store

    def reload_stats(self) -> None:
        if self.mm.store is not None:
            self.load_stats()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home-stats",
          description="reading attempt history")
    def load_stats(self) -> None:
        store = self.mm.store
        if store is None:
            return
        raw = store.question_stats()
        stats: dict[str, QuestionStat] = {}
        for qid, entry in dict(raw).items():
            stats[qid] = QuestionStat(int(entry.attempts), stats_line(entry))
        self.post_message(StoreLoaded(stats))

    def on_store_loaded(self, message: StoreLoaded) -> None:
        self.stats = dict(message.stats)
        self.fill_table()

    # ------------------------------------------------------------------ actions

    def on_screen_resume(self) -> None:
        """Back on the question list (from a report, a past attempt, history): Enter practises
        the highlighted question again, whatever had the focus before."""
        if self._detail_forced:
            self._detail_forced = False
            self._layout_detail()
        self.query_one("#questions", DataTable).focus()

    def action_practise(self) -> None:
        """Enter when no list has the focus (the lists handle their own Enter)."""
        q = self.highlighted_question()
        if q is not None:
            self.mm.practise(q)

    def action_random(self) -> None:
        self.mm.practise_random()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_attempts(self) -> None:
        if self._narrow and not self._detail_forced:
            self._detail_forced = True
            self._layout_detail()
        attempts = self.query_one("#attempts", OptionList)
        attempts.focus()
        if attempts.option_count and attempts.highlighted is None:
            attempts.highlighted = 0

    def action_mock(self) -> None:
        self.mm.choose_mock()
