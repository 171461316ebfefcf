#!/usr/bin/env bash
# Install Yimen into .venv and start the hub with the demo center on SQLite.
#   scripts/run-demo.sh [run.py flags, e.g. --host 0.0.0.0 --port 5000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh run   # a CJK font for printed tickets, espeak-ng for the voice
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/python run.py --demo "$@"
