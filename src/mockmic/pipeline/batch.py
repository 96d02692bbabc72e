"""Analyze many saved recordings: collect the files, run the engine on worker threads.

Shared by ``mockmic batch`` and the app; no click, no Textual here. Results are handed to a
callback one file at a time, in the order the files finish, so a caller can write each one out
as soon as it exists and a Ctrl-C loses nothing already done.

Parallelism: CTranslate2 releases the GIL while it decodes, so worker *threads* run in parallel.
One shared ``WhisperTranscriber`` serialises calls with a lock, so every worker gets its own
transcriber. ``strategy`` chooses how the workers get their model:

* ``"shared"`` (default): one ``WhisperModel`` with ``num_workers=jobs`` (CTranslate2 keeps a
  replica per worker sharing the weights, ``cpu_threads = cores // jobs`` each) that all workers
  call, its encoder passes one at a time (:func:`_one_at_a_time`);
* ``"models"``: each worker loads its own ``WhisperModel``, same thread split.

``bench/engine.py`` measures both: on 2 busy cores their throughput was the same within the
noise, and ``shared`` peaked ~165 MB lower (655 vs 820 MB with ``base``, before the encoder
lock and the malloc arena cap). Every job cuts and decodes a file exactly as ``mockmic analyze``
does, so the reports are the same whatever ``jobs`` is (``bench/batch_scale.py`` compares them).
"""

from __future__ import annotations

import fnmatch
import glob
import os
import queue
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockmic.audio.io import AUDIO_EXTENSIONS
from mockmic.config import Settings
from mockmic.core import Report

if TYPE_CHECKING:
    from mockmic.pipeline.engine import Analyzer

_GLOB_CHARS = set("*?[")


@dataclass
class FileResult:
    """The outcome for one file: a report, or the one-line reason it could not be analyzed."""

    path: Path
    report: Report | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    audio_s: float = 0.0
    """Length of the decoded audio (0 when decoding failed)."""
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.report is not None

    def to_json(self) -> dict[str, Any]:
        """The report's ``--json`` object, or ``{"file", "error"}`` for a failed file."""
        if self.report is not None:
            return self.report.to_json()
        return {"file": str(self.path), "error": self.error or "unknown error"}


@dataclass
class BatchSummary:
    results: list[FileResult]
    """In completion order."""
    total_files: int
    skipped_non_audio: int = 0
    cancelled: bool = False
    elapsed_s: float = 0.0
    error: str | None = None
    """Why the batch stopped early (e.g. a worker could not load its model)."""

    @property
    def analyzed(self) -> list[FileResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def audio_s(self) -> float:
        return sum(r.audio_s for r in self.results)


def is_audio_path(path: Path) -> bool:
    return path.suffix.lower() in AUDIO_EXTENSIONS


class PathError(str):
    """One line about a command-line path. ``usage`` marks a path that does not exist or a glob
    that matched nothing (a typo: exit 2 when nothing else is left); otherwise the path exists
    but cannot be read (exit 1)."""

    usage: bool = False
    path: str = ""
    problem: str = ""

    def __new__(cls, path: str | Path, problem: str, *, usage: bool = False) -> PathError:
        obj = super().__new__(cls, f"{path}: {problem}")
        obj.path, obj.problem, obj.usage = str(path), problem, usage
        return obj


def _describe(exc: OSError) -> str:
    from mockmic.audio.io import stat_problem

    return stat_problem(exc)


def _classify(path: Path, errors: list[str], *, listed: bool) -> str | None:
    """``"file"``, ``"dir"``, or None after adding the reason ``path`` cannot be used to
    ``errors``. ``listed`` (found in a folder or by a glob): a special file that is not named
    like audio is simply not audio, and says nothing."""
    from mockmic.audio.io import special_kind

    speak = not listed or is_audio_path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            if speak:
                errors.append(PathError(path, "broken link (what it points to is gone)"))
        elif not listed:
            errors.append(PathError(path, "file not found", usage=True))
        return None
    except OSError as exc:
        if speak:
            errors.append(PathError(path, _describe(exc)))
        return None
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISREG(st.st_mode):
        return "file"
    if speak:
        errors.append(PathError(path, f"not a regular file ({special_kind(st.st_mode)}); skipped"))
    return None


def _report_unreadable(errors: list[str], folder: Path) -> Callable[[OSError], None]:
    """An ``os.walk`` error handler: a folder it cannot read becomes one line in ``errors``."""

    def unreadable(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else folder
        errors.append(PathError(where, f"cannot read this folder ({_describe(exc)}); "
                                       f"its files were not analyzed"))

    return unreadable


def _walk(folder: Path, errors: list[str] | None = None) -> tuple[list[Path], int]:
    """Audio files under ``folder`` (recursively, sorted) and how many other files were skipped.

    Hidden files and folders (``.DS_Store``, ``.git``) are ignored and not counted. Links to
    folders are not followed (a link back up would never end); a folder that cannot be read, a
    link loop or a special file named like audio becomes one line in ``errors``.
    """
    errors = [] if errors is None else errors
    files: list[Path] = []
    skipped = 0

    for root, dirs, names in os.walk(folder, onerror=_report_unreadable(errors, folder)):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            p = Path(root) / name
            kind = _classify(p, errors, listed=True)
            if kind == "file":
                if is_audio_path(p):
                    files.append(p)
                else:
                    skipped += 1
            elif kind is None and not is_audio_path(p) and os.path.lexists(p):
                skipped += 1
    return files, skipped


def _glob_parts_match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    head = pattern[0]
    if head == "**":
        return _glob_parts_match(pattern[1:], parts) or (
            bool(parts) and _glob_parts_match(pattern, parts[1:]))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], head) and \
        _glob_parts_match(pattern[1:], parts[1:])


