"""``GET /api/v1/announce?number=B007&window=15``: one call, spoken, as a WAV.

Public, like the hall screen that plays it. The hub's voice (``hub.voice``) joins the
clips in gevent's threadpool; the request's greenlet only waits for it.
"""

from __future__ import annotations

from typing import Annotated

from flask import Response, current_app
from pydantic import BaseModel, Field

from display.voice import NUMBER_RE, VoiceError
from server.services.errors import BadRequestError

from . import bp
from .errors import error_response
from .parsing import hub
from .spec import Raw, operation
from .validation import ErrorCode

BAD_ANNOUNCEMENT = "number must look like B007 and window be a window number"


class AnnounceQuery(BaseModel):
    number: Annotated[str, ErrorCode("bad_announcement")] = Field(
        pattern=NUMBER_RE.pattern, description="the called number, e.g. B007")
    window: Annotated[int, ErrorCode("bad_announcement")] = Field(
        ge=1, le=999, description="the window's number, e.g. 15")


@operation(bp, "GET", "/announce", "One call, spoken, as a WAV (asked by hall screens)",
           query=AnnounceQuery, answers={200: Raw(("audio/wav",))},
           errors={400: "bad_announcement", 503: "voice_unavailable"})
def announce(query: AnnounceQuery):
    """Asked by a hall screen for each call it announces."""
    number, window_number = query.number, query.window
    try:
        data = hub().voice.announcement(number, window_number)
    except ValueError:
        raise BadRequestError(BAD_ANNOUNCEMENT, code="bad_announcement") from None
    except VoiceError as exc:
        current_app.logger.warning("announcement unavailable: %s", exc)
        return error_response(503, "voice_unavailable", str(exc))
    response = Response(data, mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=600"
    return response
