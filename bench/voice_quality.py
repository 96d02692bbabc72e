"""Cost of the voice-quality analysis (issue 16): pitch trackers per minute of audio, and
stop -> report for the 120 s answer with and without it.

1. CPU time (process time, so other users of the machine do not count) per minute of audio for
   each pitch tracker considered, on the Piper answer of bench/answer_audio.py, the trackers
   taking turns so that a busy spell hits them alike: mockmic's own YIN frames
   (``analysis/pitch.py``, fed in 0.1 s blocks as the live session does while recording, and in
   one pass as for a file), the summary at stop
   (``analysis/voice.py``), ``librosa.yin`` and ``librosa.pyin`` (same 20 ms hop, 60-400 Hz),
   and Praat through ``parselmouth`` when it is installed (it is GPL-licensed; mockmic is MIT and
   does not depend on it).
2. ``--stop-runs N``: stop -> report through the virtual microphone, exactly as
   bench/stop_to_report.py measures it (its helpers, the same answer), runs alternating between
   the analysis with voice quality and the analysis as it was before (pitch frames and summary
   switched off in this process only).

    .venv/bin/python bench/voice_quality.py [--reps 5] [--stop-runs 6] [--model base]

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

SR = 16_000


def stand_in_words(speech) -> list:
    """A word every 0.4 s of speech, a full stop every 12 words: the summary's per-sentence work
    without running Whisper (its cost does not depend on what the words say)."""
    from mockmic.core import Word

    words = []
    for iv in speech:
        for t in np.arange(iv.start, iv.end - 0.3, 0.4):
            words.append(Word("word." if len(words) % 12 == 11 else "word", float(t), float(t + 0.35)))
    return words


def trackers(audio: np.ndarray) -> dict:
    import librosa

    from mockmic.analysis.pitch import PitchTracker, pitch_frames
    from mockmic.analysis.voice import summarise
    from mockmic.config import Thresholds
    from mockmic.pipeline.vad import scan_speech

    speech = scan_speech(audio).intervals
    frames = pitch_frames(audio)
    words = stand_in_words(speech)
    x = audio.astype(np.float32)
    def live() -> None:  # as the live session does: 0.1 s blocks in, whole groups measured
        tracker = PitchTracker()
        for n in range(1600, len(audio) + 1600, 1600):
            tracker.push(audio, min(n, len(audio)))
        tracker.push(audio, len(audio), final=True)

    out = {
        "mockmic pitch frames (while recording)": live,
        "mockmic pitch frames (whole file)": lambda: pitch_frames(audio),
        "mockmic summary (at stop)": lambda: summarise(frames, speech, words, Thresholds()),
        "librosa.yin": lambda: librosa.yin(x, fmin=60, fmax=400, sr=SR, frame_length=1024, hop_length=320),
        "librosa.pyin": lambda: librosa.pyin(x, fmin=60, fmax=400, sr=SR, frame_length=1024, hop_length=320),
    }
    try:
        import parselmouth  # GPL: measured only when someone installed it

        snd = parselmouth.Sound(audio.astype(np.float64), sampling_frequency=SR)
        out["parselmouth (Praat To Pitch)"] = lambda: snd.to_pitch(time_step=0.02, pitch_floor=60, pitch_ceiling=400)
    except ImportError:
        print("parselmouth: not installed (GPL; not a dependency) - not measured")
    return out


def cost(audio: np.ndarray, reps: int) -> None:
    minutes = len(audio) / SR / 60
    fns = trackers(audio)
    times: dict[str, list[float]] = {k: [] for k in fns}
    for fn in fns.values():
        fn()  # warm-up: imports, numba compilation, FFT plans
    for rep in range(reps):
        for name, fn in fns.items():
            if name == "librosa.pyin" and rep >= 2:
                continue  # ~2 s per minute of audio: two runs say enough
            t = time.process_time()
            fn()
            times[name].append((time.process_time() - t) / minutes)
    yin = statistics.median(times["librosa.yin"])
    print(f"\nCPU seconds per minute of audio ({len(audio) / SR:.0f} s answer, median of the runs):")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"  {name:<40} {med:7.3f} s/min   ({med / yin:5.2f}x librosa.yin, n={len(ts)})")
    added = statistics.median(times["mockmic pitch frames (while recording)"]) + statistics.median(
        times["mockmic summary (at stop)"])
    print(f"  {'added by voice quality (frames + summary)':<40} {added:7.3f} s/min   (target <= 0.1)")
    at_stop(audio, reps)


def at_stop(audio: np.ndarray, reps: int) -> None:
    """CPU time of what is left for stop: the last (partial) group of frames and the summary."""
    from mockmic.analysis.pitch import GROUP, HOP, PitchTracker
    from mockmic.analysis.voice import summarise
    from mockmic.config import Thresholds
    from mockmic.pipeline.vad import scan_speech

    speech = scan_speech(audio).intervals
    words = stand_in_words(speech)
    taken = []
    for _ in range(reps):
        tracker = PitchTracker()
        tracker.push(audio, len(audio) - (GROUP - 1) * HOP)  # stop came just before a group closed
        t = time.process_time()
        tracker.push(audio, len(audio), final=True)
        summarise(tracker.frames(), speech, words, Thresholds())
        taken.append(time.process_time() - t)
    print(f"  {'left for stop on the ' + f'{len(audio) / SR:.0f} s answer':<40} {statistics.median(taken):7.3f} s CPU"
          f"   (last frames + summary; the stop -> report target is +-0.05 s)")


@contextlib.contextmanager
def voice_off():
    """The analysis as before issue 16: no pitch frames while recording, no summary at stop."""
    from mockmic.analysis import pitch
    from mockmic.pipeline import engine

    saved = (engine.with_voice, engine.pitch_frames, pitch.PitchTracker.push)
    engine.with_voice = lambda report, *a, **k: report
    engine.pitch_frames = lambda audio: None
    pitch.PitchTracker.push = lambda self, buf, n, **kw: None
    try:
        yield
    finally:
        engine.with_voice, engine.pitch_frames, pitch.PitchTracker.push = saved


def one_run(analyzer, mic, answer: Path, work: Path, run: int, threads) -> tuple[float, object, object]:
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.pipeline.live import LiveSession
    from stop_to_report import TARGET, play_and_tick

    session = LiveSession(analyzer, target=TARGET, threads=threads)
    rec = SoundDeviceRecorder(work / f"run{run}.wav", on_chunk=session.feed)
    rec.start()
    if not rec.wait_for_audio(5.0):
        raise SystemExit("the virtual microphone delivers no audio")
    play_and_tick(mic, answer)
    t_stop = time.perf_counter()
    rec.stop()
    report = session.finish(file=str(work / f"run{run}.wav"))
    return time.perf_counter() - t_stop, session.stats, report


def stop_to_report(args, answer: Path) -> None:
    from mockmic.audio.io import decode_file
    from mockmic.config import load_settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.live import LiveSession
    from mockmic.pipeline.transcription import make_transcriber
    from stop_to_report import load, summary, virtual_microphone

    with virtual_microphone() as (mic, work):
        settings = load_settings()
        analyzer = Analyzer(settings, make_transcriber(settings, args.model))
        warm = LiveSession(analyzer, threads=args.threads)
        warm.feed(decode_file(answer).samples[: 8 * SR])
        warm.finish()
        print(f"\nstop -> report, {args.stop_runs} runs alternating without/with voice quality; {load()}")
        res: dict[str, list[float]] = {"before (no voice quality)": [], "with voice quality": []}
        for run in range(args.stop_runs):
            name = list(res)[run % 2]
            with voice_off() if run % 2 == 0 else contextlib.nullcontext():
                took, st, report = one_run(analyzer, mic, answer, work, run, args.threads)
            res[name].append(took)
            print(f"run {run + 1} {name:<26} stop->report {took:5.2f} s (analyze {st.finish_analyze_s:.3f} s,"
                  f" pitch frames while recording {st.pitch_time_s:.2f} s) voice "
                  f"{'none' if report.voice is None else f'spread {report.voice.spread_st} st'}"
                  f" flags {sorted(f.code for f in report.flags)} | {load()}", flush=True)
        for name, vals in res.items():
            print(summary(name, vals))
        diff = statistics.median(res["with voice quality"]) - statistics.median(res["before (no voice quality)"])
        print(f"{'median difference (with - before)':<34} {diff:+6.2f} s   (target within +-0.05 s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="runs of each tracker")
    ap.add_argument("--stop-runs", type=int, default=6, help="stop -> report runs (0: skip)")
    ap.add_argument("--model", default="base")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "mockmic-bench"))
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))

    from answer_audio import cached_answer

    from mockmic.audio.io import decode_file

    answer = cached_answer(Path(args.cache), 120.0)
    cost(decode_file(answer).samples, args.reps)
    if args.stop_runs:
        stop_to_report(args, answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
