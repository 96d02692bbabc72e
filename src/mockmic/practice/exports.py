"""Export to a file: attempts or a whole mock interview as a Markdown or HTML report.

The one place that reads what to export from the store, renders it and writes the file
privately (0600, into place in one step). The TUI writes into ``recordings/exports/``; the CLI
writes where ``--out`` says (after :func:`refuse_out`) or to stdout.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mockmic.config import Thresholds
from mockmic.reporting.export import collect, export_name, question_history, render
from mockmic.store.db import DB_NAME, Store
from mockmic.store.files import make_private_dirs, write_private


@dataclass(frozen=True)
class Export:
    text: str
    attempts: int
    """How many attempts the report holds."""


def render_export(store: Store, fmt: str, *, attempt_ids: tuple[int, ...] = (),
                  session_id: int | None = None, thresholds: Thresholds | None = None,
                  history: bool = True) -> Export:
    """Read the attempts (or the session) and render them. Raises LookupError for unknown ids."""
    attempts, title = collect(store, attempt_ids, session_id)
    past = question_history(store, attempts) if history else None
    text = render(attempts, fmt, title=title, session_id=session_id, thresholds=thresholds,
                  history=past)
    return Export(text, len(attempts))


def exports_folder(recordings: Path) -> Path:
    return Path(recordings) / "exports"


def export_to_folder(store: Store, recordings: Path, fmt: str, *, attempt_ids: tuple[int, ...] = (),
                     session_id: int | None = None, thresholds: Thresholds | None = None) -> Path:
    """Render into ``recordings/exports/`` under a name that says what it holds; the path written.

    Raises LookupError (unknown ids) or OSError (cannot write). Call from a worker.
    """
    export = render_export(store, fmt, attempt_ids=attempt_ids, session_id=session_id,
                           thresholds=thresholds)
    folder = exports_folder(recordings)
    make_private_dirs(folder)
    path = folder / export_name(attempt_ids, session_id, fmt)
    write_report(path, export.text)
    return path


def write_report(out: Path, text: str) -> None:
    """Write the report next to ``out`` privately (0600), then move it into place in one step."""
    out = out.expanduser()
    if not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", suffix=".part", dir=out.parent)
    os.close(fd)
    try:
        write_private(Path(tmp), text.encode("utf-8"))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_out(out: Path, store: Store, recordings: Path, force: bool) -> str | None:
    """Why an export must not be written to ``out``, or None.

    The attempt database (and its -wal/-shm files) and the recordings are never overwritten,
    not even with ``force``; any other existing file needs ``force``.
    """
    target = out.expanduser()
    resolved = target.resolve()
    databases = {store.path, Path(recordings) / DB_NAME}
    own = {Path(f"{d}{tail}") for d in databases for tail in ("", "-wal", "-shm", "-journal")}
    for path in own:
        if path.resolve() == resolved or _same_file(path, target):
            return f"{out}: that is the attempt database; choose another file for the report"
    for root in {store.root, Path(recordings)}:
        audio = (root / "audio").resolve()
        if resolved == audio or audio in resolved.parents:
            return f"{out}: inside the recordings' audio folder; choose another place for the report"
    if store.names_audio_file(target):
        return f"{out}: that is an attempt's recording; choose another file for the report"
    if target.is_dir():
        return f"{out}: is a folder; give a file name for the report"
    if (target.exists() or target.is_symlink()) and not force:
        return f"{out}: already exists; pass --force to overwrite it"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
