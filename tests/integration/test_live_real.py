"""Live transcription with a real Whisper model against a whole-file analysis of the same audio.

The answer is the project's own Piper recording ``tests/data/answer_tell_me.flac`` (~59 s, two
"um"s, one 3.5 s pause). It is fed to a LiveSession in 0.1 s blocks at six times real time, so
chunks are cut and transcribed while "recording" goes on, as in the app. The issue asks for word
and filler counts within 2% and the same flags; since both paths cut the same chunks and give
Whisper the same inputs, the whole report must be identical.

The model is ``tiny.en``: this is about the two paths agreeing, not about accuracy, and the
chunking, speculative decodes and splicing are the same whatever the model. The app's own model
(``base``) goes through the same comparison, live in the app against ``analyze`` of the saved
file, in tests/tui/test_e2e_real.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mockmic.audio.io import decode_file
from mockmic.pipeline.engine import Analyzer
from mockmic.pipeline.live import LiveSession
from mockmic.pipeline.models import ModelError

pytestmark = pytest.mark.slow

ANSWER = Path(__file__).resolve().parents[1] / "data" / "answer_tell_me.flac"
SPEED = 6.0


@pytest.fixture(scope="module")
def analyzer(real_models) -> Analyzer:  # noqa: ANN001
    try:
        return real_models.analyzer("tiny.en")
    except ModelError as exc:
        pytest.skip(f"the tiny.en model is not installed: {exc}")


def within(a: int, b: int, rel: float = 0.02) -> bool:
    return abs(a - b) <= rel * max(a, b)


@pytest.fixture(scope="module")
def live_and_whole(analyzer: Analyzer, real_models):  # noqa: ANN001
    """One answer analyzed live (fed at SPEED x real time) and as a whole file, same model.

    The whole-file report is the session's ``analyze_file`` of the answer (default target), the
    one test_analyze_real.py checks against the answer's known timings."""
    audio = decode_file(ANSWER).samples
    session = LiveSession(analyzer)
    block = 1600
    t0 = time.monotonic()
    for i in range(0, len(audio), block):
        session.feed(audio[i:i + block])
        ahead = t0 + (i + block) / 16000 / SPEED - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    live = session.finish(file=str(ANSWER))
    assert session.transcriber is analyzer.transcriber  # one model, as in the app
    whole = real_models.report("tiny.en", ANSWER)
    return audio, session.stats, live, whole


def test_live_report_matches_whole_file_report(live_and_whole) -> None:
    audio, stats, live, whole = live_and_whole
    assert stats.chunks_decoded >= 2, stats  # work was done while the audio came in
    assert stats.received_s == pytest.approx(len(audio) / 16000)
    assert whole.word_count > 120
    assert within(live.word_count, whole.word_count), (live.word_count, whole.word_count)
    assert within(live.fillers.count, whole.fillers.count), (
        [(f.text, f.start) for f in live.fillers.items],
        [(f.text, f.start) for f in whole.fillers.items],
    )
    assert sorted(f.code for f in live.flags) == sorted(f.code for f in whole.flags)
    assert [(p.start, p.end) for p in live.pauses] == [(p.start, p.end) for p in whole.pauses]


def test_live_report_is_the_whole_file_report_word_for_word(live_and_whole) -> None:
    _audio, _stats, live, whole = live_and_whole
    assert [(w.text, w.start, w.end) for w in live.words] == [(w.text, w.start, w.end) for w in whole.words]
    assert live.to_json() == whole.to_json()
