"""Shared pieces of the benchmark scenarios: a real hub, percentiles, the results file."""

from __future__ import annotations

import math
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks.md"

sys.path.insert(0, str(ROOT))

from tests.support.hubproc import HubProcess  # noqa: E402,F401
from tests.support.services import create_pg_database, pg_available  # noqa: E402,F401


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or "?"
    return f"{cpu}, {cores} cores, Python {platform.python_version()}"


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section between markers named ``name`` in docs/benchmarks.md."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{begin}\n_Measured {stamp} on {machine()}._\n\n{markdown.strip()}\n{end}"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)


def record(name: str, report, write: bool) -> None:
    """Run ``report()`` (which prints Markdown), show its output, and with ``write`` keep it
    in docs/benchmarks.md under ``name``."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        report()
    print(buffer.getvalue(), end="")
    if write:
        write_section(name, buffer.getvalue())


def run_report(name: str, report, argv=None) -> int:
    """A scenario's entry point: ``report(args)`` prints Markdown; ``--write`` among the
    arguments also keeps it in docs/benchmarks.md under ``name``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "-h" in args or "--help" in args:
        return report(args)
    write = "--write" in args
    record(name, lambda: report([a for a in args if a != "--write"]), write)
    return 0
