"""Rate limits on the public calls (flask-limiter), per device key, staff token or address.

Mark a view with ``@limited("read")`` or ``@limited("write")``; ``init_limits`` binds
every marked view of the app to the hub's own ``Limiter`` once all blueprints are in.
Who is counted:

* a request with a valid ``X-Device-Key`` counts against its device
  (``RATELIMIT_DEVICE``, generous: kiosks and the hall's screens must never wait), and so
  does a partner's signed request (verified before the view: the provincial platform
  books for a whole province from one address);
* one with a valid staff bearer token against that token (``RATELIMIT_STAFF``);
* anything else against its client address: ``RATELIMIT_ADDRESS`` for reads (ticket
  status, QR codes, the phone page) and ``RATELIMIT_ADDRESS_WRITE`` for writes (logins,
  bookings). A made-up key or token is counted by address, so it buys nothing.

Each kind of call is one bucket per caller, shared by every view of that kind. The
counts live in ``RATELIMIT_STORAGE_URL``: Redis (the message queue by default) when hubs
run together, so a limit holds across hubs; memory for one hub. If Redis is away, the
hub keeps counting in memory rather than refusing visitors. A caller over the limit gets
429 ``rate_limited`` with ``Retry-After`` (seconds).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from server.services.errors import ServiceError

from .errors import error_response

KINDS = ("read", "write")
_MARK = "_yimen_limit"
View = TypeVar("View", bound=Callable)


def limited(kind: str) -> Callable[[View], View]:
    """Mark a view as a public call of ``kind`` (``read`` or ``write``)."""
    if kind not in KINDS:
        raise ValueError(f"limit kind must be one of {KINDS}")

    def mark(view: View) -> View:
        setattr(view, _MARK, kind)
        return view

    return mark


def caller() -> tuple[str, str]:
    """(``device`` | ``staff`` | ``address``, an identifier), resolved once per request."""
    found = g.get("yimen_caller")
    if found is None:
        found = _resolve_caller()
        g.yimen_caller = found
    return found


def _resolve_caller() -> tuple[str, str]:
    from .parsing import bearer_token, partner, request_device, staff

    if partner() is not None:
        return "device", str(partner().id)
    if request.headers.get("X-Device-Key"):
        try:
            return "device", str(request_device().id)
        except ServiceError:
            pass
    elif bearer_token():
        try:
            staff()
            return "staff", hashlib.sha256(bearer_token().encode()).hexdigest()[:32]
        except ServiceError:
            pass
    return "address", request.remote_addr or "unknown"


def _caller_key() -> str:
    who, ident = caller()
    return f"{who}:{ident}"


def _limit_for(kind: str) -> Callable[[], str]:
    def value() -> str:
        who, _ = caller()
        config = current_app.config
        if who == "device":
            return config["RATELIMIT_DEVICE"]
        if who == "staff":
            return config["RATELIMIT_STAFF"]
        return config["RATELIMIT_ADDRESS" if kind == "read" else "RATELIMIT_ADDRESS_WRITE"]

    return value


def init_limits(app: Flask) -> Limiter | None:
    """Bind the marked views to a Limiter of this app; call after every blueprint."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    limiter = Limiter(
        key_func=_caller_key,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URL") or "memory://",
        strategy="sliding-window-counter",
        key_prefix=f"yimen-limits:{app.config.get('MESSAGE_QUEUE_CHANNEL', 'yimen')}",
        headers_enabled=False,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    for endpoint, view in list(app.view_functions.items()):
        kind = getattr(view, _MARK, None)
        if kind is not None:
            checked = limiter.shared_limit(_limit_for(kind), scope=f"public-{kind}")(view)
            app.view_functions[endpoint] = _checked_in_view(checked)
    # flask-limiter also checks in before_request, for every endpoint; the marked views are
    # checked once, in the view, and all others not at all (it costs ~1 ms a request).
    limiter.request_filter(lambda: not g.get("yimen_limit_check"))
    limiter.init_app(app)
    app.extensions["yimen"].limiter = limiter
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)  # its breach lines name addresses

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(exc: RateLimitExceeded):
        retry_after = _retry_after(limiter)
        if request.path.startswith("/api/"):
            response = error_response(
                429, "rate_limited", f"too many requests ({exc.description}); try again in {retry_after} s")
        else:  # a page: a line a visitor can read
            response = current_app.response_class(
                f"请求过于频繁，请 {retry_after} 秒后再试。Too many requests; try again in {retry_after} s.\n",
                status=429, mimetype="text/plain")
        response.headers["Retry-After"] = str(retry_after)
        return response

    return limiter


def _checked_in_view(view: Callable) -> Callable:
    @functools.wraps(view)
    def checked(*args, **kwargs):
        g.yimen_limit_check = True
        return view(*args, **kwargs)

    return checked


def _retry_after(limiter: Limiter) -> int:
    try:
        current = limiter.current_limit
        if current is not None:
            return max(1, math.ceil(current.reset_at - time.time()))
    except Exception:  # noqa: BLE001 - storage hiccup: a minute is a safe hint
        pass
    return 60
