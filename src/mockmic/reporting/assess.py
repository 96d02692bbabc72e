"""One judgement of a report: its length against the question's window, each delivery number
against the thresholds, and the text every front end shows for them.

The TUI screens, the terminal report, the Markdown and HTML exports and the CLI all render an
:class:`Assessment`; none of them compares a number with a threshold itself. Verdicts are taken
on the report's own numbers (as the flags are), and the display rounding is fixed here once:
seconds to 0.1, words per minute to whole words, fillers per minute and percent to 0.1.

Pure: a :class:`~mockmic.core.Report` and :class:`~mockmic.config.Thresholds` in, frozen
dataclasses out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mockmic.config import Thresholds
from mockmic.core import Report, Window
from mockmic.reporting.fmt import seconds_range

Status = Literal["ok", "warn"]

LENGTH_WORDS: dict[Window, str] = {"under": "too short", "in": "in the window", "over": "too long"}
LENGTH_MARKS: dict[Window, str] = {"under": "short", "in": "✓", "over": "long"}
"""The length verdict in one word, for the question list."""


def _status(good: bool) -> Status:
    return "ok" if good else "warn"


def _secs(value: float) -> str:
    return f"{value:.1f} s"


@dataclass(frozen=True)
class LengthVerdict:
    """The answer's length against the question's target window."""

    seconds: float
    min_s: float
    max_s: float
    window: Window

    @property
    def ok(self) -> bool:
        return self.window == "in"

    @property
    def text(self) -> str:
        return _secs(self.seconds)

    @property
    def target(self) -> str:
        """``60–90 s``"""
        return seconds_range(self.min_s, self.max_s)

    @property
    def short_target(self) -> str:
        """``60–90``, for a column that names the unit elsewhere."""
        return f"{self.min_s:g}–{self.max_s:g}"

    @property
    def word(self) -> str:
        """``too short``, ``in the window`` or ``too long``."""
        return LENGTH_WORDS[self.window]

    @property
    def mark(self) -> str:
        """``short``, ``✓`` or ``long``."""
        return LENGTH_MARKS[self.window]


@dataclass(frozen=True)
class Verdict:
    """One number of the report as shown, and (when it has one) its target and verdict."""

    label: str
    text: str
    status: Status | None = None
    """None: the number has no target (shown, not judged)."""
    target: str = ""
    """The target in full (``110–170 wpm``)."""
    short_target: str = ""
    """The same in a narrow column (``110–170``)."""

    @property
    def ok(self) -> bool | None:
        return None if self.status is None else self.status == "ok"


@dataclass(frozen=True)
class FillerVerdict(Verdict):
    """Fillers: judged on the rate per minute and the share of words together."""

    count: int = 0
    per_minute: str = ""
    """``4.2/min``"""
    percent: str = ""
    """``3.1%``"""


@dataclass(frozen=True)
class PauseVerdict(Verdict):
    """Silent pauses counted (not judged); the label names the setting they are counted from."""

    count: int = 0
    mid_sentence: int = 0


@dataclass(frozen=True)
class VoiceVerdict(Verdict):
    """Vocal variety or loudness, judged by the thresholds of the voice flags."""

    short: str = ""
    """The value for a narrow column (the TUI's report screen)."""


@dataclass(frozen=True)
class SpeechVerdicts:
    """The verdicts that need speech: all there whenever something was said."""

    words: int
    latency: Verdict | None
    """None only when there was no first word to time."""
    speaking_time: Verdict
    rate: Verdict
    articulation: Verdict
    fillers: FillerVerdict
    pauses: PauseVerdict
    longest_pause: Verdict
    voice: tuple[VoiceVerdict, ...] = ()
    """Vocal variety and loudness; empty for reports made before they were measured."""


@dataclass(frozen=True)
class Assessment:
    """Every verdict of one report."""

    length: LengthVerdict
    speech: SpeechVerdicts | None
    """None when no speech was found: only the length is judged."""

    @property
    def no_speech(self) -> bool:
        return self.speech is None


def assess_length(report: Report) -> LengthVerdict:
    """The length verdict alone (it needs no thresholds: the window travels with the report)."""
    t = report.target
    return LengthVerdict(report.duration_s, t.min_s, t.max_s, t.place(report.duration_s))


def pauses_label(thresholds: Thresholds) -> str:
    """``Pauses ≥ 0.25 s``, from the setting that decides what counts as a pause."""
    return f"Pauses ≥ {thresholds.min_pause_s:g} s"


def assess(report: Report, thresholds: Thresholds) -> Assessment:
    """Judge ``report`` against its target window and ``thresholds``."""
    length = assess_length(report)
    if report.no_speech:
        return Assessment(length, None)
    th = thresholds
    latency = None
    if report.latency_s is not None:
        latency = Verdict("First word after", _secs(report.latency_s), _status(report.latency_s <= th.slow_start_s),
                          f"≤ {th.slow_start_s:g} s", f"≤ {th.slow_start_s:g} s")
    rate_ok = th.wpm_slow <= report.wpm <= th.wpm_rushed
    rate = Verdict("Speaking rate", f"{report.wpm:.0f} wpm", _status(rate_ok),
                   f"{th.wpm_slow:g}–{th.wpm_rushed:g} wpm", f"{th.wpm_slow:g}–{th.wpm_rushed:g}")
    f = report.fillers
    fillers_ok = f.per_minute <= th.filler_per_minute and f.percent_of_words <= th.filler_percent
    fillers = FillerVerdict(
        "Fillers", f"{f.count}", _status(fillers_ok),
        f"≤ {th.filler_per_minute:g}/min and ≤ {th.filler_percent:g}%",
        f"≤ {th.filler_per_minute:g}/min, {th.filler_percent:g}%",
        count=f.count, per_minute=f"{f.per_minute:.1f}/min", percent=f"{f.percent_of_words:.1f}%")
    mids = sum(1 for p in report.pauses if p.location == "mid_sentence")
    pauses = PauseVerdict(pauses_label(th), f"{len(report.pauses)} ({mids} mid-sentence)",
                          count=len(report.pauses), mid_sentence=mids)
    longest = Verdict("Longest pause", _secs(report.longest_pause_s),
                      _status(report.longest_pause_s < th.long_pause_s),
                      f"< {th.long_pause_s:g} s", f"< {th.long_pause_s:g} s")
    return Assessment(length, SpeechVerdicts(
        words=report.word_count, latency=latency,
        speaking_time=Verdict("Speaking time", _secs(report.speaking_time_s)),
        rate=rate, articulation=Verdict("Articulation rate", f"{report.articulation_wpm:.0f} wpm"),
        fillers=fillers, pauses=pauses, longest_pause=longest, voice=assess_voice(report, th),
    ))


def _clock(t: float) -> str:
    whole = int(max(0.0, t) + 0.5)
    return f"{whole // 60}:{whole % 60:02d}"


def assess_voice(report: Report, th: Thresholds) -> tuple[VoiceVerdict, ...]:
    """``Vocal variety`` (no flat stretch) and ``Loudness`` (not too quiet, ends not fading)."""
    v = report.voice
    if v is None or report.no_speech:
        return ()
    out = []
    if v.spread_st is not None:
        text, short = f"{v.spread_st:.1f} semitones (10–90%), SD {v.std_st:.1f}", f"{v.spread_st:.1f} st"
        if v.flat_stretches:
            flat = min(v.flat_stretches, key=lambda s: s.range_st)
            text += f"; flat {_clock(flat.start)}–{_clock(flat.end)}"
            short += f", flat at {_clock(flat.start)}"
        out.append(VoiceVerdict("Vocal variety", text, _status(not v.flat_stretches),
                                f"no {th.flat_window_s:g} s within {th.flat_range_st:g} st",
                                f"≥ {th.flat_range_st:g} st per {th.flat_window_s:g} s", short=short))
    if v.speech_dbfs is not None:
        text = short = f"{v.speech_dbfs:.0f} dBFS"
        if v.sentences:
            fading = sum(1 for s in v.sentences if s.end_drop_db > th.trailing_drop_db)
            text += f"; {fading} of {len(v.sentences)} sentence ends fade"
            short += f", {fading}/{len(v.sentences)} ends fade"
        trailing = v.trailing_share is not None and v.trailing_share > th.trailing_share
        out.append(VoiceVerdict("Loudness", text, _status(v.speech_dbfs >= th.too_quiet_dbfs and not trailing),
                                f"≥ {th.too_quiet_dbfs:g} dBFS; ends fade > {th.trailing_drop_db:g} dB "
                                f"in ≤ {th.trailing_share * 100:.0f}%",
                                f"≥ {th.too_quiet_dbfs:g} dBFS", short=short))
    return tuple(out)
