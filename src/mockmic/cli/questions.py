"""``mockmic questions``: list the question bank, or the problems found while loading it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from mockmic.cli.common import ExitCode, _err, _settings
from mockmic.questions import CATEGORIES, CATEGORY_LABELS, load_bank


@click.command("questions")
@click.option("--category", "-c", type=click.Choice(CATEGORIES), help="Only this category.")
@click.option("--errors", "show_errors", is_flag=True,
              help="Show the problems found in the question files (file:line: reason), one per line.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question.")
@click.option("--prompts", type=click.Path(path_type=Path), help="Question folder (default: settings).")
@click.pass_context
def questions(ctx: click.Context, category: str | None, show_errors: bool, as_json: bool,
              prompts: Path | None) -> None:
    """List the questions: id, category, target window and text.

    Your own questions go in my_questions.toml in the prompts folder (see prompts/README.md).
    """
    settings = _settings(ctx)
    folder = prompts or settings.prompts
    bank = load_bank(folder, None if prompts else settings.user_questions)
    if show_errors:
        for line in bank.errors:
            click.echo(line)
        if not bank.errors:
            click.echo(f"no problems in {folder} ({len(bank)} questions)")
        sys.exit(ExitCode.SOME_FAILED if bank.errors else ExitCode.OK)

    shown = [q for q in bank if category is None or q.category == category]
    if as_json:
        for q in shown:
            click.echo(json.dumps({
                "id": q.id, "category": q.category, "specialty": q.specialty or None,
                "target": [q.target_min_s, q.target_max_s], "text": q.text,
                "structure": q.structure, "tips": list(q.tips), "user": q.user,
                "file": str(q.source_file) if q.source_file else None,
            }, ensure_ascii=False))
    else:
        width = max((len(q.id) for q in shown), default=10)
        current = None
        for q in shown:
            if q.category != current:
                current = q.category
                click.echo(("" if q is shown[0] else "\n") + click.style(CATEGORY_LABELS.get(current, current), bold=True))
            mark = "*" if q.user else " "
            click.echo(f"{mark}{q.id:<{width}}  {q.target_min_s:>3g}–{q.target_max_s:<3g} s  {q.text}")
        if any(q.user for q in shown):
            click.echo("\n* from your own questions file")
    if bank.errors:
        _err(f"{len(bank.errors)} problem(s) in the question files; see: mockmic questions --errors")
    if not shown:
        _err(f"no questions found in {folder}")
        sys.exit(ExitCode.SOME_FAILED)
