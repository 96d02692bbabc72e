"""On-screen part of bench/stop_to_report.py: the real Textual app, driven by Pilot.

Each run opens the practice room (``make_app`` with the real recorder, real store and real
model), picks the first question, presses Space to record, plays the answer into the virtual
microphone, presses Space when the playback has ended and stops the clock when the report
screen shows its transcript. Runs use either the live analysis (``LiveAnswerAnalysis``) or the
whole-file analysis after stop: the app's own choice through ``make_app(live=True/False)``.
The question is not spoken (``voice=False``): playback would go into the same null sink.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 40)


async def _until(pilot: Any, cond: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}; screen={pilot.app.screen!r}")
        await pilot.pause(0.01)


async def _one_run(settings: Any, transcriber: Any, live: bool, mic: Any,
                   answer: Path) -> tuple[float, Any]:
    from mockmic.tui.app import make_app
    from mockmic.tui.screens.asking import AskingScreen
    from mockmic.tui.screens.recording import RecordingScreen
    from mockmic.tui.screens.report import ReportScreen

    sys.path.insert(0, str(ROOT / "tests" / "tui"))
    from fakes import FakePlayer  # the app's Player interface, playing nothing

    app = make_app(settings, transcriber=transcriber, live=live,
                   player=FakePlayer(), voice=False, seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, AskingScreen)
                     and app.screen.spoken is not None, 30, "the question")
        await pilot.press("space")
        await _until(pilot, lambda: isinstance(app.screen, RecordingScreen)
                     and app.screen.phase == "recording", 30, "recording")
        proc = mic.play(answer)
        while proc.poll() is None:
            await pilot.pause(0.05)
        # the answer's analysis (its live session's stats say where the time went)
        analysis = getattr(getattr(app.screen, "take", None), "analysis", None)
        t_stop = time.perf_counter()
        await pilot.press("space")
        await _until(pilot, lambda: isinstance(app.screen, ReportScreen)
                     and bool(app.screen.query("#rep-transcript")), 120, "the report")
        elapsed = time.perf_counter() - t_stop
        report = getattr(app.screen, "report", None)
        await pilot.pause(0.5)  # let the report screen finish mounting before the app closes
    session = getattr(analysis, "session", None)
    finish_s = session.stats.finish_s if session is not None else None
    return elapsed, report, finish_s


def on_screen(args: Any, mic: Any, answer: Path, work: Path) -> None:
    from mockmic.config import Settings
    from mockmic.pipeline.transcription import make_transcriber

    from stop_to_report import load, summary

    home = work / "home"
    settings = Settings(home=home, prompts_dir=ROOT / "prompts", start_recording="space")
    threads = args.threads or 0
    transcriber = make_transcriber(settings, args.model)
    if not threads:
        from mockmic.pipeline.live import _default_threads, _with_threads

        transcriber = _with_threads(transcriber, _default_threads())
    _ = transcriber.model  # load before measuring

    print(f"\non screen (Textual app via Pilot), {args.runs} live runs and {args.screen_after_runs} "
          f"after-stop runs; {load()}", flush=True)
    results: dict[str, list[float]] = {"live": [], "after stop": []}
    plan = ["live"] * args.runs + ["after stop"] * args.screen_after_runs
    for i, kind in enumerate(plan, 1):
        elapsed, report, finish_s = asyncio.run(
            _one_run(settings, transcriber, kind == "live", mic, answer))
        results[kind].append(elapsed)
        words = getattr(report, "word_count", "?")
        inside = f" (of which LiveSession.finish {finish_s:.2f} s)" if finish_s is not None else ""
        print(f"screen run {i} ({kind}): Space -> report on screen {elapsed:5.2f} s{inside}, "
              f"{words} words | {load()}", flush=True)
    print()
    print(summary("on screen: stop -> report, live", results["live"]))
    if results["after stop"]:
        print(summary("on screen: after stop, whole", results["after stop"]))
        print(f"{'ratio (after stop / live), medians':<34} "
              f"{statistics.median(results['after stop']) / statistics.median(results['live']):6.1f}x")
    print(load())


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run bench/stop_to_report.py --screen")
