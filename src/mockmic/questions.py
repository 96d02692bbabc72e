"""The question bank: plain TOML files in ``prompts/``, plus the user's own ``my_questions.toml``.

Every ``*.toml`` file in the prompts folder is part of the bundled bank except the user file
(``my_questions.toml`` unless another path is given). A file holds ``[[question]]`` tables::

    [[question]]
    id = "core-why-this-specialty"
    category = "core"                  # training | core | behavioral | specialty
    text = "Why did you choose this specialty?"
    target = [45, 60]                  # seconds; optional, defaults by category
    structure = "moment → evidence → fit"
    tips = ["Start from one specific patient..."]

A user question with the id of a bundled one replaces it. Problems never stop the loading: each
malformed entry becomes one ``file:line: reason`` line in :attr:`Bank.errors` and is skipped,
and a TOML syntax error only loses the entry it is in.

Pure: no Textual, no audio.
"""

from __future__ import annotations

import bisect
import random as _random
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mockmic.config import ConfigError, parse_window

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

USER_FILE_NAME = "my_questions.toml"

CATEGORIES: tuple[str, ...] = ("training", "core", "behavioral", "specialty")
"""The four categories of PRODUCT.md, in the order the app shows them."""

CATEGORY_LABELS: dict[str, str] = {
    "training": "Training differences & systems",
    "core": "Core",
    "behavioral": "Behavioral",
    "specialty": "Specialty",
}

DEFAULT_TARGETS: dict[str, tuple[float, float]] = {
    "training": (60.0, 90.0),
    "core": (45.0, 60.0),
    "behavioral": (60.0, 90.0),
    "specialty": (60.0, 90.0),
}
"""Target window used when a question gives none (seconds)."""

MAX_TARGET_S = 600.0
MAX_FILE_BYTES = 1_000_000
"""A question file larger than this is refused (the bundled bank is a few kB)."""
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_HEADER_RE = re.compile(r"""^[ \t]*\[\[[ \t]*(?:question|"question"|'question')[ \t]*\]\][ \t]*(?:#.*)?$""")
_KNOWN_FIELDS = {"id", "text", "category", "target", "structure", "tips", "specialty"}
_ALIASES = {"behavioural": "behavioral", "training differences": "training", "systems": "training"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    category: str
    target_min_s: float
    target_max_s: float
    structure: str = ""
    tips: tuple[str, ...] = ()
    source_file: Path | None = None
    user: bool = False
    """True for questions from the user's own file (added or overriding a bundled one)."""
    specialty: str = ""
    """For the specialty category: which one (e.g. ``"pediatrics"``); empty otherwise."""
    line: int = 0
    """Line of the question's ``[[question]]`` table in ``source_file`` (0 if unknown)."""

    @property
    def target(self) -> tuple[float, float]:
        return (self.target_min_s, self.target_max_s)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    def target_label(self) -> str:
        return f"{self.target_min_s:g}–{self.target_max_s:g} s"


@dataclass
class Bank:
    """Questions in display order (by category, then file order) and the problems found."""

    questions: list[Question] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __contains__(self, qid: object) -> bool:
        return qid in self._by_id

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid)

    @property
    def categories(self) -> list[str]:
        """Categories that have at least one question, in display order."""
        return list(self.by_category())

    def by_category(self) -> dict[str, list[Question]]:
        out: dict[str, list[Question]] = {}
        for q in self.questions:
            out.setdefault(q.category, []).append(q)
        return out

    def random(self, rng: _random.Random | None = None, exclude: Iterable[str] = (),
               category: str | None = None) -> Question | None:
        """A random question, avoiding the ids in ``exclude`` while others remain.

        With ``category``, only from that category. None when there is nothing to choose from.
        Once every candidate is excluded, any candidate may come back (so a mock interview
        longer than the bank still gets questions).
        """
        rng = rng or _random.Random()
        pool = [q for q in self.questions if category is None or q.category == category]
        if not pool:
            return None
        skip = set(exclude)
        fresh = [q for q in pool if q.id not in skip]
        return rng.choice(fresh or pool)


def default_user_file(prompts_dir: Path) -> Path:
    """``my_questions.toml`` beside the bank, except for the bank bundled in the installed
    package: the user's file is then in the data folder's ``prompts/``, never in the package."""
    from mockmic.config import bundled_prompts, data_home

    packaged = bundled_prompts()
    if packaged is not None and Path(prompts_dir).resolve() == packaged.resolve():
        return data_home() / "prompts" / USER_FILE_NAME
    return Path(prompts_dir) / USER_FILE_NAME


