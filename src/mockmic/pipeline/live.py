"""Transcribe while the speaker talks, so that pressing stop leaves only the last seconds to do.

A :class:`LiveSession` is fed the recording block by block (``feed`` only appends to a list and
wakes the session's own thread). That thread

1. runs the Silero voice-activity detector over each new 32 ms window as it arrives
   (:class:`mockmic.pipeline.vad.StreamingVad`: the same model, state and decision rules as
   :func:`mockmic.pipeline.vad.speech_intervals`, so the finished intervals equal a whole-file run);
2. cuts the audio into chunks at pauses, by the rules of :mod:`mockmic.analysis.chunks` -- the
   same rules the engine uses for a whole file. A cut is taken only once it is certain (it
   depends on the audio alone, not on timing), so the live chunks are the whole-file chunks;
3. transcribes each chunk on its own with the filler prompt (no earlier words carried in),
   shifting word times onto the recording's timeline -- again exactly as the engine does.

4. measures the pitch and level of each new 20 ms frame (:class:`mockmic.analysis.pitch.PitchTracker`,
   frames on a fixed grid of the recording, so they equal a whole-file pass), leaving only the
   summary (milliseconds) for stop.

The same inputs to the same model give the same words, so the report at stop is the report
``mockmic analyze`` gives for the saved file (``tests/integration/test_live_real.py``).

When the speaker pauses and the decoder is idle, the session transcribes the open chunk
*speculatively*, up to where a cut in this pause would go (see ``_maybe_speculate`` for when). If the pause
becomes long enough for a cut, the guess is that chunk and is kept; if stop comes during the
pause, the guess is the last chunk and ``finish`` has nothing left to transcribe; if the speaker
goes on, it is dropped.

``finish()`` takes the cuts the final audio allows, transcribes what is left (usually nothing or
one short chunk), closes the VAD, and hands the merged transcript and the speech intervals to
:meth:`mockmic.pipeline.engine.Analyzer.analyze`, which does the rest exactly as for a file. Audio is never
dropped: while a chunk is transcribed the incoming blocks pile up in the inbox and the backlog is
visible in :attr:`LiveSession.stats`.

Threads: the decoder uses the transcriber's threads (a setting of 0 means one per core, at most
4: :func:`mockmic.pipeline.transcription.default_cpu_threads`), the same model the whole-file analysis uses
(``threads=`` overrides it, for benchmarks). The UI thread needs little CPU and
wakes rarely, so the kernel's scheduler serves it promptly next to two busy decoder threads; the
benchmark measures how late a 20 Hz timer fires while chunks are decoded.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from mockmic.analysis import chunks
from mockmic.analysis.chunks import ChunkRules
from mockmic.analysis.pitch import PitchTracker
from mockmic.core import SAMPLE_RATE, Report, Transcript, Word
from mockmic.pipeline.vad import StreamingVad

if TYPE_CHECKING:
    from mockmic.config import Settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.transcription import Transcriber

IDLE_EXIT_S = 30.0
"""The session's thread ends when no audio came for this long (the recorder is gone and nobody
called finish or cancel); finish() still works afterwards, doing the remaining work itself."""


@dataclass
class LiveStats:
    """What the live session has done so far (a snapshot; times in seconds)."""

    received_s: float = 0.0
    """Audio fed in so far."""
    transcribed_s: float = 0.0
    """Audio up to the end of the last transcribed chunk."""
    backlog_s: float = 0.0
    """Audio received but not transcribed yet (the open chunk plus anything waiting)."""
    max_backlog_s: float = 0.0
    chunks_decoded: int = 0
    speculative_decodes: int = 0
    speculative_used: int = 0
    """Guesses that turned out to be a chunk (kept, not transcribed again)."""
    decode_time_s: float = 0.0
    """Time spent inside the transcriber while recording."""
    longest_decode_s: float = 0.0
    """The longest single Whisper call (a quality fallback or loop repair makes one slow)."""
    vad_time_s: float = 0.0
    pitch_time_s: float = 0.0
    """Time spent measuring pitch and level frames while recording."""
    chunks: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of each transcribed chunk, the tail included after finish."""
    threads: int = 0
    tail_s: float = 0.0
    """Length of audio transcribed after stop (0 when the last guess was the last chunk)."""
    finish_wait_s: float = 0.0
    """In finish: waiting for a chunk that was being transcribed when stop came."""
    finish_tail_s: float = 0.0
    """In finish: transcribing the tail."""
    finish_analyze_s: float = 0.0
    """In finish: the analysis (audio fillers, metrics, flags)."""
    finish_s: float = 0.0
    """In finish: all of it, from the call to the returned report."""
    late_s: float = 0.0
    """Audio fed after finish/cancel (not in the report)."""
    fallback: str = ""
    """Why the live work was abandoned and the whole recording analyzed at stop, if it was."""


