"""Practice room latency: time to first paint, and Space (stop) -> report on screen.

1. First paint: ``mockmic``'s own start path (settings, ``make_app``, the real bank, store,
   model and microphone check) in a fresh Python process, run headless by Pilot. The clock
   starts in the parent just before the process is spawned (interpreter start-up included) and
   stops when the app's first refresh has happened (``MockmicApp.t_first_paint``, set by
   ``call_after_refresh`` from ``on_mount``). The time the model became ready is printed next
   to it: first paint must come first.
2. Stop -> report for a 60 s answer (tests/data/answer_tell_me.flac): the real app with the
   real ``SoundDeviceRecorder`` on the PulseAudio virtual microphone, the real base model and
   store. The answer is played into the microphone in real time; when playback ends Space is
   pressed and the clock runs until the report screen shows its transcript. Both analysis
   paths of the app are run: live (transcribed while recording, the default) and after stop.
   Baseline in the same run: the whole-file ``Analyzer.analyze`` of the same audio outside the
   app. While the report is made a 20 Hz UI timer records how late it fires (responsiveness).

    .venv/bin/python bench/tui_latency.py [--runs 2] [--paint-runs 3] [--skip-stop]

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ANSWER = ROOT / "tests" / "data" / "answer_tell_me.flac"
SIZE = (120, 40)

CHILD = r"""
import asyncio, json, sys, time
from pathlib import Path
from mockmic.config import load_settings
from mockmic.tui.app import make_app

async def main():
    settings = load_settings(None, recordings_dir=Path(sys.argv[1]))
    app = make_app(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.t_first_paint is None:
            await pilot.pause(0.005)
        paint_wall = time.time() - (time.perf_counter() - app.t_first_paint)
        while not (app.models.ready or app.models.error):
            await pilot.pause(0.02)
        print(json.dumps({"paint": paint_wall, "model_ready": time.time(),
                          "model_error": app.models.error, "mic": app.mic_problem}))

asyncio.run(main())
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def first_paint(runs: int, work: Path) -> None:
    paints, readies = [], []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, str(work / "rec")], capture_output=True, text=True,
                             cwd=ROOT, timeout=120)
        line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode != 0 or not line:
            print("first-paint run failed:", out.stderr.strip()[-800:])
            return
        data = json.loads(line[-1])
        paints.append(data["paint"] - t0)
        readies.append(data["model_ready"] - t0)
    print(f"launch -> first paint        median {statistics.median(paints):5.2f} s  "
          f"(runs: {', '.join(f'{p:.2f}' for p in paints)})")
    print(f"launch -> model ready        median {statistics.median(readies):5.2f} s  "
          f"(runs: {', '.join(f'{r:.2f}' for r in readies)}; model error: {data['model_error']})")
    print(f"first paint comes {statistics.median(readies) - statistics.median(paints):.2f} s "
          f"before the model is ready")


