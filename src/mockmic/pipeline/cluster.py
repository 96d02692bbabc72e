"""``mockmic batch --scheduler``: the same per-file analysis on a Dask cluster.

The client (the machine running ``mockmic batch``) lists the files, hands them to the cluster a
few at a time, and receives one :class:`~mockmic.pipeline.batch.FileResult` per file, in the
order they finish; it alone writes the outputs and the SQLite store. Each worker process loads
the model once, when it joins (:class:`AnalyzerPlugin`), and analyzes one file per task with
:func:`mockmic.pipeline.batch.analyze_one`, exactly as a local worker thread does.

Files travel as paths (the workers see the same file system: ``local:N``, or a shared folder) or
as bytes (the client reads each file and sends it; the worker writes it to a private temporary
file, decodes it and deletes it). Analysis has no side effects on a worker, so when a worker is
lost mid-file the scheduler simply runs that task again elsewhere; the client turns each task
into exactly one row however often it ran.

``distributed`` is imported only here, and this module only when ``--scheduler`` is given.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from mockmic.config import Settings
from mockmic.pipeline.batch import BatchSummary, FileResult, analyze_one

PLUGIN_NAME = "mockmic-analyzer"
SEND_MODES = ("auto", "paths", "bytes")
CONNECT_TIMEOUT_S = 30.0


class ClusterError(Exception):
    """The cluster could not be reached or started; ``str()`` is one line."""


class AnalyzerPlugin(WorkerPlugin):
    """Loads one :class:`~mockmic.pipeline.engine.Analyzer` per worker process, when it starts.

    ``transcriber_factory`` (a picklable ``settings -> Transcriber``) replaces Whisper in tests.
    The settings travel from the client; when the client's models folder does not exist on the
    worker, the worker's own data folder (``MOCKMIC_HOME`` or the platform folder) is used.
    """

    name = PLUGIN_NAME

    def __init__(self, settings: Settings,
                 transcriber_factory: Callable[[Settings], Any] | None = None) -> None:
        self.settings = settings
        self.transcriber_factory = transcriber_factory
        self.analyzer: Any = None
        self.error: str | None = None

    def setup(self, worker: Any = None) -> None:
        from mockmic.config import data_home
        from mockmic.pipeline.engine import Analyzer
        from mockmic.pipeline.models import ModelError
        from mockmic.pipeline.transcription import make_transcriber

        settings = self.settings
        if settings.models_dir is None and not settings.models.is_dir():
            settings = replace(settings, home=data_home())
        try:
            factory = self.transcriber_factory or make_transcriber
            transcriber = factory(settings)
            getattr(transcriber, "model", None)  # load Whisper now, not inside the first file
            self.analyzer = Analyzer(settings, transcriber)
        except ModelError as exc:
            self.error = f"worker {getattr(worker, 'address', '?')}: {exc}"


def _analyze_task(path: str, data: bytes | None, target: tuple[float, float] | None) -> FileResult:
    """One file on a worker: the result names the client's ``path`` whatever was read."""
    from mockmic.pipeline.models import ModelError

    plugin = cast(AnalyzerPlugin, get_worker().plugins[PLUGIN_NAME])
    if plugin.analyzer is None:
        raise ModelError(plugin.error or "the worker has no model")
    if data is None:
        return analyze_one(plugin.analyzer, Path(path), target)
    fd, tmp = tempfile.mkstemp(prefix="mockmic-", suffix=Path(path).suffix)  # private (0600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return analyze_one(plugin.analyzer, Path(path), target, source=Path(tmp))
    finally:
        os.unlink(tmp)


def parse_local(address: str) -> int | None:
    """``local:N`` -> N worker processes on this machine; any other address -> None."""
    if not address.startswith("local"):
        return None
    _, _, n = address.partition(":")
    try:
        workers = int(n) if n else max(1, os.cpu_count() or 1)
    except ValueError:
        raise ClusterError(f"{address}: expected local:N with N a number of workers") from None
    if workers < 1:
        raise ClusterError(f"{address}: the number of workers must be at least 1")
    return workers


