"""Pauses measured from the audio: Piper speech joined by silences of exactly known length.

The VAD (Silero) decides per 32 ms window, so each edge is quantised; measured on 8 random
orderings (tests/speech_synth.py pieces, gaps 0.3-3.5 s) at 20 dB SNR the worst edge was 74 ms
off and 90 % were within 40 ms; Piper's synthesis varies from run to run, and one clean run had an
edge 84 ms off. This test holds every edge to 100 ms (still inside the 0.1-0.3 s by which
Whisper's word gaps miss), 90 % of them to 50 ms and the median to 30 ms, and requires every inserted silence to be found with nothing spurious.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("piper")
import speech_synth as S  # noqa: E402  (tests/ is on sys.path via conftest)

from mockmic.analysis.delivery import silent_pauses  # noqa: E402
from mockmic.pipeline.vad import speech_intervals  # noqa: E402

TEXTS = S.ANSWER_SENTENCES + (
    "Thank you for the question.",
    "I think the most important thing is the patient.",
)
GAPS = (0.3, 0.5, 0.75, 1.0, 2.0, 3.5)


def composed(seed: int) -> tuple[np.ndarray, list[tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    pieces = [S.trim_to_voice(S.speak(t), floor_db=-40) for t in TEXTS]
    order = rng.permutation(len(pieces))
    gaps = rng.permutation(GAPS)
    parts: list[np.ndarray | float] = [0.6]
    for k, g in enumerate(gaps):
        parts += [pieces[order[k % len(pieces)]], float(g)]
    parts += [pieces[order[len(gaps) % len(pieces)]], 0.6]
    audio, silences = S.join(parts)
    return audio, silences[1:-1]  # the inserted pauses, without the lead-in and the tail


def measure(audio: np.ndarray) -> list[tuple[float, float]]:
    speech = speech_intervals(audio, min_silence_s=0.2)
    span = (speech[0].start, speech[-1].end)
    return [(p.start, p.end) for p in silent_pauses(speech, span, [], min_pause_s=0.25)]


@pytest.mark.parametrize("condition", ["clean", "snr20"])
def test_inserted_silences_are_measured_within_tolerance(condition: str) -> None:
    errors: list[float] = []
    for seed in (0, 1):
        audio, truth = composed(seed)
        floor = np.random.default_rng(seed).normal(0, 10 ** (-70 / 20), audio.shape)  # mic hiss
        audio = (audio + floor).astype(np.float32)
        if condition == "snr20":
            audio = S.add_noise(audio, 20.0, seed=seed)
        measured = measure(audio)
        for g0, g1 in truth:
            match = [m for m in measured if m[0] < g1 and m[1] > g0]  # overlaps the true silence
            assert len(match) == 1, (seed, (g0, g1), measured)
            errors += [abs(match[0][0] - g0), abs(match[0][1] - g1)]
        # Piper's own breaks inside a sentence are short; nothing long appears from nowhere
        spurious = [m for m in measured if not any(m[0] < g1 and m[1] > g0 for g0, g1 in truth)]
        assert all(m[1] - m[0] < 0.5 for m in spurious), spurious
    err = np.array(errors)
    assert err.max() <= 0.100, err
    assert np.mean(err <= 0.050) >= 0.9, err
    assert np.median(err) <= 0.030, err


def test_pause_lengths_and_long_pause_threshold_from_audio() -> None:
    a, b = S.speak(TEXTS[0]), S.speak(TEXTS[1])
    for gap, long in ((3.2, True), (2.6, False)):
        audio, truth = S.join([0.5, S.trim_to_voice(a, floor_db=-40), gap, S.trim_to_voice(b, floor_db=-40), 0.5])
        audio = S.add_noise(audio, 20.0)
        measured = [m for m in measure(audio) if m[1] - m[0] >= 1.0]
        assert len(measured) == 1
        length = measured[0][1] - measured[0][0]
        assert length == pytest.approx(gap, abs=0.08)
        assert (length >= 3.0) is long


def test_no_speech_in_silence_and_hiss() -> None:
    rng = np.random.default_rng(0)
    assert speech_intervals(np.zeros(16000 * 3, dtype=np.float32)) == []
    hiss = rng.normal(0, 10 ** (-50 / 20), 16000 * 3).astype(np.float32)
    assert speech_intervals(hiss) == []
