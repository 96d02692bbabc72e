"""Command palette entries: practise any question by name, random, mock interview, rescan."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from mockmic.tui.app import MockmicApp


class PracticeCommands(Provider):
    """What the palette offers besides Textual's own commands."""

    @property
    def _app(self) -> MockmicApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, Any, str]]:
        app = self._app
        from mockmic.tui.screens.home import HomeScreen

        out: list[tuple[str, Any, str]] = []
        if isinstance(self.screen, HomeScreen):
            out += [
                ("Random question", app.practise_random, "Practise a question picked at random"),
                ("Mock interview", self.screen.action_mock, "N questions in a row, then a summary"),
            ]
            out += [
                (f"Practise: {q.text}", partial(app.practise, q), f"{q.category_label} · {q.target_label()}")
                for q in app.bank
            ]
        out += [
            ("Rescan microphones", app.action_rescan, "Look for input devices again"),
            ("Help: keys", app.action_help, "Every key binding of the practice room"),
        ]
        return out

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[:12]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
