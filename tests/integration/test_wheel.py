"""The built wheel works outside a checkout: bundled question bank and question audio (package
data), the user's own questions in the data folder, a model from its wheel.

Builds the wheel offline (hatchling from the test environment, no build isolation), installs it
with ``--no-deps`` into a fresh folder, and runs it from an unrelated temporary folder with
only that folder (and the already installed dependencies) importable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

pytestmark = pytest.mark.slow

MY_QUESTION = """\
[[question]]
id = "my-own-question"
category = "core"
text = "What would you change about your last rotation?"
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling")
    tmp = tmp_path_factory.mktemp("wheel")
    dist, target = tmp / "dist", tmp / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("mockmic-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "mockmic/prompts/core.toml" in names
    assert "mockmic/prompts/audio/manifest.json" in names
    assert not any(n.endswith("my_questions.toml") for n in names)
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target",
         str(target), str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert inst.returncode == 0, inst.stderr
    return target


def run(target: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m mockmic ARGS`` from an empty folder, with a fresh home and data folder."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("MOCKMIC_HOME", "MOCKMIC_CONFIG", "PYTHONPATH")}
    env.update(PYTHONPATH=str(target), HOME=str(tmp_path / "home"),
               XDG_DATA_HOME=str(tmp_path / "data"), NO_COLOR="1")
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=600)


def test_the_installed_wheel_is_what_runs(installed: Path, tmp_path: Path) -> None:
    proc = run(installed, tmp_path, "-c", "import mockmic; print(mockmic.__file__)")
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).is_relative_to(installed)


def test_questions_from_the_package_and_the_data_folder(installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "data" / "mockmic" / "prompts" / "my_questions.toml"
    own.parent.mkdir(parents=True)
    own.write_text(MY_QUESTION, encoding="utf-8")
    proc = run(installed, tmp_path, "-m", "mockmic", "questions", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    bundled = [r for r in rows if not r["user"]]
    assert len(bundled) >= 20
    assert all(Path(r["file"]).is_relative_to(installed) for r in bundled)
    assert [r["id"] for r in rows if r["user"]] == ["my-own-question"]

    # the spoken question ships too, found through the package
    code = ("from mockmic.config import load_settings\n"
            "from mockmic.questions import load_bank\n"
            "from mockmic.audio.voice import shipped_audio\n"
            "s = load_settings(); bank = load_bank(s.prompts, s.user_questions)\n"
            "print(shipped_audio(bank.get('core-tell-me-about-yourself'), s.prompts))\n")
    proc = run(installed, tmp_path, "-c", code)
    assert proc.returncode == 0, proc.stderr
    audio = Path(proc.stdout.strip().splitlines()[-1])
    assert audio.is_file() and audio.is_relative_to(installed)


def test_analyze_from_anywhere(installed: Path, tmp_path: Path) -> None:
    proc = run(installed, tmp_path, "-m", "mockmic", "analyze", str(DATA / "answer_short.flac"),
               "--model", "tiny.en", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["word_count"] > 15 and report["model"] == "tiny.en"
