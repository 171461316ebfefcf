"""Routes declared once: path, method, who may call, and the models of the request and
the answers. ``operation`` registers the Flask route *and* records the declaration;
the wrapper it installs checks access, then the query string, then the body, before the
handler runs, and ``openapi.py`` turns the same records into the OpenAPI document.

    @operation(bp, "POST", "/tickets", "Issue a ticket", access=KIOSK_OR_STAFF,
               body=IssueTicket, answers={201: Ticket, 200: Ticket}, errors={422: "unknown_matter"})
    def issue_ticket(body: IssueTicket, caller): ...

The handler receives the path's variables, and, if its signature names them, ``body``
(the validated model), ``query`` (the validated query model) and the caller under the
name its access kind gives (``actor`` for staff, ``device`` for a kiosk, ``caller`` for
kiosk-or-staff: ``(actor, device_id)``).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint
from pydantic import BaseModel

from .parsing import kiosk_or_staff, partner, request_device, staff
from .validation import parse_body, parse_query


@dataclass(frozen=True)
class Access:
    """Who may call an operation, as checked and as documented."""

    scheme: str | None  # None: anyone; "staff", "kiosk", "kiosk_or_staff", "partner_or_staff"
    roles: tuple[str, ...] = ()

    @property
    def argument(self) -> str:
        return {"staff": "actor", "kiosk": "device", "kiosk_or_staff": "caller",
                "partner_or_staff": "caller"}.get(self.scheme or "", "")

    def check(self) -> Any:
        """The caller (401 without credentials, 403 without the role or device kind)."""
        if self.scheme == "staff":
            return staff(*self.roles)
        if self.scheme == "partner_or_staff":  # a signed partner request, verified before the view
            return partner() or staff(*self.roles)
        if self.scheme == "kiosk":
            return request_device("kiosk")
        if self.scheme == "kiosk_or_staff":
            return kiosk_or_staff()
        return None

    def security(self) -> list[dict] | None:
        return {"staff": [{"bearer": []}], "kiosk": [{"deviceKey": []}],
                "kiosk_or_staff": [{"deviceKey": []}, {"bearer": []}],
                "partner_or_staff": [{"bearer": []}]}.get(self.scheme or "")

    def error_statuses(self) -> dict[int, str]:
        if self.scheme is None:
            return {}
        forbidden = "forbidden" + (f" (needs {' or '.join(self.roles)})" if self.roles else "")
        return {401: "unauthorized, invalid_token, invalid_device_key", 403: forbidden}


PUBLIC = Access(None)
STAFF = Access("staff")
KIOSK = Access("kiosk")
KIOSK_OR_STAFF = Access("kiosk_or_staff")
MANAGERS = Access("staff", ("manager", "admin"))
# What a manager reads, the efficiency-supervision window (supervisor) reads too.
READERS = Access("staff", ("manager", "supervisor", "admin"))
ADMINS = Access("staff", ("admin",))
# A signed partner request (the provincial platform), or staff of these roles.
PARTNER_OR_MANAGERS = Access("partner_or_staff", ("manager", "admin"))


@dataclass(frozen=True)
class Raw:
    """A body or answer that is not JSON (a CSV upload, an SVG, a spreadsheet)."""

    media_types: tuple[str, ...]
    description: str = ""
    json: Any = None  # the answer's JSON form beside the file, if it has one (a model or list[Model])


@dataclass
class Operation:
    method: str
    rule: str  # the Flask rule, ``/windows/<window_id>/open``
    summary: str
    access: Access = PUBLIC
    body: type[BaseModel] | Raw | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    # status -> a model, list[model] or Raw; or (that, "what this answer means")
    answers: dict[int, Any] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)  # status -> the codes it may carry
    description: str = ""
    name: str = ""  # the handler's name: the Flask endpoint and the operationId
    tag: str = ""  # the handler's module (``window_routes`` → ``windows``) groups it
    tag_description: str = ""  # that module's docstring, first line
    blueprint: str = ""  # the document covers the operations of the API's blueprint

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/windows/{window_id}/open``."""
        parts = []
        for part in self.rule.split("/"):
            if part.startswith("<") and part.endswith(">"):
                part = "{" + part[1:-1].split(":")[-1] + "}"
            parts.append(part)
        return "/".join(parts)

    @property
    def path_names(self) -> list[str]:
        return [p[1:-1] for p in self.path.split("/") if p.startswith("{")]


# Every declared operation, in declaration order; the document is built from this.
OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, summary: str, *, access: Access = PUBLIC,
              body: type[BaseModel] | Raw | None = None, body_required: bool = True,
              query: type[BaseModel] | None = None, answers: dict[int, Any],
              errors: dict[int, str] | None = None) -> Callable:
    """Declare and register one route (see the module's docstring)."""

    def decorate(handler: Callable) -> Callable:
        op = Operation(method.upper(), rule, summary, access, body, body_required, query,
                       dict(answers), dict(errors or {}),
                       inspect.cleandoc(handler.__doc__ or ""), handler.__name__)
        module = sys.modules[handler.__module__]
        op.tag = handler.__module__.rsplit(".", 1)[-1].removesuffix("_routes")
        op.tag_description = (module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else ""
        wanted = set(inspect.signature(handler).parameters)
        offered = set(op.path_names) | {op.access.argument} | (
            {"body"} if isinstance(body, type) else set()) | ({"query"} if query else set())
        if wanted - offered:  # a mistake in the declaration: fail at import, not on a request
            raise TypeError(f"{handler.__qualname__} takes {sorted(wanted - offered)}, which "
                            f"{method} {rule} does not give (it gives {sorted(offered - {''})})")

        @wraps(handler)
        def view(**path_args):
            kwargs = dict(path_args)
            caller = op.access.check()
            if op.access.argument in wanted:
                kwargs[op.access.argument] = caller
            if op.query is not None:
                parsed = parse_query(op.query)
                if "query" in wanted:
                    kwargs["query"] = parsed
            if isinstance(op.body, type):
                parsed = parse_body(op.body, required=op.body_required)
                if "body" in wanted:
                    kwargs["body"] = parsed
            return handler(**kwargs)

        op.blueprint = bp.name
        bp.add_url_rule(rule, endpoint=op.name, view_func=view, methods=[op.method])
        OPERATIONS[:] = [o for o in OPERATIONS if (o.method, o.rule) != (op.method, op.rule)]
        OPERATIONS.append(op)
        return view

    return decorate
