"""Export attempts (one, several, or a whole mock-interview session) as Markdown or HTML.

The formats live in :mod:`~mockmic.reporting.markdown` and :mod:`~mockmic.reporting.html`
(charts in :mod:`~mockmic.reporting.charts`, what both say in
:mod:`~mockmic.reporting.document`); this module picks one by name and reads what to export
from the store. Pure of Textual: callers pass attempt-like objects (see
:mod:`mockmic.analysis.trends`) and, optionally, each question's earlier attempts for the
trend charts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, Literal

from mockmic.config import Thresholds
from mockmic.core import is_finished
from mockmic.reporting.document import Export, prepare
from mockmic.reporting.document import attr as _attr
from mockmic.reporting.fmt import when_text
from mockmic.reporting.html import html_text
from mockmic.reporting.markdown import markdown_text

Format = Literal["md", "html"]
FORMATS: tuple[str, ...] = ("md", "html")


def render(
    attempts: Iterable[Any],
    fmt: str,
    *,
    title: str | None = None,
    session_id: Any = None,
    thresholds: Thresholds | None = None,
    history: dict[str, list[Any]] | None = None,
) -> str:
    """The attempts as Markdown (``md``) or one self-contained HTML page (``html``).

    ``title`` defaults to one made from the attempts or ``session_id``; ``history`` holds each
    question's earlier attempts for the progress tables and charts.
    """
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown export format {fmt!r}: use md or html")
    return writer(prepare(attempts, title=title, session_id=session_id, thresholds=thresholds, history=history))


_WRITERS: dict[str, Callable[[Export], str]] = {"md": markdown_text, "html": html_text}
to_markdown = partial(render, fmt="md")
"""``render(attempts, "md", ...)``."""
to_html = partial(render, fmt="html")
"""``render(attempts, "html", ...)``."""


# ----------------------------------------------------------------------------- from the store


def question_history(store: Any, attempts: Sequence[Any], *, limit: int = 200) -> dict[str, list[Any]]:
    """Finished attempts of each question among ``attempts``, oldest first (for the trend charts)."""
    out: dict[str, list[Any]] = {}
    for qid in dict.fromkeys(_attr(a, "question_id") for a in attempts if _attr(a, "question_id")):
        out[qid] = [a for a in store.list_attempts(question_id=qid, limit=limit, oldest_first=True)
                    if is_finished(_attr(a, "status", "done"))]
    return out


def collect(store: Any, attempt_ids: Sequence[int] = (), session_id: int | None = None) -> tuple[list[Any], str | None]:
    """The attempts to export (and a title for a session) from the store.

    Raises:
        LookupError: an unknown attempt or session id, or a session without attempts; the
            message names it.
    """
    if session_id is not None:
        session = store.get_session(session_id)
        if session is None:
            raise LookupError(f"no mock-interview session {session_id}")
        attempts = store.session_attempts(session_id)
        if not attempts:
            raise LookupError(f"session {session_id} has no attempts")
        title = _attr(session, "title") or f"Mock interview {session_id} ({when_text(_attr(session, 'started_at'))})"
        return list(attempts), title
    attempts = []
    for attempt_id in attempt_ids:
        a = store.get(attempt_id)
        if a is None:
            raise LookupError(f"no attempt {attempt_id}")
        attempts.append(a)
    return attempts, None


def export_name(attempt_ids: Sequence[int] = (), session_id: int | None = None, fmt: str = "html") -> str:
    """A file name for an export: ``session-3.html``, ``attempt-12.md``, ``attempts-4-9.html``."""
    if session_id is not None:
        stem = f"session-{session_id}"
    elif len(attempt_ids) == 1:
        stem = f"attempt-{attempt_ids[0]}"
    else:
        stem = "attempts-" + "-".join(str(i) for i in attempt_ids[:6])
    return f"{stem}.{fmt}"
