"""Pitch track, vocal variety, loudness per sentence: synthetic voices with known contours."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mockmic.analysis.pitch import GROUP, PitchTracker, frame_count, pitch_frames
from mockmic.analysis.voice import summarise, voice_flags, with_voice
from mockmic.config import Thresholds
from mockmic.core import Interval, Report, Word

SR = 16_000
TH = Thresholds()


def voice(f0: np.ndarray, level_db: np.ndarray | float = -20.0, seed: int = 0) -> np.ndarray:
    """A buzzy harmonic voice following ``f0`` (Hz per sample), syllable-like 4 Hz beats,
    RMS about ``level_db`` (per sample or one value), and a little noise."""
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(np.sin(k * phase) / k for k in range(1, 12))
    t = np.arange(len(f0)) / SR
    x = x * (0.55 + 0.45 * np.cos(2 * np.pi * 4 * t))
    x = x / np.sqrt(np.mean(x ** 2)) * 10 ** (np.asarray(level_db) / 20)
    rng = np.random.default_rng(seed)
    return (x + rng.normal(0, 1e-4, len(x))).astype(np.float32)


def contour(kind: str, seconds: float = 20.0, median: float = 120.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    if kind == "flat":  # a slight wobble of +-0.3 semitones
        st = 0.3 * np.sin(2 * np.pi * 0.7 * t)
    elif kind == "varied":  # rises and falls of +-4 semitones every couple of seconds
        st = 4 * np.sin(2 * np.pi * 0.45 * t) + 1.5 * np.sin(2 * np.pi * 1.3 * t)
    else:
        raise ValueError(kind)
    return median * 2 ** (st / 12)


def words_every(seconds: float, sentence_s: float) -> list[Word]:
    """One word per 0.5 s; each sentence of ``sentence_s`` ends with a full stop."""
    out = []
    for i, a in enumerate(np.arange(0, seconds - 0.5 + 1e-9, 0.5)):
        last = (a + 0.5) % sentence_s < 1e-6 or a + 1.0 > seconds
        out.append(Word("word." if last else "word", float(a), float(a + 0.45)))
    return out


def whole(seconds: float) -> list[Interval]:
    return [Interval(0.0, seconds)]


@pytest.mark.parametrize("hz", [85.0, 120.0, 210.0, 330.0])
def test_tracker_finds_a_known_pitch(hz: float) -> None:
    fr = pitch_frames(voice(np.full(SR * 2, hz)))
    voiced = fr.aperiodicity < 0.3
    assert voiced.mean() > 0.9
    assert np.median(np.abs(12 * np.log2(fr.f0[voiced] / hz))) < 0.1


def test_noise_is_not_voiced() -> None:
    rng = np.random.default_rng(1)
    fr = pitch_frames((rng.normal(0, 0.05, SR * 2)).astype(np.float32))
    assert (fr.aperiodicity < 0.3).mean() < 0.05


def test_tracker_gives_the_same_frames_however_the_audio_arrives() -> None:
    audio = voice(contour("varied", 31.0))  # more than 512 frames
    whole_file = pitch_frames(audio)
    tracker = PitchTracker()
    for n in (100, 1023, 1024, 5000, 5001, 33333, 40000, 70000):
        tracker.push(audio, n)
    assert tracker.frames_done % GROUP == 0  # whole groups only, until the end
    tracker.push(audio, len(audio), final=True)
    live = tracker.frames()
    assert len(live) == len(whole_file) == frame_count(len(audio))
    for k in ("times", "f0", "aperiodicity", "level_db"):
        assert np.array_equal(getattr(live, k), getattr(whole_file, k)), k


def _summary(audio: np.ndarray, words: list[Word] | None = None, th: Thresholds = TH):
    seconds = len(audio) / SR
    v = summarise(pitch_frames(audio), whole(seconds), words or [], th)
    return v, {f.code: f for f in voice_flags(v, th)}


def test_flat_voice_is_monotone_varied_is_not() -> None:
    flat, flat_flags = _summary(voice(contour("flat")))
    varied, varied_flags = _summary(voice(contour("varied")))
    assert flat.spread_st is not None and flat.spread_st < 1.0
    assert varied.spread_st is not None and varied.spread_st > 5.0
    assert "monotone" in flat_flags and "monotone" not in varied_flags
    assert flat.flat_stretches and flat.flat_stretches[0].end - flat.flat_stretches[0].start >= 10
    assert flat_flags["monotone"].at_s is not None and flat_flags["monotone"].tip
    assert abs(flat.median_hz - 120) < 3


def test_monotone_names_the_flattest_stretch() -> None:
    # 15 s of lively speech, then 15 s flat: the flag points into the flat half
    audio = np.concatenate([voice(contour("varied", 15.0)), voice(contour("flat", 15.0))])
    v, flags = _summary(audio)
    assert "monotone" in flags
    assert flags["monotone"].at_s >= 4.0
    assert all(s.start >= 4.0 for s in v.flat_stretches)


def test_monotone_threshold_is_a_setting() -> None:
    loose = replace(TH, flat_range_st=20.0)
    _, flags = _summary(voice(contour("varied")), th=loose)
    assert "monotone" in flags


def test_short_answers_are_not_judged_for_monotony() -> None:
    _, flags = _summary(voice(contour("flat", 6.0)))
    assert "monotone" not in flags


def _falling_ends(seconds: float, sentence_s: float, drop_db: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    pos = (t % sentence_s) / sentence_s
    level = -20.0 - np.where(pos > 0.7, drop_db * (pos - 0.7) / 0.3, 0.0)
    return voice(contour("varied", seconds), level)


def test_sentences_that_fade_out_trail_off_steady_ones_do_not() -> None:
    words = words_every(24.0, 4.0)
    fading, fading_flags = _summary(_falling_ends(24.0, 4.0, 18.0), words)
    steady, steady_flags = _summary(_falling_ends(24.0, 4.0, 0.0), words)
    assert len(fading.sentences) == len(steady.sentences) == 6
    assert min(s.end_drop_db for s in fading.sentences) > TH.trailing_drop_db
    assert max(abs(s.end_drop_db) for s in steady.sentences) < 2.0
    assert "trailing_off" in fading_flags and "trailing_off" not in steady_flags
    assert fading.trailing_share == 1.0 and steady.trailing_share == 0.0


def test_a_few_fading_sentences_are_not_a_habit() -> None:
    words = words_every(24.0, 4.0)
    audio = np.concatenate([_falling_ends(8.0, 4.0, 18.0), _falling_ends(16.0, 4.0, 0.0)])
    v, flags = _summary(audio, words)
    assert 0 < v.trailing_share <= TH.trailing_share
    assert "trailing_off" not in flags


def test_quiet_recording_gets_the_microphone_hint() -> None:
    quiet, quiet_flags = _summary(voice(contour("varied"), -52.0))
    normal, normal_flags = _summary(voice(contour("varied"), -22.0))
    assert quiet.speech_dbfs < TH.too_quiet_dbfs < normal.speech_dbfs
    assert abs(normal.speech_dbfs + 22.0) < 1.5
    assert "too_quiet" in quiet_flags and "too_quiet" not in normal_flags
    assert "microphone" in quiet_flags["too_quiet"].tip
    # a quiet voice is still a voice: the pitch is measured all the same
    assert abs(quiet.spread_st - normal.spread_st) < 0.3


def test_only_speech_frames_count() -> None:
    audio = np.concatenate([voice(contour("flat", 12.0)), voice(contour("varied", 12.0))])
    v = summarise(pitch_frames(audio), [Interval(12.0, 24.0)], [], TH)
    assert v.spread_st > 5.0 and not v.flat_stretches


def test_no_speech_gives_an_empty_summary() -> None:
    v = summarise(pitch_frames(np.zeros(SR * 3, dtype=np.float32)), [], [], TH)
    assert v.voiced_s == 0 and v.median_hz is None and v.spread_st is None
    assert v.speech_dbfs is None and voice_flags(v, TH) == []


def _report(**kw) -> Report:
    from mockmic.core import FillerSummary, Target

    base = dict(file="a.wav", model="base", duration_s=20.0, latency_s=0.1, speaking_time_s=19.0,
                word_count=40, wpm=126.0, articulation_wpm=130.0, transcript="", words=[],
                fillers=FillerSummary(0, 0.0, 0.0, {}, []), pauses=[], flags=[],
                target=Target(10, 60))
    base.update(kw)
    return Report(**base)


def test_voice_goes_into_the_report_and_round_trips_through_json() -> None:
    audio = voice(contour("flat"))
    report = with_voice(_report(), pitch_frames(audio), whole(20.0), [], TH)
    assert report.voice is not None and [f.code for f in report.flags] == ["monotone"]
    data = report.to_json()
    assert data["voice"]["flat_stretches"][0]["range_st"] < 1.0
    assert data["voice"]["contour"] and set(data["voice"]["contour"][0]) == {"t", "st"}
    again = Report.from_json(data)
    assert again.voice == report.voice
    del data["voice"]  # reports stored before voice was measured
    assert Report.from_json(data).voice is None


def test_no_speech_report_gets_no_voice() -> None:
    report = with_voice(_report(no_speech=True), pitch_frames(voice(contour("flat"))), whole(20.0), [], TH)
    assert report.voice is None and report.flags == []
