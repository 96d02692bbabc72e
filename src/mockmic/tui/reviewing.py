"""How the app opens the review screens, and the review actions any screen may ask for.

History, Replay and Compare and a past report open only through these methods (screens never
import each other). Deleting and exporting run in thread workers through the practice service;
a notification says what happened.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from mockmic.config import Settings
from mockmic.practice.exports import export_to_folder
from mockmic.practice.review import delete_attempt, past_attempt
from mockmic.questions import Bank
from mockmic.store.db import Attempt, Store
from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.compare import CompareScreen
from mockmic.tui.screens.dialogs import ConfirmScreen
from mockmic.tui.screens.help import HelpScreen
from mockmic.tui.screens.history import HistoryScreen
from mockmic.tui.screens.home import HomeScreen
from mockmic.tui.screens.recording import RecordingScreen
from mockmic.tui.screens.replay import ReplayScreen
from mockmic.tui.screens.report import ReportScreen
from mockmic.reporting.fmt import when_text


def _declared_here(node: object, binding: Binding) -> bool:
    """The binding is one of mockmic's own (not Textual's focus or copy keys)."""
    for cls in type(node).__mro__:
        if cls.__module__.startswith("mockmic"):
            for b in cls.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and (b.action, b.description) == (binding.action, binding.description):
                    return True
    return False


class ReviewNavigation(App[None]):
    """The review half of the practice room (see :class:`mockmic.tui.app.MockmicApp`)."""

    settings: Settings
    bank: Bank
    store: Store | None

    def can_open_review(self) -> bool:
        """Not while an answer is being asked or recorded."""
        return not isinstance(self.screen, (RecordingScreen, AskingScreen))

    def open_history(self, question_id: str | None = None) -> None:
        """Push the History screen (not while an answer is being recorded)."""
        if not self.can_open_review():
            self.notify("Finish or abandon the answer first.", severity="warning")
            return
        if isinstance(self.screen, HistoryScreen):
            return
        if question_id is None and isinstance(self.screen, HomeScreen):
            # from the question list: open on the question under the cursor
            question = self.screen.highlighted_question()
            question_id = question.id if question is not None else None
        self.push_screen(HistoryScreen(question_id=question_id))

    def open_replay(self, attempt_id: int) -> None:
        if self.can_open_review():
            self.push_screen(ReplayScreen(attempt_id))

    def open_compare(self, first_id: int, second_id: int) -> None:
        if self.can_open_review():
            self.push_screen(CompareScreen(first_id, second_id))

    @work(thread=True, exit_on_error=False, group="open-attempt", description="opening the attempt")
    def open_past_attempt(self, attempt_id: int) -> None:
        """Open the report of a stored attempt (read in a worker)."""
        try:
            past = past_attempt(self.store, attempt_id)
        except LookupError as exc:
            self.call_from_thread(self.notify, str(exc), severity="warning")
            return
        attempt = past.attempt
        question = self.bank.get(attempt.question_id) if attempt.question_id else None
        screen = ReportScreen(
            question, past.report, attempt_id=attempt.id,
            audio_path=str(attempt.audio_path) if attempt.audio_path else None,
            overflows=attempt.overflows, fresh=False, question_text=attempt.question_text,
            review=attempt.review, note=attempt.note, when=when_text(attempt.started_at),
        )
        self.call_from_thread(self.push_screen, screen)

    def confirm(self, title: str, detail: str, *, yes: str, no: str,
                then: Callable[[bool | None], None]) -> None:
        self.push_screen(ConfirmScreen(title, detail, yes=yes, no=no), then)

    def confirm_delete(self, attempt: Attempt,
                       on_deleted: Callable[[int], None] | None = None) -> None:
        """Ask, then delete the attempt and its audio in a worker; ``on_deleted(id)`` afterwards."""
        audio = attempt.audio_path
        detail = (f"{attempt.question_text or attempt.question_id or 'Free practice'}\n"
                  f"recorded {when_text(attempt.started_at)}\n\n"
                  + (f"Its audio file {audio} is removed too. " if audio else "")
                  + "This cannot be undone.")

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(attempt.id, on_deleted)

        self.confirm(f"Delete attempt {attempt.id}?", detail, yes="Delete", no="Keep", then=answered)

    @work(thread=True, exit_on_error=False, group="review-delete", description="deleting an attempt")
    def _delete(self, attempt_id: int, on_deleted: Callable[[int], None] | None) -> None:
        if self.store is None:
            return
        if delete_attempt(self.store, attempt_id):
            self.call_from_thread(self.notify, f"Attempt {attempt_id} and its audio were deleted.")
            if on_deleted is not None:
                self.call_from_thread(on_deleted, attempt_id)
        else:
            self.call_from_thread(self.notify, f"Attempt {attempt_id} was already gone.",
                                  severity="warning")

    @work(thread=True, exit_on_error=False, group="review-export", description="exporting")
    def start_export(self, fmt: str, *, attempt_ids: tuple[int, ...] = (),
                     session_id: int | None = None) -> None:
        """Export in a worker; a notification names the file written."""
        if self.store is None:
            return
        try:
            path = export_to_folder(self.store, self.settings.recordings, fmt, attempt_ids=attempt_ids,
                                    session_id=session_id, thresholds=self.settings.thresholds)
        except (LookupError, OSError) as exc:
            self.call_from_thread(self.notify, f"Export failed: {exc}", severity="error", timeout=10)
            return
        self.call_from_thread(self.notify, f"Exported to {path}", title="Export", timeout=10)

    # ---------------------------------------------------------------- key actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # History opens from the question list only: never over a recording or a question
        if action == "history":
            return isinstance(self.screen, HomeScreen)
        return True

    def action_history(self) -> None:
        self.open_history()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keys_here()))

    def keys_here(self) -> list[tuple[str, str]]:
        """Every key bound on the current screen with its description, shown or not."""
        keys: dict[str, tuple[list[str], str]] = {}
        for node, binding, _, _ in self.screen.active_bindings.values():
            if binding.description and isinstance(node, (App, Screen)) and _declared_here(node, binding):
                shown, _ = keys.setdefault(binding.action, ([], binding.description))
                display = self.get_key_display(binding)
                if display not in shown:
                    shown.append(display)
        return [(" / ".join(shown), does) for shown, does in keys.values()]
