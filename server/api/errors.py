"""One JSON error shape for every 4xx and 5xx: ``{"error": {"code", "message"}}``, and
the one table of which HTTP status each core and service error answers with."""

from __future__ import annotations

import logging

from flask import current_app, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from server.queueing import booking_errors as booking
from server.queueing import errors as core
from server.services import errors as service
from server.services.accounts.login_guard import TooManyAttemptsError
from server.services.partners.secret_box import SecretUnreadableError

log = logging.getLogger(__name__)


# The objects behind Flask's proxies (see parsing.current_request): one look-up, not one per attribute.
_current_app = current_app._get_current_object
_current_request = request._get_current_object

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


# An error answers with the status of the first class of its MRO listed here.
STATUS_OF_ERROR: dict[type[Exception], int] = {
    core.QueueingError: 409,  # the window or ticket is not in a state that allows it
    core.NotFoundError: 404,
    core.QueueEmptyError: 404,
    core.UnknownMatterError: 422,
    core.UnknownQueueError: 422,
    core.PriorityNotAllowedError: 422,
    core.InvalidOutcomeError: 400,
    core.CenterDefinitionError: 400,
    core.InvalidFieldError: 400,
    core.MissingFieldError: 400,
    booking.BookingBlockedError: 403,
    service.ServiceError: 400,
    service.BadRequestError: 400,
    service.AuthenticationError: 401,
    service.ForbiddenError: 403,
    service.ConflictError: 409,
    service.UnprocessableError: 422,
    TooManyAttemptsError: 429,
    SecretUnreadableError: 503,  # this hub's SECRET_KEY is not the one that sealed the secret
}


def http_status(exc: Exception) -> int:
    """The HTTP status a core or service error answers with."""
    for cls in type(exc).__mro__:
        if cls in STATUS_OF_ERROR:
            return STATUS_OF_ERROR[cls]
    return 500


def error_response(status: int, code: str, message: str, details: dict | None = None):
    body = {"code": code, "message": message}
    if details:
        body["details"] = details
    response = _current_app().json.response({"error": body})  # jsonify, without its proxy look-up
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="yimen"'
    return response


def _is_api() -> bool:
    return _current_request().path.startswith("/api/")


def register_error_handlers(app) -> None:
    @app.errorhandler(core.QueueingError)
    def _queueing(exc: core.QueueingError):
        return error_response(http_status(exc), exc.code, exc.message, exc.public_details())

    @app.errorhandler(service.ServiceError)
    def _service(exc: service.ServiceError):
        response = error_response(http_status(exc), exc.code, exc.message)
        if "retry_after_s" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after_s"])
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if not _is_api():
            return exc
        status = exc.code or 500
        response = error_response(status, HTTP_CODES.get(status, "http_error"), exc.description or exc.name)
        allow = dict(exc.get_headers()).get("Allow")
        if allow:  # 405: the methods the path takes (RFC 9110)
            response.headers["Allow"] = allow
        return response

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def _database_down(exc: Exception):
        # The database is unreachable or restarting: nothing was changed; try again.
        log.error("database unavailable on %s %s: %s", request.method, request.path,
                  str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        if not _is_api():
            return "The hub's database is unavailable; please try again shortly.", 503
        return error_response(503, "database_unavailable",
                              "the hub cannot reach its database just now; nothing was changed, try again")

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(exc: Exception):
        # Every pooled connection stayed busy for the pool's whole timeout (the pools are
        # bounded, db/database.py): nothing was changed; the caller may try again.
        log.error("no free database connection on %s %s within the pool's timeout",
                  request.method, request.path)
        if not _is_api():
            return "The hub is too busy just now; please try again shortly.", 503
        response = error_response(503, "database_unavailable",
                                  "every database connection of the hub is busy; nothing was changed, try again")
        response.headers["Retry-After"] = "1"
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "the hub failed to handle this request")
