"""Small modal dialogs: confirm a discard, choose the length of a mock interview."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; dismisses with True only on an explicit yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            if self.detail:
                yield Static(self.detail, classes="dialog-detail")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button(f"{self.no} (n)", variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class MockSetupScreen(ModalScreen[int | None]):
    """How many questions the mock interview has (1 to the size of the bank)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, bank_size: int, default: int = 5) -> None:
        super().__init__()
        self.bank_size = max(1, bank_size)
        self.default = min(default, self.bank_size)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Mock interview", classes="dialog-title")
            yield Static("Questions in a row, like an interview day; each report is followed by the "
                         "next question, and a summary comes at the end.", classes="dialog-detail")
            yield Input(str(self.default), id="count", type="integer",
                        placeholder=f"1–{self.bank_size}")
            yield Static("", id="count-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#count", Input).focus()

    def _submit(self) -> None:
        text = self.query_one("#count", Input).value.strip()
        try:
            count = int(text)
        except ValueError:
            count = 0
        if not 1 <= count <= max(self.bank_size, 1):
            self.query_one("#count-error", Static).update(f"Enter a number from 1 to {self.bank_size}.")
            return
        self.dismiss(count)

    @on(Input.Submitted, "#count")
    def _entered(self) -> None:
        self._submit()

    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        self._submit()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
