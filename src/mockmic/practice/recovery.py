"""Crash recovery: attempts a crash or kill left ``recording``/``analyzing`` are made whole.

At start-up the app calls :func:`recover_with_model`: each interrupted attempt's audio is made a
valid file again, analyzed when the speech model is there, and marked ``recovered`` (or ``failed``
with the reason when its audio is gone). An audio file is never deleted here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mockmic.config import Settings
from mockmic.core import SAMPLE_RATE, Report
from mockmic.questions import Bank
from mockmic.store.db import Attempt, Store
from mockmic.pipeline.transcription import Transcriber


@dataclass(frozen=True)
class RecoveryResult:
    attempt_id: int
    status: str
    """``recovered`` or ``failed``."""
    duration_s: float
    message: str | None = None


def _load_16k(path: Path) -> np.ndarray:
    import soundfile as sf

    samples, rate = sf.read(str(path), dtype="float32", always_2d=True)
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    if rate != SAMPLE_RATE:
        from mockmic.audio.io import decode_file

        return decode_file(path, min_duration_s=0).samples
    return np.ascontiguousarray(mono, dtype=np.float32)


def _recover_one(store: Store, attempt: Attempt,
                 analyze: Callable[[np.ndarray], Report] | None) -> RecoveryResult:
    from mockmic.audio.wavfile import repair_wav

    path = attempt.audio_path
    if path is None or not path.exists():
        message = f"recording was interrupted and its audio file is missing ({path})"
        store.fail_attempt(attempt.id, message)
        return RecoveryResult(attempt.id, "failed", 0.0, message)
    try:
        duration = repair_wav(path) if path.suffix.lower() in (".wav", ".wave") else None
    except (OSError, ValueError) as exc:
        message = f"recording was interrupted and its audio cannot be repaired: {exc}"
        store.fail_attempt(attempt.id, message)
        return RecoveryResult(attempt.id, "failed", 0.0, message)
    report: Report | None = None
    problem: str | None = None
    try:
        audio = _load_16k(path)
        duration = len(audio) / SAMPLE_RATE if duration is None else duration
        if analyze is not None and len(audio):
            report = analyze(audio)
    except Exception as exc:  # noqa: BLE001 - keep the audio, say why there is no report
        problem = f"recovered audio could not be analyzed: {exc}"
    if duration == 0:
        problem = "recording was interrupted before any audio was captured"
    store.finish_attempt(attempt.id, report, duration_s=duration or 0.0, status="recovered",
                         error=problem)
    return RecoveryResult(attempt.id, "recovered", float(duration or 0.0), problem)


def recover_interrupted(
    store: Store,
    analyze: Callable[[np.ndarray], Report] | None = None,
    *,
    on_progress: Callable[[Attempt], None] | None = None,
) -> list[RecoveryResult]:
    """Repair, analyze and mark ``recovered`` every interrupted attempt (call at start-up).

    ``analyze`` gets the 16 kHz mono float32 audio; without it the audio is only made valid.
    An attempt whose audio is missing or unreadable is marked ``failed`` with the reason; its
    file, if any, is never deleted.
    """
    results = []
    for attempt in store.interrupted():
        if not store.claim(attempt):
            continue
        if on_progress is not None:
            on_progress(attempt)
        results.append(_recover_one(store, attempt, analyze))
    return results


def recover_with_model(store: Store, settings: Settings, bank: Bank,
                       transcriber: Transcriber | None) -> list[RecoveryResult]:
    """Recover every interrupted attempt, each analyzed against its own question's window."""
    from mockmic.pipeline.engine import Analyzer

    if not store.interrupted():
        return []
    analyzer = Analyzer(settings, transcriber) if transcriber is not None else None
    target: list[tuple[float, float] | None] = [None]

    def note_target(attempt: Attempt) -> None:
        q = bank.get(attempt.question_id) if attempt.question_id else None
        target[0] = q.target if q is not None else None

    def analyze(audio: np.ndarray) -> Report:
        assert analyzer is not None
        return analyzer.analyze(audio, target=target[0])

    return recover_interrupted(store, analyze if analyzer is not None else None,
                               on_progress=note_target)


def recovery_notice(results: list[RecoveryResult]) -> str:
    """One line for the user about what start-up recovery did."""
    ok = sum(1 for r in results if r.status == "recovered")
    return (f"Recovered {ok} interrupted recording(s)"
            + (f"; {len(results) - ok} could not be recovered" if ok < len(results) else "")
            + ". They are in the past attempts.")
