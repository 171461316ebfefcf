"""Time rendering and encoding one ticket for each paper width and mode.

Run ``python -m bench.print_bench [--runs N] [--font PATH]``; prints a Markdown
table (median milliseconds over N runs, after one warm-up, and bytes sent to the
printer) to stdout. Nothing is printed on paper and no printer is needed.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import PIL

from hardware.escpos_encode import encode_ticket
from hardware.fonts import find_cjk_font
from hardware.ticket import MODES, PAPER_WIDTHS, PrinterProfile
from tests.unit.hardware.sample import fixed_ticket

SAMPLE = fixed_ticket()  # the ticket of the golden-image tests


def measure(profile: PrinterProfile, runs: int) -> tuple[float, float, int]:
    """(median ms, max ms, bytes) of ``encode_ticket`` (which renders in raster mode)."""
    data = encode_ticket(SAMPLE, profile)  # warm-up: loads and caches the fonts
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        data = encode_ticket(SAMPLE, profile)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed runs per case (default 50)")
    parser.add_argument("--font", help="CJK font file (default: found like the kiosk does)")
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    font = find_cjk_font(args.font)

    lines = [
        f"Command: `python -m bench.print_bench --runs {args.runs} --write`. Ticket render + "
        f"encode, median of {args.runs} runs after one warm-up; Pillow {PIL.__version__}, "
        f"{platform.machine()}, font `{font}`.",
        "",
        "| paper | mode | median ms | max ms | bytes |",
        "|---|---|---:|---:|---:|",
    ]
    for paper, width in sorted(PAPER_WIDTHS.items(), key=lambda item: item[1]):
        for mode in MODES:
            profile = PrinterProfile(width_dots=width, mode=mode, font_path=font)
            median_ms, max_ms, size = measure(profile, args.runs)
            lines.append(f"| {paper} | {mode} | {median_ms:.2f} | {max_ms:.2f} | {size:,} |")
    print("\n".join(lines))
    if args.write:
        from bench.common import write_section

        write_section("print", "\n".join(lines))


if __name__ == "__main__":
    main()
