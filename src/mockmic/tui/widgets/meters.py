"""The two things on screen while recording: the answer timer and the input level meter."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from mockmic.reporting.fmt import clock
from mockmic.tui.pacing import WINDOW_LABELS, window_state

_STATE_STYLE = {"early": "bold", "in": "bold green", "nearing": "bold yellow", "past": "bold red"}


class AnswerTimer(Widget):
    """Elapsed time against the question's target window, with a bar marking the window.

    ::

        0:52   in the window (target 0:45–1:00)
        ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┃━━━━━━━━━━┃─────
    """

    DEFAULT_CSS = """
    AnswerTimer { height: 3; }
    """

    elapsed: reactive[float] = reactive(0.0)

    def __init__(self, target: tuple[float, float], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.target = target

    @property
    def state(self) -> str:
        return window_state(self.elapsed, *self.target)

    def watch_elapsed(self, old: float, new: float) -> None:
        # re-classes drive the colours in app.tcss; only touch them when the state moves
        state = window_state(new, *self.target)
        for name in WINDOW_LABELS:
            self.set_class(name == state, f"-{name}")

    def render(self) -> Text:
        lo, hi = self.target
        state = window_state(self.elapsed, lo, hi)
        style = _STATE_STYLE[state]
        out = Text()
        out.append(clock(self.elapsed, stopwatch=True), style=style)
        out.append("   ")
        out.append(WINDOW_LABELS[state], style=style)
        out.append(f"  (target {clock(lo)}–{clock(hi)})", style="dim")
        out.append("\n")
        width = max(10, self.size.width)
        span = hi * 1.25
        cells_lo = int(lo / span * width)
        cells_hi = int(hi / span * width)
        filled = min(width, int(self.elapsed / span * width))
        for i in range(width):
            mark = "┃" if i in (cells_lo, cells_hi) else ("━" if i < filled else "─")
            if i < filled:
                cell_style = "green" if cells_lo <= i < cells_hi else ("red" if i >= cells_hi else "white")
                if state == "nearing" and cells_lo <= i < cells_hi:
                    cell_style = "yellow"
            else:
                cell_style = "dim" if mark == "─" else "bold"
            out.append(mark, style=cell_style)
        return out


class LevelMeter(Widget):
    """Input level as a horizontal bar (``level`` 0..1 on a dB scale), and a muted-mic warning."""

    DEFAULT_CSS = """
    LevelMeter { height: 1; }
    """

    level: reactive[float] = reactive(0.0)
    silent: reactive[bool] = reactive(False)

    def render(self) -> Text:
        width = max(10, self.size.width - 12)
        n = int(round(self.level * width))
        out = Text("input  ", style="dim")
        for i in range(width):
            if i < n:
                frac = i / width
                out.append("▮", style="red" if frac > 0.9 else ("yellow" if frac > 0.75 else "green"))
            else:
                out.append("▯", style="dim")
        return out
