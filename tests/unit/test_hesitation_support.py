"""A hesitation Whisper writes must be backed by a held voiced sound in the signal.

With a prompt that asks for fillers, Whisper also writes "ah", "er", "hmm" over breaths, noises
and silences, and sometimes stacks a loop of them on one instant. Both sides of each case are
checked: on lists of held sounds (the rule itself), and on numpy signals through the engine's
audio check (the rule wired to the real frame features).
"""

from __future__ import annotations

import numpy as np

from mockmic.analysis.audio_fillers import HeldSound, unsupported_hesitations
from mockmic.analysis.fillers import is_hesitation
from mockmic.core import SAMPLE_RATE as SR
from mockmic.core import Interval, Word
from mockmic.filler_detection import check_hesitations


def held(a: float, b: float) -> HeldSound:
    return HeldSound(a, b, 0.9, 0.5, 8.0, 2.0, -20.0, 120.0)


def drop(words: list[Word], sounds: list[HeldSound]) -> set[int]:
    return unsupported_hesitations(words, sounds, is_hesitation=is_hesitation)


def test_hesitation_over_a_held_sound_is_kept_and_over_nothing_is_dropped() -> None:
    words = [Word("So", 0.0, 0.3), Word("um,", 0.5, 1.0), Word("the", 1.2, 1.4), Word("uh,", 2.5, 2.8)]
    sounds = [held(0.6, 1.1)]
    assert drop(words, sounds) == {3}
    assert drop(words, sounds + [held(2.55, 2.75)]) == set()


def test_whisper_edges_are_allowed_to_miss_the_sound_by_up_to_0_3_s() -> None:
    # Whisper often starts a real "um" 0.3-0.4 s early and ends it before the hum is over
    w = [Word("Um,", 2.6, 2.9)]
    assert drop(w, [held(3.15, 3.6)]) == set()
    assert drop(w, [held(3.25, 3.6)]) == {0}


def test_content_words_are_never_screened() -> None:
    words = [Word("we", 0.0, 0.2), Word("ran", 0.3, 0.6)]
    assert drop(words, []) == set()


def test_a_loop_stacked_on_one_instant_counts_once() -> None:
    loop = [Word(t, 10.03, 10.03) for t in ("er,", "hmm,", "er,", "hmm,", "er.")]
    assert drop(loop, [held(9.9, 10.2)]) == {1, 2, 3, 4}
    # a real run of "uh"s, each at its own time, all stay
    run = [Word("uh,", 1.0, 1.3), Word("uh,", 1.8, 2.1), Word("uh", 2.6, 2.9)]
    assert drop(run, [held(1.0, 1.3), held(1.8, 2.1), held(2.6, 2.9)]) == set()


def test_overlapping_copies_of_one_hesitation_count_once() -> None:
    words = [Word("uh,", 5.30, 5.60), Word("uh,", 5.30, 5.62)]
    assert drop(words, [held(5.3, 5.6)]) == {1}


def _hum(dur: float, f0: float = 120.0) -> np.ndarray:
    t = np.arange(int(dur * SR)) / SR
    x = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 12))
    env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.02)
    return (0.05 * x * env / np.abs(x).max()).astype(np.float32)


def _breath(dur: float, rng: np.random.Generator) -> np.ndarray:
    n = int(dur * SR)
    env = np.sin(np.pi * np.arange(n) / n)
    return (0.02 * rng.standard_normal(n) * env).astype(np.float32)


def test_on_signals_a_hum_supports_its_um_and_a_breath_does_not() -> None:
    rng = np.random.default_rng(3)
    gap = np.zeros(int(0.8 * SR), np.float32)
    audio = np.concatenate([gap, _hum(0.6), gap, _breath(0.6, rng), gap])
    audio = audio + 1e-3 * rng.standard_normal(len(audio)).astype(np.float32)
    hum_at, breath_at = 0.8, 0.8 + 0.6 + 0.8
    words = [Word("um,", hum_at, hum_at + 0.6), Word("ah,", breath_at, breath_at + 0.6)]
    _found, unsupported = check_hesitations(audio, words, [Interval(hum_at, hum_at + 0.6)])
    assert unsupported == {1}


def test_a_run_of_the_same_filler_is_not_a_decoder_loop_but_a_run_of_a_word_is() -> None:
    from mockmic.transcription import find_loop

    def words(texts: list[str]) -> list[Word]:
        return [Word(t, 0.5 * i, 0.5 * i + 0.3) for i, t in enumerate(texts)]

    assert find_loop(words(["So", "uh,", "uh,", "uh,", "uh,", "uh,", "uh,", "Montreal"])) is None
    assert find_loop(words(["er,", "hmm,", "er,", "hmm,", "er,", "hmm,", "er,", "hmm."])) is None
    assert find_loop(words(["the", "time,", "time,", "time,", "time,", "then"])) == (1, 5)
    # a loop that mixes words and fillers is still a loop
    assert find_loop(words(["and", "uh,", "and", "uh,", "and", "uh,", "and", "uh,"])) == (0, 8)
