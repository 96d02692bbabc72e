"""From audio to a delivery report: the one pipeline the CLI, the batch runner and the app share.

    samples -> VAD speech intervals -> (no speech? report says so)
            -> Whisper words, chunk by chunk cut at pauses (filler prompt, loop guard)
            -> fillers from the transcript (verbatim prompt, one filler per sound)
            -> pure metrics and flags (mockmic.analysis.delivery)
            -> pitch and loudness of the speech (mockmic.analysis.voice, from the frames of
               mockmic.analysis.pitch, which the live session measures while recording)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockmic.analysis.chunks import ChunkRules, plan
from mockmic.analysis.delivery import build_report
from mockmic.analysis.fillers import lexical_fillers, stacked_hesitations
from mockmic.analysis.pitch import PitchFrames, pitch_frames
from mockmic.analysis.voice import with_voice
from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Interval, Report, Target, Transcript, Word
from mockmic.pipeline.vad import SpeechScan, scan_speech
from mockmic.pipeline.transcription import Transcriber


@dataclass
class Analysis:
    report: Report
    warnings: list[str] = field(default_factory=list)


def transcribe_chunks(
    transcriber: Transcriber, audio: np.ndarray, scan: SpeechScan, rules: ChunkRules
) -> Transcript:
    """Transcribe chunk by chunk, cut at pauses by :mod:`mockmic.analysis.chunks`.

    Every chunk is decoded on its own, with the transcriber's verbatim filler prompt and nothing
    else -- what the live session does while recording, so both give the same words. The
    answer's previous words are not carried into the prompt: that filler-free text taught Whisper
    to write clean text and drop the fillers (``bench/filler_decode.py``). Short chunks also keep
    memory small for recordings of any length (Whisper's feature extractor would hold a whole
    2-hour input several times over, ~5 GB).
    """
    words: list[Word] = []
    for a, b in plan(scan.stretches, len(audio), scan.probs, rules):
        words.extend(transcriber.transcribe(audio[a:b], offset=a / SAMPLE_RATE).words)
    return Transcript(words=words, model=transcriber.name)


class Analyzer:
    """Holds one transcriber (the model loads once) and analyzes any number of recordings."""

    def __init__(self, settings: Settings, transcriber: Transcriber, chunk_rules: ChunkRules | None = None) -> None:
        self.settings = settings
        self.transcriber = transcriber
        self.chunk_rules = chunk_rules or ChunkRules()
        """Where recordings are cut for Whisper; the live session uses the same rules."""

    def analyze(
        self,
        audio: np.ndarray,
        *,
        file: str = "",
        target: tuple[float, float] | None = None,
        transcript: Transcript | None = None,
        speech: list[Interval] | None = None,
        pitch: PitchFrames | None = None,
    ) -> Report:
        """Analyze 16 kHz mono float32 samples.

        ``transcript``, ``speech`` and ``pitch`` may be passed when they were already computed
        (the live recorder transcribes and tracks pitch while the user speaks); otherwise they
        are computed here.
        """
        from mockmic.pipeline.vad import has_speech

        audio = np.asarray(audio, dtype=np.float32)
        duration = len(audio) / SAMPLE_RATE
        lo, hi = target or self.settings.default_target
        tgt = Target(float(lo), float(hi))
        th = self.settings.thresholds
        scan: SpeechScan | None = None
        if speech is None or transcript is None:
            scan = scan_speech(audio, min_silence_s=min(0.2, th.min_pause_s))
            speech = scan.intervals if speech is None else speech
        if not has_speech(speech):
            return self._empty(file, duration, tgt)
        if transcript is None:
            assert scan is not None
            transcript = transcribe_chunks(self.transcriber, audio, scan, self.chunk_rules)
        # one sound, one filler: copies Whisper stacked on the same instant go
        stacked = stacked_hesitations(transcript.words)
        words = [w for k, w in enumerate(transcript.words) if k not in stacked]
        lex, used = lexical_fillers(words)
        report = build_report(
            file=file,
            model=self.transcriber.name,
            duration_s=duration,
            words=words,
            speech=speech,
            fillers=lex,
            filler_word_indices=used,
            target=tgt,
            thresholds=th,
        )
        if report.word_count == 0 and report.fillers.count == 0:
            return self._empty(file, duration, tgt)
        if pitch is None:
            pitch = pitch_frames(audio)
        return with_voice(report, pitch, speech, words, th)

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
