"""Two ``batch --save`` importers and the app's recorder write into one store at the same time.

Hundreds of short numpy-made files, a canned analysis (no Whisper): every attempt must end up
with its own audio file, holding exactly its own samples, and nothing may be imported twice.
"""

from __future__ import annotations

import multiprocessing as mp
import traceback
from pathlib import Path

import numpy as np
import soundfile as sf

from mockmic.analysis.delivery import build_report
from mockmic.config import Thresholds
from mockmic.core import Interval, Report, Target, Word
from mockmic.store.db import Store
from mockmic.store.files import new_audio_path

SR = 16_000
PER_IMPORTER = 150
SHARED = 30
"""Files both importers are given (each must be imported once)."""
RECORDINGS = 100
DISCARD_EVERY = 10
"""The recorder discards every tenth answer (the app's delete), which must not touch others."""


def report_for(tag: str) -> Report:
    words = [Word("word", 0.1 + 0.05 * i, 0.14 + 0.05 * i) for i in range(8)]
    return build_report(file=tag, model="canned", duration_s=0.6, words=words,
                        speech=[Interval(0.1, 0.5)], fillers=[], filler_word_indices=set(),
                        target=Target(45, 60), thresholds=Thresholds())


def samples_for(kind: str, i: int) -> np.ndarray:
    """0.6 s that differ from every other file's (a random signal seeded by the file's id)."""
    seed = (0 if kind == "import" else 1_000_000) + i
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.5, 0.5, int(0.6 * SR)).astype(np.float32)
    return np.round(x * 32767) / 32768  # exactly representable in 16-bit PCM


def _import(root: str, sources: list[str], failures: mp.Queue) -> None:
    try:
        from mockmic.pipeline.batch import FileResult
        from mockmic.practice.importer import HistoryImporter

        with Store(Path(root) / "mockmic.sqlite3") as store:
            importer = HistoryImporter(store, "imported-q", "Imported?")
            for src in sources:
                problem = importer.add(FileResult(Path(src), report=report_for(src)))
                if problem:
                    failures.put(problem)
    except BaseException:  # noqa: BLE001 - report it to the test instead of dying silently
        failures.put(traceback.format_exc())


def _record(root: str, failures: mp.Queue) -> None:
    """What the app does for each answer: claim a file, add the row, write, analyze, finish."""
    try:
        from mockmic.audio.wavfile import _WavAppender

        with Store(Path(root) / "mockmic.sqlite3") as store:
            for i in range(RECORDINGS):
                path = new_audio_path(store.root, "tui-q")
                aid = store.begin_attempt("tui-q", "Recorded?", path)
                path.parent.mkdir(parents=True, exist_ok=True)  # (the recorder's pipeline does this)
                wav = _WavAppender(path)
                pcm = (samples_for("record", i) * 32768).astype("<i2").tobytes()
                for start in range(0, len(pcm), 3200):  # block by block, as the writer thread does
                    wav.append(pcm[start:start + 3200])
                wav.close()
                store.mark_analyzing(aid, 0.6)
                store.finish_attempt(aid, report_for(f"record-{i}"))
                if i % DISCARD_EVERY == DISCARD_EVERY - 1:
                    store.delete_attempt(aid)
    except BaseException:  # noqa: BLE001
        failures.put(traceback.format_exc())


def test_two_importers_and_the_recorder_never_share_or_lose_audio(tmp_path: Path) -> None:
    src = tmp_path / "phone"
    src.mkdir()
    sources = []
    for i in range(2 * PER_IMPORTER - SHARED):
        p = src / f"answer{i:03d}.wav"
        sf.write(p, samples_for("import", i), SR, subtype="PCM_16")
        sources.append(str(p))
    first = sources[:PER_IMPORTER]
    second = sources[PER_IMPORTER - SHARED:]
    assert len(set(first) & set(second)) == SHARED
    root = tmp_path / "recordings"
    Store(root / "mockmic.sqlite3").close()  # created once, as the app would have

    ctx = mp.get_context("fork")
    failures: mp.Queue = ctx.Queue()
    procs = [ctx.Process(target=_import, args=(str(root), first, failures)),
             ctx.Process(target=_import, args=(str(root), second[::-1], failures)),
             ctx.Process(target=_record, args=(str(root), failures))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=600)
    problems = []
    while not failures.empty():
        problems.append(failures.get())
    assert problems == []
    assert [p.exitcode for p in procs] == [0, 0, 0]

    with Store(root / "mockmic.sqlite3") as store:
        attempts = store.list_attempts(limit=10_000)
    imported = [a for a in attempts if a.status == "imported"]
    recorded = [a for a in attempts if a.question_id == "tui-q"]
    assert len(imported) == len(sources)  # the shared files once each
    assert len(recorded) == RECORDINGS - RECORDINGS // DISCARD_EVERY
    assert all(a.status == "done" for a in recorded)
    paths = [a.audio_path for a in attempts]
    assert len(set(paths)) == len(paths), "two attempts share an audio file"
    assert sorted(a.report.file for a in imported) == sorted(sources)
    for a in attempts:
        audio, rate = sf.read(a.audio_path, dtype="float32")
        assert rate == SR
        tag = a.report.file
        if a.status == "imported":
            expected = samples_for("import", sources.index(tag))
        else:
            expected = samples_for("record", int(tag.split("-")[1]))
        assert np.array_equal(audio, expected), f"attempt {a.id} holds another attempt's audio"
    on_disk = sorted(p for p in (root / "audio").rglob("*") if p.is_file())
    assert on_disk == sorted(paths)  # nothing left over: discarded answers and duplicates removed