async def stop_to_report(settings: Any, transcriber: Any, live: bool, mic: Any) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests" / "tui"))
    from fakes import FakePlayer  # the Player interface, playing nothing (no voice here)

    from mockmic.tui.app import make_app
    from mockmic.tui.screens.asking import AskingScreen
    from mockmic.tui.screens.recording import RecordingScreen
    from mockmic.tui.screens.report import ReportScreen

    async def until(pilot: Any, cond: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out; screen={pilot.app.screen!r}")
            await pilot.pause(0.005)

    marks: dict[str, float] = {}

    def hook(message: Any) -> None:
        name = type(message).__name__
        if name == "RecordingStopped" and name not in marks:
            marks[name] = time.perf_counter()

    app = make_app(settings, transcriber=transcriber, live=live, player=FakePlayer(), voice=False,
                   seed=3)
    ticks: list[float] = []
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        app.set_interval(0.05, lambda: ticks.append(time.perf_counter()))
        await until(pilot, lambda: app.mic_checked, 30)
        if app.mic_problem:
            raise RuntimeError(f"microphone: {app.mic_problem}")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AskingScreen) and app.screen.spoken is not None, 30)
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, RecordingScreen) and app.screen.phase == "recording", 30)
        proc = mic.play(ANSWER)
        while proc.poll() is None:
            await pilot.pause(0.05)
        analysis = app.screen._analysis
        session = getattr(analysis, "session", None)
        backlog = session.stats.backlog_s if session is not None else None
        t_stop = time.perf_counter()
        await pilot.press("space")
        await until(pilot, lambda: isinstance(app.screen, ReportScreen)
                    and bool(app.screen.query("#rep-transcript")), 180)
        t_shown = time.perf_counter()
        report = app.screen.report
        await pilot.pause(0.3)
    window = [t for t in ticks if t_stop <= t <= t_shown]
    gaps = [b - a for a, b in zip(window, window[1:])] or [0.0]
    return {
        "stop_to_screen": t_shown - t_stop,
        "stop_to_recorder_closed": marks.get("RecordingStopped", t_stop) - t_stop,
        "worst_tick_gap": max(gaps),
        "backlog_at_stop": backlog,
        "finish_wait": session.stats.finish_wait_s if session is not None else None,
        "fallback": getattr(analysis, "fallback", ""),
        "duration": report.duration_s,
        "words": report.word_count,
    }


def stop_runs(runs: int, work: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from vmic import VirtualMic, start_server, stop_server

    overrides = start_server(work / "vmic")
    os.environ.update(overrides)
    from mockmic.audio.devices import rescan_devices
    from mockmic.audio.io import decode_file
    from mockmic.config import Settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.practice.analysis import ModelHolder

    rescan_devices()
    mic = VirtualMic(work / "vmic", {**os.environ})
    try:
        settings = Settings(home=work / "home", prompts_dir=ROOT / "prompts",
                            models_dir=ROOT / "models", start_recording="space")
        transcriber = ModelHolder().load(settings)  # loaded once, exactly as the app does
        audio = decode_file(ANSWER).samples
        print(f"answer: {ANSWER.name}, {len(audio) / 16000:.1f} s; model {transcriber.name}; {load()}")
        t0 = time.perf_counter()
        base_report = Analyzer(settings, transcriber).analyze(audio, target=(90.0, 120.0))
        baseline = time.perf_counter() - t0
        print(f"baseline: whole-file Analyzer.analyze outside the app   {baseline:5.2f} s "
              f"({base_report.word_count} words)")
        for live in (True, False):
            name = "live (default)" if live else "after stop"
            for i in range(runs if live else 1):
                r = asyncio.run(stop_to_report(settings, transcriber, live, mic))
                print(f"app {name:<15} run {i + 1}: Space -> report on screen {r['stop_to_screen']:5.2f} s "
                      f"(x{r['stop_to_screen'] / baseline:.2f} of baseline; recorder closed "
                      f"{r['stop_to_recorder_closed']:.2f} s; "
                      f"worst UI tick gap {r['worst_tick_gap'] * 1000:.0f} ms; "
                      f"{r['duration']:.1f} s, {r['words']} words)")
                if r["backlog_at_stop"] is not None:
                    print(f"   live: untranscribed audio at stop {r['backlog_at_stop']:.1f} s, "
                          f"waited {r['finish_wait']:.2f} s for a running chunk"
                          + (f"; fell back to the whole file: {r['fallback']}" if r["fallback"] else ""))
                print(f"   {load()}")
    finally:
        stop_server(overrides)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=2, help="live runs of the 60 s answer")
    ap.add_argument("--paint-runs", type=int, default=3)
    ap.add_argument("--skip-stop", action="store_true", help="only measure first paint")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mockmic-bench-") as tmp:
        work = Path(tmp)
        print(load())
        first_paint(args.paint_runs, work)
        if not args.skip_stop:
            stop_runs(args.runs, work)


if __name__ == "__main__":
    main()
