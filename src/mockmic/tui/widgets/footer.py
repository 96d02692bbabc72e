"""A footer that shows only the keys that fit, whole, and always ``? Help``.

Textual's footer lays every shown binding in a row and cuts the last one at the right edge
("s S▏"), at 80 columns and even at 120 on a busy screen. This one measures each key and keeps
them in the order the screen declares them (the most useful first) while they fit; the rest stay
bound and are listed by the help screen (``?``), which is always shown.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_CELLS = 13
"""The command-palette key docked at the right: its border, ``^p palette`` and padding."""
HELP_ACTION = "app.help"
PALETTE_FROM = 100
"""Narrower than this, the palette key is not shown (Ctrl+P still opens it; help lists it)."""


def key_cells(key_display: str, description: str) -> int:
    """Cells one footer key takes: `` k `` then ``description `` (Textual's default padding)."""
    return len(key_display) + 2 + len(description) + 1


class FitFooter(Footer):
    """Footer keys that fit the width, never cut; ``? Help`` is always among them."""

    def __init__(self) -> None:
        super().__init__()
        self._laid_out_for = 0

    def shown_bindings(self, width: int) -> list[Binding]:
        """The bindings shown at ``width`` columns, in the screen's order."""
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        room = width - (PALETTE_CELLS if self._palette_shown(width) else 0)
        display = self.app.get_key_display
        helps = [b for b, _, _ in shown.values() if b.action in (HELP_ACTION, "help")]
        room -= sum(key_cells(display(b), b.description) for b in helps)
        chosen: list[Binding] = []
        for binding, _, _ in shown.values():
            if binding in helps:
                continue
            cells = key_cells(display(binding), binding.description)
            if cells <= room:
                chosen.append(binding)
                room -= cells
        return chosen + helps

    def _palette_shown(self, width: int) -> bool:
        return self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE and width >= PALETTE_FROM

    def _width(self) -> int:
        return self.size.width or self.app.size.width or 80

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        enabled = {b.action: (e, t) for _, b, e, t in active.values()}
        self._laid_out_for = self._width()
        for binding in self.shown_bindings(self._laid_out_for):
            is_on, tooltip = enabled.get(binding.action, (True, ""))
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                            binding.action, disabled=not is_on,
                            tooltip=tooltip).data_bind(compact=Footer.compact)
        if self._palette_shown(self._laid_out_for):
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, is_on, tooltip = palette
                yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description,
                                binding.action, classes="-command-palette", disabled=not is_on,
                                tooltip=binding.tooltip or binding.description)

    def on_resize(self) -> None:
        if self._width() != self._laid_out_for:
            self.call_after_refresh(self.recompose)
