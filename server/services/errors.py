"""Errors of the service layer (authentication, authorisation, input), beside the core's."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code = "service_error"
    status = 400

    def __init__(self, message: str, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequestError(ServiceError):
    """Malformed input or a missing or ill-typed field."""

    code = "bad_request"
    status = 400


class AuthenticationError(ServiceError):
    code = "unauthorized"
    status = 401


class ForbiddenError(ServiceError):
    code = "forbidden"
    status = 403


class NotWindowClerkError(ForbiddenError):
    code = "not_window_clerk"


class ConflictError(ServiceError):
    code = "conflict"
    status = 409


class NotFoundError(ServiceError):
    code = "not_found"
    status = 404


class UnprocessableError(ServiceError):
    """An id in the body that does not exist (unknown_unit, unknown_user)."""

    code = "unprocessable"
    status = 422