def glob_paths(pattern: str, errors: list[str] | None = None) -> list[Path]:
    """Paths matching ``pattern`` (``*``, ``?``, ``[...]``, and ``**`` for any folders).

    Unlike :func:`glob.glob`, ``**`` never goes through a link to a folder, so a link back up
    (``self -> .``) cannot make it run forever. Hidden names match only a pattern that starts
    with a dot. Folders that cannot be read are reported in ``errors``.
    """
    errors = [] if errors is None else errors
    parts = Path(pattern).parts
    fixed = 0
    while fixed < len(parts) and not (_GLOB_CHARS & set(parts[fixed])):
        fixed += 1
    base = Path(*parts[:fixed]) if fixed else Path(".")
    rest = list(parts[fixed:])
    if not rest:
        return [base] if os.path.lexists(base) else []
    if "**" not in rest:  # depth fixed by the pattern: the standard glob cannot loop
        return [Path(m) for m in sorted(glob.glob(pattern))]
    found: list[Path] = []
    if not os.path.isdir(base):
        return found

    # links to folders are not followed
    for root, dirs, names in os.walk(base, onerror=_report_unreadable(errors, base)):
        rel = Path(root).relative_to(base).parts
        for name in sorted(dirs) + sorted(names):
            candidate = [*rel, name]
            if _glob_parts_match(rest, candidate) and not _hidden(rest, candidate):
                found.append(Path(root) / name)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return sorted(found)


def _hidden(pattern: list[str], parts: list[str]) -> bool:
    """A hidden name is only matched by a pattern part that itself starts with a dot."""
    explicit = any(p.startswith(".") for p in pattern)
    return not explicit and any(p.startswith(".") for p in parts)


def collect_paths(args: Iterable[str | Path]) -> tuple[list[Path], int, list[str]]:
    """Expand command-line paths into the audio files to analyze.

    Each argument is a file (taken as given, whatever its extension: decoding will say if it is
    not audio), a folder (searched recursively; non-audio files are skipped and counted) or a
    glob such as ``answers/*.m4a`` or ``**/*.wav`` (matches are treated like folder contents).

    Returns ``(files, skipped_non_audio_count, errors)``; ``errors`` are one-line messages
    (:class:`PathError`) for paths that do not exist, globs that match nothing, and paths,
    folders or links that cannot be read (permission, link loop, FIFO or device). Files are
    de-duplicated, in order.
    """
    files: list[Path] = []
    skipped = 0
    errors: list[str] = []
    for arg in args:
        text = str(arg)
        p = Path(text).expanduser()
        if not os.path.lexists(p) and _GLOB_CHARS & set(text):
            matches = glob_paths(str(p), errors)
            if not matches:
                errors.append(PathError(text, "no files match", usage=True))
            for mp in matches:
                kind = _classify(mp, errors, listed=True)
                if kind == "dir":
                    found, n = _walk(mp, errors)
                    files.extend(found)
                    skipped += n
                elif kind == "file" and is_audio_path(mp):
                    files.append(mp)
                elif not mp.name.startswith(".") and not is_audio_path(mp):
                    skipped += 1
            continue
        kind = _classify(p, errors, listed=False)
        if kind == "dir":
            found, n = _walk(p, errors)
            files.extend(found)
            skipped += n
        elif kind == "file":
            files.append(p)
    seen: set[str] = set()
    unique: list[Path] = []
    for f in files:
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, skipped, list(dict.fromkeys(errors))


