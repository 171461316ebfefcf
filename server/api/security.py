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

from flask import Flask

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
    """Every answer the app gives is of ``app.response_class`` (Flask turns whatever a view
    or an error handler returns into one before its after-request hooks), and leaves
    through its ``get_wsgi_response``: the headers are added there, to the plain list
    handed to the WSGI server, each unless the answer set its own (as ``setdefault``).
    An after-request hook adding them to ``response.headers`` cost a dozen ``Headers``
    operations a request, the names checked and copied again on the way out."""
    headers = tuple((name.lower(), name, value)
                    for name, value in security_headers(app.config.get("CONTENT_SECURITY_POLICY")).items())

    base = app.response_class
    wsgi_headers_of = base.get_wsgi_headers
    base_close = base.close

    class SecuredResponse(base):
        def get_wsgi_response(self, environ):
            wsgi_headers = self._plain_wsgi_headers()
            if wsgi_headers is None:
                app_iter, status, wsgi_headers = super().get_wsgi_response(environ)
            else:
                app_iter, status = self.get_app_iter(environ), self.status
            present = {key.lower() for key, _ in wsgi_headers}
            for lower, name, value in headers:
                if lower not in present:
                    wsgi_headers.append((name, value))
            return app_iter, status, wsgi_headers

        def get_app_iter(self, environ):
            """Werkzeug's app iterator: for a body of one bytes string, with nothing to call
            on close, that string's list itself (Werkzeug wraps it in a generator and a
            ``ClosingIterator`` whose ``close`` finds nothing to close or call)."""
            body = self.response
            if (type(body) is list and len(body) == 1 and type(body[0]) is bytes and not self._on_close
                    and type(self).close is base_close and environ["REQUEST_METHOD"] != "HEAD"):
                status = self.status_code
                if 200 <= status and status != 204 and status != 304:
                    return body
            return super().get_app_iter(environ)

        def _plain_wsgi_headers(self):
            """The answer's headers as Werkzeug's ``get_wsgi_headers`` would hand them on,
            for the common answer it leaves as they are: a status of 200-599 other than
            204 and 304, its Content-Length set, no Location or Content-Location to make
            absolute. Werkzeug copies them into a new ``Headers`` (checking each value
            again) to change nothing; None for every other answer, which takes its way."""
            status = self.status_code
            if (status < 200 or status == 204 or status == 304 or status > 599
                    or type(self).get_wsgi_headers is not wsgi_headers_of):
                return None
            wsgi_headers = list(self.headers)
            sized = False
            for key, _ in wsgi_headers:
                lower = key.lower()
                if lower == "content-length":
                    sized = True
                elif lower == "location" or lower == "content-location":
                    return None
            return wsgi_headers if sized else None

    SecuredResponse.__qualname__ = SecuredResponse.__name__ = f"Secured{base.__name__}"
    app.response_class = SecuredResponse
