"""Errors of the service layer (authentication, authorisation, input), beside the core's.

Like the core's, they carry a ``code`` and no HTTP status: ``server/api/errors.py``
maps each class to one. Something that does not exist is the core's ``NotFoundError``.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code = "service_error"

    def __init__(self, message: str, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequestError(ServiceError):
    """Malformed input or a missing or ill-typed field."""

    code = "bad_request"


class AuthenticationError(ServiceError):
    code = "unauthorized"


class ForbiddenError(ServiceError):
    code = "forbidden"


class NotWindowClerkError(ForbiddenError):
    code = "not_window_clerk"


class ConflictError(ServiceError):
    code = "conflict"


class UnprocessableError(ServiceError):
    """An id in the body that does not exist (unknown_unit, unknown_user)."""

    code = "unprocessable"
