"""Printing one ticket: bytes, paper and time, for every kind of printer profile.

Run ``python -m bench.print_bench [--runs N] [--font PATH] [--write]``. Prints a
Markdown table to stdout (``--write`` puts it in docs/benchmarks.md). Nothing is printed
on paper and no printer is needed.

The ticket is the golden-image ticket (every part a ticket can have: header, priority,
two windows, wait, materials, footer). Each timed run prints a *different* ticket, as
a kiosk does: a new number, people ahead, wait, time and status URL, so only what
really repeats from ticket to ticket (the center, the matter, the labels) is drawn
from the layout's caches. Paper is the length the reader (``hardware.escpos_read``)
rebuilds from the bytes, cut feed excluded; for text mode it is estimated from the
lines at the printer's default 1/6-inch line spacing.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import statistics
import time
from datetime import timedelta

import PIL

from hardware.escpos_encode import encode_ticket
from hardware.escpos_read import DOTS_PER_MM, read_escpos
from hardware.fonts import find_cjk_font
from hardware.ticket import PAPER_WIDTHS, PrinterProfile, TicketContent
from tests.unit.hardware.sample import fixed_ticket

SAMPLE = fixed_ticket()  # the ticket of the golden-image tests

# (paper, description, profile fields)
PROFILES: tuple[tuple[str, str, dict], ...] = (
    ("80mm", "raster, native QR (default)", {"width_dots": PAPER_WIDTHS["80mm"]}),
    ("80mm", "raster, rastered QR (`qr=raster`)", {"width_dots": PAPER_WIDTHS["80mm"], "qr": "raster"}),
    ("58mm", "raster, rastered QR (default)", {"width_dots": PAPER_WIDTHS["58mm"]}),
    ("58mm", "raster, native QR (`qr=native`)", {"width_dots": PAPER_WIDTHS["58mm"], "qr": "native"}),
    ("80mm", "text", {"width_dots": PAPER_WIDTHS["80mm"], "mode": "text"}),
    ("58mm", "text", {"width_dots": PAPER_WIDTHS["58mm"], "mode": "text"}),
)
TEXT_LINE_DOTS = 34  # 1/6 inch at 203 dpi: the ESC/POS default line spacing
TEXT_CHAR_DOTS = 24  # font A height


def ticket(run: int) -> TicketContent:
    """The sample ticket as the ``run``-th of a morning: everything that changes, changed."""
    return dataclasses.replace(
        SAMPLE,
        number=f"A{run % 1000:03d}",
        ahead=run % 40,
        estimated_wait_s=60 * (run % 55) + 30,
        issued_at=SAMPLE.issued_at + timedelta(minutes=run),
        status_url=f"{SAMPLE.status_url[:-6]}{run:06d}",
    )


def text_paper_mm(data: bytes) -> float:
    """Text mode paper, estimated: lines at 1/6 inch (taller when magnified by ``GS !``)
    plus the QR code the printer draws."""
    dots, height, pos = 0, 1, 0
    while pos < len(data):
        if data[pos:pos + 2] == b"\x1d!":
            height = (data[pos + 2] & 0x0F) + 1
            pos += 3
        elif data[pos:pos + 3] == b"\x1d(k":
            length = int.from_bytes(data[pos + 3:pos + 5], "little")
            pos += 5 + length
        elif data[pos] == 0x0A:
            dots += max(TEXT_LINE_DOTS, TEXT_CHAR_DOTS * height + 10)
            pos += 1
        else:
            pos += 1
    qr_image = read_escpos(data)  # only the QR code is a picture in text mode
    return (dots + qr_image.height) / DOTS_PER_MM


def measure(profile: PrinterProfile, runs: int) -> dict:
    data = encode_ticket(SAMPLE, profile)  # warm-up: fonts, the ticket's fixed lines
    if profile.mode == "text":
        paper = text_paper_mm(data)
    else:
        paper = read_escpos(data, profile.width_dots).height / DOTS_PER_MM
    wall, cpu = [], []
    for run in range(1, runs + 1):
        content = ticket(run)
        started, started_cpu = time.perf_counter(), time.thread_time()
        encode_ticket(content, profile)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return {"bytes": len(data), "paper_mm": paper, "median_ms": statistics.median(wall),
            "cpu_ms": statistics.median(cpu), "p90_ms": statistics.quantiles(wall, n=10)[-1]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed tickets per profile (default 200)")
    parser.add_argument("--font", help="CJK font file (default: found like the kiosk does)")
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    font = find_cjk_font(args.font)

    lines = [
        f"Command: `python -m bench.print_bench --runs {args.runs} --write`. The golden "
        f"ticket (every part a ticket can have), {args.runs} different tickets per profile "
        f"after one warm-up; render + encode median wall time, median CPU time of the "
        f"thread, 90th percentile; Pillow {PIL.__version__}, {platform.machine()}, font "
        f"`{font}`. Paper: the length rebuilt from the bytes (the cutter's own feed "
        f"excluded); text mode estimated at 1/6-inch lines.",
        "",
        "| paper | profile | bytes | paper mm | median ms | CPU ms | p90 ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for paper, description, fields in PROFILES:
        profile = PrinterProfile(font_path=font, **fields)
        m = measure(profile, args.runs)
        estimate = "≈" if profile.mode == "text" else ""
        lines.append(
            f"| {paper} | {description} | {m['bytes']:,} | {estimate}{m['paper_mm']:.1f} | "
            f"{m['median_ms']:.2f} | {m['cpu_ms']:.2f} | {m['p90_ms']:.2f} |"
        )
    print("\n".join(lines))
    if args.write:
        from bench.common import write_section

        write_section("print", "\n".join(lines))


if __name__ == "__main__":
    main()