def connect(address: str, settings: Settings) -> tuple[Client, Any, Settings]:
    """A client for ``address`` (``local:N`` starts a LocalCluster); returns the cluster to close
    (None for an existing one) and the settings the workers should use."""
    workers = parse_local(address)
    if workers is None:
        try:
            return Client(address, timeout=CONNECT_TIMEOUT_S), None, settings
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    # the workers share this machine's cores: split them, as --jobs does for threads
    threads = max(1, (os.cpu_count() or 1) // workers)
    if settings.transcription.cpu_threads == 0:
        settings = replace(settings, transcription=replace(settings.transcription, cpu_threads=threads))
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR, memory_limit=0)
    return Client(cluster), cluster, settings


def _one_line(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return "a cluster worker died each time it analyzed this file"
    text = " ".join(str(exc).split())
    return f"analysis failed on the cluster ({name}: {text})" if text else f"analysis failed ({name})"


def analyze_on_cluster(
    paths: Sequence[Path],
    settings: Settings,
    *,
    address: str,
    target: tuple[float, float] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    cancel: threading.Event | None = None,
    send: str = "auto",
    transcriber_factory: Callable[[Settings], Any] | None = None,
    on_client: Callable[[Client, Any], None] | None = None,
) -> BatchSummary:
    """Analyze ``paths`` on the cluster at ``address``; like ``analyze_paths``, ``on_result`` is
    called in this thread once per file as soon as its result arrives.

    ``send``: ``paths``, ``bytes``, or ``auto`` (paths for ``local:N``, bytes otherwise).
    Raises :class:`ClusterError` when the cluster cannot be used and
    ``mockmic.pipeline.models.ModelError`` when no worker could load the model.
    """
    cancel = cancel or threading.Event()
    t0 = time.monotonic()
    if send not in SEND_MODES:
        raise ValueError(f"send must be one of {SEND_MODES}")
    client, cluster, worker_settings = connect(address, settings)
    as_bytes = send == "bytes" or (send == "auto" and cluster is None)
    results: list[FileResult] = []
    failure: BaseException | None = None
    try:
        client.register_plugin(AnalyzerPlugin(worker_settings, transcriber_factory), name=PLUGIN_NAME)
        if on_client is not None:
            on_client(client, cluster)
        failure = _stream(client, list(paths), target, as_bytes, cancel, results, on_result)
    finally:
        _close(client, cluster)
    if failure is not None and not results:
        raise failure
    return BatchSummary(results=results, total_files=len(paths),
                        cancelled=cancel.is_set() and len(results) < len(paths),
                        elapsed_s=time.monotonic() - t0,
                        error=str(failure) if failure is not None else None)


def _stream(client: Client, paths: list[Path], target: tuple[float, float] | None, as_bytes: bool,
            cancel: threading.Event, results: list[FileResult],
            on_result: Callable[[FileResult], None] | None) -> BaseException | None:
    """Keep a few tasks per worker thread in flight; one row per task as it completes."""
    from mockmic.pipeline.models import ModelError

    run = uuid.uuid4().hex[:8]
    window = max(2, 2 * sum(client.nthreads().values()))
    pending = iter(enumerate(paths))
    owner: dict[Any, Path] = {}
    stream = as_completed()

    def submit_next() -> bool:
        for index, path in pending:
            data = None
            if as_bytes:
                try:
                    data = path.read_bytes()
                except OSError as exc:  # unreadable here: one row, no task
                    res = FileResult(path, error=f"cannot read ({exc.strerror or exc})")
                    results.append(res)
                    if on_result is not None:
                        on_result(res)
                    continue
            fut = client.submit(_analyze_task, str(path), data, target, key=f"mockmic-{run}-{index}",
                                pure=False)
            owner[fut.key] = path
            stream.add(fut)
            return True
        return False

    for _ in range(window):
        if not submit_next():
            break
    try:
        for fut in stream:
            path = owner.pop(fut.key)
            try:
                res = fut.result()
            except ModelError as exc:
                cancel.set()
                return exc
            except Exception as exc:  # noqa: BLE001 - one file's failure is one row
                res = FileResult(path, error=_one_line(exc))
            fut.release()
            results.append(res)
            if on_result is not None:
                on_result(res)
            if not cancel.is_set():
                submit_next()
            elif not owner:
                break
    except BaseException:
        cancel.set()  # Ctrl-C: drop what is still queued on the cluster
        raise
    return None


def _close(client: Client, cluster: Any) -> None:
    try:
        client.close(timeout=10)
    except Exception:  # noqa: BLE001 - closing must not hide the batch's outcome
        pass
    if cluster is not None:
        try:
            cluster.close(timeout=10)
        except Exception:  # noqa: BLE001
            pass
