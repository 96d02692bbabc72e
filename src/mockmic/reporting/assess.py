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
from mockmic.core import fixed
from mockmic.reporting.fmt import clock, seconds_range

Status = Literal["ok", "warn"]

LENGTH_WORDS: dict[Window, str] = {"under": "too short", "in": "in the window", "over": "too long"}
LENGTH_MARKS: dict[Window, str] = {"under": "short", "in": "✓", "over": "long"}
"""The length verdict in one word, for the question list."""


def _status(good: bool) -> Status:
    return "ok" if good else "warn"


def _secs(value: float) -> str:
    return f"{fixed(value, 1)} s"


RATE_WORDS = {"slow": "too slow", "in": "in range", "fast": "too fast"}
TRANSCRIPT_PAUSE_S = 0.5
"""Pauses at least this long are written into the transcript (all surfaces); shorter ones are
counted in the pause count but not marked. :func:`transcript_pauses_note` says so."""


def transcript_pauses_note() -> str:
    """What the transcript's pause marks show, in the words every surface uses."""
    return f"pauses of {TRANSCRIPT_PAUSE_S:g} s or more marked"


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
        """``1:09``: a length reads as m:ss on every surface (see :func:`mockmic.reporting.fmt.clock`)."""
        return clock(self.seconds)

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
    word: str = ""
    """The verdict in words when it is off target (``too fast``); empty when within."""

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
        lat_ok = report.latency_s <= th.slow_start_s
        latency = Verdict("First word after", _secs(report.latency_s), _status(lat_ok),
                          f"at most {th.slow_start_s:g} s", f"≤ {th.slow_start_s:g} s", "" if lat_ok else "slow start")
    rate_ok = th.wpm_slow <= report.wpm <= th.wpm_rushed
    rate_word = "" if rate_ok else RATE_WORDS["fast" if report.wpm > th.wpm_rushed else "slow"]
    rate = Verdict("Speaking rate", f"{fixed(report.wpm, 0)} wpm", _status(rate_ok),
                   f"{th.wpm_slow:g}–{th.wpm_rushed:g} wpm", f"{th.wpm_slow:g}–{th.wpm_rushed:g}", rate_word)
    f = report.fillers
    fillers_ok = f.per_minute <= th.filler_per_minute and f.percent_of_words <= th.filler_percent
    fillers = FillerVerdict(
        "Fillers", f"{f.count}", _status(fillers_ok),
        f"at most {th.filler_per_minute:g}/min and {th.filler_percent:g}% of words",
        f"≤ {th.filler_per_minute:g}/min, {th.filler_percent:g}%",
        "" if fillers_ok else "too many",
        count=f.count, per_minute=f"{fixed(f.per_minute, 1)}/min", percent=f"{fixed(f.percent_of_words, 1)}%")
    mids = sum(1 for p in report.pauses if p.location == "mid_sentence")
    pauses = PauseVerdict(pauses_label(th), f"{len(report.pauses)} ({mids} mid-sentence)",
                          count=len(report.pauses), mid_sentence=mids)
    long_ok = report.longest_pause_s < th.long_pause_s
    longest = Verdict("Longest pause", _secs(report.longest_pause_s), _status(long_ok),
                      f"under {th.long_pause_s:g} s", f"< {th.long_pause_s:g} s", "" if long_ok else "too long")
    return Assessment(length, SpeechVerdicts(
        words=report.word_count, latency=latency,
        speaking_time=Verdict("Speaking time", _secs(report.speaking_time_s)),
        rate=rate, articulation=Verdict("Articulation rate", f"{fixed(report.articulation_wpm, 0)} wpm"),
        fillers=fillers, pauses=pauses, longest_pause=longest, voice=assess_voice(report, th),
    ))


def assess_voice(report: Report, th: Thresholds) -> tuple[VoiceVerdict, ...]:
    """``Vocal variety`` (no flat stretch) and ``Loudness`` (not too quiet, ends not fading)."""
    v = report.voice
    if v is None or report.no_speech:
        return ()
    out = []
    if v.spread_st is not None:
        sd = "–" if v.std_st is None else fixed(v.std_st, 1)
        text, short = f"{fixed(v.spread_st, 1)} semitones (10–90%), SD {sd}", f"{fixed(v.spread_st, 1)} st"
        if v.flat_stretches:
            flat = min(v.flat_stretches, key=lambda s: s.range_st)
            text += f"; flat {clock(flat.start)}–{clock(flat.end)}"
            short += f", flat at {clock(flat.start)}"
        out.append(VoiceVerdict("Vocal variety", text, _status(not v.flat_stretches),
                                f"no {th.flat_window_s:g} s within {th.flat_range_st:g} st",
                                f"≥ {th.flat_range_st:g} st per {th.flat_window_s:g} s", short=short))
    if v.speech_dbfs is not None:
        text = short = f"{fixed(v.speech_dbfs, 0)} dBFS"
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


def pace_line(report: Report, thresholds: Thresholds) -> str:
    """The pace curve's ends in words that say what they are: ``148 wpm in the first 15 s →
    176 wpm in the last 15 s``. (The "Speeding up" flag compares thirds of the answer and says
    so; the two are different spans and are labelled as such.) Empty below two points."""
    if len(report.pace) < 2:
        return ""
    w = f"{thresholds.pace_window_s:g} s"
    first, last = report.pace[0].wpm, report.pace[-1].wpm
    return f"{fixed(first, 0)} wpm in the first {w} → {fixed(last, 0)} wpm in the last {w}"


def pace_range(report: Report) -> str:
    """``lowest 120, highest 180 wpm`` over the pace curve's windows; empty without a curve."""
    if len(report.pace) < 2:
        return ""
    values = [p.wpm for p in report.pace]
    return f"lowest {fixed(min(values), 0)}, highest {fixed(max(values), 0)} wpm"
