"""The practice room as its screens see it: the app's state and the moves a screen may ask for.

Screens type ``self.mm`` as :class:`Room` instead of importing the app, so no screen imports
the app or another screen: every screen change goes through one of these methods, which the app
(:class:`mockmic.tui.app.MockmicApp`) implements.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from mockmic.config import Settings
from mockmic.core import Report
from mockmic.practice.ports import AnalysisFactory, RecorderFactory, SoundPlayer
from mockmic.practice.session import Run
from mockmic.questions import Bank, Question
from mockmic.store.db import Attempt, Store


class Room(Protocol):
    settings: Settings
    bank: Bank
    store: Store | None
    player: SoundPlayer | None
    practice: Run | None
    recorder_factory: RecorderFactory
    analysis_factory: AnalysisFactory
    voice: Callable[[Question], Path] | None
    mic_problem: str | None
    mic_checked: bool

    # ---------------------------------------------------------------- status

    def status_text(self) -> str: ...

    def check_microphone(self, rescan: bool = False) -> object: ...

    def action_rescan(self) -> None: ...

    def action_help(self) -> None: ...

    # ---------------------------------------------------------------- the practice flow

    def practise(self, question: Question) -> None: ...

    def practise_random(self) -> None: ...

    def choose_mock(self) -> None: ...

    def retry(self) -> None: ...

    def next_question(self) -> None: ...

    def record_result(self, question: Question, attempt_id: int | None, report: Report) -> None: ...

    def go_home(self) -> None: ...

    def show_recording(self, question: Question, stop_at_once: bool = False) -> None: ...

    def show_report(self, question: Question, report: Report, *, attempt_id: int | None,
                    audio_path: str, overflows: int, recording_error: str | None) -> None: ...

    def show_summary_report(self, question: Question, report: Report,
                            attempt_id: int | None) -> None: ...

    # ---------------------------------------------------------------- review

    def open_past_attempt(self, attempt_id: int) -> None: ...

    def open_history(self, question_id: str | None = None) -> None: ...

    def open_replay(self, attempt_id: int) -> None: ...

    def open_compare(self, first_id: int, second_id: int) -> None: ...

    def confirm(self, title: str, detail: str, *, yes: str, no: str,
                then: Callable[[bool | None], None]) -> None: ...

    def confirm_delete(self, attempt: Attempt,
                       on_deleted: Callable[[int], None] | None = None) -> None: ...

    def start_export(self, fmt: str, *, attempt_ids: tuple[int, ...] = (),
                     session_id: int | None = None) -> None: ...
