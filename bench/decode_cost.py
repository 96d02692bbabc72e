"""What one Whisper pass costs by input length: the floor under stop -> report.

    .venv/bin/python bench/decode_cost.py [--model base] [--repeats 3]

The live session waits, after stop, for one pass over the last chunk. This prints the wall time
of ``WhisperTranscriber.transcribe`` (the app's own settings: filler prompt, beam 1, word
timestamps) on pieces of 1-20 s cut from the 120 s benchmark answer at VAD pauses, so no piece
starts or ends inside a word. Each length is measured ``--repeats`` times on different pieces.
The ratio column divides by the 1 s pass of the same run: a pass that barely grows with its
input is dominated by the fixed 30 s encoder pass, which no chunking can avoid.
Prints numbers; asserts nothing. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

LENGTHS = (1.0, 3.0, 5.0, 10.0, 15.0, 20.0)


def pieces(speech, duration: float, length: float, count: int) -> list[tuple[float, float]]:
    """Up to ``count`` spans of about ``length`` s, each starting and ending in a pause."""
    gaps = [0.0] + [0.5 * (a.end + b.start) for a, b in zip(speech, speech[1:])] + [duration]
    out: list[tuple[float, float]] = []
    i = 0
    while len(out) < count and i < len(gaps) - 1:
        start = gaps[i]
        # the pause nearest to start + length
        j = min(range(i + 1, len(gaps)), key=lambda k: abs(gaps[k] - start - length))
        out.append((start, gaps[j]))
        i = j
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="base")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "mockmic-bench"))
    ap.add_argument("--beams", default=None,
                    help="comma-separated beam sizes to compare in this run (e.g. 1,5); "
                         "default: the settings' beam size only")
    args = ap.parse_args(argv)

    from answer_audio import cached_answer

    from mockmic.audio.io import decode_file
    from mockmic.config import load_settings
    from mockmic.core import SAMPLE_RATE
    from mockmic.pipeline.vad import scan_speech
    from mockmic.pipeline.transcription import make_transcriber

    settings = load_settings()
    transcriber = make_transcriber(settings, args.model)
    audio = decode_file(cached_answer(Path(args.cache), 120.0)).samples
    duration = len(audio) / SAMPLE_RATE
    speech = scan_speech(audio, min_silence_s=0.2).intervals
    transcriber.transcribe(audio[: 3 * SAMPLE_RATE])  # load the model, warm the caches
    load = os.getloadavg()
    print(f"model {args.model}, {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f}")
    beams = [int(b) for b in args.beams.split(",")] if args.beams else [transcriber.beam_size]
    print(f"{'beam':>4s} {'input':>8s} {'actual':>8s} {'median':>8s} {'worst':>8s} {'ratio':>6s}  passes (s)"
          + ("   (ratio: to the 1 s pass of the first beam size)" if len(beams) > 1 else ""))
    base = None
    for length in LENGTHS:
        spans = pieces(speech, duration, length, args.repeats)
        for beam in beams:
            transcriber.beam_size = beam
            times = []
            for a, b in spans:
                seg = audio[int(a * SAMPLE_RATE):int(b * SAMPLE_RATE)]
                t0 = time.perf_counter()
                transcriber.transcribe(seg, offset=a)
                times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            base = base or med
            actual = statistics.mean(b - a for a, b in spans)
            print(f"{beam:4d} {length:7.0f}s {actual:7.1f}s {med:7.2f}s {max(times):7.2f}s {med / base:5.2f}x  "
                  + " ".join(f"{t:.2f}" for t in times))
    loops = getattr(transcriber, "loops_repaired", None)
    if loops is not None:
        print(f"chunks decoded again for a loop during these passes: {loops}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
