#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run it.
#   scripts/test.sh [pytest arguments]
# System packages come from apt (Chromium for the browser tests, a CJK font for the
# printed tickets, zbar to decode QR codes, espeak-ng and sox for the hall voice);
# Python packages go into .venv from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/system-packages.sh test

# PostgreSQL and Redis: the tests use the machine's servers (YIMEN_TEST_PG_URL,
# YIMEN_TEST_REDIS_URL). Start them if they are installed but not running.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "== pip install -e .[test]"
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"

echo "== ruff"
.venv/bin/ruff check .

echo "== pytest"
exec .venv/bin/python -m pytest "$@"
