"""Where the speaker is talking, from the audio itself (Silero VAD as shipped in faster-whisper).

Whisper's word timestamps misplace pause edges by 0.1-0.3 s; Silero with a short minimum silence
and no padding measured inserted silences within ~30 ms, also with noise (PRODUCT.md). Pauses are
therefore the gaps between these speech intervals, not gaps between words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockmic.core import SAMPLE_RATE, Interval

END_LAG_S = 0.032
"""How late Silero reports the end of speech (one 512-sample window at 16 kHz)."""
NO_SPEECH_MIN_S = 0.3
"""Less detected speech than this in a whole recording counts as "no speech found"."""


def speech_intervals(
    audio: np.ndarray,
    *,
    min_silence_s: float = 0.2,
    threshold: float = 0.5,
    min_speech_s: float = 0.05,
) -> list[Interval]:
    """Speech stretches in 16 kHz mono ``audio``, split at silences of ``min_silence_s`` or more."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = np.asarray(audio, dtype=np.float32)
    if audio.size < SAMPLE_RATE // 10:
        return []
    opts = VadOptions(
        threshold=threshold,
        # no hysteresis: with the default (threshold - 0.15) speech ends were reported 40-80 ms
        # late in noise; min_silence_duration already keeps short dips inside a stretch
        neg_threshold=threshold,
        min_speech_duration_ms=int(min_speech_s * 1000),
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=0,
    )
    stamps = get_speech_timestamps(audio, opts, sampling_rate=SAMPLE_RATE)
    # Silero decides per 32 ms window and reports the window where speech has already stopped:
    # move ends back by one window (measured on Piper speech with inserted silences, clean and
    # at 20 dB SNR: pause starts then land within ~40 ms; tests/unit/test_pauses_signal.py)
    lag = END_LAG_S
    out: list[Interval] = []
    for s in stamps:
        start = s["start"] / SAMPLE_RATE
        end = max(start + 0.01, s["end"] / SAMPLE_RATE - lag)
        out.append(Interval(start, end))
    return out


def has_speech(intervals: list[Interval]) -> bool:
    return sum(i.duration for i in intervals) >= NO_SPEECH_MIN_S


WINDOW = 512
"""Silero's window at 16 kHz (32 ms)."""
CONTEXT = 64
"""Samples of the previous window Silero sees in front of each window."""


class StreamingVad:
    """Silero VAD run window by window, giving what :func:`mockmic.pipeline.vad.speech_intervals` gives.

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

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self.end_lag_s = END_LAG_S
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
    def silent_since(self) -> int | None:
        """Where the current silence began (samples), if the speaker is quiet now.

        After the last finished stretch, or already inside an open one whose probabilities have
        dropped (a pause too short, so far, to end the stretch). None while speech goes on.
        """
        if self._triggered:
            return self._temp_end or None
        return self.closed[-1][1] if self.closed else None

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
        # maximum speech length (what mockmic.pipeline.vad asks for).
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
class SpeechScan:
    """A whole recording through :class:`StreamingVad`: what the engine needs from the detector."""

    intervals: list[Interval]
    """Speech in seconds, ends moved back by ``END_LAG_S`` (as ``speech_intervals`` gives)."""
    stretches: list[tuple[int, int]]
    """The same stretches in samples, as detected (for :mod:`mockmic.analysis.chunks`)."""
    probs: list[float]
    """Speech probability per 512-sample window."""


def scan_speech(audio: np.ndarray, *, min_silence_s: float = 0.2, block_s: float = 60.0) -> SpeechScan:
    """Run the streaming detector over ``audio`` in blocks (memory stays small for long files)."""
    audio = np.asarray(audio, dtype=np.float32)
    vad = StreamingVad(min_silence_s=min_silence_s)
    block = int(block_s * SAMPLE_RATE)
    for end in range(block, len(audio) + block, block):
        vad.push(audio, min(end, len(audio)))
    intervals = vad.finish(audio, len(audio))
    return SpeechScan(intervals, list(vad.closed), vad.probs)
