"""Plain data passed between the layers of mockmic.

Nothing here imports numpy, Whisper, Textual or sounddevice: these are the values the pure
analysis functions take and return, and what the CLI, the TUI and the store serialise.
All times are seconds on the recording's own timeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SAMPLE_RATE = 16_000

FillerKind = Literal["hesitation", "discourse"]
FillerSource = Literal["transcript", "audio"]
PauseLocation = Literal["mid_sentence", "between_sentences"]
Severity = Literal["info", "warning"]
Window = Literal["under", "in", "over"]


@dataclass(frozen=True)
class Word:
    """One transcribed word with its timing, as the recogniser gave it."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True)
class Interval:
    """A stretch of the recording, e.g. one the voice-activity detector calls speech."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Transcript:
    """What the recogniser heard: words with timestamps plus the running text."""

    words: list[Word]
    text: str = ""
    language: str = "en"
    model: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = " ".join(w.text.strip() for w in self.words).strip()


@dataclass(frozen=True)
class Filler:
    """One filler the speaker used.

    Attributes:
        text: what was said ("um", "you know", or "(uh)"/"(um)" for one heard only in the audio).
        kind: ``hesitation`` (um, uh, er, hmm...) or ``discourse`` (like, you know, I mean...).
        source: ``transcript`` when Whisper wrote it, ``audio`` when found in the signal.
    """

    text: str
    start: float
    end: float
    kind: FillerKind
    source: FillerSource = "transcript"


@dataclass(frozen=True)
class Pause:
    """A silent pause inside the speaking time, measured from the audio."""

    start: float
    end: float
    location: PauseLocation

    @property
    def duration_s(self) -> float:
        return round(self.end - self.start, 3)


@dataclass(frozen=True)
class Flag:
    """Something the speaker should look at, with the threshold that fired and a tip."""

    code: str
    severity: Severity
    message: str
    at_s: float | None = None
    tip: str | None = None


@dataclass(frozen=True)
class Target:
    """The answer-length window for the question, in seconds."""

    min_s: float
    max_s: float

    def place(self, seconds: float) -> Window:
        """Where an answer of ``seconds`` falls: ``under``, ``in`` (bounds included) or ``over``."""
        if seconds < self.min_s:
            return "under"
        if seconds > self.max_s:
            return "over"
        return "in"


@dataclass(frozen=True)
class PacePoint:
    """Speaking rate in one window of the pace-over-time curve (window centre, wpm)."""

    t: float
    wpm: float


@dataclass
class FillerSummary:
    count: int
    per_minute: float
    percent_of_words: float
    by_type: dict[str, int]
    items: list[Filler]


@dataclass
class ReportWord:
    """A transcript word as shown in the report: marked when it is a filler."""

    text: str
    start: float
    end: float
    filler: bool = False


@dataclass(frozen=True)
class FlatStretch:
    """A stretch of 10 s or more where the pitch stayed within ``range_st`` semitones."""

    start: float
    end: float
    range_st: float


@dataclass(frozen=True)
class ContourPoint:
    """Pitch in a short bin of voiced speech: semitones above (+) or below (-) the median."""

    t: float
    st: float


@dataclass(frozen=True)
class SentenceLevel:
    """Loudness of one sentence: its level and how far its end falls below its body, in dB."""

    start: float
    end: float
    level_db: float
    """The sentence's speech level relative to the speaker's median (0 = typical)."""
    end_drop_db: float
    """Body level minus the level of the sentence's last part (positive = the end is quieter)."""


