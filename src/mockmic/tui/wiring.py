"""The real parts the practice room uses when a test does not pass a fake one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mockmic.config import Settings
from mockmic.practice.ports import AnswerRecorder, ChunkCallback, SoundPlayer
from mockmic.questions import Question
from mockmic.store.db import Store


def default_recorder_factory(path: Path, *, device: str | None = None,
                             on_chunk: ChunkCallback | None = None) -> AnswerRecorder:
    from mockmic.audio.capture import SoundDeviceRecorder

    return SoundDeviceRecorder(path, device=device, on_chunk=on_chunk)


def default_store(settings: Settings) -> tuple[Store | None, str | None]:
    """The attempt store, or None and the reason it cannot be opened."""
    from mockmic.store.db import StoreError

    try:
        return Store.for_settings(settings), None
    except StoreError as exc:
        return None, str(exc)


def default_player() -> SoundPlayer | None:
    try:
        from mockmic.audio.playback import Player
    except ImportError:  # pragma: no cover
        return None
    return Player()


def default_voice(settings: Settings) -> Callable[[Question], Path] | None:
    try:
        from mockmic.audio import voice
    except ImportError:  # pragma: no cover
        return None
    cache = voice.default_cache_dir(settings)

    def speak(question: Question) -> Path:
        return voice.question_audio(question, settings.prompts, cache)

    return speak


def default_mic_check(settings: Settings) -> Callable[[], str | None]:
    def check() -> str | None:
        from mockmic.audio.devices import audio_backend_status

        return audio_backend_status(settings.input_device)

    return check


def rescan_microphones() -> None:
    """Ask PortAudio for the input devices again (a headset plugged in after start)."""
    try:
        from mockmic.audio.devices import rescan_devices

        rescan_devices()
    except Exception:  # noqa: BLE001 - no PortAudio: the microphone status says so
        pass
