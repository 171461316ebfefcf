"""Finding and loading a font that can draw Chinese for raster tickets."""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from PIL import ImageFont

from hardware.errors import FontNotFoundError

# Debian paths, best first: fonts-noto-cjk, then fonts-wqy-zenhei, then fonts-wqy-microhei.
KNOWN_FONT_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)

INSTALL_HINT = (
    "install one with `apt-get install fonts-noto-cjk` (or fonts-wqy-zenhei), "
    "or name a .ttf/.ttc/.otf file that has Chinese glyphs (YIMEN_CJK_FONT for the hub, "
    "--font for the kiosk agent, or the printer's font= option)"
)


def find_cjk_font(
    explicit: str | None = None,
    *,
    candidates: Sequence[str] | None = None,
    use_fontconfig: bool = True,
) -> str:
    """Return the path of a font that can draw Chinese.

    Order: ``explicit`` (the caller's setting: a printer's ``font=`` option, else the
    hub's ``YIMEN_CJK_FONT`` or the agent's ``--font``), then the known Debian paths
    (``candidates`` replaces that list), then ``fc-match :lang=zh``. An explicit path
    that names a missing file is an error rather than silently replaced. Raises
    :class:`FontNotFoundError`.
    """
    if explicit:
        if Path(explicit).is_file():
            return explicit
        raise FontNotFoundError(f"font path {explicit!r} is not a file; {INSTALL_HINT}")
    for path in KNOWN_FONT_PATHS if candidates is None else candidates:
        if Path(path).is_file():
            return path
    if use_fontconfig:
        found = _fontconfig_chinese_font()
        if found:
            return found
    raise FontNotFoundError(f"no Chinese (CJK) font found; {INSTALL_HINT}")


def _fontconfig_chinese_font() -> str | None:
    """Ask fontconfig, accepting its answer only if the font really covers Chinese."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        result = subprocess.run(
            [fc_match, "-f", "%{file}|%{lang}", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    path, _, langs = result.stdout.partition("|")
    covers_chinese = any(lang.startswith("zh") for lang in langs.split("|"))
    if result.returncode == 0 and covers_chinese and Path(path).is_file():
        return path
    return None


def bold_variant(path: str) -> str:
    """The bold sibling of a regular font file if installed (Noto's -Bold), else ``path``."""
    name = Path(path).name
    if "-Regular." in name:
        bold = Path(path).with_name(name.replace("-Regular.", "-Bold."))
        if bold.is_file():
            return str(bold)
    return path


@functools.lru_cache(maxsize=16)
def _face_index(path: str) -> int:
    """In a font collection, the Simplified Chinese face (Noto's "SC"), else the first."""
    for index in range(32):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and family.endswith(" SC") and "Mono" not in family:
            return index
    return 0


@functools.lru_cache(maxsize=64)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """A loaded font at ``size`` pixels, cached (loading a .ttc costs milliseconds)."""
    try:
        return ImageFont.truetype(path, size, index=_face_index(path))
    except OSError as exc:
        raise FontNotFoundError(f"cannot load font {path!r}: {exc}; {INSTALL_HINT}") from exc
