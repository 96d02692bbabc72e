"""Practice runs: one question, a stream of random ones, or a mock interview of N in a row.

A :class:`Run` is the state of what is being practised; :class:`Practice` picks the questions,
decides what follows a report, and writes a mock interview's session row (from worker threads).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

from mockmic.core import Report
from mockmic.practice.ports import AttemptLog
from mockmic.questions import Bank, Question

SESSION_WAIT_S = 5.0
"""How long a recording waits for its mock interview's session row before saving without it."""


@dataclass
class Run:
    """The questions of one practice run: a single question, or a mock interview of N."""

    questions: list[Question]
    mock: bool = False
    session_id: int | None = None
    index: int = 0
    results: list[tuple[Question, int | None, Report]] = field(default_factory=list)
    ended: bool = False
    session_ready: threading.Event = field(default_factory=threading.Event)
    """Set once ``session_id`` is known (the session row is written by a worker)."""

    @property
    def current(self) -> Question:
        return self.questions[self.index]

    @property
    def has_next(self) -> bool:
        return self.index + 1 < len(self.questions)

    @property
    def position(self) -> str:
        return f"question {self.index + 1} of {len(self.questions)}" if self.mock else ""

    def session_for_attempt(self) -> int | None:
        """The session an answer recorded now belongs to (waits briefly for its row)."""
        if not self.mock:
            return None
        self.session_ready.wait(SESSION_WAIT_S)
        return self.session_id

    def record(self, question: Question, attempt_id: int | None, report: Report) -> None:
        self.results.append((question, attempt_id, report))


@dataclass(frozen=True)
class NextStep:
    """What follows a report: ask ``question``, or show the mock interview's ``summary``."""

    kind: Literal["ask", "summary"]
    question: Question | None = None


class Practice:
    """Picks questions and keeps the session rows of mock interviews."""

    def __init__(self, bank: Bank, rng: random.Random, store: AttemptLog | None) -> None:
        self.bank = bank
        self.rng = rng
        self.store = store

    def single(self, question: Question) -> Run:
        run = Run([question])
        run.session_ready.set()
        return run

    def random_question(self, current: Run | None = None) -> Question | None:
        exclude = [q.id for q, _, _ in current.results] if current else []
        return self.bank.random(self.rng, exclude=exclude)

    def mock(self, count: int) -> Run | None:
        """A mock interview of ``count`` different questions (None: the bank is empty)."""
        chosen: list[Question] = []
        for _ in range(max(1, count)):
            q = self.bank.random(self.rng, exclude=[c.id for c in chosen])
            if q is None:
                break
            chosen.append(q)
        if not chosen:
            return None
        run = Run(chosen, mock=True)
        if self.store is None:
            run.session_ready.set()
        return run

    def open_session(self, run: Run) -> None:
        """Write the mock interview's session row (call from a worker)."""
        try:
            if self.store is not None:
                run.session_id = self.store.start_session("mock", planned=len(run.questions))
        finally:
            run.session_ready.set()

    def next_step(self, run: Run) -> NextStep | None:
        """After a report: the next question of the mock interview, its summary, or a new one."""
        if run.mock and run.has_next:
            run.index += 1
            return NextStep("ask", run.current)
        if run.mock:
            return NextStep("summary")
        q = self.bank.random(self.rng, exclude=[q.id for q in run.questions])
        if q is None:
            return None
        run.questions.append(q)
        run.index += 1
        return NextStep("ask", q)

    def session_to_close(self, run: Run | None) -> int | None:
        """The session id to close now that ``run`` ends (once), or None."""
        if run is None or self.store is None or run.session_id is None or run.ended:
            return None
        run.ended = True
        return run.session_id

    def close_session(self, session_id: int) -> None:
        """Write the session's end (call from a worker)."""
        if self.store is not None:
            self.store.end_session(session_id)
