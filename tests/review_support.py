"""Real delivery reports for the review tests, built by the real analysis code from a script.

A script is a string of words; ``<2.5>`` inserts a silent pause of 2.5 s; ``um``/``uh`` are
hesitation fillers that Whisper "wrote". Words take ``word_s`` each with ``gap_s`` between them,
so the speaking rate is controlled; the VAD speech intervals break at the pauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from mockmic.analysis.delivery import build_report
from mockmic.analysis.fillers import lexical_fillers
from mockmic.config import Thresholds
from mockmic.core import Interval, Report, Target, Word


def make_report(
    script: str,
    *,
    lead_s: float = 1.0,
    word_s: float = 0.3,
    gap_s: float = 0.1,
    tail_s: float = 1.0,
    target: tuple[float, float] = (45.0, 90.0),
    file: str = "answer.flac",
    model: str = "base",
) -> Report:
    words: list[Word] = []
    speech: list[Interval] = []
    t = lead_s
    seg_start = t
    for tok in script.split():
        if tok.startswith("<") and tok.endswith(">"):
            speech.append(Interval(seg_start, t))
            t += float(tok[1:-1])
            seg_start = t
            continue
        words.append(Word(tok, round(t, 3), round(t + word_s, 3)))
        t += word_s + gap_s
    speech.append(Interval(seg_start, t - gap_s))
    fillers, used = lexical_fillers(words)
    return build_report(
        file=file, model=model, duration_s=round(t + tail_s, 3), words=words, speech=speech,
        fillers=fillers, filler_word_indices=used, target=Target(*target), thresholds=Thresholds(),
    )


SENTENCE = ("I trained in internal medicine and I learned to manage a busy ward with a team "
            "of three interns and one senior resident who supervised our work closely.")


def long_script(n: int = 6, *, fillers: int = 0, pause: float = 0.0) -> str:
    """``n`` sentences; ``fillers`` ums spread over them; one pause of ``pause`` s in the middle."""
    parts: list[str] = []
    for i in range(n):
        if i < fillers:
            parts.append("um")
        parts.append(SENTENCE)
        if pause and i == n // 2:
            parts.append(f"<{pause}>")
    return " ".join(parts)


@dataclass
class FakeAttempt:
    """Shaped like the store's Attempt, for tests of the pure exporters only."""

    id: int
    question_id: str
    question_text: str
    started_at: datetime
    report: Report | None
    duration_s: float = 0.0
    session_id: Any = None
    audio_path: str = ""
    model: str = "base"
    status: str = "analyzed"
    safe: int | None = None
    honest: int | None = None
    reflective: int | None = None
    adaptable: int | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.report is not None and not self.duration_s:
            self.duration_s = self.report.duration_s


T0 = datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc)


def day(n: int, hour: int = 0) -> datetime:
    return T0 + timedelta(days=n, hours=hour)
