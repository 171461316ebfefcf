"""Compiling translation catalogs (``.po`` → ``.mo``) with Babel and nothing else.

Used at start by ``server/i18n.py`` (a checkout needs no build step) and by the wheel
build (``setup.py``), which loads this file by path, so it imports nothing of the project.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)


def compile_catalogs(directories: Iterable[Path]) -> int:
    """Compile every ``<dir>/<lang>/LC_MESSAGES/*.po`` whose ``.mo`` is missing or older;
    return how many were written. A ``.mo`` that cannot be written (a read-only install)
    is left as it is; only a missing one is worth a warning."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = 0
    for directory in directories:
        for po_path in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                with po_path.open("rb") as src:
                    catalog = read_po(src)
                with mo_path.open("wb") as dst:
                    write_mo(dst, catalog)
                compiled += 1
            except OSError as exc:
                if not mo_path.exists():
                    log.warning("cannot compile %s: %s", po_path, exc)
    return compiled
