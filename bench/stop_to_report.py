"""Stop -> report for a two-minute answer: live (transcribed while recording) vs after stop.

A spoken answer (~2 minutes, made with the Piper voice by bench/answer_audio.py) is played into a
PulseAudio virtual microphone (../shared/VIRTUAL_MIC.md) and recorded by the real
``SoundDeviceRecorder``, whose blocks go to a ``LiveSession``. When the playback ends, "stop" is
pressed: the clock runs from stop to the finished report (recorder stop + ``finish()``).
In the same run the same samples are analyzed whole, as if nothing had been done before stop
(same model and threads: the baseline is not handicapped). While recording, the main thread
ticks like a UI timer at 20 Hz and records how late each tick is.

    .venv/bin/python bench/stop_to_report.py [--runs 5] [--model base] [--screen]

``--screen`` adds the on-screen variant: the real Textual app (``make_app``) driven by Pilot,
Space pressed at the end of playback, clock stopped when the report screen is shown.
Prints numbers; asserts nothing. Run it when the machine is otherwise idle (see the load line).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

TARGET = (90.0, 120.0)  # "tell me about yourself"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def pct(values: list[float], q: float) -> float:
    vs = sorted(values)
    return vs[min(len(vs) - 1, int(round(q * (len(vs) - 1))))]


def summary(name: str, values: list[float]) -> str:
    return (f"{name:<34} median {statistics.median(values):6.2f} s   worst {max(values):6.2f} s   "
            f"best {min(values):6.2f} s   (n={len(values)})")


def play_and_tick(mic, path: Path) -> list[float]:
    """Play ``path`` into the microphone; meanwhile tick at 20 Hz and return each tick's lateness."""
    proc = mic.play(path)
    late: list[float] = []
    period = 0.05
    nxt = time.perf_counter() + period
    while proc.poll() is None:
        time.sleep(max(0.0, nxt - time.perf_counter()))
        now = time.perf_counter()
        late.append(now - nxt)
        nxt = max(nxt + period, now)  # like a UI timer: no catch-up bursts
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"paplay failed: {err.strip()}")
    return late


