"""LiveSession with a fake transcriber: where chunks are cut, that no audio is lost, and that the
report at stop is the report a whole-file analysis gives.

The signal is assembled with numpy from the two Piper sentences of ``tests/data/answer_short.flac``
(their times are in ``answer_short.json``), repeated with silences of known lengths in between.
The fake transcriber knows the script: each sentence's words (plus a few fillers) are spread over
its sound, and it returns the words whose middle lies in the audio it is given, on the
recording's timeline, as the real transcriber does with ``offset``. Whether a cut falls in a
silence is judged from the signal itself (its level around the cut), not from the VAD.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mockmic.analysis.chunks import ChunkRules, plan
from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Transcript, Word
from mockmic.pipeline.engine import Analyzer
from mockmic.pipeline.live import LiveSession, LiveSessionError
from mockmic.pipeline.vad import StreamingVad, scan_speech, speech_intervals

SR = SAMPLE_RATE
DATA = Path(__file__).resolve().parents[1] / "data"

# (sentence 0 or 1, words said in front of it, silence after it in seconds)
SCRIPT = [
    (0, "", 0.6),
    (1, "", 0.15),
    (0, "um", 0.9),
    (1, "", 0.35),
    (0, "", 1.4),
    (1, "so", 0.5),
    (0, "", 3.2),
    (1, "", 0.45),
    (0, "uh", 0.7),
    (1, "", 0.8),
]
LEAD_S = 0.7
RULES = ChunkRules.seconds(min_chunk=4.0, max_chunk=12.0)


def sentences() -> list[tuple[np.ndarray, str]]:
    import soundfile as sf

    audio, rate = sf.read(str(DATA / "answer_short.flac"), dtype="float32")
    assert rate == SR
    meta = json.loads((DATA / "answer_short.json").read_text())
    out = []
    for seg in meta["segments"][:2]:
        clip = audio[int((seg["start"] - 0.03) * SR):int((seg["end"] + 0.05) * SR)]
        out.append((clip, seg["text"]))
    return out


def build_signal() -> tuple[np.ndarray, list[tuple[float, float]], list[Word]]:
    clips = sentences()
    parts = [np.zeros(int(LEAD_S * SR), np.float32)]
    sounds: list[tuple[float, float]] = []
    words: list[Word] = []
    pos = int(LEAD_S * SR)
    for which, extra, gap in SCRIPT:
        clip, text = clips[which]
        parts.append(clip)
        a, b = pos / SR, (pos + len(clip)) / SR
        sounds.append((a, b))
        toks = (extra + " " + text).replace(",", "").replace(".", "").split()
        step = (b - a) / len(toks)
        words += [Word(t, round(a + k * step, 3), round(a + (k + 0.85) * step, 3)) for k, t in enumerate(toks)]
        pos += len(clip)
        parts.append(np.zeros(int(gap * SR), np.float32))
        pos += int(gap * SR)
    audio = np.concatenate(parts)
    audio += np.random.default_rng(99).normal(0, 3e-4, audio.size).astype(np.float32)
    return audio, sounds, words


def is_silent_at(audio: np.ndarray, t: float, half_width_s: float = 0.05) -> bool:
    """Nothing louder than -45 dBFS within ``half_width_s`` of ``t``."""
    a, b = int((t - half_width_s) * SR), int((t + half_width_s) * SR)
    return float(np.abs(audio[max(0, a):b]).max()) < 10 ** (-45 / 20)


class ScriptTranscriber:
    """Returns the script's words that fall in the audio it is given; records every call."""

    name = "script"

    def __init__(self, words: list[Word], *, gate: threading.Event | None = None) -> None:
        self.words = words
        self.calls: list[tuple[float, np.ndarray, str | None]] = []
        self.gate = gate

    def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True) -> Transcript:
        if self.gate is not None:
            self.gate.wait(10)
        audio = np.asarray(audio, np.float32)
        self.calls.append((offset, audio.copy(), prompt))
        end = offset + len(audio) / SR
        got = [w for w in self.words if offset <= (w.start + w.end) / 2 < end]
        return Transcript(words=got, model=self.name)


@pytest.fixture(scope="module")
def signal():
    return build_signal()


@pytest.fixture(scope="module")
def live_run(signal):
    """One live session over the whole signal, shared by the tests that only inspect it."""
    audio, _, words = signal
    return run_live(audio, words, rules=RULES)


def feed_in_blocks(session: LiveSession, audio: np.ndarray, block: int = 1600, pace_s: float = 0.0) -> None:
    for i in range(0, len(audio), block):
        session.feed(audio[i:i + block])
        if pace_s:
            time.sleep(pace_s)


