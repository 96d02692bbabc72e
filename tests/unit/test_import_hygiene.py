"""The core stays light: importing it must not pull in the UI, the audio device or Whisper."""

from __future__ import annotations

import json
import subprocess
import sys

CORE = ("mockmic", "mockmic.analysis.delivery", "mockmic.analysis.fillers",
        "mockmic.analysis.content", "mockmic.analysis.pitch", "mockmic.analysis.voice",
        "mockmic.core", "mockmic.config")
HEAVY = ("textual", "sounddevice", "faster_whisper", "ctranslate2")


def loaded_after(imports: tuple[str, ...]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(imports)!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_core_imports_nothing_heavy() -> None:
    mods = loaded_after(CORE)
    assert set(CORE) <= mods  # the imports really happened
    assert heavy_in(mods) == []


def test_the_check_can_see_a_heavy_import() -> None:
    # the check above must be able to fail: importing a heavy module is seen
    mods = loaded_after(("mockmic.core", "faster_whisper.vad"))
    assert "faster_whisper" in heavy_in(mods)