class LiveSessionError(RuntimeError):
    """The session was used after ``finish`` or ``cancel``."""


def _default_threads() -> int:
    from mockmic.pipeline.transcription import default_cpu_threads

    return default_cpu_threads()


class ModelSource(Protocol):
    """Where the live analysis gets its transcriber (the app's ``ModelHolder``)."""

    @property
    def ready(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> Transcriber: ...


def _with_threads(transcriber: Transcriber, threads: int) -> Transcriber:
    """The same Whisper model settings with ``threads`` CPU threads (other transcribers as is)."""
    from mockmic.pipeline.transcription import WhisperTranscriber

    if not isinstance(transcriber, WhisperTranscriber) or transcriber.cpu_threads == threads:
        return transcriber
    return WhisperTranscriber(
        transcriber.model_path,
        name=transcriber.name,
        language=transcriber.language,
        filler_prompt=transcriber.filler_prompt,
        beam_size=transcriber.beam_size,
        cpu_threads=threads,
    )


class LiveSession:
    """Transcribes a recording while it is being made; ``finish()`` returns its report.

    Args:
        analyzer: the app's :class:`mockmic.pipeline.engine.Analyzer` (its settings and transcriber).
        target: the question's answer-length window, passed on to ``analyze``.
        threads: CPU threads for Whisper. ``None``: the transcriber's own setting.
        rules: where chunks are cut; by default the analyzer's (``Analyzer.chunk_rules``), so
            that the result equals the whole-file analysis. Other rules are for tests.
    """

    def __init__(
        self,
        analyzer: Analyzer,
        *,
        target: tuple[float, float] | None = None,
        threads: int | None = None,
        rules: ChunkRules | None = None,
    ) -> None:
        self.target = target
        transcriber = analyzer.transcriber
        if threads is None:
            own = getattr(transcriber, "cpu_threads", 0) or 0
            threads = own if own > 0 else _default_threads()
        live = _with_threads(transcriber, threads)
        if live is not transcriber:
            analyzer = copy.copy(analyzer)  # same settings, the transcriber with sane threads
            analyzer.transcriber = live
        self.analyzer = analyzer
        self.transcriber = live
        th = analyzer.settings.thresholds
        self._vad_min_silence = min(0.2, th.min_pause_s)  # what Analyzer.analyze would use
        self.rules = rules or getattr(analyzer, "chunk_rules", None) or ChunkRules()

        self._cond = threading.Condition()
        self._inbox: list[np.ndarray] = []
        self._received = 0
        self._late = 0
        self._stopping = False
        self._cancelled = False
        self._done = False
        self._buf = np.zeros(SAMPLE_RATE * 60, dtype=np.float32)
        self._len = 0  # samples moved from the inbox into _buf (worker thread only)
        self._cut = 0  # everything before this sample is transcribed
        self._words: list[Word] = []
        self._spec: tuple[int, int, list[Word]] | None = None  # (start, end, words) of a guess
        self._vad: StreamingVad | None = None
        self._pitch = PitchTracker()  # the session's thread, then finish (after join)
        self._error: BaseException | None = None
        self._lock = threading.Lock()  # guards _stats
        self._stats = LiveStats(threads=threads)
        self._thread = threading.Thread(target=self._run, name="mockmic-live", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ public API

    def feed(self, samples: np.ndarray) -> None:
        """Add a block of 16 kHz mono float32 samples. Cheap, never blocks on decoding.

        Safe to call from any thread (the recorder's writer thread). The block is copied. Blocks
        that arrive after ``finish``/``cancel`` are not part of the report; they are counted in
        ``stats.late_s`` rather than raising into the recorder's thread.
        """
        block = np.array(samples, dtype=np.float32, copy=True).reshape(-1)
        if block.size == 0:
            return
        with self._cond:
            if self._stopping:
                self._late += block.size
                return
            self._inbox.append(block)
            self._received += block.size
            self._cond.notify()

    @property
    def stats(self) -> LiveStats:
        with self._lock:
            snap = copy.copy(self._stats)
            snap.chunks = list(self._stats.chunks)
        with self._cond:
            received, late = self._received, self._late
        snap.received_s = received / SAMPLE_RATE
        snap.late_s = late / SAMPLE_RATE
        snap.backlog_s = max(0.0, snap.received_s - snap.transcribed_s)
        return snap

    def finish(self, *, file: str = "") -> Report:
        """Stop taking audio, transcribe the tail, and return the report for the whole recording.

        Blocks for the tail's work (call it from a worker thread, not the UI's event loop).
        The chunks are those ``analyzer.analyze`` cuts for the same samples, so the report is
        the whole-file report.
        """
        t0 = time.perf_counter()
        with self._cond:
            if self._cancelled:
                raise LiveSessionError("the live session was cancelled")
            if self._done:
                raise LiveSessionError("finish() was already called")
            self._stopping = True
            self._done = True
            self._cond.notify()
        self._thread.join()
        t_wait = time.perf_counter()
        self._drain()
        audio = self._buf[: self._len]

        if self._error is not None:  # the live work failed: do it all now, correctly if slowly
            self._set(fallback=f"live transcription failed: {self._error!r}")
            report: Report = self.analyzer.analyze(audio, file=file, target=self.target)
            self._set(finish_s=time.perf_counter() - t0, finish_wait_s=t_wait - t0)
            return report

        vad = self._vad = self._vad or self._new_vad()
        speech = vad.finish(audio, self._len)
        done_after_stop = 0
        # the cuts the finished audio allows (the same rules, now with everything seen)
        while (c := chunks.next_cut(vad.closed, self._len, self._cut, vad.probs, self.rules)) is not None:
            if c <= self._cut:
                break
            done_after_stop += self._take_chunk(self._cut, c)
        end = chunks.last_end(vad.closed, self._len, self._cut, self.rules)
        if end is not None and end > self._cut:
            done_after_stop += self._take_chunk(self._cut, end)
        self._set(tail_s=done_after_stop / SAMPLE_RATE)
        words = list(self._words)
        t_tail = time.perf_counter()
        transcript = Transcript(words=words, model=getattr(self.transcriber, "name", ""))
        self._pitch.push(audio, self._len, final=True)
        report = self.analyzer.analyze(
            audio, file=file, target=self.target, transcript=transcript, speech=speech,
            pitch=self._pitch.frames(),
        )
        t_end = time.perf_counter()
        self._set(
            finish_wait_s=t_wait - t0,
            finish_tail_s=t_tail - t_wait,
            finish_analyze_s=t_end - t_tail,
            finish_s=t_end - t0,
        )
        return report

    def cancel(self) -> None:
        """Abandon the recording: stop the session's thread and drop the audio. Returns at once."""
        with self._cond:
            self._cancelled = True
            self._stopping = True
            self._inbox.clear()
            self._cond.notify()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def audio(self) -> np.ndarray:
        """The samples received, once ``finish`` has returned (a read-only view)."""
        if not self._done or self._thread.is_alive():
            raise LiveSessionError("the audio is available after finish()")
        view = self._buf[: self._len]
        view.flags.writeable = False
        return view

    # ------------------------------------------------------------------ the session's thread

    def _run(self) -> None:
        try:
            self._vad = self._new_vad()
            self._warm_up()
            last_audio = time.monotonic()
            while True:
                with self._cond:
                    while not self._inbox and not self._stopping:
                        if time.monotonic() - last_audio > IDLE_EXIT_S:
                            return  # abandoned without cancel(): finish() can still do the rest
                        self._cond.wait(0.5)
                    stopping = self._stopping
                    cancelled = self._cancelled
                last_audio = time.monotonic()
                if cancelled:
                    self._buf = np.zeros(0, dtype=np.float32)
                    return
                self._drain()
                t = time.perf_counter()
                self._vad.push(self._buf, self._len)
                self._add(vad_time_s=time.perf_counter() - t)
                t = time.perf_counter()
                self._pitch.push(self._buf, self._len)
                self._add(pitch_time_s=time.perf_counter() - t)
                if stopping:
                    return
                self._maybe_decode()
        except BaseException as exc:  # noqa: BLE001 - reported through finish()
            self._error = exc

    def _warm_up(self) -> None:
        model = getattr(self.transcriber, "model", None)  # WhisperTranscriber loads (cached) here
        del model

    def _new_vad(self) -> StreamingVad:
        return StreamingVad(min_silence_s=self._vad_min_silence)

    def _drain(self) -> None:
        """Move blocks from the inbox to the contiguous buffer (the session's thread, or finish)."""
        with self._cond:
            blocks, self._inbox = self._inbox, []
        if not blocks:
            return
        n = sum(len(b) for b in blocks)
        if self._len + n > len(self._buf):
            grown = np.zeros(max(2 * len(self._buf), self._len + n), dtype=np.float32)
            grown[: self._len] = self._buf[: self._len]
            self._buf = grown
        for b in blocks:
            self._buf[self._len:self._len + len(b)] = b
            self._len += len(b)
        with self._lock:
            self._stats.max_backlog_s = max(
                self._stats.max_backlog_s, (self._len - self._cut) / SAMPLE_RATE
            )

    def _maybe_decode(self) -> None:
        vad = self._vad
        assert vad is not None
        c = chunks.next_cut(vad.closed, vad.seen, self._cut, vad.probs, self.rules,
                            open_start=vad.open_start)
        if c is not None and c > self._cut:
            self._take_chunk(self._cut, c)
            with self._lock:
                self._stats.chunks_decoded += 1
                self._stats.transcribed_s = c / SAMPLE_RATE
            return
        self._maybe_speculate(vad)

    def _take_chunk(self, a: int, b: int) -> int:
        """Chunk ``[a, b)`` is final: its words (the guess, if it was this chunk) join the
        transcript. Returns how many samples had to be transcribed for it."""
        spec, self._spec = self._spec, None
        transcribed = 0
        if spec is not None and spec[0] == a and spec[1] == b:
            words = spec[2]
            self._add(speculative_used=1)
        elif chunks.has_speech(self._vad.closed if self._vad else [], a, b):
            words = self._transcribe(a, b)
            transcribed = b - a
        else:
            words = []
        self._words.extend(words)
        self._cut = b
        self._add_chunk(a, b)
        return transcribed

    def _maybe_speculate(self, vad: StreamingVad) -> None:
        """The speaker paused: transcribe the open chunk up to where a cut here would go.

        A guess costs a whole Whisper pass (1-3 s on 2 cores for pieces of up to 29 s: the 30 s
        encoder pass whatever the length, then the words), and one still running when the
        speaker really stops delays the report. So it is made after ``rules.lead`` of quiet when
        the chunk is long enough to be cut here (the guess will most likely be that chunk), and
        otherwise only once the pause is as long as the pauses between sentences
        (``rules.pause``): short breaks inside a sentence of a short chunk are not worth a pass.
        """
        quiet = vad.silent_since
        if quiet is None or quiet <= self._cut:
            return
        silent = vad.seen - quiet
        if silent < self.rules.lead:
            return
        if quiet + self.rules.lead - self._cut < self.rules.min_chunk and silent < self.rules.pause:
            return
        end = quiet + self.rules.lead
        if self._spec is not None and self._spec[:2] == (self._cut, end):
            return  # already done for this pause
        if not chunks.has_speech(vad.closed, self._cut, end) and vad.open_start is None:
            return
        with self._cond:
            if self._inbox and sum(len(b) for b in self._inbox) > SAMPLE_RATE:
                return  # audio is piling up: not the time for guesses
        words = self._transcribe(self._cut, end)
        self._spec = (self._cut, end, words)
        self._add(speculative_decodes=1)

    def _transcribe(self, a: int, b: int) -> list[Word]:
        t = time.perf_counter()
        # each chunk on its own, with the filler prompt only: as mockmic.pipeline.engine.transcribe_chunks
        out = self.transcriber.transcribe(self._buf[a:b], offset=a / SAMPLE_RATE)
        took = time.perf_counter() - t
        self._add(decode_time_s=took)
        with self._lock:
            self._stats.longest_decode_s = max(self._stats.longest_decode_s, took)
        return list(out.words)

    # ------------------------------------------------------------------ stats helpers

    def _add(self, **deltas: float) -> None:
        with self._lock:
            for k, v in deltas.items():
                setattr(self._stats, k, getattr(self._stats, k) + v)

    def _set(self, **values: Any) -> None:
        with self._lock:
            for k, v in values.items():
                setattr(self._stats, k, v)

    def _add_chunk(self, a: int, b: int) -> None:
        with self._lock:
            self._stats.chunks.append((a / SAMPLE_RATE, b / SAMPLE_RATE))


class LiveAnswerAnalysis:
    """The practice room's answer analysis (``feed`` while recording, ``finish(path)`` after stop).

    Implements the app's ``AnswerAnalysis`` protocol on top of :class:`LiveSession`. The model
    may still be loading when recording starts: blocks are kept until it is ready and the session
    then starts from the first sample. If the model never became ready during the recording, or
    the audio the session saw does not match the file on disk (a block lost in ``on_chunk``),
    ``finish`` analyzes the file as a whole instead, so the report is always of the saved audio.

    ``models`` is a :class:`ModelSource` (the app's ModelHolder).
    """

    def __init__(self, settings: Settings, models: ModelSource, target: tuple[float, float] | None = None,
                 **session_options: Any) -> None:
        self.settings = settings
        self.models = models
        self.target = target
        self.session_options = session_options
        self.session: LiveSession | None = None
        self._pending: list[np.ndarray] = []
        self._closed = False
        self._lock = threading.Lock()
        self.fallback = ""
        """Why ``finish`` analyzed the whole file instead of using the live work, if it did."""

    def feed(self, chunk: np.ndarray) -> None:
        with self._lock:
            if self._closed:
                return
            if self.session is None:
                self._pending.append(np.array(chunk, dtype=np.float32, copy=True).reshape(-1))
                if not self.models.ready:
                    return
                from mockmic.pipeline.engine import Analyzer

                self.session = LiveSession(Analyzer(self.settings, self.models.wait(0)),
                                           target=self.target, **self.session_options)
                pending, self._pending = self._pending, []
                for block in pending:
                    self.session.feed(block)
                return
            session = self.session
        session.feed(chunk)

    def finish(self, audio_path: Path | str) -> Report:
        """The report for the saved recording at ``audio_path`` (call from a worker thread)."""
        from mockmic.audio.io import decode_file
        from mockmic.pipeline.engine import Analyzer

        with self._lock:
            self._closed = True
            session, self._pending = self.session, []
        if session is None:
            self.fallback = "the speech model was not ready while recording"
        else:
            report = session.finish(file=str(audio_path))
            on_disk = _file_seconds(audio_path)
            if abs(report.duration_s - on_disk) <= 0.25:
                return report
            self.fallback = (f"the live audio ({report.duration_s:.2f} s) differs from the file "
                             f"({on_disk:.2f} s)")
        decoded = decode_file(audio_path)
        analyzer = Analyzer(self.settings, self.models.wait())
        return analyzer.analyze(decoded.samples, file=str(audio_path), target=self.target)

    def cancel(self) -> None:
        """The attempt was discarded: stop transcribing and drop the audio."""
        with self._lock:
            self._closed = True
            self._pending = []
            session = self.session
        if session is not None:
            session.cancel()


def _file_seconds(path: Path | str) -> float:
    try:
        import soundfile as sf

        info = sf.info(str(path))
        return float(info.frames / info.samplerate)
    except Exception:  # noqa: BLE001 - unreadable header: let decode_file say why
        return -1.0
