"""Review queries: what the history, the question list and a past report read from the store.

Every function reads (or, for delete and the self-review, writes) the store and may be called
from a worker thread; the results are plain data the front ends render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mockmic.analysis.trends import AttemptPoint, attempt_point, series_from_points
from mockmic.core import Report, is_finished
from mockmic.store.db import Attempt, Store

HISTORY_LIMIT = 1000


@dataclass
class HistoryData:
    attempts: dict[int, Attempt] = field(default_factory=dict)
    points: dict[int, AttemptPoint] = field(default_factory=dict)
    reports: dict[int, Report | None] = field(default_factory=dict)
    """Parsed once in the worker, so the UI thread never parses report JSON."""
    series: dict[str, list[AttemptPoint]] = field(default_factory=dict)
    """Per question id, oldest first (finished attempts only)."""


def load_history(store: Store, limit: int = HISTORY_LIMIT) -> HistoryData:
    """Every attempt (newest first), its trend numbers, and each question's series."""
    data = HistoryData()
    finished: list[int] = []
    for a in store.list_attempts(limit=limit):
        data.attempts[a.id] = a
        data.reports[a.id] = report = a.report
        data.points[a.id] = attempt_point(a, report)
        if is_finished(a.status):
            finished.append(a.id)
    # series from the points already computed (each report is parsed once)
    data.series = series_from_points(data.points[i] for i in finished)
    return data


def recent_attempts(store: Store, question_id: str, limit: int = 20) -> list[Attempt]:
    """The newest attempts of one question (for the question list's side pane)."""
    return store.list_attempts(question_id=question_id, limit=limit)


@dataclass(frozen=True)
class PastAttempt:
    attempt: Attempt
    report: Report


def past_attempt(store: Store | None, attempt_id: int) -> PastAttempt:
    """A stored attempt with its report. Raises LookupError with a one-line reason."""
    attempt = store.get(attempt_id) if store is not None else None
    if attempt is None:
        raise LookupError(f"attempt {attempt_id} not found")
    report = attempt.report
    if report is None:
        why = attempt.error or f"status {attempt.status}"
        raise LookupError(f"This attempt has no report: {why}")
    return PastAttempt(attempt, report)


def delete_attempt(store: Store, attempt_id: int) -> bool:
    """Delete the attempt and its audio; False when it was already gone."""
    return store.delete_attempt(attempt_id)


def save_review(store: Store, attempt_id: int, scores: dict[str, int | None], note: str) -> None:
    """The four self-review lenses (1-5 or None) and a free note."""
    store.save_review(attempt_id, scores.get("safe"), scores.get("honest"),
                      scores.get("reflective"), scores.get("adaptable"), note or None)
