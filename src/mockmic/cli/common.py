"""The command line. ``mockmic`` alone opens the practice room; subcommands work without it.

Results go to stdout, diagnostics (one line per problem) to stderr. Exit codes: 0 all analyzed,
1 some input could not be analyzed, 2 usage error.
"""

from __future__ import annotations

import math
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

from mockmic.config import ConfigError, Settings, load_settings, parse_target


class ExitCode(IntEnum):
    OK = 0
    SOME_FAILED = 1
    USAGE = 2


def _err(message: str) -> None:
    click.echo(f"mockmic: {message}", err=True)


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    obj = ctx.obj or {}
    try:
        return load_settings(obj.get("config"), **{k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        _err(str(exc))
        sys.exit(ExitCode.USAGE)


def threshold_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r}: expected NAME=VALUE, e.g. wpm_rushed=180", param_hint="--set")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(f"{pair!r}: {value!r} is not a number", param_hint="--set") from None
        if not math.isfinite(out[key.strip()]):
            raise click.BadParameter(f"{pair!r}: the value must be a finite number", param_hint="--set")
    return out


def resolve_target(settings: Settings, target: str | None, question: str | None) -> tuple[float, float] | None:
    """The length window from --target or --question (None: the settings' default window)."""
    if target:
        try:
            return parse_target(target)
        except ConfigError as exc:
            raise click.BadParameter(str(exc), param_hint="--target") from None
    if question:
        from mockmic.questions import load_bank

        bank = load_bank(settings.prompts, settings.user_questions)
        q = bank.get(question)
        if q is None:
            raise click.BadParameter(f"no question with id {question!r} in {settings.prompts}", param_hint="--question")
        return (q.target_min_s, q.target_max_s)
    return None


def analysis_options(f: Any) -> Any:
    """Options shared by ``analyze`` and ``batch``."""
    opts = [
        click.option("--model", "-m", help="Whisper model: base (default), tiny.en, a name in models/, or a folder."),
        click.option("--target", help="Answer-length window in seconds, e.g. 60-90."),
        click.option("--question", "-q", help="Question id from the bank; sets the length window."),
        click.option("--set", "set_", multiple=True, metavar="NAME=VALUE",
                     help="Override a threshold, e.g. --set wpm_rushed=180 (repeatable)."),
        click.option("--no-filler-prompt", is_flag=True, help="Decode without the filler prompt."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def build_settings(ctx: click.Context, model: str | None, set_: tuple[str, ...], no_filler_prompt: bool) -> Settings:
    transcription: dict[str, Any] = {}
    if model:
        transcription["model"] = model
    if no_filler_prompt:
        transcription["filler_prompt"] = ""
    return _settings(
        ctx,
        thresholds=threshold_overrides(set_) or None,
        transcription=transcription or None,
    )


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(path_type=Path), help="Settings file (TOML).")
@click.version_option(package_name="mockmic")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """mockmic: practise spoken interview answers and see how the delivery went."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config
    if ctx.invoked_subcommand is None:
        settings = _settings(ctx)
        from mockmic.tui.app import run_app

        run_app(settings, config_path=config)
