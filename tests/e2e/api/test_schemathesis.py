"""The OpenAPI document describes the API: schemathesis (``--checks all``) against a real
hub with the demo center, in turn as a kiosk and as a clerk holding a window (each on the
operations it may call) and as the admin (on every operation), so that every operation
is reached with credentials that it accepts. Zero
failures allowed; the summary of each run is printed in the test output, passed or not.

Bounded for a 2-core machine: a fixed seed, a few examples per operation, one worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.api import DEMO_KIOSK_KEY, Api
from tests.support.hubproc import HubProcess

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = int(os.environ.get("YIMEN_ST_EXAMPLES", "20"))
SEED = 20261201


def hall_ids(hub: HubProcess) -> tuple[str, str]:
    """The hall's own ids, as schemathesis dictionaries that body fields draw from half the
    time: so that generated tickets, transfers and users also reach their success paths."""
    center = Api(hub.url).get("/center").json()
    values = {
        "matter_id": [m["id"] for m in center["matters"]],
        "queue_id": [q["id"] for q in center["queues"]],
        "unit_id": [u["id"] for u in center["units"]],
        "priority_reason": list(center["priority_reasons"]),
    }
    tables = "".join(f"\n[dictionaries.{name}]\nvalues = {json.dumps(ids, ensure_ascii=False)}\n"
                     for name, ids in values.items())
    bindings = "".join(f'"body.{name}" = {{ dictionary = "{name}", probability = 0.5 }}\n' for name in values)
    return tables, bindings


def run_schemathesis(hub: HubProcess, tmp_path: Path, capsys, who: str, header: str,
                     parameters: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    """One schemathesis run; its configuration is ours plus the ids this caller may use."""
    config = tmp_path / f"schemathesis-{who}.toml"
    tables, bindings = hall_ids(hub)
    fixed = "".join(f'"{name}" = "{value}"\n' for name, value in parameters.items())
    config.write_text(CONFIG.read_text(encoding="utf-8") + tables + "\n[parameters]\n" + fixed + bindings,
                      encoding="utf-8")
    command = [str(SCHEMATHESIS), "--config-file", str(config), "run", f"{hub.url}/api/v1/openapi.json",
               "--checks", "all", "--seed", str(SEED), "--max-examples", str(MAX_EXAMPLES),
               "--workers", "1", "--no-color", "--request-timeout", "20", "-H", header, *extra]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=240,
                            env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"})
    (tmp_path / f"schemathesis-{who}.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    summary = result.stdout[result.stdout.find("=== SUMMARY"):] if "=== SUMMARY" in result.stdout else ""
    with capsys.disabled():  # the summary shows in the CI output, passed or not
        print(f"\n--- schemathesis as {who} ({time.monotonic() - started:.0f} s) ---\n"
              f"{summary or result.stdout[-3000:]}{result.stderr[-2000:]}")
    return result


def reachable(hub: HubProcess, scheme: str, role: str | None = None) -> list[str]:
    """``--include-operation-id`` options for the operations a caller holding ``scheme``
    (and, for staff, ``role``) may call; the admin's run covers every operation, public
    ones and the 401/403 answers included, so the others need not fuzz what they cannot use."""
    document = Api(hub.url).get("/openapi.json").json()
    options = []
    for item in document["paths"].values():
        for op in item.values():
            schemes = {name for requirement in op.get("security") or [] for name in requirement}
            needs = op["responses"].get("403", {}).get("description", "")
            allowed = role is None or "needs " not in needs or role in needs
            if scheme in schemes and allowed:
                options += ["--include-operation-id", op["operationId"]]
    assert options, f"no operation for {scheme}"
    return options


def failures(result: subprocess.CompletedProcess) -> str:
    out = result.stdout
    start = out.find("=== FAILURES")
    return out[start:out.find("=== WARNINGS", start)] if start >= 0 else out[-6000:]


@pytest.mark.slow
def test_the_document_describes_the_api(tmp_path, capsys):
    hub = HubProcess(tmp_path / "var").start()
    try:
        kiosk = Api.kiosk(hub.url)
        ticket = kiosk.issue()
        clerk = Api.clerk(hub.url, "clerk1")
        assert clerk.post("/windows/w16/open").status_code == 200
        admin = Api(hub.url).login("admin")
        ids = {"token": ticket["token"], "window_id": "w16"}
        runs = [
            ("a kiosk", f"X-Device-Key: {DEMO_KIOSK_KEY}", reachable(hub, "deviceKey")),
            ("a clerk at w16", f"Authorization: Bearer {clerk.token}", reachable(hub, "bearer", "clerk")),
            ("the admin", f"Authorization: Bearer {admin.token}", []),
        ]
        # Logging out would end the token a run itself uses: that call runs on its own, first
        # (the admin's run may change other users' passwords and sessions).
        spare = Api(hub.url).login("clerk2")
        result = run_schemathesis(hub, tmp_path, capsys, "a clerk logging out", f"Authorization: Bearer {spare.token}",
                                  ids, "--include-path", "/auth/logout")
        assert result.returncode == 0, failures(result)
        for who, header, only in runs:
            result = run_schemathesis(hub, tmp_path, capsys, who, header, ids, "--exclude-path", "/auth/logout", *only)
            assert result.returncode == 0, f"schemathesis as {who}:\n{failures(result)}"
        assert "Traceback" not in hub.output()
    finally:
        hub.stop()
