"""Whisper behind a small interface. faster-whisper is imported only when a model is loaded.

The rest of mockmic sees a :class:`Transcriber`: 16 kHz float32 in, our :class:`Transcript` out.
Tests use a fake with canned words; the app and the CLI use :class:`WhisperTranscriber`.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mockmic.analysis.fillers import is_hesitation
from mockmic.core import SAMPLE_RATE, Transcript, Word


class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: np.ndarray, *, offset: float = 0.0) -> Transcript:
        """Transcribe 16 kHz mono float32 ``audio``; word times are shifted by ``offset``.

        Every piece is decoded on its own with the transcriber's filler prompt and nothing else
        (no earlier words), so the same audio gives the same words wherever it is decoded."""
        ...


def default_cpu_threads() -> int:
    """CTranslate2 threads when the setting is 0: one per core, at most 4.

    CTranslate2's own default is 4 whatever the machine; on a 2-core laptop that measured slower
    than 2 (a 30 s encoder pass 0.66-0.77 s against 0.40-0.55 s) and starves the UI thread.
    Every transcriber (CLI, batch of one, app, live session) resolves 0 the same way, so they
    share one loaded model and compute the same numbers.
    """
    return max(1, min(4, os.cpu_count() or 1))


@functools.lru_cache(maxsize=4)
def load_whisper(path: str, compute_type: str = "int8", cpu_threads: int = 0) -> Any:
    """Load a CTranslate2 Whisper model once per process (keyed by folder and options)."""
    from faster_whisper import WhisperModel

    return WhisperModel(
        path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads,
        local_files_only=True,
    )


TEMPERATURES = (0.0,)
"""Whisper decodes greedily/beam-searched at temperature 0 only, with no sampling fallback.