def data_level(args, mic, answer: Path, work: Path) -> None:
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.config import load_settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.live import LiveSession
    from mockmic.pipeline.transcription import make_transcriber

    settings = load_settings()
    transcriber = make_transcriber(settings, args.model)
    analyzer = Analyzer(settings, transcriber)

    # warm-up (not measured): model load, VAD model, first decode
    import numpy as np

    from mockmic.audio.io import decode_file

    samples = decode_file(answer).samples
    warm = LiveSession(analyzer, target=TARGET, threads=args.threads)
    warm.feed(samples[: 8 * 16000])
    warm.finish()
    threads = warm.stats.threads
    baseline_analyzer = Analyzer(settings, warm.transcriber)
    print(f"model {args.model}, Whisper threads {threads}, answer {len(samples) / 16000:.1f} s, "
          f"{args.runs} runs; {load()}")
    source = baseline_analyzer.analyze(samples, target=TARGET)
    print(f"for scale, the source file analyzed whole (not recorded): words {source.word_count}, "
          f"fillers {source.fillers.count}, flags {sorted(f.code for f in source.flags)}", flush=True)

    live_s, base_s, rows = [], [], []
    jitter: list[float] = []
    for run in range(1, args.runs + 1):
        session = LiveSession(analyzer, target=TARGET, threads=args.threads)
        rec = SoundDeviceRecorder(work / f"run{run}.wav", on_chunk=session.feed)
        rec.start()
        if not rec.wait_for_audio(5.0):
            raise SystemExit("the virtual microphone delivers no audio")
        late = play_and_tick(mic, answer)
        if args.stop_delay:
            time.sleep(args.stop_delay)
        t_stop = time.perf_counter()
        result = rec.stop()
        t_rec = time.perf_counter()
        report = session.finish(file=str(result.path))
        t_done = time.perf_counter()
        st = session.stats
        audio = np.array(session.audio)

        t0 = time.perf_counter()
        whole = baseline_analyzer.analyze(audio, file=str(result.path), target=TARGET)
        t_whole = time.perf_counter() - t0

        dump = Path(args.cache) / f"run{run}.json"
        dump.write_text(json.dumps({
            "live": report.to_json() if hasattr(report, "to_json") else None,
            "whole": whole.to_json() if hasattr(whole, "to_json") else None,
            "chunks": st.chunks,
        }, default=str), encoding="utf-8")
        live_s.append(t_done - t_stop)
        base_s.append(t_whole)
        jitter += late
        flags_live = sorted(f.code for f in report.flags)
        flags_whole = sorted(f.code for f in whole.flags)
        rows.append((report.word_count, whole.word_count, report.fillers.count, whole.fillers.count,
                     flags_live == flags_whole, report.to_json() == whole.to_json()))
        print(
            f"run {run}: stop->report {t_done - t_stop:5.2f} s "
            f"(recorder stop {t_rec - t_stop:.2f}, wait for chunk {st.finish_wait_s:.2f}, "
            f"tail {st.tail_s:.1f} s audio in {st.finish_tail_s:.2f}, analyze {st.finish_analyze_s:.2f})"
            f" | after stop {t_whole:5.2f} s"
            f" | {len(st.chunks)} chunks, {st.speculative_decodes} guesses ({st.speculative_used} kept)"
            f", max backlog {st.max_backlog_s:.1f} s,"
            f" decoding {st.decode_time_s:.1f} s while recording (longest call {st.longest_decode_s:.2f} s;"
            f" loop repairs {getattr(analyzer.transcriber, 'loops_repaired', '?')} so far)"
            f" | words {report.word_count}/{whole.word_count} fillers {report.fillers.count}/"
            f"{whole.fillers.count} flags {'same' if flags_live == flags_whole else f'{flags_live} vs {flags_whole}'}"
            f"{' (identical reports)' if rows[-1][5] else ' (reports differ)'}"
            f" | overflows {result.overflows} | {load()}",
            flush=True,
        )
    print()
    print(summary("stop -> report, live (data level)", live_s))
    print(summary("after stop, whole recording", base_s))
    print(f"{'ratio (after stop / live), medians':<34} {statistics.median(base_s) / statistics.median(live_s):6.1f}x")
    worst_words = max(abs(a - b) / max(b, 1) for a, b, *_ in rows)
    worst_fill = max(abs(r[2] - r[3]) / max(r[3], 1) for r in rows)
    print(f"live vs whole: word count within {100 * worst_words:.1f}%, filler count within "
          f"{100 * worst_fill:.1f}%, same flags in {sum(r[4] for r in rows)}/{len(rows)} runs, "
          f"identical reports (every word, time and metric) in {sum(r[5] for r in rows)}/{len(rows)}")
    print(f"UI tick lateness while recording (20 Hz, {len(jitter)} ticks): median "
          f"{1000 * statistics.median(jitter):.1f} ms, p99 {1000 * pct(jitter, 0.99):.1f} ms, "
          f"max {1000 * max(jitter):.1f} ms")
    print(f"reports of each run (live and whole): {args.cache}/run*.json")
    print(load())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--model", default="base")
    ap.add_argument("--seconds", type=float, default=120.0, help="answer length to synthesize")
    ap.add_argument("--threads", type=int, default=None, help="Whisper CPU threads (default: cores)")
    ap.add_argument("--stop-delay", type=float, default=0.0,
                    help="seconds between the end of playback and pressing stop")
    ap.add_argument("--screen", action="store_true", help="also measure on screen with Pilot")
    ap.add_argument("--screen-only", action="store_true")
    ap.add_argument("--screen-after-runs", type=int, default=2,
                    help="on-screen runs with the whole-file analysis after stop")
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "mockmic-bench"))
    args = ap.parse_args(argv)
    # a plain `kill` must still stop the PulseAudio server this script started
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))

    from answer_audio import cached_answer

    answer = cached_answer(Path(args.cache), args.seconds)
    with virtual_microphone() as (mic, work):
        if not args.screen_only:
            data_level(args, mic, answer, work)
        if args.screen or args.screen_only:
            from stop_to_report_screen import on_screen

            on_screen(args, mic, answer, work)
    return 0


@contextlib.contextmanager
def virtual_microphone() -> Iterator[tuple[Any, Path]]:
    """A private PulseAudio server with its null-sink microphone (tests/vmic.py), and a scratch
    folder; PortAudio is told to look again so it sees the new device. Yields ``(mic, folder)``."""
    import vmic

    with tempfile.TemporaryDirectory(prefix="mockmic-bench-") as tmp:
        work = Path(tmp)
        env = vmic.start_server(work / "pulse")
        os.environ.update(env)
        try:
            from mockmic.audio.devices import rescan_devices

            rescan_devices()
            yield vmic.VirtualMic(work / "pulse", {**os.environ}), work
        finally:
            vmic.stop_server(env)


if __name__ == "__main__":
    sys.exit(main())
