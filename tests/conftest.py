"""Shared fixtures. Real-data tests read ../shared/data and skip cleanly when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

# numba (librosa.pyin, used by the test voice synthesiser) loads LLVM's shared library on first
# import. Once, with a Whisper model and a recorder's threads running in the same process, that
# dlopen crashed the whole test process with a segmentation fault in one of the other threads.
# Importing it here, while pytest has no other thread yet, takes that load out of the tests.
try:
    import numba  # noqa: F401
except ImportError:  # the test extra is not installed: the tests that need it say so
    pass

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