faster-whisper's default quality fallback decodes a doubtful segment again at temperatures
0.2-1.0 by *sampling*, and ``ctranslate2.set_random_seed`` before each decode did not make
that repeatable (CTranslate2 keeps its random generators per worker thread): the same chunk
decoded three times in one process gave three different transcripts ("Line -a -liner",
"A line -a -liner", "Line -Liner"; a chunk of the acted clip ``mfa_cutoff``, checked in
``tests/integration/test_fillers_real.py``). At temperature 0 the same audio always gives the
same words, run to run and live against whole-file. What the fallback was for -- a decoder
repeating itself -- is caught by :func:`find_loop` and the chunk decoded again with a ban on
repeats, also at temperature 0.
"""

_WORD_RE = re.compile(r"[\w']+", re.UNICODE)


def _norm(token: str) -> str:
    return "".join(_WORD_RE.findall(token.lower()))


def find_loop(words: list[Word], *, max_n: int = 10, min_repeats: int = 4) -> tuple[int, int, int] | None:
    """Find a repetition loop: an n-gram (n <= max_n) repeated ``min_repeats``+ times in a row.

    Returns ``(first, last_exclusive, second)``: the word indices of the looping stretch and
    where its second copy starts (so ``words[first:second]`` is one copy), or ``None``.
    Pieces that are only punctuation ("-") are looked through: "a lot - a lot - a lot -" loops.
    People do repeat words ("the the"), and stammer a cut-off word two or three times; four or
    more identical n-grams in a row is how Whisper's decoder loops ("time, time, time, time",
    "I'm going to monitor it," eight times). Fillers count too: with the verbatim prompt the
    decoder may recite "er, hmm, er, hmm", or pile copies of one filler into an instant. But a
    speaker may really say "uh" four or six times in a row (the acted clip ``mfa_uhuh``): a run
    of one hesitation is a loop only when it is packed, i.e. when two of its copies have no
    duration or the copies come faster than a voice can make them (:func:`_packed`); a run with
    its own time for every copy is speech.
    """
    at = [k for k, w in enumerate(words) if _norm(w.text)]
    toks = [_norm(words[k].text) for k in at]
    n_words = len(toks)
    for n in range(1, max_n + 1):
        for i in range(n_words - n * min_repeats + 1):
            gram = toks[i:i + n]
            reps = 1
            j = i + n
            while j + n <= n_words and toks[j:j + n] == gram:
                reps += 1
                j += n
            if reps < min_repeats:
                continue
            run = [words[k] for k in at[i:j]]
            if n == 1 and is_hesitation(gram[0]) and not _packed(run):
                continue
            return at[i], (at[j] if j < n_words else len(words)), at[i + n]
    return None


def find_recital(words: list[Word], *, min_run: int = 4) -> tuple[int, int] | None:
    """A run of ``min_run``+ hesitations in a row, most of which have no time of their own.

    That is the decoder reciting its prompt's fillers ("er, hmm, er, mm, erm, ..." piled on one
    instant), not a speaker: a speaker's "uh, uh, uh, um" each take time, even if Whisper squeezes
    one or two of them into an instant. Returns the run's ``(first, last_exclusive)`` indices.
    """
    i = 0
    while i < len(words):
        if not is_hesitation(words[i].text):
            i += 1
            continue
        j = i
        while j < len(words) and (is_hesitation(words[j].text) or not _norm(words[j].text)):
            j += 1
        run = [w for w in words[i:j] if _norm(w.text)]
        timeless = sum(1 for k, w in enumerate(run)
                       if w.end - w.start < 0.02 or (k and w.start <= run[k - 1].start + 0.01))
        if len(run) >= min_run and 2 * timeless > len(run):
            return i, j
        i = j
    return None


def cut_loops(words: list[Word], *, rounds: int = 10) -> list[Word]:
    """Each loop :func:`find_loop` still finds, cut to its first copy (at most ``rounds`` loops)."""
    for _ in range(rounds):
        loop = find_loop(words)
        if loop is None:
            break
        _first, end, second = loop
        words = words[:second] + words[end:]
    return words


def _degenerate(words: list[Word]) -> bool:
    return find_loop(words) is not None or find_recital(words) is not None


LOOP_COMPRESSION = 2.4
"""A segment whose text compresses (gzip) more than this repeats itself: faster-whisper's own
threshold for its quality fallback."""
SILENT_LOOP_NO_SPEECH = 0.5


def _silent_loop(seg: Any) -> bool:
    """A segment that loops where Whisper's no-speech estimate is 0.5 or more: the decoder talking
    over the silence at a piece's end ("Thank you very much for your time, and ..." 40 times in
    the last 0.4 s of a read sentence, tiny.en, no-speech 0.54). Decoded again it only says
    something else that was not said, so it is dropped. (The loops over speech, hesitations,
    breaths and a non-speech sound in the acted clips and the joined fillerPT answers had
    no-speech estimates of 0.02-0.12, ``base``.)"""
    return (float(getattr(seg, "compression_ratio", 0.0)) > LOOP_COMPRESSION
            and float(getattr(seg, "no_speech_prob", 0.0)) >= SILENT_LOOP_NO_SPEECH)


TOKENS_PER_S = 12
"""Whisper tokens a piece may hold per second of audio. Fast speech is about 3.5 words a second,
5-6 tokens with punctuation and timestamps, and a run of "uh," two tokens each; a decoder that
writes more is looping. Without the cap a loop runs on to Whisper's 448-token limit with beam
search 5: 5-7 s of CPU for a 4 s piece (the fillerPT recordings), for words the loop guard then
throws away -- and at the end of an answer that is the wait between stop and the report."""


def max_tokens(seconds: float) -> int:
    """The most new tokens a piece of ``seconds`` may take (:data:`TOKENS_PER_S`, at least 32)."""
    return max(32, int(TOKENS_PER_S * seconds) + 16)


NO_REPEAT_NGRAM = 4
"""Tokens in a row that may not come twice when a looping chunk is decoded again."""

MIN_FILLER_S = 0.15
"""The shortest a spoken "uh" is; copies closer together than this are the decoder's, not the voice's."""


def _packed(run: list[Word]) -> bool:
    """A run of one filler that no voice made: two or more copies without duration, or more copies
    than the run's span holds at :data:`MIN_FILLER_S` each."""
    instants = sum(1 for w in run if w.end - w.start < 0.02)
    span = run[-1].end - run[0].start
    return instants >= 2 or span < MIN_FILLER_S * len(run)


