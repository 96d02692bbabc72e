"""Numbers for the recording path, through the PulseAudio virtual microphone.

    .venv/bin/python bench/recording.py [--kills 6]

Prints:
* how much audio a ``kill -9`` of a recording process loses (time between the first delivered
  block and the kill, minus what the repaired file holds), over several kills at random moments;
* the writer's CPU cost per second of audio (resampling the device rate to 16 kHz + writing),
  measured with FakeRecorder at 44.1 and 48 kHz against a 16 kHz input (no resampling) in the
  same run;
* the device's start-up delay (start() to first delivered block).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import vmic  # noqa: E402

CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {src!r})
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.audio.devices import warm_up_input
    from mockmic.store.db import Store
    store = Store({db!r})
    path = store.new_audio_path("bench")
    aid = store.begin_attempt("bench", "bench", path)
    rec = SoundDeviceRecorder(path)
    if {warm}:
        warm_up_input()
    t = time.monotonic()
    rec.start()
    if not rec.wait_for_audio(10):
        sys.exit("no audio")
    print(aid, time.time(), time.monotonic() - t, flush=True)
    while True:
        time.sleep(0.05)
    """
)


def kill_trials(n: int, work: Path) -> None:
    from mockmic.practice.recovery import recover_interrupted
    from mockmic.store.db import Store

    losses, startups, warm_startups = [], [], []
    for i in range(n):
        db = work / f"k{i}" / "mockmic.sqlite3"
        warm = i % 2 == 1
        child = subprocess.Popen([sys.executable, "-c", CHILD.format(src=str(ROOT / "src"),
                                                                     db=str(db), warm=warm)],
                                 stdout=subprocess.PIPE, text=True)
        line = child.stdout.readline().split()
        started, startup = float(line[1]), float(line[2])
        time.sleep(random.uniform(1.0, 6.0))
        killed = time.time()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        store = Store(db)
        [res] = recover_interrupted(store)
        loss = (killed - started) - res.duration_s
        losses.append(loss)
        (warm_startups if warm else startups).append(startup)
        print(f"  kill {i + 1}: recorded for {killed - started:5.2f} s, recovered "
              f"{res.duration_s:5.2f} s, lost {loss * 1000:6.1f} ms")
    print(f"kill -9 loss over {n} kills: max {max(losses) * 1000:.0f} ms, "
          f"mean {np.mean(losses) * 1000:.0f} ms (bound required: 1000 ms)")
    print(f"device start-up (start() -> first block), first stream of the process: median "
          f"{np.median(startups):.2f} s, max {max(startups):.2f} s")
    if warm_startups:
        print(f"device start-up after warm_up_input(): median {np.median(warm_startups):.2f} s, "
              f"max {max(warm_startups):.2f} s")


def writer_cost(work: Path) -> None:
    from mockmic.audio.capture import FakeRecorder

    seconds = 60.0
    results = {}
    for rate in (16_000, 16_000, 44_100, 48_000):  # the first pass warms up
        audio = (0.3 * np.random.default_rng(0).standard_normal(int(seconds * rate))).astype(
            np.float32)
        rec = FakeRecorder(work / f"cost{rate}.wav", audio, rate=rate, block_s=0.01)
        c0, w0 = time.process_time(), time.perf_counter()
        rec.start()
        rec.wait_fed()
        rec.stop()
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        results[rate] = cpu
        print(f"  writer at {rate:>5} Hz: {cpu / seconds * 1000:6.2f} ms CPU per second of audio "
              f"({wall:.2f} s wall for {seconds:.0f} s)")
    print(f"resampling overhead: 44.1 kHz costs {results[44_100] / results[16_000]:.2f}x "
          f"and 48 kHz {results[48_000] / results[16_000]:.2f}x the 16 kHz pass-through")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mockmic-bench-") as tmp:
        work = Path(tmp)
        writer_cost(work)
        env = vmic.start_server(work / "pulse")
        os.environ.update(env)
        try:
            from mockmic.audio.devices import rescan_devices

            rescan_devices()
            kill_trials(args.kills, work)
        finally:
            vmic.stop_server(env)


if __name__ == "__main__":
    main()
