"""The app's model holder: loads once, shares the live session's thread count, reports failure."""

from __future__ import annotations

import dataclasses
import os
import threading
from typing import Any

import pytest

from mockmic.config import Settings, TranscriptionSettings
from mockmic.tui.services import ModelHolder, ModelUnavailable


class _Loaded:
    def __init__(self, settings: Any) -> None:
        self.name = "stub"
        self.cpu_threads = settings.transcription.cpu_threads
        self.model = object()


@pytest.mark.parametrize(("asked", "used"), [(0, max(1, os.cpu_count() or 1)), (3, 3)])
def test_thread_count_matches_the_live_session(monkeypatch: Any, tmp_path: Any, asked: int,
                                               used: int) -> None:
    seen: list[Any] = []

    def fake_make(settings: Any, model: Any = None) -> _Loaded:
        seen.append(settings)
        return _Loaded(settings)

    monkeypatch.setattr("mockmic.transcription.make_transcriber", fake_make)
    settings = Settings(home=tmp_path, transcription=TranscriptionSettings(cpu_threads=asked))
    holder = ModelHolder()
    t = holder.load(settings)
    assert t.cpu_threads == used and holder.ready and holder.wait(0) is t
    assert dataclasses.replace(seen[0].transcription, cpu_threads=asked) == settings.transcription


def test_waiters_get_the_failure(monkeypatch: Any, tmp_path: Any) -> None:
    from mockmic.whisper_models import ModelError

    def broken(settings: Any, model: Any = None) -> Any:
        raise ModelError("model 'base' not found in /nowhere\nsecond line")

    monkeypatch.setattr("mockmic.transcription.make_transcriber", broken)
    holder = ModelHolder()
    results: list[str] = []

    def waiter() -> None:
        try:
            holder.wait(5)
        except ModelUnavailable as exc:
            results.append(str(exc))

    th = threading.Thread(target=waiter)
    th.start()
    with pytest.raises(ModelUnavailable):
        holder.load(Settings(home=tmp_path))
    th.join(5)
    assert results == ["model 'base' not found in /nowhere"] and not holder.ready
