"""Fixtures shared by every test folder: real hubs, real databases, a real browser."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.fake_printer import FakeEscposPrinter, PrinterState
from tests.support.hubproc import ROOT, HubProcess
from tests.support.services import (
    PG_URL,
    REDIS_URL,
    create_pg_database,
    pg_available,
    redis_available,
)

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("YIMEN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def hub(tmp_path) -> HubProcess:
    """A real hub process on SQLite with the demo center, users and devices."""
    process = HubProcess(tmp_path / "var").start()
    yield process
    process.stop()


@pytest.fixture
def clerk(hub) -> Api:
    return Api.clerk(hub.url, "clerk1")


@pytest.fixture
def kiosk(hub) -> Api:
    return Api.kiosk(hub.url)


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database on the machine's server, dropped afterwards."""
    reason = pg_available()
    if reason:
        pytest.skip(reason)
    url, drop = create_pg_database()
    yield url
    drop()


@pytest.fixture
def redis_url() -> str:
    reason = redis_available()
    if reason:
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture
def mq_channel() -> str:
    """A message-queue channel of its own, so parallel runs never hear each other."""
    return f"yimen-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def fake_printer():
    """``fake_printer(paper_out=True)`` starts a fake ESC/POS network printer on 127.0.0.1;
    every one started stops after the test."""
    started: list[FakeEscposPrinter] = []

    def start(**state) -> FakeEscposPrinter:
        printer = FakeEscposPrinter(PrinterState(**state))
        started.append(printer)
        return printer

    yield start
    for printer in started:
        printer.stop()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (the test script installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


__all__ = ["PG_URL", "REDIS_URL"]
