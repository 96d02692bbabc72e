"""The house plan holds: no import circles in src/, no layer imports one above it, the analysis
core stays pure, no module over 600 lines and no function over 80.

The import graph is read with ``ast`` (no module is imported), so every import counts: top-level,
inside functions and under ``if TYPE_CHECKING:``. Importing ``a.b.c`` also runs the
``__init__`` of ``a`` and ``a.b``; those count as edges too, except a module's own enclosing
packages (they are already being initialised when the module runs, so they form no circle).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "mockmic"

LAYERS: list[tuple[str, ...]] = [
    ("cli", "tui", "__main__"),
    ("practice",),
    ("reporting",),
    ("pipeline", "store", "audio"),
    ("analysis",),
    ("core", "config", "questions"),
]
"""Top to bottom. A module may import its own layer and the layers below it, never above."""

NOT_PEERS = {("tui", "cli")}
"""Pairs in one layer where the first must not import the second."""

PURE = "analysis"
PURE_FORBIDDEN = ("textual", "sounddevice", "soundfile", "faster_whisper", "ctranslate2", "sqlite3",
                  "click", "rich")
"""Libraries the analysis core must not import (it takes arrays and dataclasses, nothing else)."""
NO_UI = ("practice", ("textual", "click", "rich"))
"""The practice service has no user interface: the TUI and the CLI render what it returns."""

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
PENDING_SPLIT: set[str] = set()
"""Modules allowed over the limits for now (none)."""


# ---------------------------------------------------------------------------- the graph


def module_names(src: Path, package: str = PACKAGE) -> dict[str, Path]:
    """``{dotted module name: file}``; a package is named by its ``__init__``."""
    out: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, files: dict[str, Path]) -> bool:
    return files[name].name == "__init__.py"


def imported_names(name: str, tree: ast.AST, files: dict[str, Path]) -> Iterable[tuple[str, int]]:
    """Every absolute module name the source imports (with its line), any depth in the tree."""
    base = name.split(".") if _is_package(name, files) else name.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                module = ".".join(anchor + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # ``from pkg import module`` imports that module
                yield f"{module}.{alias.name}", node.lineno


def import_graph(src: Path, package: str = PACKAGE) -> dict[str, dict[str, int]]:
    """``{module: {module it imports: line}}`` within the package, as Python would run them."""
    files = module_names(src, package)
    graph: dict[str, dict[str, int]] = {m: {} for m in files}
    for name, path in files.items():
        own = {".".join(name.split(".")[:i]) for i in range(1, len(name.split(".")) + 1)}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for target, line in imported_names(name, tree, files):
            parts = target.split(".")
            for i in range(1, len(parts) + 1):  # the module and the packages it runs on the way
                step = ".".join(parts[:i])
                if step in files and step not in own:
                    graph[name].setdefault(step, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterable[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer_of(module: str) -> tuple[int, str] | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package's own __init__ (it imports nothing of its own)
    for i, layer in enumerate(LAYERS):
        if parts[1] in layer:
            return i, parts[1]
    return None


def layer_violations(graph: dict[str, dict[str, int]]) -> list[str]:
    out = []
    for module, targets in graph.items():
        here = layer_of(module)
        if here is None:
            continue
        for target, line in targets.items():
            there = layer_of(target)
            if there is None:
                continue
            if there[0] < here[0] or (here[1], there[1]) in NOT_PEERS:
                out.append(f"{module}:{line} imports {target} ({here[1]} may not import {there[1]})")
    return out


# ---------------------------------------------------------------------------- the rules


def test_there_are_no_import_circles() -> None:
    graph = import_graph(SRC)
    assert len(graph) > 50  # the whole package was read
    assert cycles(graph) == []


def test_no_layer_imports_a_layer_above_it() -> None:
    graph = import_graph(SRC)
    unknown = sorted({m.split(".")[1] for m in graph if "." in m and layer_of(m) is None})
    assert unknown == [], f"put these in a layer of LAYERS: {unknown}"
    assert layer_violations(graph) == []


def forbidden_imports(package: str, libraries: tuple[str, ...]) -> list[str]:
    files = module_names(SRC)
    bad = []
    for name, path in files.items():
        if not name.startswith(f"{PACKAGE}.{package}"):
            continue
        for target, line in imported_names(name, ast.parse(path.read_text(encoding="utf-8")), files):
            if target.split(".")[0] in libraries:
                bad.append(f"{name}:{line} imports {target}")
    return bad


def test_the_analysis_core_imports_no_io_or_ui_library() -> None:
    assert forbidden_imports(PURE, PURE_FORBIDDEN) == []


def test_the_practice_service_imports_no_ui_library() -> None:
    assert forbidden_imports(*NO_UI) == []
    assert forbidden_imports("tui", NO_UI[1])  # the check sees the TUI's own Textual imports


def oversized(src: Path, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    out = []
    for path in sorted((src / PACKAGE).rglob("*.py")):
        if path.relative_to(src).as_posix() in skip:
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(src)
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            out.append(f"{rel}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{rel}:{node.lineno} {node.name}: {length} lines "
                               f"(at most {MAX_FUNCTION_LINES})")
    return out


def test_no_module_over_600_lines_and_no_function_over_80() -> None:
    assert oversized(SRC, PENDING_SPLIT) == []


# ---------------------------------------------------------------------------- the checks can fail


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_circle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    src = _tree(tmp_path, {
        "__init__.py": "",
        "tui/__init__.py": "",
        "tui/app.py": "from mockmic.tui.screens import home\n",
        "tui/screens/__init__.py": "",
        "tui/screens/home.py": "def go():\n    from ..app import x\n",
    })
    assert cycles(import_graph(src)) == [["mockmic.tui.app", "mockmic.tui.screens.home"]]


def test_a_package_init_that_imports_its_module_back_is_a_circle(tmp_path: Path) -> None:
    src = _tree(tmp_path, {
        "__init__.py": "",
        "store/__init__.py": "from mockmic.store.db import Store\n",
        "store/db.py": "X = 1\n",
        "audio/__init__.py": "",
        "audio/io.py": "from mockmic.store import db\n",  # runs store/__init__: no circle
        "practice/__init__.py": "from mockmic.practice import lifecycle\n",
        "practice/lifecycle.py": "from mockmic import practice\n",  # its own package: no circle
    })
    graph = import_graph(src)
    assert cycles(graph) == []
    assert "mockmic.store" in graph["mockmic.audio.io"]
    src = _tree(tmp_path, {"store/db.py": "from mockmic.audio import io\n"})
    assert cycles(import_graph(src)) == [["mockmic.audio.io", "mockmic.store", "mockmic.store.db"]]


def test_a_lower_layer_importing_a_higher_one_is_reported(tmp_path: Path) -> None:
    src = _tree(tmp_path, {
        "__init__.py": "",
        "store/__init__.py": "",
        "store/db.py": "import mockmic.practice.review\n",
        "practice/__init__.py": "",
        "practice/review.py": "from mockmic.store.db import X\n",
        "tui/__init__.py": "",
        "tui/app.py": "from mockmic.cli import main\n",
        "cli/__init__.py": "from mockmic.tui import app\n",
    })
    found = layer_violations(import_graph(src))
    assert found == [
        "mockmic.store.db:1 imports mockmic.practice (store may not import practice)",
        "mockmic.store.db:1 imports mockmic.practice.review (store may not import practice)",
        "mockmic.tui.app:1 imports mockmic.cli (tui may not import cli)",
    ]


def test_an_oversized_function_is_reported(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    src = _tree(tmp_path, {"long.py": f"def long():\n{body}"})
    assert oversized(src) == [f"{PACKAGE}/long.py:1 long: {MAX_FUNCTION_LINES + 1} lines (at most 80)"]


@pytest.mark.parametrize("line", ["import sqlite3", "def f():\n    from rich.text import Text"])
def test_an_io_import_in_the_analysis_core_is_seen(line: str) -> None:
    tree = ast.parse(line)
    names = [t for t, _ in imported_names(f"{PACKAGE}.{PURE}.x", tree, {f"{PACKAGE}.{PURE}.x": Path("x.py")})]
    assert any(n.split(".")[0] in PURE_FORBIDDEN for n in names)
