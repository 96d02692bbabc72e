"""Long recordings: Whisper sees short chunks cut at pauses, the filler search 5-minute windows
(memory stays bounded whatever the length)."""

from __future__ import annotations

import numpy as np

from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Interval, Transcript, Word
from mockmic.analysis.chunks import ChunkRules
from mockmic.engine import FILLER_WINDOW_S, Analyzer, transcribe_chunks, windows_at_silences
from mockmic.speech import SpeechScan

LIMIT = 600.0


def test_windows_cut_mid_silence_and_never_exceed_the_limit() -> None:
    speech = [Interval(i * 10.0, i * 10.0 + 9.0) for i in range(200)]  # 9 s talk, 1 s pause
    windows = windows_at_silences(speech, 2000.0, LIMIT)
    assert windows[0][0] == 0.0 and windows[-1][1] == 2000.0
    assert all(b - a <= LIMIT for a, b in windows)
    assert all(w1[1] == w2[0] for w1, w2 in zip(windows, windows[1:]))  # no gaps, no overlap
    for _a, b in windows[:-1]:
        assert b % 10.0 == 9.5  # in the middle of a pause, never inside speech


def test_short_recording_is_one_window() -> None:
    assert windows_at_silences([Interval(1.0, 50.0)], 60.0, LIMIT) == [(0.0, 60.0)]


def test_continuous_speech_longer_than_a_window_is_cut_hard() -> None:
    windows = windows_at_silences([Interval(0.0, 1500.0)], 1500.0, LIMIT)
    assert windows == [(0.0, 600.0), (600.0, 1200.0), (1200.0, 1500.0)]


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


def test_audio_filler_search_runs_in_windows_with_local_times(monkeypatch) -> None:  # noqa: ANN001
    import mockmic.engine as engine
    from mockmic.core import Filler

    calls: list[tuple[float, float, float]] = []

    def fake(audio, transcript, speech, transcriber):  # noqa: ANN001
        length = len(audio) / SAMPLE_RATE
        first_word = transcript.words[0].start if transcript.words else -1.0
        calls.append((length, speech[0].start, first_word))
        # the window's second word is reported as unsupported, on the window's own numbering
        return [Filler("(uh)", 1.0, 1.3, "hesitation", "audio")], {1}

    monkeypatch.setattr(engine, "find_audio_fillers", fake)
    audio = np.zeros(int(700 * SAMPLE_RATE), dtype=np.float32)
    speech = [Interval(i * 10.0 + 0.5, i * 10.0 + 9.0) for i in range(70)]
    words = [Word("care", iv.start, iv.start + 0.4) for iv in speech]
    found, unsupported = engine.audio_fillers_long(audio, Transcript(words), speech, None)
    assert len(calls) == 3 and all(length <= FILLER_WINDOW_S for length, _s, _w in calls)
    # each window sees its own speech and words on its own clock, starting near 0
    assert all(0.0 <= s < 10.0 and 0.0 <= w < 10.0 for _l, s, w in calls)
    assert [round(f.start, 2) for f in found] == [1.0, 300.75, 600.75]  # back on the file's clock
    # and word indices back on the whole transcript's numbering: the second word of each window
    firsts = [min(k for k, w in enumerate(words) if w.start >= a) for a in (0.0, 300.0, 600.0)]
    assert unsupported == {k + 1 for k in firsts}
