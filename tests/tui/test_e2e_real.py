"""The practice room with nothing faked.

Real app (make_app defaults), real Piper question audio played through PortAudio, real
sounddevice recording from the PulseAudio virtual microphone, the real ``base`` Whisper model,
the real SQLite store. A known spoken answer (tests/data/answer_short.flac, 13 s, 28 words) is
played into the microphone; Space stops; the report must show its length and word count.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_flow import shown, text_of, until

from mockmic.config import Settings
from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.recording import RecordingScreen
from mockmic.tui.screens.report import ReportScreen

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.mark.slow
@pytest.mark.mic
@pytest.mark.asyncio
async def test_answer_through_the_virtual_microphone(virtual_mic: Any, tmp_path: Path) -> None:
    from mockmic.tui.app import make_app
    from mockmic.pipeline.models import ModelError, resolve_model

    settings = Settings(home=tmp_path, prompts_dir=ROOT / "prompts", models_dir=ROOT / "models",
                        start_recording="space")
    try:
        resolve_model("base", settings.models)
    except ModelError as exc:
        pytest.skip(f"base model not installed: {exc}")
    meta = json.loads((DATA / "answer_short.json").read_text(encoding="utf-8"))
    expected_words = len((DATA / "answer_short.txt").read_text(encoding="utf-8").split())
    assert expected_words == meta["words"] == 28

    app = make_app(replace(settings))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.models.ready and app.mic_checked, timeout=60,
                    what="model loaded and microphone checked")
        assert app.mic_problem is None, app.mic_problem
        await pilot.press("slash", *"independent were you")
        await pilot.press("enter", "enter")  # leave the filter, practise the highlighted question
        await until(pilot, lambda: shown(app, AskingScreen), what="asking screen")
        assert app.screen.question.id == meta["question"]
        # the real voice speaks the question through the output device, then Space starts
        await until(pilot, lambda: app.screen.spoken is not None, timeout=60, what="question spoken")
        assert app.screen.spoken is True, text_of(app, "#ask-notice")
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording",
                    timeout=15, what="recording")
        recording = app.screen
        t0 = time.monotonic()
        proc = virtual_mic.play(DATA / "answer_short.flac")
        while proc.poll() is None:
            await pilot.pause(0.1)
        assert proc.returncode == 0
        await pilot.pause(0.3)
        assert recording.recorder.recorded_s >= meta["duration_s"] - 0.5  # written while captured
        await pilot.press("space")
        await until(pilot, lambda: shown(app, ReportScreen, "#rep-transcript"), timeout=120,
                    what="report")
        spoken_for = time.monotonic() - t0
        report = app.screen.report

        # duration: the answer (13 s) plus the moments before paplay started and after it ended
        assert meta["duration_s"] - 0.5 <= report.duration_s <= spoken_for + 1.0
        assert report.model == "base"
        # Whisper base on clean synthetic speech: the word count within a small tolerance
        assert abs(report.word_count - expected_words) <= 3, report.transcript
        metrics = text_of(app, "#rep-metrics")
        assert re.search(rf"Words\s+{report.word_count}\b", metrics), metrics
        assert re.search(rf"Length\s+0:{round(report.duration_s):02d}\b", metrics), metrics
        assert "in my country" in report.transcript.lower()

        attempt = app.store.get(app.screen.attempt_id)
        assert attempt.status == "done" and attempt.question_id == meta["question"]
        assert attempt.audio_path.is_file() and attempt.audio_path.is_relative_to(tmp_path)
        assert abs(attempt.duration_s - report.duration_s) < 0.2

        # the report made while recording is the report `mockmic analyze` gives for the saved
        # file: same chunks, same samples, same model (issue 5)
        from mockmic.pipeline.engine import Analyzer

        analysis = Analyzer(settings, app.models.transcriber).analyze_file(
            attempt.audio_path, target=(report.target.min_s, report.target.max_s))
        again = analysis.report.to_json()
        shown_json = report.to_json()
        again.pop("file")
        shown_json.pop("file")
        assert again == shown_json
