"""``mypy --strict`` is clean on the core packages (the list is ``[tool.mypy] files`` in
pyproject.toml). Runs in CI through ./test.sh like every other test."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

if importlib.util.find_spec("mypy") is None and not os.environ.get("CI"):  # CI must run it
    pytest.skip("mypy is in the test extras: pip install -e '.[test]'", allow_module_level=True)


def run_mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_core_packages_are_strictly_typed() -> None:
    # mypy's own incremental cache in the checkout (.mypy_cache, where a plain `mypy` keeps it
    # too): a cold check takes 8-25 s on 2 cores, a warm one well under a second. mypy re-checks
    # every file whose content changed and everything that depends on it, so a change that
    # breaks the types still fails here; the test below shows the check can fail, from cold.
    proc = run_mypy("--cache-dir", str(ROOT / ".mypy_cache"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_type_check_can_fail(tmp_path: Path) -> None:
    # the same configuration rejects an untyped function in a checked module
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    for entry in config["files"]:  # the same files, empty
        path = tmp_path / entry
        if path.suffix == ".py":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
        else:
            path.mkdir(parents=True, exist_ok=True)
            (path / "__init__.py").write_text("")
    core = tmp_path / "src" / "mockmic"
    (core / "__init__.py").write_text("")
    (core / "core.py").write_text("def half(x):\n    return x / 2\n")
    proc = run_mypy("--cache-dir", str(tmp_path / "cache"), cwd=tmp_path)
    assert proc.returncode == 1 and "no-untyped-def" in proc.stdout, proc.stdout + proc.stderr