def run_live(audio, words, **kw):
    fake = ScriptTranscriber(words)
    session = LiveSession(Analyzer(Settings(), fake), **kw)
    feed_in_blocks(session, audio, pace_s=0.002)  # ~50x real time: the thread cuts as it goes
    report = session.finish(file="answer.wav")
    return session, fake, report


def test_signal_is_speech_where_the_script_says(signal):
    audio, sounds, _ = signal
    found = speech_intervals(audio)
    assert len(found) >= len(sounds) - 1
    def inside(t: float) -> bool:
        return any(a - 0.1 <= t <= b + 0.1 for a, b in sounds)

    for iv in found:  # speech starts and ends inside the sentences, never in the silences
        assert inside(iv.start) and inside(iv.end), iv


def test_streaming_vad_equals_whole_file_vad(signal):
    audio = signal[0]
    rng = np.random.default_rng(3)
    for length in (len(audio), len(audio) - 700, 512 * 300):
        a = audio[:length]
        vad = StreamingVad()
        pos = 0
        while pos < length:
            pos = min(length, pos + int(rng.integers(50, 6000)))
            vad.push(a, pos)
        assert vad.finish(a, length) == speech_intervals(a), length


def test_chunks_end_in_silences_and_cover_everything(signal, live_run):
    audio, sounds, words = signal
    session, fake, report = live_run
    chunks = session.stats.chunks
    assert len(chunks) >= 3
    # contiguous from 0: nothing skipped, nothing twice; after the last chunk only silence
    assert chunks[0][0] == 0.0
    for (a0, b0), (a1, b1) in zip(chunks, chunks[1:]):
        assert b0 == a1
    end = chunks[-1][1]
    assert end > sounds[-1][1]
    assert end == pytest.approx(len(audio) / SR, abs=1e-6) or is_silent_at(
        audio, (end + len(audio) / SR) / 2, (len(audio) / SR - end) / 2
    )
    # every cut falls in a silence: nothing above -45 dBFS within 50 ms of it
    for _, cut in chunks[:-1]:
        assert is_silent_at(audio, cut), cut
    # the 0.15 s gap between two sentences is too short to cut at
    short_gap = (sounds[1][0] - 0.15, sounds[1][0])
    assert not any(short_gap[0] <= cut <= short_gap[1] for _, cut in chunks)
    # each chunk was given to the transcriber exactly as recorded, at its offset
    for a, b in chunks:
        given = [c for c in fake.calls if c[0] == a and len(c[1]) == round((b - a) * SR)]
        assert given, (a, b)
        assert np.array_equal(given[-1][1], audio[round(a * SR):round(b * SR)])


def test_chunk_lengths_follow_the_limits(signal, live_run):
    audio, _, words = signal
    session, _, _ = live_run
    chunks = session.stats.chunks
    for a, b in chunks[:-1]:
        assert 4.0 <= b - a <= 12.0, (a, b)


def test_report_at_stop_equals_whole_file_report(signal, live_run):
    audio, _, words = signal
    session, _, live = live_run
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(audio, file="answer.wav")
    assert live.word_count == whole.word_count > 100
    assert live.fillers.count == whole.fillers.count > 0
    assert [f.code for f in live.flags] == [f.code for f in whole.flags]
    assert "defensive_comparison" in [f.code for f in live.flags]
    # pitch and level were measured while recording, and summarise to the whole file's figures
    assert session.stats.pitch_time_s > 0
    assert live.voice is not None and live.voice.voiced_s > 5 and live.voice.contour
    assert live.voice == whole.voice
    assert live.to_json() == whole.to_json()


def test_live_chunks_and_prompts_are_those_of_the_whole_file_analysis(signal, live_run):
    audio, _, words = signal
    session, live_fake, _ = live_run
    scan = scan_speech(audio)
    planned = plan(scan.stretches, len(audio), scan.probs, RULES)
    live_chunks = [(round(a * SR), round(b * SR)) for a, b in session.stats.chunks]
    assert [c for c in live_chunks if c in planned] == planned
    whole_fake = ScriptTranscriber(words)
    Analyzer(Settings(), whole_fake, RULES).analyze(audio)
    whole_calls = [(o, len(x), p) for o, x, p in whole_fake.calls]
    live_calls = [(o, len(x), p) for o, x, p in live_fake.calls]
    assert len(whole_calls) == len(planned)
    assert all(call in live_calls for call in whole_calls)  # same audio, offset and prompt


def test_no_previous_text_is_carried_into_the_prompt(signal, live_run):
    # earlier words in the prompt teach Whisper to write clean, filler-free text (issue 11):
    # every chunk is decoded with the transcriber's own filler prompt and nothing else
    audio, _, words = signal
    _, fake, _ = live_run
    assert len(fake.calls) >= 3
    assert [c[2] for c in fake.calls] == [None] * len(fake.calls)


