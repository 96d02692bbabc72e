"""From audio to a delivery report: the one pipeline the CLI, the batch runner and the app share.

    samples -> VAD speech intervals -> (no speech? report says so)
            -> Whisper words, chunk by chunk cut at pauses (filler prompt, loop guard)
            -> fillers from the transcript and from the audio
            -> pure metrics and flags (mockmic.analysis.delivery)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockmic.analysis.chunks import ChunkRules, plan
from mockmic.analysis.delivery import build_report
from mockmic.analysis.fillers import fillers_written_as_words, lexical_fillers
from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Filler, Interval, Report, Target, Transcript, Word
from mockmic.speech import SpeechScan, scan_speech
from mockmic.transcription import Transcriber


@dataclass
class Analysis:
    report: Report
    warnings: list[str] = field(default_factory=list)


def find_audio_fillers(
    audio: np.ndarray, transcript: Transcript, speech: list[Interval], transcriber: Transcriber | None
) -> tuple[list[Filler], set[int]]:
    """Hesitations heard in the audio that the transcript left out, and the indices of
    transcribed hesitation words that the audio does not support."""
    from mockmic.filler_detection import check_hesitations

    return check_hesitations(audio, transcript.words, speech)


def windows_at_silences(speech: list[Interval], duration: float, max_s: float) -> list[tuple[float, float]]:
    """Split ``[0, duration]`` into windows of at most ``max_s``, cut mid-way through silences."""
    if duration <= max_s:
        return [(0.0, duration)]
    cuts = [0.0]
    for prev, nxt in zip(speech, speech[1:]):
        if nxt.end - cuts[-1] > max_s:
            cut = (prev.end + nxt.start) / 2
            if cut - cuts[-1] > max_s:  # one stretch longer than a window: cut it hard
                cut = cuts[-1] + max_s
            if cut > cuts[-1]:
                cuts.append(cut)
    while duration - cuts[-1] > max_s:
        cuts.append(cuts[-1] + max_s)
    cuts.append(duration)
    return list(zip(cuts, cuts[1:]))


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


FILLER_WINDOW_S = 300.0
"""The audio filler search holds frame features for its whole input (about 560 MB per 10
minutes, measured on a 2-hour file: 6.7 GB in one piece), so long recordings go in 5-minute
windows cut in silences."""


def audio_fillers_long(
    audio: np.ndarray, transcript: Transcript, speech: list[Interval], transcriber: Transcriber | None
) -> tuple[list[Filler], set[int]]:
    """``find_audio_fillers`` in one call, or window by window for long recordings."""
    duration = len(audio) / SAMPLE_RATE
    windows = windows_at_silences(speech, duration, FILLER_WINDOW_S)
    if len(windows) == 1:
        return find_audio_fillers(audio, transcript, speech, transcriber)
    found: list[Filler] = []
    unsupported: set[int] = set()
    for a, b in windows:
        local_speech = [Interval(max(iv.start, a) - a, min(iv.end, b) - a)
                        for iv in speech if iv.end > a and iv.start < b]
        if not local_speech:
            continue
        index = [k for k, w in enumerate(transcript.words) if a <= (w.start + w.end) / 2 < b]
        local_words = [Word(transcript.words[k].text, transcript.words[k].start - a,
                            transcript.words[k].end - a, transcript.words[k].probability) for k in index]
        i, j = int(a * SAMPLE_RATE), int(b * SAMPLE_RATE)
        part, drop = find_audio_fillers(audio[i:j], Transcript(local_words), local_speech, transcriber)
        found.extend(Filler(f.text, f.start + a, f.end + a, f.kind, f.source) for f in part)
        unsupported |= {index[k] for k in drop}
    return found, unsupported


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
    ) -> Report:
        """Analyze 16 kHz mono float32 samples.

        ``transcript`` and ``speech`` may be passed when they were already computed (the live
        recorder transcribes while the user speaks); otherwise they are computed here.
        """
        from mockmic.speech import has_speech

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
        audio_fillers, unsupported = audio_fillers_long(audio, transcript, speech, self.transcriber)
        # a hesitation Whisper wrote where the signal holds no voiced sound was not said
        words = [w for k, w in enumerate(transcript.words) if k not in unsupported]
        lex, used = lexical_fillers(words)
        used = used | fillers_written_as_words(words, audio_fillers)
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
