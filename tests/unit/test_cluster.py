"""``batch --scheduler``: the Dask path on a real LocalCluster (worker processes), Whisper faked.

The fake transcriber is pickled by value (cloudpickle) so the spawned workers need not import
this test module. The real-model comparison with the local path is in
tests/integration/test_cluster_real.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402  (installed with distributed)

from mockmic.config import Settings  # noqa: E402
from mockmic.core import Transcript, Word  # noqa: E402
from mockmic.pipeline.batch import FileResult, analyze_paths  # noqa: E402
from mockmic.pipeline.cluster import ClusterError, analyze_on_cluster, parse_local  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])

DATA = Path(__file__).resolve().parents[1] / "data"
SR = 16_000


class SlowCanned:
    """Two words per chunk, after ``delay`` seconds of pretend decoding (so a task is still
    running when the test kills its worker)."""

    name = "canned"

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True) -> Transcript:  # noqa: ANN001
        time.sleep(self.delay)
        n = len(audio) / SR
        return Transcript([Word("patients", offset + 0.1, offset + n / 2),
                           Word("first.", offset + n / 2, offset + n - 0.1)])


def slow_factory(_settings: Settings) -> SlowCanned:
    return SlowCanned(0.6)


def fast_factory(_settings: Settings) -> SlowCanned:
    return SlowCanned(0.0)


def copies(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        dst = tmp_path / f"answer_{i}.flac"
        shutil.copy(DATA / "answer_short.flac", dst)
        out.append(dst)
    return out


def test_parse_local() -> None:
    assert parse_local("local:3") == 3
    assert parse_local("tcp://10.0.0.2:8786") is None
    with pytest.raises(ClusterError, match="local:x"):
        parse_local("local:x")
    with pytest.raises(ClusterError, match="at least 1"):
        parse_local("local:0")


def test_a_worker_killed_mid_run_costs_no_file_and_no_duplicate(tmp_path: Path) -> None:
    files = copies(tmp_path, 8)
    seen: list[FileResult] = []
    killed: dict[str, object] = {}
    handles: dict[str, object] = {}

    def on_client(client, cluster) -> None:  # noqa: ANN001
        handles["client"] = client

    def on_result(res: FileResult) -> None:
        seen.append(res)
        if killed:
            return
        client = handles["client"]
        busy = {addr: keys for addr, keys in client.processing().items() if keys}
        if not busy:
            return
        addr, keys = next(iter(busy.items()))
        pid = client.run(os.getpid, workers=[addr])[addr]
        os.kill(pid, signal.SIGKILL)
        killed.update(addr=addr, keys=list(keys), pid=pid)

    summary = analyze_on_cluster(files, Settings(), address="local:2", send="paths",
                                 on_result=on_result, on_client=on_client,
                                 transcriber_factory=slow_factory)
    assert killed, "no worker was busy when the first result arrived: nothing was killed"
    assert killed["pid"] != os.getpid()
    names = sorted(r.path.name for r in seen)
    assert names == sorted(f.name for f in files)  # every file, each exactly once
    assert [r.path.name for r in summary.results] == [r.path.name for r in seen]
    assert all(r.ok for r in seen), [r.error for r in seen if not r.ok]
    assert summary.error is None and not summary.cancelled


def test_bytes_mode_gives_the_local_rows_and_one_error_row(tmp_path: Path) -> None:
    files = copies(tmp_path, 2)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file")
    files.append(broken)

    local = analyze_paths(files, Settings(), jobs=1,
                          transcriber_factory=lambda _i, _n: fast_factory(Settings()))
    remote = analyze_on_cluster(files, Settings(), address="local:1", send="bytes",
                                transcriber_factory=fast_factory)

    def rows(summary) -> dict[str, dict]:  # noqa: ANN001
        return {r.path.name: r.to_json() for r in summary.results}

    assert len(remote.results) == 3
    assert rows(remote) == rows(local)
    bad = [r for r in remote.results if not r.ok]
    assert [r.path for r in bad] == [broken]  # named by the client's path, not the worker's copy
    assert "mockmic-" not in (bad[0].error or "")


def test_unreachable_scheduler_is_one_line() -> None:
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        from mockmic.pipeline import cluster

        old = cluster.CONNECT_TIMEOUT_S
        cluster.CONNECT_TIMEOUT_S = 2.0
        try:
            analyze_on_cluster([DATA / "answer_short.flac"], Settings(), address="tcp://127.0.0.1:9")
        finally:
            cluster.CONNECT_TIMEOUT_S = old
