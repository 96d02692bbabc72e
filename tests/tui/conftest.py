"""Fixtures for the practice-room tests: a tmp data home, the bundled bank, fakes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fakes import FakePlayer, FakeTranscriber, ScriptedRecorder, load_audio  # noqa: E402

from mockmic.config import Settings  # noqa: E402
from mockmic.questions import load_bank  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "prompts"


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, prompts_dir=PROMPTS, start_recording="space")


@pytest.fixture(scope="session")
def bank() -> Any:
    b = load_bank(PROMPTS)
    assert len(b) >= 30 and not b.errors, b.errors
    return b


@pytest.fixture(scope="session")
def answer_audio() -> Any:
    return load_audio()


@pytest.fixture
def store(settings: Settings) -> Any:
    from mockmic.store.db import Store

    s = Store.for_settings(settings)
    yield s
    s.close()


@pytest.fixture
def make(settings: Settings, bank: Any, store: Any, answer_audio: Any) -> Callable[..., Any]:
    """Build the app with fakes; keyword arguments override any part."""

    def factory(**kw: Any) -> Any:
        from mockmic.audio.capture import FakeRecorder
        from mockmic.tui.app import make_app

        recorders: list[Any] = []

        def recorder_factory(path: Path, device: Any = None, on_chunk: Any = None) -> Any:
            r = FakeRecorder(path, answer_audio, on_chunk=on_chunk)
            recorders.append(r)
            return r

        options: dict[str, Any] = dict(
            transcriber=FakeTranscriber(), recorder_factory=recorder_factory,
            player=FakePlayer(), store=store, clock=lambda: 1_700_000_000.0, bank=bank,
            mic_check=lambda: None, voice=False, seed=7,
        )
        options.update(kw)
        app = make_app(kw.pop("settings", settings), **{k: v for k, v in options.items() if k != "settings"})
        app.test_recorders = recorders  # type: ignore[attr-defined]
        return app

    return factory


def scripted_factory(audio: Any, **kw: Any) -> tuple[Callable[..., Any], list[ScriptedRecorder]]:
    made: list[ScriptedRecorder] = []

    def factory(path: Path, device: Any = None, on_chunk: Any = None) -> ScriptedRecorder:
        r = ScriptedRecorder(path, audio, on_chunk=on_chunk, **kw)
        made.append(r)
        return r

    return factory, made


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Dates on screen in UTC, whatever the machine's zone (stable snapshots)."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
