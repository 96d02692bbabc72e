"""Wheel build hook: the question bank and its spoken audio go into the package as
``mockmic/prompts`` (read at run time with importlib.resources); the user's own
``my_questions.toml`` and hidden files never do. Editable installs read ``prompts/`` in place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

USER_FILE = "my_questions.toml"


class PromptsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":
            return
        root = Path(self.root) / "prompts"
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or path.name == USER_FILE or any(p.startswith(".") for p in rel.parts):
                continue
            build_data["force_include"][str(path)] = f"mockmic/prompts/{rel.as_posix()}"