def test_feed_never_waits_for_a_slow_transcriber(signal):
    audio, _, words = signal
    gate = threading.Event()
    fake = ScriptTranscriber(words, gate=gate)
    session = LiveSession(Analyzer(Settings(), fake), rules=RULES)
    feeder = threading.Thread(target=feed_in_blocks, args=(session, audio), kwargs={"pace_s": 0.001})
    feeder.start()
    feeder.join(20)
    assert not feeder.is_alive(), "feed() blocked while the transcriber was busy"
    deadline = time.monotonic() + 10
    while session.stats.backlog_s < len(audio) / SR - 12.5 and time.monotonic() < deadline:
        time.sleep(0.01)
    stats = session.stats
    assert stats.received_s == pytest.approx(len(audio) / SR)
    assert stats.backlog_s >= len(audio) / SR - 12.5  # at most one chunk taken while blocked
    gate.set()
    report = session.finish()
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(audio)
    assert report.to_json() == whole.to_json()
    assert report.duration_s == pytest.approx(len(audio) / SR, abs=0.01)


def test_stop_right_after_the_last_word_uses_the_speculative_decode(signal):
    audio, sounds, words = signal
    end = int((sounds[-1][1] + 0.7) * SR)  # stop 0.7 s after the last sound
    fake = ScriptTranscriber(words)
    session = LiveSession(Analyzer(Settings(), fake), rules=RULES)
    feed_in_blocks(session, audio[:end], pace_s=0.002)
    # wait until the last sound is covered by the guess made in the final pause, or by the
    # chunk that guess already became (0.7 s of quiet is enough for the cut): an earlier pause
    # may have had a guess too, and on a loaded machine the fed audio is taken in late
    last_sound = sounds[-1][1]

    def last_sound_decoded() -> bool:
        spec = session._spec
        return session._cut / SR >= last_sound or (spec is not None and spec[1] / SR >= last_sound)

    deadline = time.monotonic() + 60
    while not last_sound_decoded():
        assert time.monotonic() < deadline, "the final pause was never decoded ahead of the stop"
        time.sleep(0.01)
    calls_before = len(fake.calls)
    report = session.finish()
    stats = session.stats
    assert stats.speculative_used
    assert stats.tail_s == 0.0
    assert len(fake.calls) == calls_before  # nothing left to transcribe at stop
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(audio[:end])
    assert report.to_json() == whole.to_json()


def test_silent_tail_is_not_transcribed(signal):
    audio, _, words = signal
    padded = np.concatenate([audio, np.zeros(3 * SR, np.float32)])
    session, fake, report = run_live(padded, words, rules=RULES)
    last_offset, last_audio, _ = fake.calls[-1]
    assert last_offset + len(last_audio) / SR < len(padded) / SR - 1.0
    assert report.duration_s == pytest.approx(len(padded) / SR, abs=0.01)


def test_speaker_who_never_pauses_long_is_still_cut_in_a_silence(signal):
    clips = sentences()
    # the sentences back to back with 0.25 s breaks: no pause of 0.3 s between them
    parts, script = [np.zeros(int(0.5 * SR), np.float32)], []
    pos = 0.5
    for i in range(8):
        clip = clips[i % 2][0]
        parts.append(clip)
        script.append(Word(f"w{i}", pos + 0.5, pos + 1.5))
        pos += len(clip) / SR
        parts.append(np.zeros(int(0.25 * SR), np.float32))
        pos += 0.25
    long_run = np.concatenate(parts)
    fake = ScriptTranscriber(script)
    session = LiveSession(Analyzer(Settings(), fake), rules=ChunkRules.seconds(min_chunk=4.0, max_chunk=8.0))
    feed_in_blocks(session, long_run, pace_s=0.002)
    session.finish()
    chunks = session.stats.chunks
    assert len(chunks) >= 4
    assert all(b - a <= 8.0 + 0.01 for a, b in chunks[:-1])
    for _, cut in chunks[:-1]:
        assert is_silent_at(long_run, cut, 0.03), cut


def test_cancel_returns_at_once_and_finish_then_refuses(signal):
    audio, _, words = signal
    gate = threading.Event()
    session = LiveSession(Analyzer(Settings(), ScriptTranscriber(words, gate=gate)))
    feed_in_blocks(session, audio)
    t = time.monotonic()
    session.cancel()
    assert time.monotonic() - t < 0.5
    gate.set()
    session._thread.join(5)
    assert not session.running
    with pytest.raises(LiveSessionError):
        session.finish()


def test_audio_after_finish_is_counted_not_raised(signal):
    audio, _, words = signal
    session = LiveSession(Analyzer(Settings(), ScriptTranscriber(words), RULES))
    feed_in_blocks(session, audio[: 3 * SR])
    session.finish()
    session.feed(np.zeros(1600, np.float32))  # the recorder's last block, arriving late
    assert session.stats.late_s == pytest.approx(0.1)
    with pytest.raises(LiveSessionError):
        session.finish()


