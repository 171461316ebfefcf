"""The layers read the way they run: settings come from Config, the kiosk agent and
hardware/ need nothing of the hub, and the Publisher protocol is what services use."""

from __future__ import annotations

import ast
import inspect
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "display", "counter", "kiosk", "manager", "hardware")
# Entry points that map their own command-line flags onto the environment.
# The configuration; the command line, which maps its flags onto the environment the
# configuration reads; the backup tools, which hand the environment to pg_dump; the agent.
READS_ENVIRONMENT = {"server/config.py", "server/cli.py", "server/backup_cli.py", "server/backup.py",
                     "kiosk/agent.py"}


def sources(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def imported_modules(text: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_only_config_reads_the_environment():
    readers = {path for path, text in sources(*PACKAGES)
               if re.search(r"os\.environ|os\.getenv|getenv\(", text)}
    assert readers == READS_ENVIRONMENT


def test_hardware_imports_nothing_of_the_project():
    for path, text in sources("hardware"):
        project = {m for m in imported_modules(text) if m.split(".")[0] in PACKAGES and m.split(".")[0] != "hardware"}
        assert not project, (path, project)


def test_the_kiosk_agent_imports_only_hardware_and_a_socketio_client():
    text = (ROOT / "kiosk" / "agent.py").read_text(encoding="utf-8")
    project = {m.split(".")[0] for m in imported_modules(text)} & set(PACKAGES)
    assert project == {"hardware"}
    probe = ("import sys, kiosk.agent; print(' '.join(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('sqlalchemy', 'gevent') or m.startswith(('server.services', 'server.db', 'server.realtime')))))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []


def test_the_publisher_protocol_names_every_method_services_call():
    from server.realtime.publisher import SocketPublisher
    from server.services.hub import NullPublisher, Publisher

    declared = {name for name, _ in inspect.getmembers(Publisher, inspect.isfunction) if not name.startswith("_")}
    called = set()
    for _path, text in sources("server", "display", "counter", "kiosk", "manager"):
        called.update(re.findall(r"publisher\.([a-z_]+)\(", text))
    called -= {"start", "bind", "flush"}  # the socket publisher's own life cycle, called by create_app
    assert {"publish", "send_to_device", "alert", "to_managers"} <= called
    assert called <= declared, called - declared
    for implementation in (NullPublisher, SocketPublisher):
        for name in declared:
            wanted = inspect.signature(getattr(Publisher, name))
            given = inspect.signature(getattr(implementation, name))
            assert list(given.parameters) == list(wanted.parameters), (implementation, name)