def default_jobs() -> int:
    """Files analyzed at once when ``--jobs`` is not given: two on a machine with two or more cores.

    Two single-threaded jobs keep both cores busy, where one two-threaded Whisper pass leaves
    them partly idle (the plain loop kept 1.5 of 2 cores busy); ``bench/batch_scale.py``
    measures it. More jobs than two need more memory (see :func:`whisper_factory`) for little
    gain on the laptops our users have."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


MALLOC_ARENAS = 2
"""glibc malloc arenas while several jobs run (``M_ARENA_MAX``)."""


def _cap_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Let glibc keep at most ``arenas`` malloc arenas in this process.

    By default every thread that allocates gets an arena of its own (up to 8 per core), and each
    keeps the pages of the large buffers its thread freed: with two jobs the batch's resident
    memory kept growing, file after file (the 22 project answers: 577-598 MB peak with neither
    this cap nor the encoder lock of :func:`whisper_factory`, 510 MB with the lock alone, 450 MB
    with both). A no-op where the C library is not glibc."""
    import ctypes

    if not sys.platform.startswith("linux"):
        return
    try:
        # the process's own symbols include the C library's (no search for libc's file)
        ctypes.CDLL(None).mallopt(-8, int(arenas))  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


TranscriberFactory = Callable[[int, int], Any]
"""``factory(worker_index, jobs) -> Transcriber``."""


def _one_at_a_time(encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``encode`` behind a lock: one Whisper encoder pass at a time across the jobs.

    An encoder pass over Whisper's 30 s window needs about 130 MB of working memory (``base``,
    the attention over 1500 frames) on top of the model; two at once took the batch past 500 MB.
    With the lock one job encodes while the other decodes words. It costs some speed: the 22
    project answers took 28.8-30.8 s with 2 jobs and no lock, 32.5-34.1 s with it."""
    lock = threading.Lock()

    def encode_locked(features: Any) -> Any:
        with lock:
            return encode(features)

    return encode_locked


def whisper_factory(settings: Settings, jobs: int, *, strategy: str = "shared") -> TranscriberFactory:
    """Transcribers for ``jobs`` workers; see the module docstring for ``strategy``.

    With ``shared`` the jobs share one model whose encoder passes run one at a time
    (:func:`_one_at_a_time`), which keeps two jobs under 500 MB."""
    from mockmic.pipeline.transcription import WhisperTranscriber, load_whisper, make_transcriber

    if jobs <= 1:
        shared = make_transcriber(settings)
        return lambda _i, _n: shared

    base = make_transcriber(settings)
    cores = os.cpu_count() or 1
    lock = threading.Lock()
    models: dict[Any, Any] = {}

    if strategy == "shared":
        def model_for(i: int) -> Any:
            with lock:
                if "shared" not in models:
                    from faster_whisper import WhisperModel

                    model = WhisperModel(
                        base.model_path, device="cpu", compute_type="int8",
                        cpu_threads=max(1, cores // jobs), num_workers=jobs, local_files_only=True,
                    )
                    model.encode = _one_at_a_time(model.encode)
                    models["shared"] = model
                return models["shared"]
    elif strategy == "models":
        threads = max(1, cores // jobs)

        def model_for(i: int) -> Any:
            if i == 0:  # the first worker reuses the process-wide cached model
                return load_whisper(base.model_path, "int8", threads)
            from faster_whisper import WhisperModel

            return WhisperModel(base.model_path, device="cpu", compute_type="int8",
                                cpu_threads=threads, local_files_only=True)
    else:
        raise ValueError(f"unknown strategy {strategy!r}: expected 'models' or 'shared'")

    class _WorkerTranscriber(WhisperTranscriber):
        """A transcriber with its own model object (and so its own lock)."""

        def __init__(self, model: Any) -> None:
            super().__init__(base.model_path, name=base.name, language=base.language,
                             filler_prompt=base.filler_prompt, beam_size=base.beam_size,
                             cpu_threads=base.cpu_threads)
            self._model = model

        @property
        def model(self) -> Any:
            return self._model

    return lambda i, _n: _WorkerTranscriber(model_for(i))


ProgressCallback = Callable[[Path, float, float], None]
"""``on_progress(path, seconds_done, seconds_total)``: a file's transcription so far (worker thread)."""


