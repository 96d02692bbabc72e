"""What the store hands out: attempts, per-question stats and mock-interview sessions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mockmic.core import FINISHED_STATUSES, Report, ReportWord

LENSES = ("safe", "honest", "reflective", "adaptable")
"""The four self-review lenses, each rated 1-5."""


@dataclass
class Attempt:
    id: int
    question_id: str | None
    question_text: str
    started_at: datetime
    ended_at: datetime | None
    audio_path: Path | None
    duration_s: float | None
    model: str | None
    status: str
    transcript: str | None
    flags: list[str]
    word_count: int | None
    wpm: float | None
    fillers_per_min: float | None
    longest_pause_s: float | None
    overflows: int
    error: str | None
    session_id: int | None = None
    safe: int | None = None
    honest: int | None = None
    reflective: int | None = None
    adaptable: int | None = None
    note: str | None = None
    pid: int | None = None
    pid_start: str | None = field(default=None, repr=False)
    report_json: str | None = field(default=None, repr=False)
    words_json: str | None = field(default=None, repr=False)

    @property
    def report(self) -> Report | None:
        """The full report, or None for attempts without one (recording, failed)."""
        if not self.report_json:
            return None
        return Report.from_json(json.loads(self.report_json))

    @property
    def words(self) -> list[ReportWord]:
        if not self.words_json:
            return []
        return [ReportWord(**w) for w in json.loads(self.words_json)]

    @property
    def review(self) -> dict[str, int | None]:
        return {lens: getattr(self, lens) for lens in LENSES}

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    attempts: int
    """Finished attempts (done, recovered, imported)."""
    last_id: int
    last_at: datetime
    last_duration_s: float | None
    last_wpm: float | None
    last_flags: list[str]


@dataclass(frozen=True)
class Session:
    id: int
    kind: str
    title: str | None
    planned: int | None
    started_at: datetime
    ended_at: datetime | None
