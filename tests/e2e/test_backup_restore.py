"""Backups that restore: ``run.py backup`` of a running hub while kiosks issue tickets,
``run.py restore`` into a fresh folder, a hub started on it has every ticket that was
acknowledged before the backup began, and its numbering carries on."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from tests.support.api import Api
from tests.support.hubproc import ROOT, HubProcess
from tests.support.waiting import wait_until

MATTERS = ("hukou-move-in", "pension-insurance-enrol", "individual-business")  # queues B, S, M


def yimen(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("YIMEN_")}
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT, env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=120)


class Issuers:
    """Kiosks issuing tickets as fast as the hub answers; each acknowledged ticket is
    kept with the moment its answer arrived."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.acknowledged: list[tuple[float, dict]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._issue, args=(key, matter), daemon=True)
                         for key in ("demo-kiosk-1", "demo-kiosk-2") for matter in MATTERS[:2]]
        self._threads.append(threading.Thread(target=self._issue, args=("demo-kiosk-1", MATTERS[2]), daemon=True))

    def _issue(self, key: str, matter: str) -> None:
        kiosk = Api.kiosk(self.url, key)
        while not self._stop.is_set():
            response = kiosk.post("/tickets", {"matter_id": matter})
            if response.status_code != 201:
                self.errors.append(response.text)
                return
            with self._lock:
                self.acknowledged.append((time.monotonic(), response.json()))

    def start(self) -> Issuers:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(15)

    def count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def before(self, moment: float) -> list[dict]:
        with self._lock:
            return [ticket for at, ticket in self.acknowledged if at < moment]

    def between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(1 for at, _ in self.acknowledged if start <= at <= end)


def sequence(number: str) -> tuple[str, int]:
    prefix, digits = re.fullmatch(r"([A-Z]+)(\d+)", number).groups()
    return prefix, int(digits)


@pytest.mark.slow
def test_backup_under_load_restores_every_acknowledged_ticket(tmp_path):
    hub = HubProcess(tmp_path / "hall").start()
    issuers = Issuers(hub.url).start()
    try:
        wait_until(lambda: issuers.count() >= 60, timeout=60, what="kiosks issue tickets")
        began = time.monotonic()
        result = yimen("backup", str(tmp_path / "backup.sqlite3"), "--var", str(hub.var_dir))
        ended = time.monotonic()
        assert result.returncode == 0, result.stderr
        assert "backup written to" in result.stdout
        wait_until(lambda: issuers.between(ended, time.monotonic()) >= 5, timeout=30, what="issuing goes on after the backup")
    finally:
        issuers.stop()
    assert not issuers.errors, issuers.errors[:3]
    assert issuers.between(began, ended) > 0, "no ticket was issued while the backup ran"
    before = issuers.before(began)

    # Restoring over the database of the running hub is refused, and changes nothing.
    refused = yimen("restore", str(tmp_path / "backup.sqlite3"), "--var", str(hub.var_dir))
    assert refused.returncode == 2
    assert "running hub" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    last = issuers.acknowledged[-1][1]
    assert Api(hub.url).get(f"/tickets/{last['token']}").json()["number"] == last["number"]
    hub.stop()

    fresh = tmp_path / "fresh"
    restored = yimen("restore", str(tmp_path / "backup.sqlite3"), "--var", str(fresh))
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(fresh / "yimen.sqlite3") as conn:
        highest = dict(conn.execute("SELECT prefix, max(sequence) FROM tickets GROUP BY prefix"))
    again = HubProcess(fresh, demo=False).start()
    try:
        reader = Api(again.url)
        for ticket in before:
            found = reader.get(f"/tickets/{ticket['token']}")
            assert found.status_code == 200, (ticket["number"], found.text)
            assert found.json()["number"] == ticket["number"]
        kiosk = Api.kiosk(again.url)
        for matter in MATTERS:
            prefix, number = sequence(kiosk.issue(matter)["number"])
            assert number == highest[prefix] + 1, (prefix, number, highest)
            assert number > max(sequence(t["number"])[1] for t in before if sequence(t["number"])[0] == prefix)
    finally:
        again.stop()


