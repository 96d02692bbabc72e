"""From audio to a delivery report: the one pipeline the CLI, the batch runner and the app share.

    samples -> VAD speech intervals -> (no speech? report says so)
            -> Whisper words (filler prompt, loop guard)
            -> fillers from the transcript and from the audio
            -> pure metrics and flags (mockmic.analysis.delivery)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockmic.analysis.delivery import build_report
from mockmic.analysis.fillers import lexical_fillers
from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Filler, Interval, Report, Target, Transcript
from mockmic.transcription import Transcriber


@dataclass
class Analysis:
    report: Report
    warnings: list[str] = field(default_factory=list)


def find_audio_fillers(
    audio: np.ndarray, transcript: Transcript, speech: list[Interval], transcriber: Transcriber | None
) -> list[Filler]:
    """Hesitation fillers that the transcript left out, found in the audio itself."""
    try:
        from mockmic.filler_detection import detect_audio_fillers
    except ImportError:  # pragma: no cover - module not present in a partial install
        return []
    return detect_audio_fillers(audio, transcript.words, speech, transcriber)


class Analyzer:
    """Holds one transcriber (the model loads once) and analyzes any number of recordings."""

    def __init__(self, settings: Settings, transcriber: Transcriber) -> None:
        self.settings = settings
        self.transcriber = transcriber

    def analyze(
        self,
        audio: np.ndarray,
        *,
        file: str = "",
        target: tuple[float, float] | None = None,
        transcript: Transcript | None = None,
        speech: list[Interval] | None = None,
    ) -> Report:
        """Analyze 16 kHz mono float32 samples.

        ``transcript`` and ``speech`` may be passed when they were already computed (the live
        recorder transcribes while the user speaks); otherwise they are computed here.
        """
        from mockmic.speech import has_speech, speech_intervals

        audio = np.asarray(audio, dtype=np.float32)
        duration = len(audio) / SAMPLE_RATE
        lo, hi = target or self.settings.default_target
        tgt = Target(float(lo), float(hi))
        th = self.settings.thresholds
        if speech is None:
            speech = speech_intervals(audio, min_silence_s=min(0.2, th.min_pause_s))
        if not has_speech(speech):
            return self._empty(file, duration, tgt)
        if transcript is None:
            transcript = self.transcriber.transcribe(audio)
        words = transcript.words
        lex, used = lexical_fillers(words)
        audio_fillers = find_audio_fillers(audio, transcript, speech, self.transcriber)
        report = build_report(
            file=file,
            model=self.transcriber.name,
            duration_s=duration,
            words=words,
            speech=speech,
            fillers=lex + audio_fillers,
            filler_word_indices=used,
            target=tgt,
            thresholds=th,
        )
        if report.word_count == 0 and report.fillers.count == 0:
            return self._empty(file, duration, tgt)
        return report

    def _empty(self, file: str, duration: float, tgt: Target) -> Report:
        return build_report(
            file=file, model=self.transcriber.name, duration_s=duration, words=[], speech=[],
            fillers=[], filler_word_indices=set(), target=tgt, thresholds=self.settings.thresholds,
        )

    def analyze_file(self, path: str | Path, *, target: tuple[float, float] | None = None) -> Analysis:
        """Decode and analyze one file. Raises ``AudioError`` for a file that cannot be used."""
        from mockmic.audio.io import decode_file

        decoded = decode_file(path)
        report = self.analyze(decoded.samples, file=str(path), target=target)
        return Analysis(report, list(decoded.warnings))
