"""Audio filler rules added after the first benchmark: each test builds the physical situation
that a rule is about (from numpy signals) and checks both sides of it.

* the pitch tracker's harmonic errors on a nasal murmur are folded back (the "m" of "um");
* a held sound is judged on the voice, not on voice + room noise (noise-subtracted spectrum);
* a smooth pitch fall is still a held sound, a wide sweep is not;
* a gap in Whisper's words is not a dropped filler when the words have come loose from the audio;
* a held last vowel that starts before Whisper's end of a clause-final word is that word;
* drawn-out speech: a last word Whisper squeezed into its held vowel, a held vowel the VAD
  missed, and one held vowel among others of different timbre are syllables, not fillers.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from mockmic.analysis.audio_fillers import (
    FRAME_RATE,
    audio_fillers,
    frame_features,
    harmonic_corrected,
    held_sounds,
    is_filler_like,
    merge_held,
)
from mockmic.analysis.fillers import is_hesitation
from mockmic.core import SAMPLE_RATE as SR
from mockmic.core import Interval, Word

RNG = np.random.default_rng(11)


def source(f0: np.ndarray) -> np.ndarray:
    phase = np.cumsum(f0 / SR)
    return lfilter([1.0], [1.0, -0.95], np.diff(np.floor(phase), prepend=0.0))


def resonate(x: np.ndarray, freq: float, bw: float) -> np.ndarray:
    r = np.exp(-np.pi * bw / SR)
    return lfilter([1 - r], [1.0, -2 * r * np.cos(2 * np.pi * freq / SR), r * r], x)


def schwa(src: np.ndarray, formants=(500, 1500, 2500)) -> np.ndarray:
    return sum(resonate(src, f, 80 + 30 * k) * 0.6 ** k for k, f in enumerate(formants))


def murmur(src: np.ndarray) -> np.ndarray:
    return resonate(resonate(src, 250, 60), 250, 60)


def level(x: np.ndarray, rms: float = 0.05, ramp_s: float = 0.02) -> np.ndarray:
    n = len(x)
    x = x - x.mean()  # the pulse train through resonators carries DC; a voice does not
    env = np.minimum(1.0, np.minimum(np.arange(n), n - 1 - np.arange(n)) / (ramp_s * SR))
    x = x * env
    return (x / (np.sqrt(np.mean(x ** 2)) + 1e-12) * rms).astype(np.float32)


def um(f0: float = 82.0, dur: float = 0.36) -> np.ndarray:
    """ "u" then "m" on one continuous voice; the murmur's 250 Hz resonance sits on the 3rd
    harmonic of an 82 Hz voice."""
    n = int(dur * SR)
    src = source(np.full(n, f0))
    k = n // 2
    ramp = np.clip((np.arange(n) - k) / (0.04 * SR), 0, 1)
    u, m = schwa(src), murmur(src)
    return level(u / u.std() * (1 - ramp) + m / m.std() * ramp)


def place(*parts: np.ndarray, gap: float = 0.6, noise_rms: float = 1e-3) -> tuple[np.ndarray, list[float]]:
    g = np.zeros(int(gap * SR), np.float32)
    out, starts, pos = [g], [], len(g)
    for p in parts:
        starts.append(pos / SR)
        out += [p, g]
        pos += len(p) + len(g)
    x = np.concatenate(out)
    return (x + noise_rms * RNG.standard_normal(len(x))).astype(np.float32), starts


def found(audio, words, speech=None):
    speech = speech or [Interval(0.0, len(audio) / SR)]
    fillers, verdicts = audio_fillers(audio, words, speech, is_hesitation=is_hesitation,
                                      have_transcript=bool(words))
    return fillers, verdicts


# ---- pitch: harmonic errors ----------------------------------------------------------------------

def test_third_harmonic_errors_fold_back_onto_the_contour() -> None:
    semis = np.full(60, 12 * np.log2(82 / 100))
    bad = np.arange(30, 60, 2)
    semis[bad] += 12 * np.log2(3)  # every other frame of the murmur reads 246 Hz
    fixed = harmonic_corrected(semis, np.ones(60, bool))
    assert np.allclose(fixed, 12 * np.log2(82 / 100), atol=0.05)
    # a real change of pitch (a new word a fifth higher, held) is left alone
    real = np.concatenate([np.zeros(40), np.full(40, 7.0)])
    assert np.array_equal(harmonic_corrected(real, np.ones(80, bool)), real)


def test_um_at_a_low_voice_is_one_held_sound() -> None:
    audio, (t0,) = place(um())
    fr = frame_features(audio)
    sounds = [s for s in merge_held(held_sounds(fr), fr) if is_filler_like(s)]
    assert len(sounds) == 1
    s = sounds[0]
    # the whole "um", not just its vowel: the murmur's frames stay in the held sound
    assert s.start - t0 < 0.08 and (t0 + 0.36) - s.end < 0.08, (s, t0)


# ---- noise: the voice's spectrum, not voice + noise ---------------------------------------------

def test_held_vowel_fading_in_and_out_of_20db_noise_is_a_filler() -> None:
    n = int(0.45 * SR)
    uh = level(schwa(source(np.linspace(100, 95, n))), rms=0.05, ramp_s=0.12)  # slow swell and decay
    clean, (t0,) = place(uh, noise_rms=0.0)
    noisy = clean + (0.005 * RNG.standard_normal(len(clean))).astype(np.float32)  # 20 dB below
    speech = [Interval(t0 - 0.05, t0 + 0.5)]
    words = [Word("so", 0.0, 0.2), Word("then", t0 + 0.9, t0 + 1.1)]
    for audio in (clean, noisy):
        fillers, _ = found(audio, words, [Interval(0.0, 0.3)] + speech + [Interval(t0 + 0.85, t0 + 1.15)])
        assert len(fillers) == 1 and abs(fillers[0].start - t0) < 0.15, fillers


# ---- pitch glide ---------------------------------------------------------------------------------

def _held_with_pitch(f_start: float, f_end: float, dur: float = 0.5):
    n = int(dur * SR)
    audio, (t0,) = place(level(murmur(source(np.geomspace(f_start, f_end, n)))))
    fr = frame_features(audio)
    return [s for s in merge_held(held_sounds(fr), fr) if s.duration > 0.2]


def test_smooth_fall_is_held_wide_sweep_is_not() -> None:
    fall = _held_with_pitch(120, 120 * 2 ** (-3 / 12))  # "hmm." falling 3 semitones
    assert fall and is_filler_like(fall[0]) and -4 < fall[0].pitch_glide_st < -2
    sweep = _held_with_pitch(100, 100 * 2 ** (8 / 12))  # an 8-semitone rise: intonation
    assert not any(is_filler_like(s) for s in sweep), sweep


# ---- transcript timing come loose --------------------------------------------------------------

def _syllables(k: int, f0: float = 110.0) -> np.ndarray:
    """k syllables of running speech: a different vowel every 0.11 s, no pauses."""
    out = []
    for i in range(k):
        n = int(0.11 * SR)
        f1, f2 = [(300, 2300), (700, 1200), (450, 900), (600, 1800)][i % 4]
        out.append(schwa(source(np.full(n, f0 * (1 + 0.05 * (i % 3)))), (f1, f2, 2600)))
    return level(np.concatenate(out))


def test_gap_in_words_is_no_filler_when_seconds_of_speech_are_unaccounted_for() -> None:
    uh = level(schwa(source(np.linspace(105, 100, int(0.5 * SR)))))
    # speech ... uh ... speech: the words Whisper wrote sit only at the very end
    audio, (a, b, c) = place(_syllables(14), uh, _syllables(5), gap=0.4)
    end = c + 0.6
    words = [Word("Montreal", c, c + 0.3), Word("aligner.", c + 0.3, end)]
    fillers, verdicts = found(audio, words)
    assert fillers == []
    assert any("lost its place" in v.reason for v in verdicts if abs(v.sound.start - b) < 0.1)
    # the same audio with the first speech transcribed: the uh is a dropped filler
    words = [Word("we", a, a + 0.8), Word("had", a + 0.8, a + 1.55)] + words
    fillers, _ = found(audio, words)
    assert len(fillers) == 1 and abs(fillers[0].start - b) < 0.1


def _syllables_into_held_vowel() -> tuple[np.ndarray, float]:
    """Three quick syllables running straight on into a 0.6 s held vowel, on one breath; the held
    vowel starts 0.33 s after the returned start time."""
    syl = [schwa(source(np.full(int(0.11 * SR), 115.0)), (f1, f2, 2600))
           for f1, f2 in [(300, 2300), (700, 1200), (450, 900)]]
    held = schwa(source(np.linspace(115, 110, int(0.6 * SR))))
    audio, (t0,) = place(level(np.concatenate(syl + [held])))
    return audio, t0


# ---- held end of a word that Whisper ended late ------------------------------------------------

def test_held_vowel_starting_inside_a_clause_final_word_is_that_word() -> None:
    audio, t0 = _syllables_into_held_vowel()
    held_start = t0 + 0.33
    # Whisper's "Montreal," ends 0.15 s after the held vowel began, then nothing until "forced"
    words = [Word("Montreal,", t0, held_start + 0.15), Word("forced", t0 + 1.6, t0 + 1.9)]
    fillers, verdicts = found(audio, words)
    assert fillers == [], verdicts
    assert any("held end of 'Montreal,'" in v.reason for v in verdicts)
    # the same timing after "and" (no clause end): the voice held on is a hesitation
    words = [Word("and", t0, held_start + 0.15), Word("forced", t0 + 1.6, t0 + 1.9)]
    fillers, _ = found(audio, words)
    assert len(fillers) == 1 and abs(fillers[0].start - held_start) < 0.1


def test_frame_rate_is_what_the_times_assume() -> None:
    assert FRAME_RATE == 100


# ---- a word reaching over a separate sound -----------------------------------------------------

def test_word_reaching_over_a_silence_onto_a_held_sound_swallowed_it() -> None:
    uh = level(schwa(source(np.linspace(100, 96, int(0.4 * SR)))))
    syl = [schwa(source(np.full(int(0.11 * SR), 110.0)), (f1, f2, 2600)) for f1, f2 in [(700, 1200), (450, 900)]]
    audio, (t0, t1) = place(uh, level(np.concatenate(syl)), gap=0.3)
    speech = [Interval(t0, t0 + 0.4), Interval(t1, t1 + 0.22)]
    # Whisper's "and" starts inside the uh and ends in the next stretch: not long enough for its
    # letters to look swallowed, but a word has no 0.3 s silence inside it
    words = [Word("so", 0.0, 0.2), Word("and", t0 + 0.25, t1 + 0.1), Word("then", t1 + 0.6, t1 + 0.8)]
    fillers, verdicts = found(audio, words, speech + [Interval(0.0, 0.25), Interval(t1 + 0.55, t1 + 0.85)])
    assert len(fillers) == 1 and abs(fillers[0].start - t0) < 0.08, verdicts
    # the same word lying over the held sound alone (no body elsewhere): part of the word
    words = [Word("so", 0.0, 0.2), Word("and", t0 - 0.05, t0 + 0.45), Word("then", t1, t1 + 0.22)]
    fillers, verdicts = found(audio, words, speech + [Interval(0.0, 0.25)])
    assert fillers == [], verdicts


# ---- "um" or "uh" --------------------------------------------------------------------------------

def test_nasal_closure_at_the_end_labels_um_open_vowel_labels_uh() -> None:
    uh = level(schwa(source(np.linspace(110, 104, int(0.45 * SR)))))
    audio, (t_um, t_uh) = place(um(110.0, 0.45), uh)
    noisy = audio + (0.004 * RNG.standard_normal(len(audio))).astype(np.float32)
    for x in (audio, noisy):
        fillers, _ = found(x, [Word("so", 0.0, 0.2), Word("then", t_uh + 0.9, t_uh + 1.1)],
                           [Interval(0.0, 0.25), Interval(t_um, t_um + 0.45), Interval(t_uh, t_uh + 0.45),
                            Interval(t_uh + 0.85, t_uh + 1.15)])
        labels = {round(f.start): f.text for f in fillers}
        assert [f.text for f in sorted(fillers, key=lambda f: f.start)] == ["(um)", "(uh)"], (labels, fillers)


def test_voiced_sound_cannot_be_the_held_end_of_a_word_ending_voiceless() -> None:
    from mockmic.analysis.audio_fillers import ends_in_sonorant

    assert [ends_in_sonorant(w) for w in ("Montreal,", "aligner.", "day.", "home", "called")] == [True] * 5
    assert [ends_in_sonorant(w) for w in ("forced,", "asked", "like", "once.", "patients,")] == [False] * 5
    audio, t0 = _syllables_into_held_vowel()
    after = [Word("aligner", t0 + 1.6, t0 + 1.9)]
    # "Montreal," can end on a held "l"/vowel: the sound running on from it is that word
    fillers, _ = found(audio, [Word("Montreal,", t0, t0 + 0.33)] + after)
    assert fillers == []
    # "forced," ends in /st/: a steady voiced sound running on from it is a hesitation
    fillers, _ = found(audio, [Word("forced,", t0, t0 + 0.33)] + after)
    assert len(fillers) == 1


# ---- a run of the same sound ---------------------------------------------------------------------

def test_run_of_the_same_held_vowel_counts_even_where_the_words_came_loose() -> None:
    def held(formants, f0=104.0):
        return level(schwa(source(np.linspace(f0, f0 * 0.97, int(0.4 * SR))), formants))

    lead_in = _syllables(14)  # speech Whisper left without words: its timing came loose here
    same = [held((500, 1500, 2500)) for _ in range(3)]  # "uh ... uh ... uh"
    words_changing = [held(f) for f in ((300, 2300, 2600), (750, 1150, 2500), (450, 850, 2400))]
    for parts, expect in ((same, 3), (words_changing, 0)):
        audio, starts = place(lead_in, *parts, _syllables(5), gap=0.4)
        c = starts[-1]
        words = [Word("Montreal", c, c + 0.3), Word("aligner.", c + 0.3, c + 0.6)]
        fillers, verdicts = found(audio, words)
        assert len(fillers) == expect, verdicts


# ---- drawn-out speech (the shared mfa_long clip: "Mooon-treee-aaal fooorced ...") ----------------

def test_last_word_squeezed_into_the_start_of_its_held_vowel_is_that_word() -> None:
    audio, t0 = _syllables_into_held_vowel()
    held_start = t0 + 0.33
    # Whisper puts the whole last word 0.08-0.22 s into the held vowel (it starts after the sound)
    before = [Word("Montreal", t0 - 0.5, t0 - 0.2), Word("forced", t0 - 0.2, held_start - 0.05)]
    fillers, verdicts = found(audio, before + [Word("aligner.", held_start + 0.08, held_start + 0.22)])
    assert fillers == [], verdicts
    assert any("held end of 'aligner.'" in v.reason for v in verdicts)
    # the same timing for a last word that cannot be held on ("and" ends in /d/): a hesitation
    fillers, _ = found(audio, before + [Word("and", held_start + 0.08, held_start + 0.22)])
    assert len(fillers) == 1 and abs(fillers[0].start - held_start) < 0.1


def test_a_held_vowel_the_vad_missed_still_counts_under_the_words_reaching_into_it() -> None:
    held = level(schwa(source(np.linspace(102, 100, int(0.8 * SR))), (550, 900, 2400)))
    audio, (a, b, c) = place(_syllables(3), held, _syllables(3), gap=0.3)
    # the VAD hears the syllables but calls the long steady vowel silence
    speech = [Interval(a, a + 0.33), Interval(c, c + 0.33)]
    # Whisper's words reach 0.2 s into the vowel from both sides: half of it lies under words
    words = [Word("for", a, b + 0.2), Word("stealing", b + 0.6, c + 0.33)]
    fillers, verdicts = found(audio, words, speech)
    assert fillers == [], verdicts
    assert any("part of the word" in v.reason for v in verdicts if abs(v.sound.start - b) < 0.1)
    # words that stop at the silences either side leave the vowel uncovered: a dropped filler
    words = [Word("for", a, a + 0.33), Word("stealing", c, c + 0.33)]
    fillers, _ = found(audio, words, speech)
    assert len(fillers) == 1 and abs(fillers[0].start - b) < 0.1


def test_held_vowel_among_other_drawn_out_vowels_is_a_syllable_not_a_filler() -> None:
    def held(formants, f0=104.0, dur=0.45):
        return level(schwa(source(np.linspace(f0, f0 * 0.98, int(dur * SR))), formants))

    tree, aal, foor = held((300, 2300, 2600)), held((750, 1150, 2500)), held((480, 820, 2400), 98.0)
    for parts, expect in (((tree, aal, foor), 0), ((_syllables(4), aal, _syllables(4)), 1)):
        audio, starts = place(_syllables(5), *parts, _syllables(5), gap=0.25)
        mid = starts[2]
        # words on the syllables around the middle sound, none over it
        words = [Word("we", starts[0], starts[0] + 0.55), Word("had", starts[1], starts[1] + 0.2),
                 Word("the", starts[3], starts[3] + 0.2), Word("end.", starts[4], starts[4] + 0.55)]
        fillers, verdicts = found(audio, words)
        got = [f for f in fillers if abs(f.start - mid) < 0.1]
        assert len(got) == expect, verdicts
        if not expect:
            assert any("drawn-out" in v.reason for v in verdicts if abs(v.sound.start - mid) < 0.1)


def test_word_stretched_across_a_held_sound_standing_alone_between_silences_swallowed_it() -> None:
    # "Mon- ... hm ... -treal": the hum is its own stretch of speech, silences either side
    hm = level(murmur(source(np.linspace(100, 97, int(0.37 * SR)))))
    audio, (a, b, c) = place(_syllables(4), hm, _syllables(4), gap=0.5)
    speech = [Interval(a, a + 0.44), Interval(b, b + 0.4), Interval(c, c + 0.44)]
    # Whisper's one word runs from the first syllables over the hum into the last ones
    words = [Word("a", a - 0.3, a), Word("lot", a, c + 0.44)]
    fillers, verdicts = found(audio, words, speech)
    assert len(fillers) == 1 and abs(fillers[0].start - b) < 0.08, verdicts
    # a word lying over the hum alone (no body in other stretches) is that word, not a filler
    words = [Word("Montreal", a, a + 0.44), Word("hmm-like", b - 0.02, b + 0.4), Word("forced", c, c + 0.44)]
    fillers, verdicts = found(audio, words, speech)
    assert fillers == [], verdicts


# ---- short members of a run ----------------------------------------------------------------------

def _uh(dur: float, f0: float = 101.0, formants=(500, 1500, 2500)) -> np.ndarray:
    return level(schwa(source(np.linspace(f0, f0 * 0.99, int(dur * SR))), formants))


def test_a_short_uh_counts_when_it_repeats_a_run_of_the_same_uh() -> None:
    # "uh (0.13 s) ... uh ... uh": the first is too short to count alone, the run vouches for it
    for first, expect in ((_uh(0.13), 3), (_uh(0.13, formants=(300, 2300, 2600)), 2)):
        audio, (a, b, c, d) = place(first, _uh(0.4), _uh(0.4), _syllables(5), gap=0.4)
        words = [Word("so", 0.0, 0.2), Word("Montreal", d, d + 0.55)]
        fillers, verdicts = found(audio, words)
        assert len(fillers) == expect, verdicts
        assert any(abs(f.start - a) < 0.06 for f in fillers) == (expect == 3)


def test_a_short_fragment_next_to_a_held_uh_is_not_a_second_filler() -> None:
    # the same 0.13 s sound 0.08 s before a held "uh" (an onset the merge left apart): one filler
    frag, uh = _uh(0.13), _uh(0.4)
    gap = np.zeros(int(0.08 * SR), np.float32)
    audio, (a, b, c) = place(np.concatenate([frag, gap, uh]), _uh(0.4), _syllables(5), gap=0.4)
    words = [Word("so", 0.0, 0.2), Word("Montreal", c, c + 0.55)]
    fillers, verdicts = found(audio, words)
    assert len(fillers) == 2, verdicts


def test_run_of_the_same_uh_counts_even_right_after_a_word_that_could_be_held() -> None:
    # "Montreal," runs straight on into "uh", then two more of the same "uh" after pauses
    syl = level(np.concatenate([schwa(source(np.full(int(0.11 * SR), 110.0)), (f1, f2, 2600))
                                for f1, f2 in [(300, 2300), (700, 1200), (450, 900)]]))
    first = np.concatenate([syl, _uh(0.35)])
    for parts, expect in (((first, _uh(0.4), _uh(0.4)), 3), ((first,), 0)):
        audio, starts = place(*parts, _syllables(5), gap=0.4)
        t0, end = starts[0], starts[-1]
        words = [Word("Montreal,", t0, t0 + 0.33), Word("forced", end, end + 0.55)]
        fillers, verdicts = found(audio, words)
        assert len(fillers) == expect, verdicts


# ---- "uh" written as "a" -------------------------------------------------------------------------

def test_held_schwa_alone_between_pauses_written_a_is_a_filler() -> None:
    uh = _uh(0.4)
    audio, (a, b, c) = place(_syllables(4), uh, _syllables(4), gap=0.4)
    speech = [Interval(a, a + 0.44), Interval(b, b + 0.4), Interval(c, c + 0.44)]
    for word, expect in (("a", 1), ("the", 0)):
        words = [Word("we", a, a + 0.44), Word(word, b, b + 0.4), Word("doctor", c, c + 0.44)]
        fillers, verdicts = found(audio, words, speech)
        assert len(fillers) == expect and all(abs(f.start - b) < 0.08 for f in fillers), verdicts
    # the article said joined to its noun (no pause between): a slow "a", not a filler
    audio, (a, b) = place(_syllables(4), np.concatenate([uh, _syllables(4)]), gap=0.4)
    speech = [Interval(a, a + 0.44), Interval(b, b + 0.84)]
    words = [Word("we", a, a + 0.44), Word("a", b, b + 0.4), Word("doctor", b + 0.4, b + 0.84)]
    fillers, verdicts = found(audio, words, speech)
    assert fillers == [], verdicts


def test_an_a_that_is_a_filler_leaves_the_word_count_and_shows_once() -> None:
    from mockmic.analysis.delivery import build_report
    from mockmic.analysis.fillers import fillers_written_as_words
    from mockmic.config import Thresholds
    from mockmic.core import Filler, Target
    from mockmic.export import transcript_tokens
    from mockmic.render import transcript_text

    words = [Word("We", 0.5, 0.7), Word("need", 0.7, 1.0), Word("a", 1.6, 1.8), Word("doctor.", 2.6, 3.1)]
    for filler_at, expect_words in (((1.5, 1.95), 3), ((2.0, 2.4), 4)):
        audio = [Filler("(uh)", *filler_at, "hesitation", "audio")]
        used = fillers_written_as_words(words, audio)
        report = build_report(file="x.wav", model="t", duration_s=4.0, words=words,
                              speech=[Interval(0.5, 1.0), Interval(1.5, 2.4), Interval(2.6, 3.1)],
                              fillers=audio, filler_word_indices=used, target=Target(1.0, 10.0),
                              thresholds=Thresholds())
        assert report.word_count == expect_words and report.fillers.count == 1
        shown = transcript_text(report).plain
        kinds = [t.kind for t in transcript_tokens(report)]
        if expect_words == 3:  # the "a" is the filler: shown once, as a marked word
            assert "(uh)" not in shown and shown.count(" a ") == 1
            assert kinds.count("filler") == 1 and "audio_filler" not in kinds
        else:  # a filler beside the word: both shown
            assert "(uh)" in shown and kinds.count("audio_filler") == 1 and "filler" not in kinds
