"""Request bodies and query strings checked against their pydantic models.

A failed check answers the contract's codes, never pydantic's own shape: a missing field
is 400 ``missing_field``, any other bad value 400 ``invalid_field``, unless the field
names its own code with ``ErrorCode`` (``Annotated[..., ErrorCode("invalid_outcome")]``).
A body that is not JSON, or not an object, is 400 ``bad_json``.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, TypeVar

from flask import request
from pydantic import BaseModel, BeforeValidator, ValidationError, WithJsonSchema

from server.services.errors import BadRequestError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ErrorCode:
    """Field metadata: the error code a bad value of this field answers."""

    code: str


def empty_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


# A query value where empty means "not given" (``?number=``: missing).
NonEmpty = BeforeValidator(empty_is_none)


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("a date must be YYYY-MM-DD")
    return value


def _integral(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# YYYY-MM-DD only (pydantic alone would also take a Unix time such as ``0``).
IsoDate = Annotated[date, BeforeValidator(_iso_date), ErrorCode("invalid_date")]
# A date in a query string that may also be given empty (``?from=&to=``: the default).
OptionalDate = Annotated[
    IsoDate | None,
    BeforeValidator(lambda value: None if value == "" else value),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}),
    ErrorCode("invalid_date"),
]
# A JSON integer: 7 or 7.0 (the same number in JSON), never "7" or true. Put bounds on
# the inner type: ``Annotated[Annotated[int, Ge(0)], INTEGRAL]``.
INTEGRAL = BeforeValidator(_integral)
Integer = Annotated[int, INTEGRAL]


def _code_in(annotation: Any) -> str | None:
    """The ErrorCode anywhere in a field's type (``IsoDate | None`` included)."""
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, ErrorCode):
            return meta.code
    return next((code for arg in typing.get_args(annotation) if (code := _code_in(arg))), None)


def _field_code(model: type[BaseModel], name: str) -> str | None:
    info = model.model_fields.get(name)
    if info is None:
        return None
    own = next((m.code for m in info.metadata if isinstance(m, ErrorCode)), None)
    return own or _code_in(info.annotation)


def _alias_to_name(model: type[BaseModel]) -> dict[str, str]:
    return {(info.alias or name): name for name, info in model.model_fields.items()}


def _as_bad_request(model: type[BaseModel], exc: ValidationError) -> BadRequestError:
    """The first problem pydantic found, as the contract's error."""
    error = exc.errors(include_url=False)[0]
    loc = [str(part) for part in error["loc"]]
    alias = loc[0] if loc else ""
    name = _alias_to_name(model).get(alias, alias)
    where = alias or "body"
    if error["type"] == "missing" or ("input" in error and error["input"] is None):
        # as before the models: a required field sent as null counts as missing
        return BadRequestError(f"missing field {where!r}", code="missing_field", field=alias)
    if error["type"] == "extra_forbidden":
        return BadRequestError(f"unexpected field {where!r}", code="invalid_field", field=alias)
    code = _field_code(model, name) or "invalid_field"
    return BadRequestError(f"field {where!r}: {error['msg']}", code=code, field=alias)


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _as_bad_request(model, exc) from None


def json_object(*, required: bool = True) -> dict[str, Any]:
    """The request's JSON object; 400 ``bad_json`` when malformed or not an object."""
    req = request._get_current_object()  # one proxy look-up, not two (see parsing.current_request)
    raw = req.get_data(cache=True)
    if not raw.strip():
        if not required:
            return {}
        raise BadRequestError("the request needs a JSON object body", code="bad_json")
    data = req.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise BadRequestError("the body must be a JSON object", code="bad_json")
    return data


def parse_body(model: type[M], *, required: bool = True) -> M:
    return validate(model, json_object(required=required))


def parse_query(model: type[M]) -> M:
    """The query string (first value of each name) checked against ``model``."""
    args = request._get_current_object().args
    return validate(model, {name: args.get(name) for name in args})
