"""The answers of the REST API as pydantic models: the single description of each shape,
used to build the OpenAPI document. Request models live next to their handlers.

Answers list the fields a client may rely on; an answer may carry more (additions)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    code: str
    message: str


class Error(BaseModel):
    """Every 4xx and 5xx answer: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


class Ok(Answer):
    ok: bool
