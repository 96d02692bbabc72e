"""The base of every practice-room screen: worker state changes go to the app's one handler.

``Worker.StateChanged`` does not bubble, so a worker started by a screen reports to that screen
only; this forwards it to :meth:`MockmicApp.on_worker_state` where errors are shown.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual import on
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

ResultType = TypeVar("ResultType")


class MockmicScreen(Screen[ResultType], Generic[ResultType]):
    @on(Worker.StateChanged)
    def _forward_worker_state(self, event: Worker.StateChanged) -> None:
        self.app.on_worker_state(event)  # type: ignore[attr-defined]


class MockmicModal(ModalScreen[ResultType], Generic[ResultType]):
    @on(Worker.StateChanged)
    def _forward_worker_state(self, event: Worker.StateChanged) -> None:
        self.app.on_worker_state(event)  # type: ignore[attr-defined]
