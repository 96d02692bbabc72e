"""Where a recording is cut into the pieces Whisper transcribes one after another.

Both ways of analyzing an answer use these rules: the live session while the speaker talks, and
the engine for a whole file. Because a cut depends only on the audio (the voice-activity
detector's speech stretches and probabilities), never on when the computer got round to looking,
the two see the same chunks, give Whisper the same inputs, and so produce the same report.

A cut is made only inside a pause, never at a fixed time: cutting mid-word loses fillers and
raises the error rate. Pieces are 20-29 s: as long as Whisper's 30 s window allows. Whisper pads
every piece to 30 s and the encoder pass costs the same whatever the piece's length, so longer
pieces mean fewer passes (34 instead of 62 for the project's 22 test answers), and the
longer context measured better too: word error rate on the shared read speech 0.0% against
2.7%, fewer false fillers on filler-free audio, more of the acted and synthetic fillers found
(``bench/fillers.py``; README, "How far to trust the hesitation count"). While recording the
cost is hidden: the live session transcribes the open piece in the speaker's pauses, and the
time from stop to report stayed at 0.58 s (``bench/stop_to_report.py``). The rules, in samples
at 16 kHz:

* a chunk ends in the first pause of at least ``pause`` samples that lies ``min_chunk`` to
  ``max_chunk`` after the chunk's start; the cut is ``lead`` samples into the pause (or at its
  middle when the pause is shorter than ``2 * lead``), so the speech before it keeps its tail;
* with no such pause within ``max_chunk``, the longest shorter pause in that span is used (the
  latest of equally long ones), and with no pause at all, the window the detector found least
  speech-like;
* the last chunk ends ``lead`` samples after the last speech (or at the end of the recording).

Every rule can be decided as soon as the audio up to a known point has been seen: ``next_cut``
returns ``None`` while the answer could still change, so a cut taken early is the cut a later,
better-informed look would take. Pure: integers and lists in, integers out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mockmic.core import SAMPLE_RATE

VAD_WINDOW = 512
"""Samples per voice-activity probability (32 ms at 16 kHz)."""

Stretch = tuple[int, int]
"""A stretch of speech, ``(start, end)`` in samples."""


@dataclass(frozen=True)
class ChunkRules:
    """The cut rules; all lengths in samples (see the module docstring)."""

    min_chunk: int = 20 * SAMPLE_RATE
    max_chunk: int = 29 * SAMPLE_RATE
    pause: int = int(0.3 * SAMPLE_RATE)
    lead: int = int(0.15 * SAMPLE_RATE)

    def __post_init__(self) -> None:
        if not (0 < self.lead and 2 * self.lead <= self.pause):
            raise ValueError("ChunkRules needs 0 < lead and 2 * lead <= pause")
        if not SAMPLE_RATE <= self.min_chunk < self.max_chunk:
            raise ValueError("ChunkRules needs 1 s <= min_chunk < max_chunk")

    @classmethod
    def seconds(cls, *, min_chunk: float = 20.0, max_chunk: float = 29.0, pause: float = 0.3,
                lead: float = 0.15) -> ChunkRules:
        s = SAMPLE_RATE
        return cls(int(min_chunk * s), int(max_chunk * s), int(pause * s), int(lead * s))


@dataclass(frozen=True)
class _Gap:
    start: int
    end: int
    """End of the pause, or how far the audio has been seen when it is still going on."""
    complete: bool


def _gaps(stretches: Sequence[Stretch], cut: int, seen: int, open_start: int | None) -> list[_Gap]:
    """The pauses after ``cut``: between speech stretches, and the silence after the last one."""
    after = [s for s in stretches if s[1] > cut]
    gaps = [_Gap(max(a[1], cut), b[0], True) for a, b in zip(after, after[1:])]
    if after:
        last_end = max(after[-1][1], cut)
        if open_start is not None:
            gaps.append(_Gap(last_end, open_start, True))
        elif seen > last_end:
            gaps.append(_Gap(last_end, seen, False))
    return [g for g in gaps if g.end > g.start]


def _cut_in(gap: _Gap, rules: ChunkRules) -> int | None:
    """Where a cut in this pause goes, or None while that is not known yet."""
    length = gap.end - gap.start
    if length >= 2 * rules.lead:
        return gap.start + rules.lead
    if gap.complete:
        return gap.start + length // 2
    return None


def next_cut(
    stretches: Sequence[Stretch],
    seen: int,
    cut: int,
    probs: Sequence[float],
    rules: ChunkRules,
    *,
    open_start: int | None = None,
) -> int | None:
    """The end of the chunk that starts at ``cut``, once it is certain; else None.

    ``stretches`` are the finished speech stretches, ``open_start`` the start of one still going
    on, ``seen`` how many samples the detector has processed, ``probs`` its speech probability
    per ``VAD_WINDOW``. For a finished recording pass ``seen = len(audio)``; the last chunk is
    then given by :func:`last_end` when this returns None.
    """
    gaps = _gaps(stretches, cut, seen, open_start)
    for gap in gaps:
        if gap.end - gap.start < rules.pause:
            if not gap.complete:
                break  # may still grow into a pause long enough to cut in
            continue
        c = _cut_in(gap, rules)
        if c is not None and rules.min_chunk <= c - cut <= rules.max_chunk:
            return c
    horizon = cut + rules.max_chunk
    if seen < horizon + rules.pause:
        return None  # a pause that would do may still come within max_chunk
    # No pause long enough within max_chunk: the longest shorter one, else the quietest window.
    best: tuple[int, int] | None = None
    for gap in gaps:
        c = _cut_in(gap, rules)
        if c is None or not cut + SAMPLE_RATE <= c <= horizon:
            continue
        key = (min(gap.end - gap.start, rules.pause), c)
        if best is None or key > best:
            best = key
    if best is not None:
        return best[1]
    lo = (cut + rules.min_chunk) // VAD_WINDOW
    hi = min(len(probs), horizon // VAD_WINDOW)
    if hi <= lo:
        return horizon
    quietest = min(range(lo, hi), key=lambda k: (probs[k], -k))
    return quietest * VAD_WINDOW + VAD_WINDOW // 2


def last_end(stretches: Sequence[Stretch], length: int, cut: int, rules: ChunkRules) -> int | None:
    """End of the last chunk of a finished recording (from ``cut``), or None if no speech is left."""
    after = [s for s in stretches if s[1] > cut]
    if not after:
        return None
    return min(length, after[-1][1] + rules.lead)


def has_speech(stretches: Sequence[Stretch], a: int, b: int) -> bool:
    """Whether any speech stretch overlaps ``[a, b)``."""
    return any(s < b and e > a for s, e in stretches)


def plan(stretches: Sequence[Stretch], length: int, probs: Sequence[float],
         rules: ChunkRules) -> list[tuple[int, int]]:
    """All chunks of a finished recording that hold speech, in order."""
    chunks: list[tuple[int, int]] = []
    cut = 0
    while True:
        c = next_cut(stretches, length, cut, probs, rules)
        if c is None or c <= cut:
            break
        if has_speech(stretches, cut, c):
            chunks.append((cut, c))
        cut = c
    end = last_end(stretches, length, cut, rules)
    if end is not None and end > cut:
        chunks.append((cut, end))
    return chunks