def analyze_one(analyzer: Analyzer, path: Path, target: tuple[float, float] | None, *,
                source: Path | None = None, on_progress: ProgressCallback | None = None) -> FileResult:
    """Decode and analyze one file into a :class:`FileResult`; never raises for a bad file.

    ``source`` is where the bytes are read when they are not at ``path`` (a cluster worker that
    was sent the file's bytes writes them to a temporary file); the result names ``path``.
    ``on_progress`` is told after the decoding and after each transcribed chunk.
    """
    from mockmic.audio.io import AudioError, decode_file
    from mockmic.pipeline.models import ModelError

    start = time.monotonic()
    res = FileResult(Path(path))
    tick = None if on_progress is None else (lambda done, total: on_progress(res.path, done, total))
    try:
        decoded = decode_file(source or path)
        res.audio_s = decoded.duration_s
        res.warnings = list(decoded.warnings)
        if tick is not None:
            tick(0.0, decoded.duration_s)
        res.report = analyzer.analyze(decoded.samples, file=str(path), target=target, on_progress=tick)
    except AudioError as exc:
        res.error = exc.problem
    except MemoryError:
        res.error = "not enough memory to analyze this file"
    except ModelError:  # no model: the whole batch stops, not one row
        raise
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        res.error = f"analysis failed ({type(exc).__name__}: {exc})".splitlines()[0]
    res.elapsed_s = time.monotonic() - start
    return res


def _collect(done: queue.Queue[FileResult | BaseException | None], running: int,
             cancel: threading.Event, on_result: Callable[[FileResult], None] | None,
             ) -> tuple[list[FileResult], BaseException | None]:
    """Results as the workers finish them (each ``None`` is a worker that stopped)."""
    results: list[FileResult] = []
    failure: BaseException | None = None
    try:
        while running:
            try:
                item = done.get(timeout=0.2)
            except queue.Empty:
                continue
            if item is None:
                running -= 1
            elif isinstance(item, BaseException):
                failure = failure or item
                cancel.set()
            else:
                results.append(item)
                if on_result is not None:
                    on_result(item)
    except BaseException:
        cancel.set()  # Ctrl-C in the caller: let workers stop after their current file
        raise
    return results, failure


def analyze_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    jobs: int = 1,
    target: tuple[float, float] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    transcriber_factory: TranscriberFactory | None = None,
    strategy: str = "shared",
) -> BatchSummary:
    """Analyze ``paths`` on ``jobs`` worker threads, each file as ``mockmic analyze`` does.

    ``on_result`` is called in the calling thread for each file as soon as it is done (completion
    order); ``on_progress`` in the worker's thread after each transcribed chunk of a file. Setting ``cancel`` stops handing out files; files already being analyzed finish,
    and their results are still delivered. A file that cannot be decoded or analyzed becomes a
    failed :class:`FileResult` and the batch goes on.

    Raises ``mockmic.pipeline.models.ModelError`` when the model cannot be loaded.
    """
    from mockmic.pipeline.engine import Analyzer

    cancel = cancel or threading.Event()
    jobs = max(1, min(int(jobs), len(paths) or 1))
    if jobs > 1:
        _cap_malloc_arenas()
    factory = transcriber_factory or whisper_factory(settings, jobs, strategy=strategy)
    t0 = time.monotonic()
    todo: queue.Queue[tuple[int, Path]] = queue.Queue()
    for item in enumerate(paths):
        todo.put(item)
    done: queue.Queue[FileResult | BaseException | None] = queue.Queue()

    # Models are built (and later freed) here in the calling thread: a CTranslate2 model
    # created inside a worker thread can abort the process when it is destroyed at exit
    # (faster-whisper issue #480, seen here with --jobs 2).
    analyzers = [Analyzer(settings, factory(i, jobs)) for i in range(jobs)]

    def worker(index: int) -> None:
        try:
            analyzer = analyzers[index]
            while not cancel.is_set():
                try:
                    _i, path = todo.get_nowait()
                except queue.Empty:
                    break
                if on_start is not None:
                    on_start(path)
                done.put(analyze_one(analyzer, path, target, on_progress=on_progress))
        except BaseException as exc:  # noqa: BLE001 - e.g. ModelError: re-raised in the caller
            done.put(exc)
        finally:
            done.put(None)

    threads = [threading.Thread(target=worker, args=(i,), name=f"mockmic-batch-{i}", daemon=True)
               for i in range(jobs)]
    for t in threads:
        t.start()
    results, failure = _collect(done, len(threads), cancel, on_result)
    if failure is not None and not results:
        raise failure
    return BatchSummary(
        results=results,
        total_files=len(paths),
        cancelled=cancel.is_set() and len(results) < len(paths),
        elapsed_s=time.monotonic() - t0,
        error=str(failure) if failure is not None else None,
    )


def probe_duration(path: Path) -> float | None:
    """The length a file declares in its header (fast, no decoding); None when unknown."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the open forever
            return None
        import av

        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return container.duration / 1_000_000
    except Exception:  # noqa: BLE001 - unreadable files are reported when they are analyzed
        return None
    return None
