"""Transcribe while the speaker talks, so that pressing stop leaves only the last seconds to do.

A :class:`LiveSession` is fed the recording block by block (``feed`` only appends to a list and
wakes the session's own thread). That thread

1. runs the Silero voice-activity detector over each new 32 ms window as it arrives
   (:class:`StreamingVad`: the same model, state and decision rules as
   :func:`mockmic.speech.speech_intervals`, so the finished intervals equal a whole-file run);
2. cuts the audio into chunks at pauses the VAD found, never at fixed times: a chunk ends in the
   middle of a pause of at least ``pause_s`` once it holds ``min_chunk_s`` of audio (at most
   ``max_chunk_s``; a speaker who never pauses that long is cut at the longest shorter pause);
3. transcribes each chunk with the text so far as the prompt, shifting word times onto the
   recording's timeline.

When the speaker falls silent for ``settle_s`` while nothing is queued, the session also
transcribes what it has so far *speculatively* (the speaker may be done). If the speaker goes on,
the guess is dropped and the chunk grows to its normal length; if stop comes first, ``finish``
keeps the guess and transcribes only what was said after it, usually nothing.

``finish()`` then transcribes only what is left after the last cut, closes the VAD, and hands
the merged transcript and the speech intervals to :meth:`mockmic.engine.Analyzer.analyze`, which
does the rest exactly as for a file. Audio is never dropped: while a chunk is transcribed the
incoming blocks pile up in the inbox and the backlog is visible in :attr:`LiveSession.stats`.

Threads: the decoder uses at most the machine's cores. CTranslate2's default (``cpu_threads=0``)
starts 4 threads, which on a 2-core laptop measured slower than 2 (a 30 s encoder pass 0.66-0.77 s
against 0.40 s) and leaves nothing for the UI; a transcriber set to 0 is therefore run with
``os.cpu_count()`` threads here (``threads=`` overrides it). The UI thread needs little CPU and
wakes rarely, so the kernel's scheduler serves it promptly next to two busy decoder threads; the
benchmark measures how late a 20 Hz timer fires while chunks are decoded.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mockmic.core import SAMPLE_RATE, Interval, Report, Transcript, Word

WINDOW = 512
"""Silero's window at 16 kHz (32 ms)."""
CONTEXT = 64
"""Samples of the previous window Silero sees in front of each window."""
PROMPT_WORDS = 40
"""How many of the previous words are passed to Whisper as context for the next chunk."""
IDLE_EXIT_S = 30.0
"""The session's thread ends when no audio came for this long (the recorder is gone and nobody
called finish or cancel); finish() still works afterwards, doing the remaining work itself."""


