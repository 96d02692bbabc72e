"""Playing one sound to its end from a worker thread, and saying plainly when there is no sound."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from mockmic.practice.ports import SoundPlayer


def player_problem(player: SoundPlayer | None) -> str | None:
    """Why ``player`` cannot play sound (no output device, no PortAudio), or None."""
    if player is None:
        return "no audio output"
    try:
        if player.available():
            return None
    except Exception as exc:  # noqa: BLE001 - a broken backend is "no output", not a crash
        return str(exc) or "no audio output"
    return player.error or "no audio output device"


def play_and_wait(player: SoundPlayer, source: str | Path | np.ndarray, *,
                  cancelled: Callable[[], bool], rate: int = 16_000, poll_s: float = 0.05) -> bool:
    """Play ``source`` (a file or 16 kHz samples) to the end, from a worker thread.

    Returns False when ``cancelled()`` became true first (the sound is stopped then).
    """
    player.load(source, rate)
    player.play()
    while not player.wait(poll_s):
        if cancelled():
            player.stop()
            return False
    return not cancelled()
