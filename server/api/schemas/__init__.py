"""The answers of the REST API as pydantic models: the single description of each shape,
used to build the OpenAPI document. Request models live next to their handlers.

Answers list the fields a client may rely on; an answer may carry more (additions)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, str] | None = Field(
        None, description="values of the message a client may show in its own words: too_early "
                          "`opens`, appointment_missed `slot_end`, case_not_ready `due_at` (local ISO "
                          "times), booking_blocked `until` (a date)")


class Error(BaseModel):
    """Every 4xx and 5xx answer: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


class Ok(Answer):
    ok: bool
