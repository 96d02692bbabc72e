"""A one-line title bar (Textual's Header races with fast screen switches: see the report)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    """``mockmic — practice room`` (or the screen's own sub-title), docked at the top."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 100%;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-style: bold;
    }
    """

    def __init__(self, subtitle: str = "practice room") -> None:
        super().__init__(Text(f"mockmic — {subtitle}"))
