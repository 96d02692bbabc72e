"""Shared fixtures. Real-data tests read ../shared/data and skip cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_SPEECH = ROOT.parent / "shared" / "data" / "speech"
TEST_DATA = Path(__file__).parent / "data"


@pytest.fixture
def shared_speech() -> Path:
    if not SHARED_SPEECH.is_dir():
        pytest.skip("../shared/data/speech is not available on this machine")
    return SHARED_SPEECH


# the PulseAudio virtual microphone (session fixture `virtual_mic`, see tests/vmic.py)
from vmic import virtual_mic  # noqa: E402,F401
