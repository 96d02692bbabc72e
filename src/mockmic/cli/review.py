"""``mockmic history`` (past attempts as a table) and ``mockmic export`` (Markdown / HTML reports).

Both read the attempt store in the recordings folder; neither needs a model or a microphone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mockmic.cli.common import ExitCode, _err, _settings
from mockmic.store.db import Store


def open_store(ctx: click.Context, db: Path | None) -> Store:
    """The store named by ``--db`` or the settings; a missing or unusable one is a one-line error."""
    from mockmic.store.db import DB_NAME, StoreError

    path = db or (_settings(ctx).recordings / DB_NAME)
    if not path.is_file():
        _err(f"{path}: no attempt database here yet (record an answer first, or pass --db)")
        sys.exit(ExitCode.USAGE)
    try:
        store = Store(path, tighten=db is None)
    except StoreError as exc:
        _err(str(exc))
        sys.exit(ExitCode.USAGE)
    if store.notice:
        _err(store.notice)
    return store


@click.command("export")
@click.argument("attempt_ids", nargs=-1, type=int)
@click.option("--session", "session_id", type=int, help="Export a whole mock-interview session.")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="md or html (default: from --out's suffix, else md).")
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout.")
@click.option("--db", type=click.Path(path_type=Path), help="Attempt database (default: in the recordings folder).")
@click.option("--no-history", is_flag=True, help="Leave out the per-question progress charts.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists (never the database or a recording).")
@click.pass_context
def export_cmd(ctx: click.Context, attempt_ids: tuple[int, ...], session_id: int | None, fmt: str | None,
               out: Path | None, db: Path | None, no_history: bool, force: bool) -> None:
    """Write attempts (ids from `mockmic history`) or a session as a Markdown or HTML report.

    The HTML report is one self-contained file: charts drawn inline, nothing loaded from the network.
    """
    from mockmic.practice.exports import refuse_out, render_export, write_report

    if bool(attempt_ids) == (session_id is not None):
        raise click.UsageError("give attempt ids or --session ID (one of the two)")
    if fmt is None:
        fmt = "html" if out is not None and out.suffix.lower() in (".html", ".htm") else "md"
    settings = _settings(ctx)
    store = open_store(ctx, db)
    try:
        if out is not None:
            problem = refuse_out(out, store, settings.recordings, force)
            if problem:
                _err(problem)
                sys.exit(ExitCode.USAGE)
        try:
            export = render_export(store, fmt, attempt_ids=attempt_ids, session_id=session_id,
                                   thresholds=settings.thresholds, history=not no_history)
        except LookupError as exc:
            raise click.BadParameter(str(exc), param_hint="--session" if session_id is not None else "ATTEMPT_IDS") from None
    finally:
        store.close()
    if out is None:
        click.echo(export.text, nl=False)
        return
    try:
        write_report(out, export.text)
    except OSError as exc:
        _err(f"{out}: cannot write the report ({exc.strerror or exc})")
        sys.exit(ExitCode.SOME_FAILED)
    n = export.attempts
    click.echo(f"wrote {out} ({n} attempt{'s' if n != 1 else ''}, {fmt})", err=True)


@click.command("history")
@click.option("--question", "-q", "question_id", help="Only attempts of this question id.")
@click.option("--session", "session_id", type=int, help="Only attempts of this mock-interview session.")
@click.option("--limit", "-n", type=click.IntRange(1), default=50, show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help="Attempt database (default: in the recordings folder).")
@click.option("--trends", is_flag=True, help="Per-question trends (sparklines) instead of the table.")
@click.pass_context
def history_cmd(ctx: click.Context, question_id: str | None, session_id: int | None, limit: int,
                db: Path | None, trends: bool) -> None:
    """Past attempts, newest first: id, time, question, length, rate, fillers, longest pause, flags."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from mockmic.analysis.trends import METRICS, question_series, summarize_question
    from mockmic.core import is_finished
    from mockmic.reporting.fmt import metric_number, sparkline, when_text

    settings = _settings(ctx)
    store = open_store(ctx, db)
    try:
        attempts = store.list_attempts(question_id=question_id, session_id=session_id, limit=limit)
    finally:
        store.close()
    console = Console()
    if not attempts:
        click.echo("no attempts yet" + (f" for question {question_id}" if question_id else ""), err=True)
        return
    if trends:
        table = Table(title="Progress per question", title_justify="left")
        table.add_column("Question")
        table.add_column("Tries", justify="right")
        for m in METRICS:
            table.add_column({"duration_s": "Length", "wpm": "Rate", "fillers_per_min": "Fillers/min",
                              "longest_pause_s": "Longest pause", "pitch_spread_st": "Pitch spread"}[m])
        finished = [a for a in attempts if is_finished(a.status)]
        for qid, points in question_series(finished).items():
            sums = summarize_question(points, thresholds=settings.thresholds)
            cells = []
            for m in METRICS:
                vals = [v for p in points if (v := p.value(m)) is not None]
                s = sums[m]
                last = "" if s.last is None else f" {metric_number(m, s.last)}"
                cells.append(f"{sparkline(vals)}{last} {'' if s.direction == 'n/a' else s.direction}")
            table.add_row(qid or "(free)", str(len(points)), *cells)
        console.print(table)
        return
    table = Table(title=f"Attempts (newest first, up to {limit})", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    for name, kw in (("ID", {"justify": "right"}), ("When", {}), ("Question", {"overflow": "fold", "min_width": 12}),
                     ("Len", {"justify": "right"}), ("wpm", {"justify": "right"}),
                     ("Fil/m", {"justify": "right"}), ("Pause", {"justify": "right"}),
                     ("Review", {}), ("Flags", {"overflow": "fold", "min_width": 10})):
        table.add_column(name, no_wrap=name not in ("Question", "Flags"), **kw)
    for a in attempts:
        review = list(a.review.values())
        table.add_row(
            str(a.id), when_text(a.started_at, "%m-%d %H:%M"), a.question_id or "(free)",
            f"{a.duration_s:.0f}s" if a.duration_s is not None else "–",
            f"{a.wpm:.0f}" if a.wpm is not None else "–",
            f"{a.fillers_per_min:.1f}" if a.fillers_per_min is not None else "–",
            f"{a.longest_pause_s:.1f}s" if a.longest_pause_s is not None else "–",
            "/".join("–" if v is None else str(v) for v in review) if any(v is not None for v in review) else "–",
            " ".join(([f"[{a.status}]"] if a.status != "done" else []) + a.flags) or "–",
        )
    console.print(table)
