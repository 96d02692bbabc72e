"""The base of every practice-room screen.

* ``Worker.StateChanged`` does not bubble, so a worker started by a screen reports to that
  screen only; this forwards it to :meth:`MockmicApp.on_worker_state` where errors are shown.
* ``mm`` is the app as the screens may use it (:class:`mockmic.tui.room.Room`).
* The hooks the app calls on every screen of the stack have a default here.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar, cast

from textual import on
from textual.screen import Screen
from textual.worker import Worker

from mockmic.store.db import Attempt
from mockmic.tui.room import Room

ResultType = TypeVar("ResultType")


class _WorkerErrors(Protocol):
    def on_worker_state(self, event: Worker.StateChanged) -> None: ...


class MockmicScreen(Screen[ResultType], Generic[ResultType]):
    @property
    def mm(self) -> Room:
        return cast(Room, self.app)

    @on(Worker.StateChanged)
    def _forward_worker_state(self, event: Worker.StateChanged) -> None:
        cast(_WorkerErrors, self.app).on_worker_state(event)

    def refresh_status(self) -> None:
        """The model or the microphone changed (the app tells every screen)."""

    def worker_failed(self, worker: Worker[object]) -> None:
        """A worker failed; the app has already shown the error. Leave a busy state here."""

    def review_attempt(self) -> Attempt | None:
        """The attempt this screen is about, for the review commands of the palette."""
        return None
