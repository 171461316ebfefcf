"""Flask's JSON answers written by orjson, byte for byte what Flask's own provider writes.

Every answer of the hub is a small JSON object; ``json.dumps`` with sorted keys took
~5 % of a kiosk's ``POST /tickets``. orjson writes the same text (UTF-8 unescaped, keys
sorted by code point, compact separators) in a tenth of the time. What orjson does not
write as the standard library would goes to the standard library instead: anything
that needs Flask's own conversions (dates as HTTP dates, dataclasses, decimals: orjson
hands them to ``default``), and whatever orjson refuses (non-string keys, integers beyond
64 bits, other options such as ``indent``). Without orjson installed, Flask's provider
is used as it is.

The same writer makes ``response`` (every JSON answer: ``jsonify``, a view's dict, the
error answers): the text as bytes with its line end, in a response built as Werkzeug's
constructor builds it for these two headers (checked against it on first use). ``loads``
reads a request's body with orjson where it accepts it; what it refuses (NaN, integers
beyond 64 bits, lone surrogates, other encodings, any keyword argument) the standard
library reads, with its own result or error; and a body with a run of 19 digits or more
(orjson reads an integer beyond 64 bits as a float, the standard library as an int).
"""

from __future__ import annotations

import re
from inspect import getattr_static
from typing import Any

from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import Headers
from werkzeug.wrappers import Response as _WerkzeugResponse

try:
    import orjson
except ImportError:  # pragma: no cover - an install without it: the standard library
    orjson = None

_COMPACT = {"separators": (",", ":")}
_LONG_NUMBER = re.compile(r"[0-9]{19}").search
_LONG_NUMBER_BYTES = re.compile(rb"[0-9]{19}").search


class FastJSONProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if (orjson is not None and kwargs == _COMPACT and self.sort_keys and not self.ensure_ascii
                and type(obj) in (dict, list)):
            try:
                return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
            except (TypeError, orjson.JSONEncodeError):
                pass  # the standard library's way below, with its own errors
        return super().dumps(obj, **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if orjson is not None and not kwargs and type(s) in (bytes, str) and (
                _LONG_NUMBER_BYTES if type(s) is bytes else _LONG_NUMBER)(s) is None:
            try:
                return orjson.loads(s)
            except orjson.JSONDecodeError:
                pass  # the standard library's answer below: its result, or its own error
        return super().loads(s, **kwargs)

    def response(self, *args: Any, **kwargs: Any):
        """Flask's ``response`` for one dict or list with the app's settings as the hub
        has them (compact, sorted keys, UTF-8): the same body, headers and status."""
        if (orjson is None or kwargs or len(args) != 1 or type(args[0]) not in (dict, list)
                or not self.sort_keys or self.ensure_ascii or self.compact is False
                or (self.compact is None and self._app.debug)):
            return super().response(*args, **kwargs)
        try:
            body = orjson.dumps(args[0], default=self.default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        except (TypeError, orjson.JSONEncodeError):
            return super().response(*args, **kwargs)
        response_class = self._app.response_class
        content_type = _plain_content_type(response_class, self.mimetype)
        if content_type:
            return _json_response(response_class, content_type, body)
        return response_class(body, mimetype=self.mimetype)


_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            if orjson is not None else 0)


# the Content-Type of a response class and mimetype ``_json_response`` builds exactly, or ""
_PLAIN: dict[tuple[type, str], str] = {}


def _plain_content_type(response_class: type, mimetype: str) -> str:
    """The Content-Type ``response_class(body, mimetype=...)`` sets, when ``_json_response``
    builds what it builds: Werkzeug's own constructor, ``set_data`` and ``status`` (none of
    a subclass), the Content-Length set, the default status 200, a mimetype without line
    breaks, and the same attributes, headers and status as the constructor's for a sample
    body (a Werkzeug that builds a response otherwise takes the constructor); else ""."""
    key = (response_class, mimetype)
    content_type = _PLAIN.get(key)
    if content_type is None:
        content_type = ""
        if (response_class.__init__ is _WerkzeugResponse.__init__
                and response_class.set_data is _WerkzeugResponse.set_data
                and getattr_static(response_class, "status") is getattr_static(_WerkzeugResponse, "status")
                and response_class.automatically_set_content_length is True
                and response_class.default_status == 200 and "\n" not in mimetype and "\r" not in mimetype):
            sample = b'{"a":"\xc3\xa9"}\n'
            made = response_class(sample, mimetype=mimetype)
            built = _json_response(response_class, made.headers["Content-Type"], sample)
            if (made.__dict__.keys() == built.__dict__.keys() and list(made.headers) == list(built.headers)
                    and made.status == built.status and made.status_code == built.status_code
                    and made.response == built.response and made._on_close == built._on_close
                    and made.direct_passthrough == built.direct_passthrough):
                content_type = made.headers["Content-Type"]
        if len(_PLAIN) >= 64:
            _PLAIN.clear()  # an app's class is one entry; tests build many apps
        _PLAIN[key] = content_type
    return content_type


def _json_response(response_class: type, content_type: str, body: bytes):
    """``response_class(body, mimetype=...)`` when ``_plain_content_type`` found it plain:
    Werkzeug's constructor sets the two headers through ``Headers.__setitem__``, each value
    checked for line breaks (the Content-Type was checked there, a length has none)."""
    response = object.__new__(response_class)
    headers = Headers()
    headers._list = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    response.headers = headers
    response._status = "200 OK"
    response._status_code = 200
    response.direct_passthrough = False
    response._on_close = []
    response.response = [body]
    return response
