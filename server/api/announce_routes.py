"""``GET /api/v1/announce?number=B007&window=15``: one call, spoken, as a WAV.

Public, like the hall screen that plays it. The hub's voice (``hub.voice``) joins the
clips in gevent's threadpool; the request's greenlet only waits for it.
"""

from __future__ import annotations

from flask import Response, current_app, request

from display.voice import VoiceError
from server.services.errors import BadRequestError

from . import bp
from .errors import error_response
from .parsing import hub

BAD_ANNOUNCEMENT = "number must look like B007 and window be a window number"


@bp.get("/announce")
def announce():
    """Asked by a hall screen for each call it announces."""
    number = (request.args.get("number") or "").strip().upper()
    try:
        window_number = int(request.args.get("window", ""))
        data = hub().voice.announcement(number, window_number)
    except ValueError:
        raise BadRequestError(BAD_ANNOUNCEMENT, code="bad_announcement") from None
    except VoiceError as exc:
        current_app.logger.warning("announcement unavailable: %s", exc)
        return error_response(503, "voice_unavailable", str(exc))
    response = Response(data, mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response
