"""`mockmic batch --scheduler local:2` with the real model gives the local path's rows (CLI)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

pytestmark = pytest.mark.slow


def batch(tmp_path: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....not audio")
    files = [DATA / "answer_short.flac", DATA / "fillers" / "fill_00.flac", broken]
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "mockmic", "batch", *map(str, files), "--model", "tiny.en",
         "--out", str(out), *extra],
        capture_output=True, text=True, env=env, timeout=900, cwd=tmp_path,
    )


def test_cluster_rows_equal_local_rows(tmp_path: Path) -> None:
    local = batch(tmp_path, tmp_path / "local.jsonl", "--jobs", "1")
    remote = batch(tmp_path, tmp_path / "remote.jsonl", "--scheduler", "local:2")
    assert local.returncode == remote.returncode == 1, remote.stderr  # the broken file
    rows = {}
    for name in ("local", "remote"):
        lines = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        rows[name] = {r["file"]: r for r in map(json.loads, lines)}
    assert len(rows["remote"]) == 3
    assert rows["remote"] == rows["local"]
    assert "[3/3]" in remote.stderr  # the progress lines kept coming
    assert remote.stderr.count("broken.wav") >= 1

    # the CSV of a cluster run: one row per file, one of them the error row
    csv_out = tmp_path / "remote.csv"
    again = batch(tmp_path, csv_out, "--scheduler", "local:1", "--send", "bytes")
    assert again.returncode == 1, again.stderr
    table = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    assert sorted(r["status"] for r in table) == ["failed", "ok", "ok"]