class StreamingVad:
    """Silero VAD run window by window, giving what :func:`mockmic.speech.speech_intervals` gives.

    ``speech_intervals(audio)`` runs the model over the whole recording at once and then walks
    the speech probabilities with the decision rules of ``faster_whisper.vad`` (no padding, no
    maximum length, no hysteresis) and moves each end back by ``END_LAG_S``. Here the model
    state (``h``, ``c`` and the 64 samples of context) is carried from one call to the next and
    the same rules are advanced as probabilities arrive, so a pause is known ~0.2 s after it
    starts and closing the stream at the end costs one window (0.2 ms instead of ~0.3 s for two
    minutes). ``tests/unit/test_live.py`` checks the two agree interval for interval.
    """

    def __init__(self, *, threshold: float = 0.5, min_silence_s: float = 0.2, min_speech_s: float = 0.05) -> None:
        from faster_whisper.vad import get_vad_model

        from mockmic import speech

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self.end_lag_s = float(getattr(speech, "END_LAG_S", 0.0))
        self.threshold = threshold
        self.neg_threshold = threshold  # speech_intervals turns the hysteresis off
        self.min_silence = SAMPLE_RATE * int(min_silence_s * 1000) / 1000
        self.min_speech = SAMPLE_RATE * int(min_speech_s * 1000) / 1000
        self.windows = 0
        """Windows processed so far; the VAD has seen ``windows * WINDOW`` samples."""
        self.probs: list[float] = []
        self.closed: list[tuple[int, int]] = []
        """Finished speech stretches, in samples."""
        self._triggered = False
        self._start = 0
        self._temp_end = 0
        self._finished = False

    @property
    def seen(self) -> int:
        return self.windows * WINDOW

    @property
    def open_start(self) -> int | None:
        """Start (samples) of a speech stretch that has not ended yet, if the speaker is talking."""
        return self._start if self._triggered else None

    def push(self, audio: np.ndarray, available: int) -> int:
        """Process every whole window of ``audio[:available]`` not seen yet; return how many."""
        n = (available - self.seen) // WINDOW
        if n <= 0 or self._finished:
            return 0
        block = audio[self.seen:self.seen + n * WINDOW]
        self._run(block.reshape(n, WINDOW))
        return n

    def finish(self, audio: np.ndarray, length: int) -> list[Interval]:
        """Close the stream at ``length`` samples; return all speech intervals in seconds.

        Like the whole-file run, the last (partial or empty) window is padded with zeros.
        """
        if length < SAMPLE_RATE // 10:  # same cut-off as speech_intervals
            return []
        if not self._finished:
            self.push(audio, length)
            last = np.zeros(WINDOW, dtype=np.float32)
            rest = audio[self.seen:length]
            last[: len(rest)] = rest
            self._run(last.reshape(1, WINDOW))
            if self._triggered and (length - self._start) > self.min_speech:
                self.closed.append((self._start, length))
            self._triggered = False
            self._finished = True
        return [self.interval(a, b) for a, b in self.closed]

    def interval(self, a: int, b: int) -> Interval:
        """A finished stretch in seconds, its end moved back like speech_intervals does."""
        start = a / SAMPLE_RATE
        return Interval(start, max(start + 0.01, b / SAMPLE_RATE - self.end_lag_s))

    def _run(self, windows: np.ndarray) -> None:
        ctx = np.empty((len(windows), CONTEXT), dtype=np.float32)
        ctx[0] = self._context
        if len(windows) > 1:
            ctx[1:] = windows[:-1, -CONTEXT:]
        batch = np.concatenate([ctx, windows.astype(np.float32, copy=False)], axis=1)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = windows[-1, -CONTEXT:].astype(np.float32, copy=True)
        first = self.windows
        self.windows += len(windows)
        probs = np.asarray(out, dtype=np.float32).reshape(len(windows), -1)[:, 0]
        self.probs.extend(float(p) for p in probs)
        self._advance(probs, first)

    def _advance(self, probs: np.ndarray, first: int) -> None:
        # The decision rules of faster_whisper.vad.get_speech_timestamps with no padding and no
        # maximum speech length (what mockmic.speech asks for).
        for k, p in enumerate(probs):
            pos = WINDOW * (first + k)
            if p >= self.threshold and self._temp_end:
                self._temp_end = 0
            if p >= self.threshold and not self._triggered:
                self._triggered = True
                self._start = pos
                continue
            if p < self.neg_threshold and self._triggered:
                if not self._temp_end:
                    self._temp_end = pos
                if pos - self._temp_end < self.min_silence:
                    continue
                if self._temp_end - self._start > self.min_speech:
                    self.closed.append((self._start, self._temp_end))
                self._temp_end = 0
                self._triggered = False


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
    speculative_used: bool = False
    decode_time_s: float = 0.0
    """Time spent inside the transcriber while recording."""
    vad_time_s: float = 0.0
    chunks: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of each transcribed chunk, the tail included after finish."""
    threads: int = 0
    tail_s: float = 0.0
    """Length of audio transcribed after stop."""
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
    return max(1, os.cpu_count() or 1)


def _with_threads(transcriber: Any, threads: int) -> Any:
    """The same Whisper model settings with ``threads`` CPU threads (other transcribers as is)."""
    from mockmic.transcription import WhisperTranscriber

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
        analyzer: the app's :class:`mockmic.engine.Analyzer` (its settings and transcriber).
        target: the question's answer-length window, passed on to ``analyze``.
        threads: CPU threads for Whisper. ``None``: the transcriber's own setting, or all cores
            when it is 0 (CTranslate2 would start 4).
        min_chunk_s, max_chunk_s, pause_s: chunks end in the middle of a pause of ``pause_s``
            or more, once they are ``min_chunk_s`` long, and are at most ``max_chunk_s`` long
            unless the speaker makes no pause at all.
        settle_s: after this much silence with nothing queued, what is pending is transcribed
            speculatively, so that a stop right after the last sentence has nothing left to do.
    """

    def __init__(
        self,
        analyzer: Any,
        *,
        target: tuple[float, float] | None = None,
        threads: int | None = None,
        min_chunk_s: float = 5.0,
        max_chunk_s: float = 20.0,
        pause_s: float = 0.3,
        settle_s: float = 0.25,
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
        self.min_chunk = int(min_chunk_s * SAMPLE_RATE)
        self.max_chunk = int(max_chunk_s * SAMPLE_RATE)
        self.pause = int(pause_s * SAMPLE_RATE)
        self.settle = int(settle_s * SAMPLE_RATE)

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
        self._spec: tuple[int, list[Word]] | None = None  # (end sample, words) of a speculative decode
        self._vad: StreamingVad | None = None
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
        The result matches ``analyzer.analyze`` of the same samples up to chunking differences
        in Whisper's output.
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
            report = self.analyzer.analyze(audio, file=file, target=self.target)
            self._set(finish_s=time.perf_counter() - t0, finish_wait_s=t_wait - t0)
            return report

        vad = self._vad or self._new_vad()
        speech = vad.finish(audio, self._len)
        words = list(self._words)
        tail_start = self._cut
        tail_s = (self._len - tail_start) / SAMPLE_RATE
        tail_speech = _speech_between(speech, tail_start / SAMPLE_RATE, self._len / SAMPLE_RATE)
        if tail_speech > 0.0:
            spec = self._spec
            if spec is not None:  # a decode up to a pause near the end is already done: use it
                words += spec[1]
                self._words.extend(spec[1])
                self._add_chunk(tail_start, spec[0])
                self._set(speculative_used=True)
                tail_start = spec[0]
                tail_s = (self._len - tail_start) / SAMPLE_RATE
            if _speech_after(speech, tail_start / SAMPLE_RATE):
                words += self._transcribe(tail_start, self._len)
                self._add_chunk(tail_start, self._len)
            else:
                tail_s = 0.0
            self._set(tail_s=tail_s)
        t_tail = time.perf_counter()
        transcript = Transcript(words=words, model=getattr(self.transcriber, "name", ""))
        report = self.analyzer.analyze(
            audio, file=file, target=self.target, transcript=transcript, speech=speech
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
        cut = self._choose_cut(vad)
        if cut is not None:
            self._spec = None
            words = self._transcribe(self._cut, cut)
            self._words.extend(words)
            self._add_chunk(self._cut, cut)
            self._cut = cut
            with self._lock:
                self._stats.chunks_decoded += 1
                self._stats.transcribed_s = cut / SAMPLE_RATE
            return
        self._maybe_speculate(vad)

    def _gaps(self, vad: StreamingVad) -> list[tuple[int, int]]:
        """Pauses after the last cut, in samples: between finished speech stretches and at the end."""
        stretches = [s for s in vad.closed if s[1] > self._cut]
        gaps = [(a[1], b[0]) for a, b in zip(stretches, stretches[1:])]
        if stretches:
            end = vad.open_start if vad.open_start is not None else vad.seen
            gaps.append((stretches[-1][1], end))
        return [(max(a, self._cut), b) for a, b in gaps if b > a]

    def _choose_cut(self, vad: StreamingVad) -> int | None:
        """Where the next chunk ends (middle of a pause), or None to keep waiting."""
        gaps = self._gaps(vad)
        if not gaps:
            if vad.seen - self._cut > 2 * self.max_chunk:
                return self._valley(vad)
            return None
        candidates = [((a + b) // 2, b - a) for a, b in gaps]
        good = [c for c, size in candidates
                if size >= self.pause and self.min_chunk <= c - self._cut <= self.max_chunk]
        if good:
            return max(good)
        if vad.seen - self._cut >= self.max_chunk:  # a long run without a proper pause
            within = [(size, c) for c, size in candidates
                      if SAMPLE_RATE <= c - self._cut <= self.max_chunk]
            if within:
                return max(within)[1]  # the longest of the shorter pauses
            later = [c for c, _size in candidates if c - self._cut > self.max_chunk]
            if later:
                return min(later)  # the first pause after the limit
            if vad.seen - self._cut > 2 * self.max_chunk:
                return self._valley(vad)
        return None

    def _valley(self, vad: StreamingVad) -> int:
        """No pause at all for a long time: cut at the least speech-like window."""
        lo = (self._cut + self.min_chunk) // WINDOW
        hi = min(vad.windows, (self._cut + 2 * self.max_chunk) // WINDOW)
        probs = np.asarray(vad.probs[lo:hi])
        return int((lo + int(np.argmin(probs))) * WINDOW + WINDOW // 2)

    def _maybe_speculate(self, vad: StreamingVad) -> None:
        """The speaker has been quiet for ``settle_s``: transcribe what is pending, in case it is the end."""
        if vad.open_start is not None or not vad.closed:
            return
        last_end = vad.closed[-1][1]
        if last_end <= self._cut or vad.seen - last_end < self.settle:
            return
        with self._cond:
            if self._inbox and sum(len(b) for b in self._inbox) > SAMPLE_RATE:
                return  # audio is piling up: not the time for guesses
        end = min(vad.seen, last_end + self.settle)
        if self._spec is not None and self._spec[0] >= last_end:
            return  # already done for this pause
        words = self._transcribe(self._cut, end)
        self._spec = (end, words)
        self._add(speculative_decodes=1)

    def _transcribe(self, a: int, b: int) -> list[Word]:
        prompt = " ".join(w.text for w in self._words[-PROMPT_WORDS:]) or None
        t = time.perf_counter()
        out = self.transcriber.transcribe(self._buf[a:b], offset=a / SAMPLE_RATE, prompt=prompt)
        self._add(decode_time_s=time.perf_counter() - t)
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


def _speech_between(speech: list[Interval], a: float, b: float) -> float:
    return sum(max(0.0, min(b, s.end) - max(a, s.start)) for s in speech)


def _speech_after(speech: list[Interval], t: float) -> bool:
    return any(s.end > t + 0.01 for s in speech)


class LiveAnswerAnalysis:
    """The practice room's answer analysis (``feed`` while recording, ``finish(path)`` after stop).

    Implements the app's ``AnswerAnalysis`` protocol on top of :class:`LiveSession`. The model
    may still be loading when recording starts: blocks are kept until it is ready and the session
    then starts from the first sample. If the model never became ready during the recording, or
    the audio the session saw does not match the file on disk (a block lost in ``on_chunk``),
    ``finish`` analyzes the file as a whole instead, so the report is always of the saved audio.

    ``models`` is anything with ``ready``, ``transcriber`` and ``wait()`` (the app's ModelHolder).
    """

    def __init__(self, settings: Any, models: Any, target: tuple[float, float] | None = None,
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
                from mockmic.engine import Analyzer

                self.session = LiveSession(Analyzer(self.settings, self.models.transcriber),
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
        from mockmic.engine import Analyzer

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
        return info.frames / info.samplerate
    except Exception:  # noqa: BLE001 - unreadable header: let decode_file say why
        return -1.0