def test_backup_into_a_folder_keeps_the_newest(tmp_path):
    hub = HubProcess(tmp_path / "hall").start()
    try:
        Api.kiosk(hub.url).issue()
        folder = tmp_path / "nightly"
        folder.mkdir()
        stale = [folder / f"yimen-2026010{day}-020000.sqlite3" for day in range(1, 4)]
        for path in stale:
            path.write_bytes(b"an old backup")
        (folder / "notes.txt").write_text("not ours")
        result = yimen("backup", str(folder), "--keep", "2", "--var", str(hub.var_dir))
        assert result.returncode == 0, result.stderr
    finally:
        hub.stop()
    kept = sorted(p.name for p in folder.iterdir())
    assert kept[:2] == ["notes.txt", stale[2].name] and len(kept) == 3, kept
    newest = folder / kept[2]
    assert re.fullmatch(r"yimen-\d{8}-\d{6}\.sqlite3", newest.name)
    with sqlite3.connect(newest) as conn:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1


def test_a_second_hub_on_the_same_sqlite_file_refuses_to_start(tmp_path):
    hub = HubProcess(tmp_path / "hall").start()
    try:
        second = yimen("--var", str(hub.var_dir), "--port", "0")
        assert second.returncode == 2
        assert second.stderr.strip() == f"yimen: another hub already uses {hub.var_dir / 'yimen.sqlite3'}"
        assert Api(hub.url).get("/center").status_code == 200
    finally:
        hub.stop()
    hub.start()  # the lock goes with the process that held it
    hub.stop()


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    result = yimen("restore", str(junk), "--var", str(tmp_path / "var"))
    assert result.returncode == 2 and "junk.sqlite3" in result.stderr
    assert not (tmp_path / "var" / "yimen.sqlite3").exists()
    missing = yimen("backup", str(tmp_path / "b.sqlite3"), "--var", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no database" in missing.stderr


@pytest.mark.postgres
def test_postgres_backup_and_restore_with_pg_dump(tmp_path, pg_url):
    from tests.support.services import create_pg_database

    hub = HubProcess(tmp_path / "hall", db=pg_url).start()
    tickets = [Api.kiosk(hub.url).issue(matter) for matter in MATTERS]
    dump = tmp_path / "hall.pgdump"
    result = yimen("backup", str(dump), "--db", pg_url)
    assert result.returncode == 0, result.stderr
    refused = yimen("restore", str(dump), "--db", pg_url)  # the hub still uses it
    assert refused.returncode == 2 and "stop every hub" in refused.stderr
    hub.stop()
    target, drop = create_pg_database()
    try:
        restored = yimen("restore", str(dump), "--db", target)
        assert restored.returncode == 0, restored.stderr
        again = HubProcess(tmp_path / "again", db=target, demo=False).start()
        try:
            for ticket in tickets:
                assert Api(again.url).get(f"/tickets/{ticket['token']}").json()["number"] == ticket["number"]
            prefix, number = sequence(Api.kiosk(again.url).issue(MATTERS[0])["number"])
            assert (prefix, number) == (sequence(tickets[0]["number"])[0], sequence(tickets[0]["number"])[1] + 1)
        finally:
            again.stop()
    finally:
        drop()


def test_postgres_backup_without_the_client_tools_says_what_to_install(tmp_path):
    url = "postgresql+psycopg://yimen@127.0.0.1:1/yimen"
    for command in ("backup", "restore"):
        target = tmp_path / "hall.pgdump"
        if command == "restore":
            target.write_bytes(b"a dump")
        result = yimen(command, str(target), "--db", url, env={"PATH": str(tmp_path)})
        assert result.returncode == 2, result.stderr
        tool = "pg_dump" if command == "backup" else "pg_restore"
        assert result.stderr.strip() == (f"yimen: {tool} is not installed: apt-get install postgresql-client "
                                         f"(the same major version as the server)")
