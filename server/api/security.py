"""Security headers on every answer of the hub: pages, API, static files and errors.

The pages run no inline script: every script is a file under a ``static/`` folder and
per-page data travels in ``<script type="application/json">`` blocks, which the browser
never executes, so ``script-src 'self'`` holds without ``'unsafe-inline'``.

* ``style-src-attr 'unsafe-inline'``: the manager's charts (ECharts) draw their
  tooltips with ``style="..."`` attributes; style sheets and ``<style>`` blocks still
  come only from the hub.
* ``img-src data: blob:``: QR codes and drawn images; ``media-src blob:``: the hall
  screen's silent probe clip (voice clips themselves come from the hub).
* ``connect-src ws: wss:``: Socket.IO's WebSocket to the same hub.
* ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no page may be framed.
* ``Referrer-Policy: no-referrer``: the phone page's address carries the ticket token.

``YIMEN_CSP`` replaces the policy as a whole (a hall that must add a source).
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self' ws: wss:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


def security_headers(policy: str | None = None) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy or CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def init_security_headers(app: Flask) -> None:
    headers = [(name.lower(), name, value)
               for name, value in security_headers(app.config.get("CONTENT_SECURITY_POLICY")).items()]

    @app.after_request
    def _add_headers(response: Response) -> Response:
        # As setdefault on each, with one look at the headers instead of one per name.
        present = {key.lower() for key, _ in response.headers}
        for lower, name, value in headers:
            if lower not in present:
                response.headers.add(name, value)
        return response
