"""How a Chinese name is typed on a latin keyboard: full pinyin and initials.

The one rule for every page that filters by pinyin (the kiosk's matter search, the
counter's transfer list): 户口迁入 → ``hukouqianru`` and ``hkqr``.
"""

from __future__ import annotations


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), lower case."""
    # Imported here: pypinyin reads its phrase dictionary (half a second) on import, which a
    # hub pays once, at the first kiosk search or transfer list, not at every start.
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(text, errors="ignore")]
    initials = [s.lower() for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")]
    return "".join(syllables), "".join(initials)
