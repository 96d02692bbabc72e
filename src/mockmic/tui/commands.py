"""Command palette entries: practise any question by name, random, mock interview, rescan, and
the review actions of the attempt on screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from mockmic.tui.room import Room
from mockmic.tui.screens.base import MockmicScreen
from mockmic.tui.screens.home import HomeScreen

Command = tuple[str, Callable[[], object], str]
"""Name, what it does, a line of help."""


class _Commands(Provider):
    """A provider whose entries are a list made fresh on each search."""

    @property
    def room(self) -> Room:
        return cast(Room, self.app)

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    discover_limit: int | None = None

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands()[: self.discover_limit]:
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class PracticeCommands(_Commands):
    """What the palette offers besides Textual's own commands."""

    discover_limit = 12

    def _commands(self) -> list[Command]:
        room = self.room
        out: list[Command] = []
        if isinstance(self.screen, HomeScreen):
            out += [
                ("Random question", room.practise_random, "Practise a question picked at random"),
                ("Mock interview", room.choose_mock, "N questions in a row, then a summary"),
            ]
            out += [
                (f"Practise: {q.text}", partial(room.practise, q), f"{q.category_label} · {q.target_label()}")
                for q in room.bank
            ]
        out += [
            ("Rescan microphones", room.action_rescan, "Look for input devices again"),
            ("Help: keys", room.action_help, "Every key binding of the practice room"),
        ]
        return out


class ReviewCommands(_Commands):
    """Palette entries for the review screens."""

    def _commands(self) -> list[Command]:
        room = self.room
        out: list[Command] = [
            ("History: past attempts and trends", room.open_history, "Attempts by question or date (h)"),
        ]
        screen = self.app.screen
        attempt = screen.review_attempt() if isinstance(screen, MockmicScreen) else None
        if attempt is not None:
            aid = attempt.id
            out += [
                (f"Replay attempt {aid}", partial(room.open_replay, aid), "Audio with the transcript following it"),
                (f"Export attempt {aid} as HTML", partial(room.start_export, "html", attempt_ids=(aid,)),
                 "Self-contained report with charts, in recordings/exports/"),
                (f"Export attempt {aid} as Markdown", partial(room.start_export, "md", attempt_ids=(aid,)),
                 "Plain-text report in recordings/exports/"),
                (f"Delete attempt {aid}", partial(room.confirm_delete, attempt, None), "Asks first; removes its audio"),
            ]
            sid = attempt.session_id
            if sid is not None:
                out.append((f"Export mock interview {sid} as HTML",
                            partial(room.start_export, "html", session_id=sid), "Every answer of the session"))
        return out
