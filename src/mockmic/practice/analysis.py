"""The speech model, loaded once, and the after-stop answer analysis.

No Textual here. Everything in this module may be called from worker threads.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from mockmic.config import Settings
from mockmic.core import Report
from mockmic.pipeline.transcription import Transcriber


class ModelUnavailable(Exception):
    """The transcriber could not be loaded; ``str()`` is a one-line reason."""


class ModelHolder:
    """The transcriber, loaded once in a worker; other threads wait for it when they need it."""

    def __init__(self, transcriber: Transcriber | None = None) -> None:
        self._ready = threading.Event()
        self.transcriber: Transcriber | None = transcriber
        self.error: str | None = None
        self.load_s = 0.0
        if transcriber is not None:
            self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self.error is None

    def load(self, settings: Settings) -> Transcriber:
        """Build the transcriber the settings ask for and load its model (slow: a thread)."""
        if self.transcriber is not None:
            return self.transcriber
        t0 = time.perf_counter()
        try:
            from mockmic.pipeline.transcription import make_transcriber

            transcriber = make_transcriber(settings)  # threads: as `mockmic analyze` uses them
            _ = getattr(transcriber, "model", None)  # WhisperTranscriber loads lazily: load now
        except Exception as exc:  # noqa: BLE001 - ModelError and anything CTranslate2 raises
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self._ready.set()
            raise ModelUnavailable(self.error) from None
        self.load_s = time.perf_counter() - t0
        self.transcriber = transcriber
        self._ready.set()
        return transcriber

    def wait(self, timeout: float | None = None) -> Transcriber:
        """Block (in a worker) until the model is loaded. Raises ModelUnavailable."""
        if not self._ready.wait(timeout):
            raise ModelUnavailable("the speech model is still loading")
        if self.transcriber is None:
            raise ModelUnavailable(self.error or "the speech model could not be loaded")
        return self.transcriber


class AfterStopAnalysis:
    """Transcribe and analyze the whole file after stop (the live analysis replaces this)."""

    def __init__(self, settings: Settings, models: ModelHolder, target: tuple[float, float]) -> None:
        self.settings = settings
        self.models = models
        self.target = target

    def feed(self, chunk: np.ndarray) -> None:
        """Nothing to do while recording."""

    def cancel(self) -> None:
        """Nothing runs while recording."""

    def finish(self, audio_path: Path) -> Report:
        from mockmic.audio.io import decode_file
        from mockmic.pipeline.engine import Analyzer

        decoded = decode_file(audio_path)
        analyzer = Analyzer(self.settings, self.models.wait())
        return analyzer.analyze(decoded.samples, file=str(audio_path), target=self.target)
