"""Where the speaker is talking, from the audio itself (Silero VAD as shipped in faster-whisper).

Whisper's word timestamps misplace pause edges by 0.1-0.3 s; Silero with a short minimum silence
and no padding measured inserted silences within ~30 ms, also with noise (PRODUCT.md). Pauses are
therefore the gaps between these speech intervals, not gaps between words.
"""

from __future__ import annotations

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