@dataclass
class VoiceSummary:
    """How the voice sounded: pitch variety and loudness (``mockmic.analysis.voice``)."""

    voiced_s: float
    median_hz: float | None
    spread_st: float | None
    """10th-90th percentile range of the pitch, in semitones."""
    std_st: float | None
    """Standard deviation of the pitch in semitones about the speaker's median."""
    flat_stretches: list[FlatStretch]
    contour: list[ContourPoint]
    speech_dbfs: float | None
    """Speech level of the recording (RMS of the speech frames, dB full scale)."""
    sentences: list[SentenceLevel]
    trailing_share: float | None
    """Share of the judged sentences whose end drops by more than the threshold."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VoiceSummary:
        return cls(
            voiced_s=data["voiced_s"],
            median_hz=data["median_hz"],
            spread_st=data["spread_st"],
            std_st=data["std_st"],
            flat_stretches=[FlatStretch(**s) for s in data.get("flat_stretches", [])],
            contour=[ContourPoint(**p) for p in data.get("contour", [])],
            speech_dbfs=data.get("speech_dbfs"),
            sentences=[SentenceLevel(**s) for s in data.get("sentences", [])],
            trailing_share=data.get("trailing_share"),
        )


@dataclass
class Report:
    """The delivery report for one recording. ``to_json()`` is the stable public format."""

    file: str
    model: str
    duration_s: float
    latency_s: float | None
    speaking_time_s: float
    word_count: int
    wpm: float
    articulation_wpm: float
    transcript: str
    words: list[ReportWord]
    fillers: FillerSummary
    pauses: list[Pause]
    flags: list[Flag]
    target: Target
    pace: list[PacePoint] = field(default_factory=list)
    no_speech: bool = False
    voice: VoiceSummary | None = None
    """Pitch and loudness; None when the recording holds no speech (or predates them)."""

    def to_json(self) -> dict[str, Any]:
        """The report as the documented ``--json`` object (plain dicts, lists and numbers)."""
        out = asdict(self)
        out["pauses"] = [
            {
                "start": round(p.start, 3),
                "end": round(p.end, 3),
                "duration_s": p.duration_s,
                "location": p.location,
            }
            for p in self.pauses
        ]
        for key in ("duration_s", "speaking_time_s", "wpm", "articulation_wpm"):
            out[key] = round(out[key], 2)
        if out["latency_s"] is not None:
            out["latency_s"] = round(out["latency_s"], 2)
        return out

    @property
    def longest_pause_s(self) -> float:
        return max((p.duration_s for p in self.pauses), default=0.0)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from ``to_json()`` output (used by the attempt store)."""
        fl = data["fillers"]
        return cls(
            file=data["file"],
            model=data["model"],
            duration_s=data["duration_s"],
            latency_s=data["latency_s"],
            speaking_time_s=data["speaking_time_s"],
            word_count=data["word_count"],
            wpm=data["wpm"],
            articulation_wpm=data["articulation_wpm"],
            transcript=data["transcript"],
            words=[ReportWord(**w) for w in data["words"]],
            fillers=FillerSummary(
                count=fl["count"],
                per_minute=fl["per_minute"],
                percent_of_words=fl["percent_of_words"],
                by_type=dict(fl["by_type"]),
                items=[Filler(**f) for f in fl["items"]],
            ),
            pauses=[Pause(p["start"], p["end"], p["location"]) for p in data["pauses"]],
            flags=[Flag(**f) for f in data["flags"]],
            target=Target(**data["target"]),
            pace=[PacePoint(**p) for p in data.get("pace", [])],
            no_speech=data.get("no_speech", False),
            voice=VoiceSummary.from_json(data["voice"]) if data.get("voice") else None,
        )


# ---------------------------------------------------------------------------- attempt statuses
# The one definition of an attempt's lifecycle states: the store persists them, the practice
# service (mockmic.practice.lifecycle) is the only code that moves an attempt between them, and
# every front end asks ``is_finished`` instead of listing them again.

ATTEMPT_STATUSES = ("recording", "analyzing", "done", "recovered", "failed", "imported")
FINISHED_STATUSES = ("done", "recovered", "imported")
"""Statuses of attempts that have a result to show (recorded here, recovered after a crash, or
imported by ``mockmic batch --save``)."""
IN_PROGRESS_STATUSES = ("recording", "analyzing")


def is_finished(status: str | None) -> bool:
    """Whether an attempt with this status has a result to show."""
    return status in FINISHED_STATUSES
