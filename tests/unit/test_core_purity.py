"""The domain core (server/queueing) imports nothing but the standard library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "socketio", "yaml", "gevent", "redis")

PROBE = f"""
import importlib, pkgutil, sys
import server.queueing, server.queueing.center, server.queueing.errors
names = sorted(m.name for m in pkgutil.walk_packages(server.queueing.__path__, "server.queueing."))
for name in names:
    importlib.import_module(name)
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] in {FORBIDDEN!r}
)
print("modules:", " ".join(names))
print("loaded:", " ".join(loaded))
"""


def test_importing_every_core_module_loads_no_framework():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert "server.queueing.center" in lines["modules"].split()
    assert "server.queueing.errors" in lines["modules"].split()
    assert lines["loaded"].split() == []
