"""Where the speaker is talking, from the audio itself (Silero VAD as shipped in faster-whisper).

Whisper's word timestamps misplace pause edges by 0.1-0.3 s; Silero with a short minimum silence
and no padding measured inserted silences within ~30 ms, also with noise (PRODUCT.md). Pauses are
therefore the gaps between these speech intervals, not gaps between words.
"""

from __future__ import annotations

import numpy as np

from mockmic.core import SAMPLE_RATE, Interval

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
        min_speech_duration_ms=int(min_speech_s * 1000),
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=0,
    )
    stamps = get_speech_timestamps(audio, opts, sampling_rate=SAMPLE_RATE)
    return [Interval(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


def has_speech(intervals: list[Interval]) -> bool:
    return sum(i.duration for i in intervals) >= NO_SPEECH_MIN_S