class WhisperTranscriber:
    """faster-whisper with word timestamps, the filler prompt and a repetition-loop guard."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        name: str | None = None,
        language: str | None = "en",
        filler_prompt: str = "",
        beam_size: int = 1,
        cpu_threads: int = 0,
    ) -> None:
        self.model_path = str(model_path)
        self.name = name or Path(model_path).name
        self.language = language
        self.filler_prompt = filler_prompt
        self.beam_size = beam_size
        self.cpu_threads = cpu_threads if cpu_threads > 0 else default_cpu_threads()
        self._lock = threading.Lock()
        self.loops_repaired = 0
        self.silent_loops = 0
        """Looping segments dropped as talk over silence (:func:`_silent_loop`)."""

    @property
    def model(self) -> Any:
        return load_whisper(self.model_path, "int8", self.cpu_threads)

    def _language(self) -> str | None:
        # English-only checkpoints ("tiny.en") reject other languages
        if self.language and not self.model.model.is_multilingual:
            return "en"
        return self.language

    def _decode(self, audio: np.ndarray, prompt: str | None, *, no_repeat: int = 0) -> list[Word]:
        segments, _info = self.model.transcribe(
            audio,
            language=self._language(),
            beam_size=self.beam_size,
            word_timestamps=True,
            initial_prompt=prompt or None,
            condition_on_previous_text=False,
            vad_filter=False,
            temperature=list(TEMPERATURES),
            no_repeat_ngram_size=no_repeat,
            max_new_tokens=max_tokens(len(audio) / SAMPLE_RATE),
        )
        words: list[Word] = []
        for seg in segments:  # the generator does the work as it is iterated
            if _silent_loop(seg):
                self.silent_loops += 1
                continue
            for w in seg.words or []:
                words.append(Word(w.word.strip(), float(w.start), float(w.end), float(w.probability)))
        return [w for w in words if w.text]

    def transcribe(self, audio: np.ndarray, *, offset: float = 0.0) -> Transcript:
        audio = np.asarray(audio, dtype=np.float32)
        full_prompt = self.filler_prompt.strip()
        with self._lock:  # one CTranslate2 model object: serialise calls from worker threads
            words = self._decode(audio, full_prompt)
            words = self._repair_loops(audio, words, full_prompt)
        shifted = [Word(w.text, w.start + offset, w.end + offset, w.probability) for w in words]
        return Transcript(words=shifted, model=self.name)

    def _repair_loops(self, audio: np.ndarray, words: list[Word], prompt: str) -> list[Word]:
        """Decode a chunk again while its words are a loop or a recital, at temperature 0.

        At temperature 0 the decoder can fall into a loop ("For -for -for ..." 100 times, "LINE A
        LINE A ...", a filler written 50 times). The chunk is then decoded again with the same
        prompt, forbidding any :data:`NO_REPEAT_NGRAM` tokens in a row to come twice: that gives
        what was said ("For -forced. Oh", "Montreal, uh, uh, Uh, uh, um, uh, for ..."), since a
        repeated word or filler is still possible, only the same token sequence cannot come back.
        Over a non-speech sound the ban can turn a loop into a recital of the prompt's fillers in
        ever new orders ("er, hmm, er, mm, erm, ..." stacked on one instant,
        :func:`find_recital`); then the chunk is decoded without the filler prompt, which writes
        no filler it did not hear. A loop that survives all that is cut to its first copy.
        """
        if not _degenerate(words):
            return words
        self.loops_repaired += 1
        words = self._decode(audio, prompt, no_repeat=NO_REPEAT_NGRAM)
        if _degenerate(words):
            words = self._decode(audio, None, no_repeat=NO_REPEAT_NGRAM)
        return cut_loops(words)


def make_transcriber(settings: Any, model: str | None = None) -> WhisperTranscriber:
    """Build the Whisper transcriber the settings ask for (``model`` overrides the setting)."""
    from mockmic.pipeline.models import resolve_model

    t = settings.transcription
    name = model or t.model
    path = resolve_model(name, settings.models)
    return WhisperTranscriber(
        path,
        name=name if not Path(name).expanduser().is_dir() else Path(name).name,
        language=t.language,
        filler_prompt=t.filler_prompt,
        beam_size=t.beam_size,
        cpu_threads=t.cpu_threads,
    )
