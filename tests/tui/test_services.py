"""The app's model holder: loads once, uses the threads the command line uses, reports failure."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from mockmic.config import Settings, TranscriptionSettings
from mockmic.practice.analysis import ModelHolder, ModelUnavailable


class _Loaded:
    def __init__(self, settings: Any) -> None:
        self.name = "stub"
        self.cpu_threads = settings.transcription.cpu_threads
        self.model = object()


@pytest.mark.parametrize(("asked", "used"), [(0, min(4, max(1, os.cpu_count() or 1))), (3, 3)])
def test_app_model_uses_the_threads_of_the_command_line(tmp_path: Any, asked: int, used: int) -> None:
    """The app, the live session and `mockmic analyze` resolve the thread setting the same way, so
    the live report is computed exactly like the whole-file one (and one model is loaded)."""
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.live import LiveSession
    from mockmic.pipeline.transcription import WhisperTranscriber

    settings = Settings(home=tmp_path, transcription=TranscriptionSettings(cpu_threads=asked))
    cli = WhisperTranscriber(tmp_path / "model", cpu_threads=asked)
    assert cli.cpu_threads == used
    session = LiveSession(Analyzer(settings, cli))
    try:
        assert session.transcriber is cli  # no second model with other threads
    finally:
        session.cancel()


def test_waiters_get_the_failure(monkeypatch: Any, tmp_path: Any) -> None:
    from mockmic.pipeline.models import ModelError

    def broken(settings: Any, model: Any = None) -> Any:
        raise ModelError("model 'base' not found in /nowhere\nsecond line")

    monkeypatch.setattr("mockmic.pipeline.transcription.make_transcriber", broken)
    holder = ModelHolder()
    results: list[str] = []

    def waiter() -> None:
        try:
            holder.wait(60)  # generous: a loaded machine may start this thread late
        except ModelUnavailable as exc:
            results.append(str(exc))

    th = threading.Thread(target=waiter)
    th.start()
    with pytest.raises(ModelUnavailable):
        holder.load(Settings(home=tmp_path))
    th.join(60)
    assert results == ["model 'base' not found in /nowhere"] and not holder.ready
