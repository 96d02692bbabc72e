"""Test doubles for the practice room: a transcriber with canned words, players, recorders.

The audio itself is real (the project's own Piper answer in tests/data); only the slow or
hardware-bound parts are replaced.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from mockmic.core import SAMPLE_RATE, Transcript, Word

DATA = Path(__file__).resolve().parents[1] / "data"
SHORT = DATA / "answer_short.flac"


def load_audio(path: Path = SHORT) -> np.ndarray:
    import soundfile as sf

    audio, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert rate == SAMPLE_RATE, rate
    return audio[:, 0].copy()


def canned_words(meta_path: Path) -> list[Word]:
    """Words of the answer's script, spread evenly over each sentence's known time span."""
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    words: list[Word] = []
    for seg in meta["segments"]:
        tokens = re.findall(r"[\w']+[,.?!]?", seg["text"])
        step = (seg["end"] - seg["start"]) / len(tokens)
        for i, tok in enumerate(tokens):
            start = seg["start"] + i * step
            words.append(Word(tok, round(start, 3), round(start + step * 0.85, 3)))
    return words


class FakeTranscriber:
    """Returns the words of answer_short's script (28) that fall in the stretch it is given."""

    name = "fake"

    def __init__(self, meta_path: Path = DATA / "answer_short.json") -> None:
        self.words = canned_words(meta_path)
        self.calls = 0

    def transcribe(self, audio: np.ndarray, *, offset: float = 0.0, prompt: str | None = None,
                   use_filler_prompt: bool = True) -> Transcript:
        self.calls += 1
        # the script's words are on the recording's timeline: give those inside this stretch
        end = offset + len(audio) / SAMPLE_RATE
        return Transcript(words=[w for w in self.words if offset <= w.start < end], model=self.name)


class FakePlayer:
    """The Player interface; "plays" instantly and remembers what it was given."""

    def __init__(self, problem: str | None = None) -> None:
        self.error = problem
        self.played: list[Any] = []
        self.stopped = 0
        self.paused = 0
        self.resumed = 0
        self._loaded: Any = None

    def available(self) -> bool:
        return self.error is None

    def load(self, source: Any, rate: int = 16_000) -> float:
        self._loaded = source
        return 1.0

    def play(self, start_s: float = 0.0) -> None:
        self.played.append(self._loaded)

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def stop(self) -> None:
        self.stopped += 1

    def pause(self) -> None:
        self.paused += 1

    def resume(self) -> None:
        self.resumed += 1

    @property
    def position_s(self) -> float:
        return 0.0


class ScriptedRecorder:
    """A recorder whose clock and level the test sets; ``stop`` writes ``audio`` as the take.

    For snapshots (a frozen timer) and the muted-microphone warning.
    """

    device_name = "scripted microphone"

    def __init__(self, path: Path, audio: np.ndarray, *, elapsed_s: float = 0.0,
                 level_db: float = -20.0, on_chunk: Any = None, fail_on_stop: bool = False) -> None:
        self.path = Path(path)
        self.audio = audio
        self.elapsed_s = elapsed_s
        self.level_db = level_db
        self.on_chunk = on_chunk
        self.overflows = 0
        self.error: str | None = None
        self.started = threading.Event()
        self.abandoned = False
        self.fail_on_stop = fail_on_stop

    @property
    def level(self) -> float:
        return float(min(1.0, max(0.0, (self.level_db + 60.0) / 60.0)))

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_bytes(b"")
        self.started.set()

    def stop(self) -> Any:
        import soundfile as sf

        from mockmic.audio.capture import RecordingResult

        if self.fail_on_stop:
            raise RuntimeError("the scripted recorder broke on stop")
        sf.write(str(self.path), self.audio, SAMPLE_RATE, subtype="PCM_16")
        return RecordingResult(self.path, len(self.audio) / SAMPLE_RATE, 0, self.device_name,
                               SAMPLE_RATE)

    def abandon(self) -> None:
        self.abandoned = True
        self.path.unlink(missing_ok=True)
