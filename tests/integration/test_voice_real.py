"""Vocal variety on real speech: the Piper voice as it speaks against the same answers made
monotone, and the shared read speech, which must never be called monotone.

Flattening: each answer goes through a source-filter (LPC) vocoder twice
(:func:`speech_synth.resynthesise`): once with its own pitch track (pYIN), once with the pitch
excursions scaled down about the speaker's median. Words, timing, loudness and voice quality are
the vocoder's in both renditions, so the only difference the flag can see is the intonation.
Piper's own settings cannot do this: its noise scales change timing and a little of the
intonation, never to a flat voice. Half the excursions (``0.5``) is a speaker who still moves,
only less; ``0`` is one note. The raw Piper audio is a third natural rendition.

Slow (Piper synthesis, pYIN, the VAD): run with ``pytest -m slow``.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np
import pytest
import soundfile as sf

from mockmic.analysis.pitch import pitch_frames
from mockmic.analysis.voice import _speech_frames, summarise, voice_flags, window_ranges
from mockmic.config import load_settings
from mockmic.core import Word
from mockmic.pipeline.vad import scan_speech
from speech_synth import join, resample, resynthesise, speak

pytestmark = pytest.mark.slow

ANSWERS = (
    ("I chose internal medicine because I enjoy following a patient from the first question to the discharge.",
     "On my medicine rotation I looked after an elderly man with heart failure for three weeks.",
     "Seeing him walk out of the ward on his own convinced me that this is the work I want to do."),
    ("My biggest weakness used to be asking for help too late.",
     "During my first month I tried to solve a difficult potassium problem on my own.",
     "Now I call my senior as soon as I am unsure, and I tell the team what I have already done."),
    ("A nurse once told me that a patient looked different from the morning.",
     "I went back, examined him again and found that his blood pressure had dropped.",
     "We started fluids early, and I learned to take every concern from the nursing staff seriously."),
    ("In five years I see myself as a confident general internist.",
     "I would like to teach medical students on the ward and take part in quality improvement.",
     "Your program's clinic in the community is one of the reasons I applied here."),
    ("When two colleagues disagreed about a discharge plan, I asked each of them to explain their view.",
     "It turned out that one of them had not seen the latest laboratory results.",
     "Once we looked at the results together, we agreed on a plan within ten minutes."),
    ("Moving to a new country taught me to listen carefully and to ask when I do not understand.",
     "I practised my clinical English every evening with recorded case presentations.",
     "Today I present patients clearly, and I still write down the words that are new to me."),
    ("The hardest conversation I had was telling a family that their mother would not recover.",
     "I sat down with them in a quiet room and let them ask every question they had.",
     "Afterwards the daughter thanked me for being honest and for taking the time."),
    ("Research taught me patience, because our first two experiments gave no useful result.",
     "We changed the method, asked a statistician for advice and tried a third time.",
     "That study was published last year, and I presented it at a national meeting."),
)
RENDITIONS = {"piper": None, "natural": 1.0, "half": 0.5, "flat": 0.0}
MONOTONE = {"piper": False, "natural": False, "half": True, "flat": True}


@functools.lru_cache(maxsize=None)
def spoken(k: int) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    """Answer ``k`` and the (start, end) of each of its sentences, in seconds."""
    parts: list = []
    for s in ANSWERS[k]:
        parts += [speak(s), 0.6]
    audio, gaps = join(parts[:-1])
    edges = [0.0] + [t for g in gaps for t in g] + [len(audio) / 16_000]
    return audio, tuple(zip(edges[0::2], edges[1::2]))


def answer(k: int) -> np.ndarray:
    return spoken(k)[0]


def sentence_words(spans) -> list[Word]:
    """One stand-in word per sentence, closed by a full stop: all the loudness code reads."""
    return [Word("sentence.", a, b) for a, b in spans]


def faded(audio: np.ndarray, spans, drop_db: float) -> np.ndarray:
    """Each sentence's last third falls linearly to ``drop_db`` below its level."""
    out = audio.copy()
    for a, b in spans:
        i, j = int(a * 16_000), int(b * 16_000)
        k = i + (j - i) * 2 // 3
        out[k:j] *= 10 ** (-np.linspace(0, drop_db, j - k) / 20)
    return out