def test_a_failing_transcriber_falls_back_to_the_whole_recording(signal):
    audio, _, words = signal

    class Flaky(ScriptTranscriber):
        def transcribe(self, audio, **kw):
            if len(self.calls) == 0 and len(audio) < 20 * SR:
                self.calls.append((0.0, np.zeros(0, np.float32), None))
                raise RuntimeError("decoder fell over")
            return super().transcribe(audio, **kw)

    session = LiveSession(Analyzer(Settings(), Flaky(words)), rules=RULES)
    feed_in_blocks(session, audio, pace_s=0.001)
    report = session.finish()
    assert "decoder fell over" in session.stats.fallback
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(audio)
    assert report.to_json() == whole.to_json()


# ---------------------------------------------------------------------------------------------
# LiveAnswerAnalysis: what the practice room plugs into the recorder's on_chunk


class Models:
    """The app's ModelHolder in small: ready once ``set`` is called."""

    def __init__(self, transcriber, ready: bool = True) -> None:
        self.transcriber = transcriber
        self.ready = ready

    def wait(self, timeout=None):
        return self.transcriber


def record(tmp_path, audio, analysis):
    from mockmic.audio.capture import FakeRecorder

    rec = FakeRecorder(tmp_path / "answer.wav", audio, on_chunk=analysis.feed, block_s=0.05)
    rec.start()
    assert rec.wait_fed(10)
    return rec.stop()


def test_answer_analysis_through_the_recorder_equals_the_whole_file(signal, tmp_path):
    from mockmic.audio.io import decode_file
    from mockmic.pipeline.live import LiveAnswerAnalysis

    audio, _, words = signal
    fake = ScriptTranscriber(words)
    analysis = LiveAnswerAnalysis(Settings(), Models(fake), (45.0, 120.0), rules=RULES)
    result = record(tmp_path, audio, analysis)
    report = analysis.finish(result.path)
    assert analysis.fallback == ""
    assert analysis.session is not None and analysis.session.stats.chunks_decoded >= 1
    on_disk = decode_file(result.path).samples  # the file holds 16-bit samples of the same audio
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(
        on_disk, file=str(result.path), target=(45.0, 120.0))
    assert report.word_count == whole.word_count
    assert report.fillers.count == whole.fillers.count
    assert [f.code for f in report.flags] == [f.code for f in whole.flags]
    assert report.duration_s == pytest.approx(whole.duration_s, abs=1e-3)


def test_answer_analysis_waits_for_a_model_that_loads_during_recording(signal, tmp_path):
    from mockmic.pipeline.live import LiveAnswerAnalysis

    audio, _, words = signal
    models = Models(ScriptTranscriber(words), ready=False)
    analysis = LiveAnswerAnalysis(Settings(), models, None)
    for i in range(0, 5 * SR, 1600):  # 5 s arrive before the model is ready
        analysis.feed(audio[i:i + 1600])
    assert analysis.session is None
    models.ready = True
    for i in range(5 * SR, len(audio), 1600):
        analysis.feed(audio[i:i + 1600])
    import soundfile as sf

    path = tmp_path / "a.wav"
    sf.write(str(path), audio, SR, subtype="FLOAT")
    report = analysis.finish(path)
    assert analysis.fallback == ""
    assert analysis.session.stats.received_s == pytest.approx(len(audio) / SR)
    whole = Analyzer(Settings(), ScriptTranscriber(words), RULES).analyze(audio, file=str(path))
    assert report.to_json() == whole.to_json()


def test_answer_analysis_without_a_model_during_recording_analyzes_the_file(signal, tmp_path):
    from mockmic.pipeline.live import LiveAnswerAnalysis

    audio, _, words = signal
    models = Models(ScriptTranscriber(words), ready=False)
    analysis = LiveAnswerAnalysis(Settings(), models, None)
    result = record(tmp_path, audio[: 20 * SR], analysis)
    models.ready = True
    report = analysis.finish(result.path)
    assert analysis.session is None and "not ready" in analysis.fallback
    assert report.duration_s == pytest.approx(20.0, abs=0.01)
    assert report.word_count > 20


def test_answer_analysis_cancel_stops_the_session(signal):
    from mockmic.pipeline.live import LiveAnswerAnalysis

    audio, _, words = signal
    analysis = LiveAnswerAnalysis(Settings(), Models(ScriptTranscriber(words)), None)
    for i in range(0, 10 * SR, 1600):
        analysis.feed(audio[i:i + 1600])
    analysis.cancel()
    analysis.session._thread.join(5)
    assert not analysis.session.running
    analysis.feed(audio[:1600])  # a late block from the writer thread is ignored
