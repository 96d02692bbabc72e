"""Real Whisper models shared by the integration tests of one session.

Loading a model and analyzing the 59 s answer with it are the expensive steps; a report that
several tests read is made once (``real_models.report``). The reports are the real pipeline's
output on the real model, not a stand-in: each test still asserts on them as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mockmic.core import Report
from mockmic.pipeline.engine import Analyzer


class RealModels:
    def __init__(self) -> None:
        self._analyzers: dict[str, Analyzer] = {}
        self._reports: dict[tuple[str, str], Report] = {}

    def analyzer(self, model: str) -> Analyzer:
        """An Analyzer on the real ``model`` with the user's settings (loaded now)."""
        if model not in self._analyzers:
            from mockmic.config import load_settings
            from mockmic.pipeline.transcription import make_transcriber

            settings = load_settings()
            transcriber = make_transcriber(settings, model)
            transcriber.model  # noqa: B018 - load it now (ModelError if it is not installed)
            self._analyzers[model] = Analyzer(settings, transcriber)
        return self._analyzers[model]

    def report(self, model: str, path: Path) -> Report:
        """``analyze_file(path)`` with the default target, made once per session."""
        key = (model, str(path))
        if key not in self._reports:
            self._reports[key] = self.analyzer(model).analyze_file(path).report
        return self._reports[key]


@pytest.fixture(scope="session")
def real_models() -> RealModels:
    return RealModels()
