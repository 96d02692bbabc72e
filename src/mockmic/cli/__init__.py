"""The command line. ``mockmic`` alone opens the practice room; subcommands work without it.

Each command group lives in its own module and is registered here, explicitly, on the one group.
"""

from __future__ import annotations

import sys

from mockmic.cli.analyze import analyze, models
from mockmic.cli.batch import batch
from mockmic.cli.common import _err, cli
from mockmic.cli.devices import devices
from mockmic.cli.questions import questions
from mockmic.cli.review import export_cmd, history_cmd

for _command in (analyze, models, batch, devices, questions, export_cmd, history_cmd):
    cli.add_command(_command)

__all__ = ["cli", "main"]


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