@functools.lru_cache(maxsize=None)
def rendition(k: int, name: str) -> np.ndarray:
    scale = RENDITIONS[name]
    return answer(k) if scale is None else resynthesise(answer(k), pitch_scale=scale)


_MEASURED: dict[str, tuple] = {}


def measured(audio: np.ndarray) -> tuple:
    """mockmic's pitch frames and speech intervals of ``audio``, measured once per audio (the
    verdict and the printed narrowest window read the same ones)."""
    key = hashlib.sha1(np.ascontiguousarray(audio).tobytes()).hexdigest()
    if key not in _MEASURED:
        _MEASURED[key] = (pitch_frames(audio), scan_speech(audio).intervals)
    return _MEASURED[key]


def judge(audio: np.ndarray, words: list[Word] | None = None):
    th = load_settings().thresholds
    frames, speech = measured(audio)
    v = summarise(frames, speech, words or [], th)
    return v, [f.code for f in voice_flags(v, th)]


def narrowest_window(audio: np.ndarray) -> float:
    """The smallest 10th-90th percentile range of any judged 10 s window (semitones)."""
    fr = _speech_frames(*measured(audio))
    voiced = ~np.isnan(fr.st)
    ranges = window_ranges(fr.times[voiced], fr.st[voiced], load_settings().thresholds)
    return min((r for _, _, r in ranges), default=float("nan"))


def test_monotone_separates_flattened_from_natural_renditions() -> None:
    right, rows = 0, []
    for k in range(len(ANSWERS)):
        for name in RENDITIONS:
            v, codes = judge(rendition(k, name))
            ok = ("monotone" in codes) == MONOTONE[name]
            right += ok
            rows.append(f"answer {k} {name:8s} spread {v.spread_st} st, narrowest 10 s window "
                        f"{narrowest_window(rendition(k, name)):.2f} st {'ok' if ok else 'WRONG'}")
    cases = len(ANSWERS) * len(RENDITIONS)
    print("\n".join(rows))
    print(f"monotone right in {right}/{cases} ({right / cases:.1%})")
    assert answer(0).size / 16_000 >= 12  # long enough to hold a 10 s window
    assert right / cases >= 0.95, "\n".join(rows)


def test_flattening_changes_the_pitch_and_nothing_else() -> None:
    natural, flat = rendition(1, "natural"), rendition(1, "flat")
    assert len(natural) == len(flat)
    vn, _ = judge(natural)
    vf, _ = judge(flat)
    assert vn.spread_st > 3 * vf.spread_st
    assert abs(vn.speech_dbfs - vf.speech_dbfs) < 3.0


def test_natural_sentence_ends_do_not_trail_off_faded_ones_do() -> None:
    natural_drops, right = [], 0
    for k in range(len(ANSWERS)):
        audio, spans = spoken(k)
        words = sentence_words(spans)
        v, codes = judge(audio, words)
        vf, faded_codes = judge(faded(audio, spans, 15.0), words)
        assert len(v.sentences) == len(vf.sentences) == 3
        natural_drops += [s.end_drop_db for s in v.sentences]
        right += ("trailing_off" not in codes) + ("trailing_off" in faded_codes)
    print(f"natural sentence-end drops (dB): {sorted(natural_drops)}; right {right}/{2 * len(ANSWERS)}")
    assert right == 2 * len(ANSWERS)


@pytest.mark.parametrize("name", ["2412-153948-0000.flac", "61-70968-0000.flac", "jfk.flac"])
def test_read_speech_is_not_monotone(shared_speech, name: str) -> None:
    audio, rate = sf.read(str(shared_speech / "read" / name), dtype="float32", always_2d=True)
    audio = resample(audio.mean(axis=1), rate)
    v, codes = judge(audio)
    assert v.voiced_s > 1.0 and v.spread_st is not None
    print(f"{name}: spread {v.spread_st} st, narrowest 10 s window {narrowest_window(audio):.2f} st")
    assert "monotone" not in codes, (name, v.spread_st, v.flat_stretches)
    assert "too_quiet" not in codes
