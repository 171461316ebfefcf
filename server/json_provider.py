"""Flask's JSON answers written by orjson, byte for byte what Flask's own provider writes.

Every answer of the hub is a small JSON object; ``json.dumps`` with sorted keys took
~5 % of a kiosk's ``POST /tickets``. orjson writes the same text (UTF-8 unescaped, keys
sorted by code point, compact separators) in a tenth of the time. What orjson does not
write as the standard library would goes to the standard library instead: anything
that needs Flask's own conversions (dates as HTTP dates, dataclasses, decimals: orjson
hands them to ``default``), and whatever orjson refuses (non-string keys, integers beyond
64 bits, other options such as ``indent``). Without orjson installed, Flask's provider
is used as it is.
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

try:
    import orjson
except ImportError:  # pragma: no cover - an install without it: the standard library
    orjson = None

_COMPACT = {"separators": (",", ":")}


class FastJSONProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if (orjson is not None and kwargs == _COMPACT and self.sort_keys and not self.ensure_ascii
                and type(obj) in (dict, list)):
            try:
                return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
            except (TypeError, orjson.JSONEncodeError):
                pass  # the standard library's way below, with its own errors
        return super().dumps(obj, **kwargs)


_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            if orjson is not None else 0)
