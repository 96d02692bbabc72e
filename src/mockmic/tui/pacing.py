"""Small pure helpers behind the practice screens (no Textual, no sound device).

Kept apart so they are unit-tested on plain numbers: where the elapsed time stands against the
question's window, when a silent input means a muted microphone, the cue tone, reading time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

WindowState = Literal["early", "in", "nearing", "past"]


def nearing_margin(min_s: float, max_s: float) -> float:
    """Seconds before the window's end from which the timer says "nearing the end"."""
    return min(max(5.0, 0.15 * max_s), (max_s - min_s) / 2)


def window_state(elapsed_s: float, min_s: float, max_s: float) -> WindowState:
    """Where an answer of ``elapsed_s`` stands against the target window ``[min_s, max_s]``."""
    if elapsed_s < min_s:
        return "early"
    if elapsed_s >= max_s:
        return "past"
    if elapsed_s >= max_s - nearing_margin(min_s, max_s):
        return "nearing"
    return "in"


WINDOW_LABELS: dict[WindowState, str] = {
    "early": "before the window",
    "in": "in the window",
    "nearing": "nearing the end",
    "past": "past the window",
}


@dataclass
class SilenceWatch:
    """Says when the input level has stayed near silence for ``hold_s`` seconds (a muted mic).

    Feed it ``(elapsed_s, level_db)`` pairs as the recording runs; ``level_db`` is the
    recorder's input level in dBFS (RMS of the last block).
    """

    threshold_db: float = -55.0
    """Below this counts as silence: a muted or disconnected input (a quiet room is louder)."""
    hold_s: float = 3.0
    _quiet_since: float | None = None
    silent: bool = False

    def update(self, elapsed_s: float, level_db: float) -> bool:
        if level_db >= self.threshold_db:
            self._quiet_since = None
            self.silent = False
        else:
            if self._quiet_since is None:
                self._quiet_since = elapsed_s
            self.silent = elapsed_s - self._quiet_since >= self.hold_s
        return self.silent


def cue_tone(rate: int = 16_000, freq: float = 880.0, duration_s: float = 0.18,
             volume: float = 0.3) -> np.ndarray:
    """A short sine beep with soft edges: the cue that recording starts now."""
    n = int(rate * duration_s)
    t = np.arange(n, dtype=np.float32) / rate
    tone = np.sin(2 * np.pi * freq * t).astype(np.float32)
    ramp = min(n // 2, int(rate * 0.015))
    env = np.ones(n, dtype=np.float32)
    if ramp:
        env[:ramp] = np.linspace(0.0, 1.0, ramp, dtype=np.float32)
        env[-ramp:] = np.linspace(1.0, 0.0, ramp, dtype=np.float32)
    return (volume * tone * env).astype(np.float32)


def reading_time_s(text: str, words_per_s: float = 3.0, lo: float = 3.0, hi: float = 10.0) -> float:
    """How long to leave a question on screen before recording when it was not spoken."""
    return float(min(hi, max(lo, len(text.split()) / words_per_s)))
