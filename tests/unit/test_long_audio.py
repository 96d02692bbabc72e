"""Long recordings: Whisper sees short chunks cut at pauses (memory stays bounded whatever the
length)."""

from __future__ import annotations

import numpy as np

from mockmic.core import SAMPLE_RATE, Interval, Transcript, Word
from mockmic.analysis.chunks import ChunkRules
from mockmic.pipeline.engine import transcribe_chunks
from mockmic.pipeline.vad import SpeechScan

class Recorder:
    """Returns one word at the middle of each window it is given, and records the calls."""

    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[tuple[float, float]] = []
        self.prompts: list[str | None] = []

    def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True) -> Transcript:  # noqa: ANN001
        length = len(audio) / SAMPLE_RATE
        self.calls.append((offset, length))
        self.prompts.append(prompt)
        return Transcript([Word("care", offset + length / 2, offset + length / 2 + 0.3)])


def scan_of(speech: list[Interval], duration: float) -> SpeechScan:
    stretches = [(int(iv.start * SAMPLE_RATE), int(iv.end * SAMPLE_RATE)) for iv in speech]
    probs = [0.9 if any(a <= k * 512 < b for a, b in stretches) else 0.1
             for k in range(int(duration * SAMPLE_RATE) // 512 + 1)]
    return SpeechScan(speech, stretches, probs)


def test_transcribe_chunks_shifts_words_carries_no_context_and_skips_silence() -> None:
    duration = 1900.0
    audio = np.zeros(int(duration * SAMPLE_RATE), dtype=np.float32)
    # 9 s of talk and 1 s of pause for the first 1300 s, then 600 s of silence
    speech = [Interval(i * 10.0, i * 10.0 + 9.0) for i in range(130)]
    rec = Recorder()
    rules = ChunkRules()
    t = transcribe_chunks(rec, audio, scan_of(speech, duration), rules)
    assert all(length <= rules.max_chunk / SAMPLE_RATE + 1e-6 for _o, length in rec.calls)
    assert rec.calls[-1][0] < 1300.0  # the silent end is never sent to Whisper
    # every stretch of speech inside exactly one chunk
    for iv in speech:
        assert sum(1 for o, n in rec.calls if o <= iv.start and iv.end <= o + n) == 1
    assert [round(w.start, 2) for w in t.words] == [round(o + n / 2, 2) for o, n in rec.calls]
    # no earlier words in any chunk's prompt: they teach Whisper to drop fillers (issue 11)
    assert len(rec.prompts) == len(rec.calls) > 1 and set(rec.prompts) == {None}