def load_bank(prompts_dir: Path, user_file: Path | None = None, *, include_user: bool = True) -> Bank:
    """Load the bundled bank from ``prompts_dir`` and merge the user's questions into it.

    Args:
        prompts_dir: folder holding the bundled ``*.toml`` files.
        user_file: the user's own questions; default ``prompts_dir/my_questions.toml`` (for the
            bank bundled in the package, the data folder's, see :func:`default_user_file`). A
            missing user file is not an error.
        include_user: False loads the bundled files only (used to render the shipped audio).
    """
    prompts_dir = Path(prompts_dir)
    user_path = Path(user_file) if user_file is not None else default_user_file(prompts_dir)
    errors: list[str] = []
    bundled: list[Question] = []
    seen: dict[str, Question] = {}

    if not prompts_dir.is_dir():
        errors.append(f"{prompts_dir}: prompts folder not found")
        files: list[Path] = []
    else:
        files = sorted(p for p in prompts_dir.glob("*.toml")
                       if p.is_file() and p.resolve() != user_path.resolve())
        if not files:
            errors.append(f"{prompts_dir}: no question files (*.toml)")
    for path in files:
        for q in _load_file(path, user=False, errors=errors):
            if q.id in seen:
                first = seen[q.id]
                if first.source_file != path:  # duplicates inside one file are reported by _load_file
                    errors.append(f"{_where(path, q.line)}: duplicate id {q.id!r} "
                                  f"(already in {_where(first.source_file, first.line)}); ignored")
                continue
            seen[q.id] = q
            bundled.append(q)

    questions = list(bundled)
    if include_user and user_path.is_file():
        index = {q.id: i for i, q in enumerate(questions)}
        for q in _load_file(user_path, user=True, errors=errors):
            if q.id in index:
                questions[index[q.id]] = q
            else:
                index[q.id] = len(questions)
                questions.append(q)

    rank = {c: i for i, c in enumerate(CATEGORIES)}
    questions.sort(key=lambda q: rank.get(q.category, len(rank)))  # stable: file order within
    return Bank(questions=questions, errors=errors)


def _where(path: Path | None, line: int) -> str:
    return f"{path}:{line}" if line else f"{path}"


def _toml_error_line(exc: Exception) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    m = re.search(r"line (\d+)", str(exc))
    return int(m.group(1)) if m else None


def _toml_error_reason(exc: Exception) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(msg)).strip()


def _header_lines(lines: list[str]) -> list[int]:
    """0-based indexes of the ``[[question]]`` header lines."""
    return [i for i, line in enumerate(lines) if _HEADER_RE.match(line)]


def _load_file(path: Path, *, user: bool, errors: list[str]) -> list[Question]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            errors.append(f"{path}: too large for a question file ({size / 1e6:.1f} MB; the limit "
                          f"is {MAX_FILE_BYTES / 1e6:g} MB, several thousand questions); skipped")
            return []
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(f"{path}: not UTF-8 text")
        return []
    except OSError as exc:
        errors.append(f"{path}: cannot read ({exc.strerror or exc})")
        return []
    lines = text.splitlines()
    headers = _header_lines(lines)

    # Each entry paired with the 1-based line of its header.
    entries: list[tuple[int, Any]] = []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        data = None
    if data is not None:
        _check_top_level(path, data, lines, errors)
        raw = data.get("question", [])
        if not isinstance(raw, list):
            errors.append(f"{_where(path, _find_table_line(lines, 'question'))}: write [[question]] "
                          f"(two brackets) for each question; entries skipped")
            raw = []
        id_lines: dict[str, int] | None = None
        for i, item in enumerate(raw):
            if len(headers) == len(raw):
                line = headers[i] + 1
            else:
                if id_lines is None:
                    id_lines = _id_lines(lines)
                line = _find_id_line(id_lines, item)
            entries.append((line, item))
    else:
        entries = _load_chunks(path, lines, headers, errors)

    out: list[Question] = []
    ids: dict[str, int] = {}
    for line, item in entries:
        q = _make_question(path, line, item, lines, headers, user=user, errors=errors)
        if q is None:
            continue
        if q.id in ids:
            errors.append(f"{path}:{line}: duplicate id {q.id!r} (first at line {ids[q.id]}); ignored")
            continue
        ids[q.id] = line
        out.append(q)
    return out


def _load_chunks(path: Path, lines: list[str], headers: list[int],
                 errors: list[str]) -> list[tuple[int, Any]]:
    """Parse each ``[[question]]`` table on its own so one syntax error loses one entry."""
    bounds = [0, *headers, len(lines)] if not headers or headers[0] != 0 else [*headers, len(lines)]
    header_set = set(headers)
    entries: list[tuple[int, Any]] = []
    for start, end in zip(bounds, bounds[1:]):
        chunk = "\n".join(lines[start:end])
        try:
            data = tomllib.loads(chunk)
        except tomllib.TOMLDecodeError as exc:
            rel = _toml_error_line(exc)
            line = start + rel if rel else start + 1
            what = "entry skipped" if start in header_set else "lines before the first [[question]] skipped"
            errors.append(f"{path}:{line}: TOML syntax error: {_toml_error_reason(exc)}; {what}")
            continue
        if start not in header_set:
            _check_top_level(path, data, lines, errors)
            continue
        items = data.get("question", [])
        for item in items if isinstance(items, list) else []:
            entries.append((start + 1, item))
        extra = {k: v for k, v in data.items() if k != "question"}
        _check_top_level(path, extra, lines, errors)
    return entries


