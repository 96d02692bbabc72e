#!/usr/bin/env python3
"""Make the spoken test answers in tests/data/ with the Piper voice (offline).

    .venv/bin/python scripts/make_sample_answer.py            # both answers
    .venv/bin/python scripts/make_sample_answer.py tell_me    # one of them

Each answer is a script of sentences and silences. Every sentence is synthesized on its own, its
silent edges trimmed, and the pieces are joined with the silences written below, so the timeline
is known exactly. Writes, for ``NAME``:

- ``answer_NAME.flac``: 16 kHz mono FLAC,
- ``answer_NAME.txt``: the exact words spoken, fillers included,
- ``answer_NAME.json``: where each sentence and each silence lies (seconds), word counts.

Piper samples a little noise, so two runs give slightly different audio; the committed files
and their .txt/.json always come from the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockmic.audio.voice import SAMPLE_RATE, VOICE_NAME, synthesize, write_flac  # noqa: E402

OUT = ROOT / "tests" / "data"
GAP = 0.45
"""Silence between sentences (a natural breath pause)."""

# (kind, value): "say" a sentence, or "pause" for that many seconds (beyond the usual gap).
ANSWERS: dict[str, dict[str, object]] = {
    "tell_me": {
        "question": "core-tell-me-about-yourself",
        "lead": 0.8,
        "tail": 1.0,
        "script": [
            ("say", "Thank you for having me."),
            ("say", "I grew up in a small town where the nearest hospital was two hours away."),
            ("say", "Um, that distance shaped a lot of what I care about as a doctor."),
            ("say", "I studied medicine in Nigeria, and during my internship I worked on a busy "
                    "medical ward with four junior doctors and one consultant."),
            ("say", "I learned early to call my senior as soon as a patient was getting worse."),
            ("pause", 3.5),
            ("say", "Um, after that I spent a year in a diabetes clinic, where I started a small project "
                    "to follow up patients who missed their visits."),
            ("say", "That project is the main reason I chose internal medicine."),
            ("say", "Last year I spent three months as an observer in a hospital in Ohio."),
            ("say", "Next, I hope to work in primary care, and your program, with its strong "
                    "clinic, is where I want to start."),
        ],
    },
    "short": {
        "question": "training-independence-at-home",
        "lead": 0.6,
        "tail": 1.0,
        "script": [
            ("say", "During my internship I looked after about twenty patients every day."),
            ("say", "But in my country we had to manage everything alone, so I learned to make "
                    "decisions quickly."),
        ],
    },
}

LENGTH_SCALE = 1.5
"""Piper speaks fast (about 190 words a minute); this brings it near 145, a calm interview pace."""

FILLER_WORDS = {"um", "uh", "er", "ah", "hmm"}


def trim(audio: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    """Cut the silent edges (frames of 10 ms below ``threshold`` RMS)."""
    frame = SAMPLE_RATE // 100
    n = len(audio) // frame
    rms = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > threshold)
    if len(loud) == 0:
        return audio[:0]
    return audio[loud[0] * frame: (loud[-1] + 1) * frame]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


def make(name: str) -> dict[str, object]:
    spec = ANSWERS[name]
    parts: list[np.ndarray] = []
    t = float(spec["lead"])
    parts.append(np.zeros(int(t * SAMPLE_RATE), np.float32))
    segments: list[dict[str, object]] = []
    pauses: list[dict[str, float]] = []
    spoken: list[str] = []
    script = list(spec["script"])
    for i, (kind, value) in enumerate(script):
        if kind == "pause":
            # the deliberate pause replaces the usual gap before the next sentence
            pauses.append({"start": round(t, 3), "end": round(t + float(value), 3), "length_s": float(value)})
            parts.append(np.zeros(int(float(value) * SAMPLE_RATE), np.float32))
            t += float(value)
            continue
        audio = trim(synthesize(str(value), length_scale=LENGTH_SCALE))
        segments.append({"text": value, "start": round(t, 3),
                         "end": round(t + len(audio) / SAMPLE_RATE, 3)})
        parts.append(audio)
        t += len(audio) / SAMPLE_RATE
        spoken.append(str(value))
        nxt = script[i + 1][0] if i + 1 < len(script) else None
        if nxt == "say":
            parts.append(np.zeros(int(GAP * SAMPLE_RATE), np.float32))
            t += GAP
    parts.append(np.zeros(int(float(spec["tail"]) * SAMPLE_RATE), np.float32))
    audio = np.concatenate(parts)
    # the same loudness as a person close to a laptop microphone, with headroom
    audio *= 0.5 / max(1e-6, float(np.abs(audio).max()))

    text = " ".join(spoken)
    all_words = words(text)
    info = {
        "question": spec["question"],
        "voice": VOICE_NAME,
        "sample_rate": SAMPLE_RATE,
        "duration_s": round(len(audio) / SAMPLE_RATE, 3),
        "first_word_s": segments[0]["start"],
        "last_word_end_s": segments[-1]["end"],
        "words": len(all_words),
        "lexical_words": sum(w not in FILLER_WORDS for w in all_words),
        "fillers": [w for w in all_words if w in FILLER_WORDS],
        "deliberate_pauses": pauses,
        "segments": segments,
        "generator": "scripts/make_sample_answer.py",
    }
    flac = write_flac(OUT / f"answer_{name}.flac", audio)
    (OUT / f"answer_{name}.txt").write_text(text + "\n", encoding="utf-8")
    (OUT / f"answer_{name}.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"{flac.relative_to(ROOT)}: {info['duration_s']:.1f} s, {info['lexical_words']} words, "
          f"fillers {info['fillers']}, pauses {[p['length_s'] for p in pauses]}, "
          f"{flac.stat().st_size / 1024:.0f} KiB")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make the spoken test answers in tests/data/.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(ANSWERS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in ANSWERS]
    if unknown:
        parser.error(f"unknown answer {unknown[0]!r}; choose from {', '.join(ANSWERS)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(ANSWERS):
        make(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
