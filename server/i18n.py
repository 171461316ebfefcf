"""The one i18n layer: Flask-Babel with a catalog folder per blueprint.

Texts are written in Chinese (the hall's first language) and translated to English
(``en``) and Tibetan (``bo``) in each blueprint's ``translations/`` folder. The ``.po``
files are the source; their ``.mo`` files are compiled at start when missing or older,
so a fresh checkout needs no build step.
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request
from flask_babel import Babel, gettext

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIRS = ("server", "kiosk", "display", "counter", "manager", "rate")
LANGUAGES = ("zh", "en", "bo")
LANGUAGE_NAMES = {"zh": "中文", "en": "English", "bo": "བོད་ཡིག"}


def translation_directories() -> list[Path]:
    return [ROOT / name / "translations" for name in CATALOG_DIRS if (ROOT / name / "translations").is_dir()]


def compile_catalogs() -> int:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return how many."""
    compiled = 0
    for directory in translation_directories():
        for po_path in directory.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            try:
                with po_path.open("rb") as src:
                    catalog = read_po(src)
                with mo_path.open("wb") as dst:
                    write_mo(dst, catalog)
                compiled += 1
            except OSError as exc:  # a read-only install: use what is there
                log.warning("cannot compile %s: %s", po_path, exc)
    return compiled


def select_locale() -> str:
    """``?lang=`` first, then the ``lang`` cookie, then the browser; Chinese by default."""
    wanted = request.args.get("lang") or request.cookies.get("lang")
    if wanted in LANGUAGES:
        return wanted
    return request.accept_languages.best_match(LANGUAGES) or "zh"


def init_i18n(app, babel: Babel) -> None:
    compile_catalogs()
    dirs = ";".join(str(d) for d in translation_directories()) or str(ROOT / "server" / "translations")
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=dirs)


def texts(*msgids: str) -> dict[str, str]:
    """A dict msgid → translation in the request's language, for handing to page JS."""
    return {m: gettext(m) for m in msgids}


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
