"""Hesitation fillers that Whisper left out of the transcript, found in the audio itself.

The analysis engine calls :func:`detect_audio_fillers` after transcription. The work is done by
the pure module :mod:`mockmic.analysis.audio_fillers` (frame features of the signal, held steady
voiced sounds, and rules that weigh them against the transcribed words).

No re-decoding with Whisper happens here. A short re-decode of each candidate with the filler
prompt was measured at ~2 s per call for the ``base`` model on 2 cores (Whisper pads every input
to 30 s), far beyond this stage's budget of well under 0.3 s per minute of audio; the transcript
the engine already made uses the filler prompt, and the audio features catch what it drops.
"""

from __future__ import annotations

import numpy as np

from mockmic.analysis.audio_fillers import hesitation_evidence
from mockmic.analysis.fillers import is_hesitation
from mockmic.core import Filler, Interval, Word
from mockmic.transcription import Transcriber


def detect_audio_fillers(
    audio: np.ndarray,
    words: list[Word],
    speech: list[Interval],
    transcriber: Transcriber | None,
) -> list[Filler]:
    """Hesitation fillers (``kind="hesitation"``, ``source="audio"``) missing from ``words``.

    ``transcriber`` is accepted for the engine's interface but not used for re-decoding (see the
    module docstring). With an empty transcript, held sounds count only when they stand apart from
    the speech around them.
    """
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        return []
    return check_hesitations(audio, words, speech)[0]


def check_hesitations(
    audio: np.ndarray, words: list[Word], speech: list[Interval]
) -> tuple[list[Filler], set[int]]:
    """Hesitations found in the audio that ``words`` leave out, and the indices of hesitation
    words in ``words`` that the audio does not support (nothing voiced was held there)."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.size == 0:
        return [], set()
    ev = hesitation_evidence(audio, words, speech, is_hesitation=is_hesitation,
                             have_transcript=bool(words))
    return ev.fillers, ev.unsupported
