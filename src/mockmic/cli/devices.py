"""``mockmic devices``: the input devices mockmic can record from."""

from __future__ import annotations

import json
import sys

import click

from mockmic.cli.common import ExitCode, _err, _settings


@click.command("devices")
@click.option("--json", "as_json", is_flag=True, help="Print the devices as a JSON list.")
@click.pass_context
def devices(ctx: click.Context, as_json: bool) -> None:
    """List the microphones (input devices); `input_device` in the settings picks one."""
    from mockmic.audio.devices import audio_backend_status, list_input_devices, resolve_input_device

    settings = _settings(ctx)
    found = list_input_devices()
    reason = audio_backend_status() if not found else None
    chosen = None
    problem = None
    if found:
        try:
            chosen = resolve_input_device(settings.input_device).index
        except Exception as exc:  # noqa: BLE001 - AudioUnavailable: the setting names no device
            problem = f"setting input_device: {exc}"
    if as_json:
        click.echo(json.dumps([
            {"index": d.index, "name": d.name, "default_rate": d.default_rate,
             "channels": d.channels, "is_default": d.is_default, "hostapi": d.hostapi,
             "selected": d.index == chosen}
            for d in found
        ], indent=2))
    elif found:
        click.echo(f"  {'index':>5}  {'name':32s} {'rate':>7}  {'ch':>3}  api")
        for d in found:
            mark = "*" if d.index == chosen else " "
            note = "  (system default)" if d.is_default else ""
            click.echo(f"{mark} {d.index:>5}  {d.name[:32]:32s} {d.default_rate:>7.0f}  "
                       f"{d.channels:>3}  {d.hostapi}{note}")
        click.echo("* = the device mockmic records from")
    if reason:
        _err(reason)
        sys.exit(ExitCode.SOME_FAILED)
    if problem:
        _err(problem)
        sys.exit(ExitCode.USAGE)
