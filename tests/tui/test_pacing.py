"""The pure helpers behind the practice screens."""

from __future__ import annotations

import numpy as np
import pytest

from mockmic.tui.pacing import (
    SilenceWatch,
    cue_tone,
    nearing_margin,
    reading_time_s,
    window_state,
)


@pytest.mark.parametrize(
    ("elapsed", "window", "state"),
    [
        (0.0, (60, 90), "early"),
        (59.9, (60, 90), "early"),
        (60.0, (60, 90), "in"),
        (76.4, (60, 90), "in"),       # 90 - 13.5 (15 % of 90) = 76.5
        (76.5, (60, 90), "nearing"),
        (89.9, (60, 90), "nearing"),
        (90.0, (60, 90), "past"),
        (50.0, (45, 60), "in"),       # margin capped at half the window: nearing from 52.5
        (52.5, (45, 60), "nearing"),
        (104.9, (90, 120), "in"),     # margin 15 (capped at half of 30)
        (105.0, (90, 120), "nearing"),
    ],
)
def test_window_state(elapsed: float, window: tuple[float, float], state: str) -> None:
    assert window_state(elapsed, *window) == state


def test_nearing_margin_never_swallows_the_window() -> None:
    for lo, hi in [(45, 60), (60, 90), (90, 120), (10, 12), (0, 600)]:
        m = nearing_margin(lo, hi)
        assert 0 < m <= (hi - lo) / 2


def test_silence_watch_needs_three_quiet_seconds() -> None:
    w = SilenceWatch()
    assert not w.update(0.0, -100.0)
    assert not w.update(2.9, -100.0)
    assert w.update(3.0, -100.0)
    assert not w.update(3.1, -30.0)  # speech resets it at once
    assert not w.update(5.0, -70.0)
    assert not w.update(7.9, -70.0)
    assert w.update(8.0, -70.0)


def test_silence_watch_quiet_room_is_not_muted() -> None:
    w = SilenceWatch()
    for t in np.arange(0, 10, 0.1):
        assert not w.update(float(t), -45.0)  # room noise through a live microphone


def test_cue_tone() -> None:
    tone = cue_tone()
    assert tone.dtype == np.float32
    assert 0.15 <= len(tone) / 16000 <= 0.25
    assert abs(tone[0]) < 0.01 and abs(tone[-1]) < 0.01  # soft edges: no click
    assert 0.25 <= np.abs(tone).max() <= 0.31
    spectrum = np.abs(np.fft.rfft(tone))
    assert abs(np.argmax(spectrum) * 16000 / len(tone) - 880) < 10


def test_reading_time() -> None:
    assert reading_time_s("Why this specialty?") == 3.0
    assert reading_time_s(" ".join(["word"] * 18)) == 6.0
    assert reading_time_s(" ".join(["word"] * 100)) == 10.0
