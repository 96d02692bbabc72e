"""Audio filler detection on signals built with numpy: held vowels and hums vs everything else.

Each signal is made here from first principles (glottal pulse trains through formant resonators,
filtered noise), so the tests say what physical property makes a sound a filler or not.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import butter, lfilter, sosfilt

from mockmic.analysis.audio_fillers import (
    audio_fillers,
    expected_word_s,
    frame_features,
    held_sounds,
    is_filler_like,
)
from mockmic.analysis.fillers import is_hesitation
from mockmic.core import SAMPLE_RATE as SR
from mockmic.core import Interval, Word
from mockmic.filler_detection import detect_audio_fillers

RNG = np.random.default_rng(0)


def pulses(f0: np.ndarray, jitter: float = 0.0) -> np.ndarray:
    """A glottal source: one impulse per period of the (per-sample) pitch ``f0``, low-passed."""
    f = f0 * (1 + jitter * RNG.standard_normal(len(f0)))
    phase = np.cumsum(f / SR)
    src = np.diff(np.floor(phase), prepend=0.0)
    return lfilter([1.0], [1.0, -0.95], src)


def resonate(x: np.ndarray, freq: float, bw: float) -> np.ndarray:
    r = np.exp(-np.pi * bw / SR)
    return lfilter([1 - r], [1.0, -2 * r * np.cos(2 * np.pi * freq / SR), r * r], x)


def vowel(src: np.ndarray, formants=(500, 1500, 2500)) -> np.ndarray:
    return sum(resonate(src, f, 80 + 30 * k) * 0.6 ** k for k, f in enumerate(formants))


def at_level(x: np.ndarray, rms: float = 0.05) -> np.ndarray:
    n = len(x)
    ramp = np.minimum(1.0, np.minimum(np.arange(n), n - 1 - np.arange(n)) / (0.02 * SR))
    x = x * ramp
    return (x / (np.sqrt(np.mean(x ** 2)) + 1e-12) * rms).astype(np.float32)


def held_uh(dur: float = 0.5, f0: float = 110.0) -> np.ndarray:
    n = int(dur * SR)
    return at_level(vowel(pulses(np.linspace(f0, f0 * 0.95, n), 0.005)))


def held_mm(dur: float = 0.5, f0: float = 110.0) -> np.ndarray:
    n = int(dur * SR)
    return at_level(resonate(resonate(pulses(np.full(n, f0), 0.005), 250, 60), 250, 60))


def in_silence(*parts: np.ndarray, gap: float = 0.6, noise_db: float = -60.0) -> tuple[np.ndarray, list[float]]:
    """Place parts between silences (with a faint noise floor); return audio and part onsets."""
    g = np.zeros(int(gap * SR), np.float32)
    out, starts, pos = [g], [], len(g)
    for p in parts:
        starts.append(pos / SR)
        out += [p, g]
        pos += len(p) + len(g)
    x = np.concatenate(out)
    x = x + (10 ** (noise_db / 20)) * RNG.standard_normal(len(x)).astype(np.float32)
    return x.astype(np.float32), starts


def detect(audio: np.ndarray, words: list[Word] | None = None) -> list[tuple[float, float]]:
    found, _ = audio_fillers(audio, words or [], [Interval(0.0, len(audio) / SR)],
                             is_hesitation=is_hesitation, have_transcript=bool(words))
    return [(f.start, f.end) for f in found]


# ---- sounds that are fillers -------------------------------------------------------------------

@pytest.mark.parametrize("f0", [85.0, 120.0, 210.0])
@pytest.mark.parametrize("dur", [0.25, 0.6, 1.1])
def test_held_vowel_is_a_filler(f0: float, dur: float) -> None:
    audio, (t0,) = in_silence(held_uh(dur, f0))
    found = detect(audio)
    assert len(found) == 1
    start, end = found[0]
    assert abs(start - t0) < 0.08 and abs(end - (t0 + dur)) < 0.08


def test_hum_and_um_are_fillers() -> None:
    n = int(0.3 * SR)
    src = pulses(np.full(2 * n, 110.0), 0.005)
    uh_part = vowel(src[:n])
    mm_part = resonate(resonate(src[n:], 250, 60), 250, 60)
    um = at_level(np.concatenate([uh_part / uh_part.std(), mm_part / mm_part.std()]))
    audio, starts = in_silence(held_mm(0.5), um)
    found = detect(audio)
    assert len(found) == 2  # the "um" is one filler, not a vowel and a hum
    assert abs(found[1][0] - starts[1]) < 0.08


def test_held_vowel_in_noise_at_20db_snr() -> None:
    audio, (t0,) = in_silence(held_uh(0.5), noise_db=20 * np.log10(0.05) - 20)
    found = detect(audio)
    assert len(found) == 1 and abs(found[0][0] - t0) < 0.1


# ---- sounds that are not -------------------------------------------------------------------------

def test_noise_and_breath_are_not_fillers() -> None:
    sos = butter(2, [500, 3000], btype="band", fs=SR, output="sos")
    breath = at_level(sosfilt(sos, RNG.standard_normal(int(0.45 * SR))), 0.02)
    white = at_level(RNG.standard_normal(int(0.5 * SR)), 0.05)
    audio, _ = in_silence(breath, white)
    assert detect(audio) == []


def test_whisper_is_not_a_filler() -> None:
    # a whispered vowel: noise (no pitch) through the same formants
    whispered = at_level(vowel(RNG.standard_normal(int(0.6 * SR)) * 0.1))
    audio, _ = in_silence(whispered)
    assert detect(audio) == []


def test_laughter_is_not_a_filler() -> None:
    # "ha-ha-ha-ha": 90 ms breathy voiced pulses with aspiration between them, 5 per second,
    # pitch rising on each pulse
    parts = []
    for k in range(5):
        n = int(0.09 * SR)
        v = vowel(pulses(np.linspace(180 + 10 * k, 230 + 10 * k, n), 0.02)) + 0.02 * RNG.standard_normal(n)
        parts += [at_level(v, 0.05), at_level(RNG.standard_normal(int(0.11 * SR)), 0.006)]
    audio, _ = in_silence(np.concatenate(parts))
    assert detect(audio) == []


def test_creaky_voice_is_not_a_filler() -> None:
    # vocal fry: very low, irregular pulses (period jitter ~25%)
    n = int(0.6 * SR)
    creak = at_level(vowel(pulses(np.full(n, 45.0), 0.25)))
    audio, _ = in_silence(creak)
    assert detect(audio) == []


def test_gliding_pitch_and_changing_vowels_are_speech_not_fillers() -> None:
    n = int(0.6 * SR)
    glide = at_level(vowel(pulses(np.geomspace(100, 190, n), 0.005)))  # a rising question tone
    # a word-like run of different vowels, 110 ms each, at an ordinary pitch
    seq = []
    for f1, f2 in [(300, 2300), (700, 1200), (450, 900), (600, 1800), (350, 2000), (650, 1100)]:
        seq.append(vowel(pulses(np.full(int(0.11 * SR), 120.0), 0.005), (f1, f2, 2600)))
    word_like = at_level(np.concatenate(seq))
    audio, _ = in_silence(glide, word_like)
    assert detect(audio) == []


def test_too_short_or_too_long_is_not_a_filler() -> None:
    audio, _ = in_silence(held_uh(0.1), held_uh(4.0))
    assert detect(audio) == []


# ---- held sounds weighed against the transcript ------------------------------------------------

def test_uncovered_held_sound_is_a_filler_covered_one_is_a_word() -> None:
    audio, (t0, t1) = in_silence(held_uh(0.5), held_uh(0.5))
    words = [Word("The", t1 - 0.05, t1 + 0.55)]  # a word spans the second sound: a lengthened "the"
    found = detect(audio, words)
    assert len(found) == 1 and abs(found[0][0] - t0) < 0.08


def test_transcript_filler_is_not_counted_again() -> None:
    audio, (t0,) = in_silence(held_uh(0.5))
    words = [Word("So", 0.1, 0.3), Word("um,", t0 + 0.2, t0 + 0.2)]  # zero-length, as Whisper writes it
    assert detect(audio, words) == []


def test_held_end_of_sentence_word_is_not_a_filler_but_swallowed_uh_is() -> None:
    audio, (t0, t1) = in_silence(held_uh(0.6), held_uh(0.6))
    # first: "...aligner." whose held last vowel is the sound (sentence end) -> not a filler
    # second: "and" lasting 0.9 s, the held sound at its end, mid-sentence -> a swallowed "uh"
    words = [Word("aligner.", t0 - 0.3, t0 + 0.6), Word("and", t1 - 0.3, t1 + 0.6), Word("then", t1 + 1.3, t1 + 1.5)]
    found = detect(audio, words)
    assert len(found) == 1 and abs(found[0][0] - t1) < 0.08


def test_no_transcript_needs_the_sound_to_stand_apart() -> None:
    # a held vowel running straight on from word-like speech, no dip: not counted without words
    seq = [vowel(pulses(np.full(int(0.11 * SR), 120.0), 0.005), (f1, f2, 2600))
           for f1, f2 in [(300, 2300), (700, 1200), (450, 900)]]
    n = int(0.5 * SR)
    joined = at_level(np.concatenate(seq + [vowel(pulses(np.full(n, 120.0), 0.005))]))
    audio, _ = in_silence(joined)
    assert detect(audio) == []


def test_detect_audio_fillers_interface() -> None:
    audio, (t0,) = in_silence(held_uh(0.5))
    found = detect_audio_fillers(audio, [], [Interval(t0, t0 + 0.5)], None)
    assert len(found) == 1
    f = found[0]
    assert f.kind == "hesitation" and f.source == "audio"
    assert detect_audio_fillers(np.zeros(0, np.float32), [], [], None) == []


def test_features_measure_what_they_claim() -> None:
    audio, (t0,) = in_silence(held_uh(0.6, 150.0))
    fr = frame_features(audio)
    mid = int((t0 + 0.3) * SR / 160)
    assert fr.voicing[mid] > 0.8
    assert abs(fr.f0[mid] - 150 * 0.975) < 8
    sounds = held_sounds(fr)
    assert len(sounds) == 1 and is_filler_like(sounds[0])
    assert expected_word_s("and") < expected_word_s("aligner")


def _word_then_held(dur: float = 0.5) -> np.ndarray:
    """Word-like changing vowels running straight into a held vowel, with no break."""
    seq = [vowel(pulses(np.full(int(0.11 * SR), 120.0), 0.005), (f1, f2, 2600))
           for f1, f2 in [(300, 2300), (700, 1200), (450, 900)]]
    held = vowel(pulses(np.full(int(dur * SR), 118.0), 0.005))
    return at_level(np.concatenate(seq + [held]))


def test_voice_running_on_from_a_clause_final_word_is_that_word_held() -> None:
    # Whisper ends "Montreal," early (0.25 s after its start); the held sound right after it,
    # with no break in the voice, is the end of that word, not a filler
    audio, (t0,) = in_silence(_word_then_held())
    words = [Word("Montreal,", t0, t0 + 0.25), Word("forced", t0 + 1.5, t0 + 1.8)]
    assert detect(audio, words) == []
    # the same sound after a word that does not close a clause ("and ...uh") is a filler
    words = [Word("and", t0, t0 + 0.25), Word("forced", t0 + 1.5, t0 + 1.8)]
    found = detect(audio, words)
    assert len(found) == 1 and abs(found[0][0] - (t0 + 0.33)) < 0.1


def test_audio_filler_analysis_is_pure() -> None:
    # running the detector must not pull in Whisper, the UI or the audio device
    import json
    import subprocess
    import sys

    code = (
        "import json, sys, numpy as np\n"
        "from mockmic.filler_detection import detect_audio_fillers\n"
        "detect_audio_fillers(np.zeros(16000, np.float32), [], [], None)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mods = json.loads(out.stdout)
    assert "mockmic.analysis.audio_fillers" in mods
    assert [m for m in mods if m.split(".")[0] in ("textual", "sounddevice", "faster_whisper", "ctranslate2")] == []


def test_merge_counts_each_filler_once() -> None:
    from mockmic.analysis.delivery import dedupe_fillers
    from mockmic.core import Filler

    um = Filler("um", 1.0, 1.0, "hesitation", "transcript")  # zero-length, as Whisper writes it
    like = Filler("like", 3.0, 3.2, "discourse", "transcript")
    near_um = Filler("(uh)", 1.1, 1.5, "hesitation", "audio")  # the same "um", heard in the audio
    after_like = Filler("(uh)", 3.25, 3.6, "hesitation", "audio")  # "like, uh": a second filler
    alone = Filler("(uh)", 5.0, 5.4, "hesitation", "audio")
    kept = dedupe_fillers([um, like, near_um, after_like, alone])
    assert kept == [um, like, after_like, alone]


def test_quantiles_match_numpy_percentile():
    """The one-sort quantiles used for the steady runs give numpy's linear percentiles."""
    from mockmic.analysis.audio_fillers import _iqr, _median, _quantiles

    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 4, 5, 8, 17, 64, 301):
        x = rng.normal(size=n) * 12.0
        assert _quantiles(x, 75, 25, 50, 10) == pytest.approx(list(np.percentile(x, [75, 25, 50, 10])), abs=1e-12)
        assert _median(x) == pytest.approx(float(np.median(x)), abs=1e-12)
        assert _iqr(x) == pytest.approx(float(np.subtract(*np.percentile(x, [75, 25]))), abs=1e-12)
