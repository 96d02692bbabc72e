#!/usr/bin/env bash
# Set up everything (first run only) and start mockmic. Extra arguments go to mockmic.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/mockmic "$@"
