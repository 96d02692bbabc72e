"""A 1–5 rating for one self-review lens, usable with keys (1–5, ←/→) and the mouse."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class LensRating(Widget, can_focus=True):
    """``Safe      ● ● ● ○ ○  3/5`` — the question the lens asks is shown as its tooltip."""

    DEFAULT_CSS = """
    LensRating { height: 1; width: 1fr; }
    LensRating:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("left,minus", "step(-1)", "Lower", show=False),
        Binding("right,plus", "step(1)", "Higher", show=False),
        *[Binding(str(n), f"set({n})", f"{n}", show=False) for n in range(1, 6)],
    ]

    value: reactive[int | None] = reactive(None)

    LABEL_WIDTH = 12
    DOT_START = LABEL_WIDTH

    @dataclass
    class Changed(Message):
        rating: LensRating
        value: int | None

    def __init__(self, lens: str, label: str, question: str, value: int | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lens = lens
        self.label = label
        self.tooltip = question
        self.set_reactive(LensRating.value, value)

    def render(self) -> Text:
        out = Text(f"{self.label:<{self.LABEL_WIDTH}}", style="bold")
        for n in range(1, 6):
            on = self.value is not None and n <= self.value
            out.append("●" if on else "○", style="bold cyan" if on else "dim")
            out.append(" ")
        out.append(f" {self.value}/5" if self.value else "  not rated", style="dim")
        return out

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_set(self, n: int) -> None:
        self.value = max(1, min(5, n))

    def action_step(self, delta: int) -> None:
        self.value = max(1, min(5, (self.value or 0) + delta))

    def on_click(self, event: events.Click) -> None:
        offset = event.x - self.DOT_START
        if offset >= 0 and offset < 10:
            self.value = offset // 2 + 1
