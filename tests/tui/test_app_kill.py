"""kill -9 the real app while it records from the virtual microphone; the next start recovers it.

The child process runs the real Textual app (real recorder through PortAudio/PulseAudio, real
store, real ``base`` model) headless, starts an answer, and says when recording has begun. The
test plays a spoken answer into the microphone, kills the child with SIGKILL mid-answer, then
starts the app again: the attempt must be there, marked recovered and analyzed, with all audio
up to at most one second before the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf
from test_flow import until

from mockmic.config import Settings
from mockmic.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from mockmic.config import Settings
    from mockmic.tui.app import make_app
    from mockmic.tui.screens.asking import AskingScreen
    from mockmic.tui.screens.recording import RecordingScreen

    settings = Settings(home=Path({home!r}), prompts_dir=Path({prompts!r}),
                        models_dir=Path({models!r}), start_recording="space")

    async def main():
        app = make_app(settings, voice=False)
        async with app.run_test(size=(120, 40)) as pilot:
            async def wait(cond, what):
                deadline = time.monotonic() + 90
                while not cond():
                    if time.monotonic() > deadline:
                        print("TIMEOUT", what, flush=True)
                        sys.exit(3)
                    await pilot.pause(0.05)
            await wait(lambda: app.models.ready and app.mic_checked, "model and mic")
            await pilot.press("enter")
            await wait(lambda: isinstance(app.screen, AskingScreen)
                       and app.screen.spoken is not None, "asking")
            await pilot.press("space")
            await wait(lambda: isinstance(app.screen, RecordingScreen)
                       and app.screen.phase == "recording"
                       and getattr(app.screen.recorder, "capturing", True), "recording")
            # CLOCK_MONOTONIC is one clock for every process: the test measures from here
            print("RECORDING", app.screen.attempt_id, time.monotonic(), flush=True)
            while True:
                await pilot.pause(0.1)

    asyncio.run(main())
    """
)


@pytest.mark.slow
@pytest.mark.mic
@pytest.mark.asyncio
async def test_kill_9_app_while_recording_then_recover(virtual_mic: Any, tmp_path: Path) -> None:
    from mockmic.tui.app import make_app
    from mockmic.pipeline.models import ModelError, resolve_model

    settings = Settings(home=tmp_path, prompts_dir=ROOT / "prompts", models_dir=ROOT / "models",
                        start_recording="space")
    try:
        resolve_model("base", settings.models)
    except ModelError as exc:
        pytest.skip(f"base model not installed: {exc}")
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(ROOT / "tests" / "tui"), home=str(tmp_path),
                                   prompts=str(ROOT / "prompts"), models=str(ROOT / "models")))
    child_started = time.monotonic()
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=dict(os.environ))
    try:
        line = ""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = child.stdout.readline() if child.stdout else ""
            if line.startswith(("RECORDING", "TIMEOUT")) or not line:
                break
        assert line.startswith("RECORDING"), f"child did not start recording: {line!r}"
        attempt_id = int(line.split()[1])
        started = float(line.split()[2])  # when the child saw the recording running
        player = virtual_mic.play(DATA / "answer_tell_me.flac")
        time.sleep(6.0)
        killed_after = time.monotonic() - started
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        player.terminate()
        player.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()

    store = Store(tmp_path / "recordings" / "mockmic.sqlite3")
    before = store.get(attempt_id)
    assert before is not None and before.status == "recording"

    app = make_app(settings, voice=False, mic_check=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: (a := app.store.get(attempt_id)) is not None
                    and a.status == "recovered", timeout=120, what="attempt recovered")
    after = Store(tmp_path / "recordings" / "mockmic.sqlite3").get(attempt_id)
    assert after is not None and after.report is not None
    audio = after.audio_path if after.audio_path.is_absolute() else tmp_path / "recordings" / after.audio_path
    info = sf.info(str(audio))
    print(f"killed after {killed_after:.2f} s of recording; recovered {info.duration:.2f} s")
    # all audio up to at most one second before the kill. The recorder starts a moment before the
    # child sees it running (longer on a loaded machine), so more audio than that is fine; more
    # than the child ran at all would be another file.
    assert info.duration >= killed_after - 1.0, (info.duration, killed_after)
    assert info.duration <= time.monotonic() - child_started, (info.duration, killed_after)
    # the spoken answer started with the recording, so the recovered report has words in it
    assert after.report.word_count >= 5, after.report.transcript
