"""A hub installed from a wheel works: ``python -m build`` on a copy of the source tree
(as a fresh clone has it: no compiled catalogs, no caches), the wheel installed with its
dependencies into a fresh virtual environment, the ``yimen`` script started from a
folder outside the checkout, and every page with every script and style it references
fetched from it. ``pip wheel`` (what ``pip install .`` does) gives the same files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import requests

from tests.support.api import Api
from tests.support.hubproc import ROOT, HubProcess

NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "dist", "test-artifacts", "node_modules", "*.egg-info",
    "__pycache__", "*.pyc", "*.mo", ".pytest_cache", ".ruff_cache", "tests", "bench")
PAGES = ("/kiosk/?key=demo-kiosk-1", "/counter/", "/display/", "/display/f2", "/manager/")
ASSET = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']""")
JS_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("YIMEN_") and k != "PYTHONPATH"}


def run(*cmd, cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=clean_env(), capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def wheel_files(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as wheel:
        return {n for n in wheel.namelist() if ".dist-info/" not in n}


def fetch_with_assets(base: str, path: str, seen: set[str]) -> str:
    """GET a page, then every script and stylesheet it names and every module those
    scripts import, once each; all must answer 200 with content."""
    page = requests.get(base + path, timeout=15)
    assert page.status_code == 200 and page.text.strip(), (path, page.status_code)
    todo = [urljoin(base + path, ref) for ref in ASSET.findall(page.text)]
    while todo:
        url = todo.pop()
        if urlparse(url).netloc != urlparse(base).netloc or url in seen:
            continue  # nothing is loaded from elsewhere (asserted below)
        seen.add(url)
        asset = requests.get(url, timeout=15)
        assert asset.status_code == 200 and asset.content, (path, url, asset.status_code)
        if url.split("?")[0].endswith(".js"):
            todo += [urljoin(url, ref) for ref in JS_IMPORT.findall(asset.text)]
    foreign = [ref for ref in ASSET.findall(page.text) if urlparse(ref).netloc]
    assert not foreign, f"{path} loads from the internet: {foreign}"
    return page.text


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_a_wheel_installed_elsewhere_serves_every_page(tmp_path):
    source = tmp_path / "clone"
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--outdir", dist, source, cwd=tmp_path)
    (wheel,) = dist.glob("yimen-*.whl")
    files = wheel_files(wheel)
    for needed in ("manager/__init__.py", "server/cli.py", "server/centers/haibei.yaml",
                   "server/db/migrations/env.py", "server/db/migrations/script.py.mako",
                   "server/db/migrations/versions/0001_initial.py",
                   "kiosk/translations/en/LC_MESSAGES/messages.mo",
                   "manager/templates/manager/index.html"):
        assert needed in files, needed
    assert not any(name.startswith(("tests/", "bench/")) for name in files)
    # pip install . builds the wheel the same way
    pip_wheels = tmp_path / "pip-wheel"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", pip_wheels, source, cwd=tmp_path)
    (pip_wheel,) = pip_wheels.glob("yimen-*.whl")
    assert wheel_files(pip_wheel) == files

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    origins = run(venv / "bin" / "python", "-c",
                  "import server, kiosk, counter, display, manager, hardware;"
                  "print('\\n'.join(m.__file__ for m in (server, kiosk, counter, display, manager, hardware)))",
                  cwd=elsewhere)
    site = str(venv / "lib")
    assert all(line.startswith(site) for line in origins.split()), origins

    hub = HubProcess(tmp_path / "var", program=[str(venv / "bin" / "yimen")], cwd=elsewhere).start(timeout=60)
    try:
        ticket = Api.kiosk(hub.url).issue()
        seen: set[str] = set()
        for path in (*PAGES, f"/t/{ticket['token']}"):
            fetch_with_assets(hub.url, path, seen)
        assert any("/static/vendor/socket.io" in url for url in seen), seen
        english = fetch_with_assets(hub.url, "/kiosk/?key=demo-kiosk-1&lang=en", seen)
        assert "Self-service ticketing" in english  # the compiled catalogs are in the wheel
        backup = run(venv / "bin" / "yimen", "backup", tmp_path / "hall.sqlite3", "--var", hub.var_dir,
                     cwd=elsewhere)
        assert "1 tickets" in backup
    finally:
        hub.stop()
    assert "Traceback" not in hub.output(), hub.output()