def _check_top_level(path: Path, data: dict[str, Any], lines: list[str], errors: list[str]) -> None:
    for key in data:
        if key == "question":
            continue
        line = _find_key_line(lines, 0, len(lines), key) or _find_table_line(lines, key)
        errors.append(f"{_where(path, line)}: unknown top-level entry {key!r} (expected [[question]] tables)")


def _find_table_line(lines: list[str], key: str) -> int:
    pat = re.compile(r"^\s*\[+\s*" + re.escape(key) + r"\b")
    for i, line in enumerate(lines):
        if pat.match(line):
            return i + 1
    return 0


_ID_LINE_RE = re.compile(r"""^\s*["']?id["']?\s*=\s*["']([^"']*)["']""")


def _id_lines(lines: list[str]) -> dict[str, int]:
    """1-based line of the first ``id = "..."`` for each id (one pass over the file)."""
    out: dict[str, int] = {}
    for i, line in enumerate(lines):
        m = _ID_LINE_RE.match(line)
        if m:
            out.setdefault(m.group(1), i + 1)
    return out


def _find_id_line(id_lines: dict[str, int], item: Any) -> int:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return id_lines.get(item["id"], 0)
    return 0


def _find_key_line(lines: list[str], start: int, end: int, key: str) -> int:
    """1-based line of ``key = ...`` between 0-based ``start`` (inclusive) and ``end``."""
    pat = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
    for i in range(start, min(end, len(lines))):
        if pat.match(lines[i]):
            return i + 1
    return 0


def _make_question(path: Path, line: int, item: Any, lines: list[str], headers: list[int], *,
                   user: bool, errors: list[str]) -> Question | None:
    where = _where(path, line)
    if not isinstance(item, dict):
        errors.append(f"{where}: question entry is not a table; skipped")
        return None
    # the lines of this table, to point at the offending key
    # (headers are 0-based and sorted: the first one at or after this table's first line)
    nxt = bisect.bisect_left(headers, line) if line else len(headers)
    end = headers[nxt] if nxt < len(headers) else len(lines)

    def at(key: str) -> str:
        kl = _find_key_line(lines, line, end, key) if line else 0
        return _where(path, kl or line)

    missing = [k for k in ("id", "text", "category") if k not in item]
    if missing:
        ident = f" (id {item['id']!r})" if isinstance(item.get("id"), str) else ""
        errors.append(f"{where}: missing {', '.join(repr(m) for m in missing)}{ident}; skipped")
        return None
    qid, text, category = item["id"], item["text"], item["category"]
    if not isinstance(qid, str) or not _ID_RE.match(qid):
        errors.append(f"{at('id')}: id {qid!r} must be lowercase letters, digits, '-' or '_'; skipped")
        return None
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{at('text')}: question {qid!r}: text must be a non-empty string; skipped")
        return None
    if not isinstance(category, str):
        errors.append(f"{at('category')}: question {qid!r}: category must be a string; skipped")
        return None
    cat = _ALIASES.get(category.strip().lower(), category.strip().lower())
    if cat not in CATEGORIES:
        errors.append(f"{at('category')}: question {qid!r}: unknown category {category!r} "
                      f"(expected one of {', '.join(CATEGORIES)}); skipped")
        return None

    if "target" in item:
        try:
            target = parse_window(item["target"], max_s=MAX_TARGET_S)
        except ConfigError as exc:
            errors.append(f"{at('target')}: question {qid!r}: bad target {item['target']!r}: {exc}; skipped")
            return None
    else:
        target = DEFAULT_TARGETS[cat]

    structure = item.get("structure", "")
    if not isinstance(structure, str):
        errors.append(f"{at('structure')}: question {qid!r}: structure must be a string; skipped")
        return None
    tips_raw = item.get("tips", [])
    if isinstance(tips_raw, str):
        tips_raw = [tips_raw]
    if not isinstance(tips_raw, list) or not all(isinstance(t, str) for t in tips_raw):
        errors.append(f"{at('tips')}: question {qid!r}: tips must be a list of strings; skipped")
        return None
    specialty = item.get("specialty", "")
    if not isinstance(specialty, str):
        errors.append(f"{at('specialty')}: question {qid!r}: specialty must be a string; skipped")
        return None
    unknown = sorted(set(item) - _KNOWN_FIELDS)
    if unknown:
        # not fatal: the question is usable, but a typo like "tip" should not go unnoticed
        errors.append(f"{at(unknown[0])}: question {qid!r}: unknown field(s) "
                      f"{', '.join(repr(u) for u in unknown)} ignored")
    return Question(
        id=qid, text=" ".join(text.split()), category=cat,
        target_min_s=target[0], target_max_s=target[1],
        structure=structure.strip(), tips=tuple(t.strip() for t in tips_raw if t.strip()),
        source_file=path, user=user, specialty=specialty.strip(), line=line,
    )

