"""The one i18n layer: Flask-Babel with a catalog folder per blueprint.

Texts are written in Chinese (the hall's first language) and translated to English
(``en``) and Tibetan (``bo``) in each blueprint's ``translations/`` folder. The ``.po``
files are the source; their ``.mo`` files are compiled at start when missing or older,
so a fresh checkout needs no build step.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request
from flask_babel import Babel, gettext, pgettext

from .catalogs import compile_catalogs as compile_dirs

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIRS = ("server", "kiosk", "display", "counter", "manager", "rate")
LANGUAGES = ("zh", "en", "bo")
LANGUAGE_NAMES = {"zh": "中文", "en": "English", "bo": "བོད་ཡིག"}


def translation_directories() -> list[Path]:
    return [ROOT / name / "translations" for name in CATALOG_DIRS if (ROOT / name / "translations").is_dir()]


def compile_catalogs() -> int:
    """Compile every ``.po`` whose ``.mo`` is missing or older; return how many."""
    return compile_dirs(translation_directories())


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


def texts(*msgids: str, context: str | None = None) -> dict[str, str]:
    """A dict msgid → translation in the request's language, for handing to page JS.

    The catalogs of all blueprints are merged into one, so a msgid that means one thing
    on one page and another elsewhere (取号: "Take a ticket" on the kiosk, "Issued" in a
    report) is given a ``msgctxt`` in that page's catalog; ``context`` looks it up
    there first, then without a context."""
    if context is None:
        return {m: gettext(m) for m in msgids}
    out = {}
    for msgid in msgids:
        text = pgettext(context, msgid)
        out[msgid] = text if text != msgid else gettext(msgid)
    return out


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return str(locale.language) if locale else current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")
