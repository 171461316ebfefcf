"""``GET /api/v1/openapi.json``: an OpenAPI 3 document of every endpoint."""

from __future__ import annotations

from flask import jsonify

from . import bp

ERROR = {"$ref": "#/components/schemas/Error"}
TICKET = {"$ref": "#/components/schemas/Ticket"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: dict | None = None, *, status: str = "200", body: dict | None = None,
        security: str | None = None, errors: tuple[int, ...] = (), params: list | None = None) -> dict:
    responses = {status: {"description": "OK", **_json(ok or {"type": "object"})}}
    for code in errors:
        responses[str(code)] = {"description": "error", **_json(ERROR)}
    op = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    if security == "staff":
        op["security"] = [{"bearer": []}]
    elif security == "kiosk_or_staff":
        op["security"] = [{"deviceKey": []}, {"bearer": []}, {"partner": []}]
    elif security == "kiosk":
        op["security"] = [{"deviceKey": []}]
    if params:
        op["parameters"] = params
    return op


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


STR = {"type": "string"}
INT = {"type": "integer"}
WINDOW_PARAM = {"name": "window_id", "in": "path", "required": True, "schema": STR}
AUTH_ERRORS = (401, 403, 404)


def _window_action(summary: str, body: dict | None = None, extra: tuple[int, ...] = ()) -> dict:
    return {"post": _op(summary, TICKET, body=body, security="staff",
                        errors=AUTH_ERRORS + (400, 409) + extra, params=[WINDOW_PARAM])}


def _partner_paths() -> dict:
    """The provincial platform (server/api/partner_routes.py, docs/partners.md)."""
    pid = {"name": "partner_id", "in": "path", "required": True, "schema": INT}
    return {
        "/devices/{device_id}/rotate-secret": {"post": _op(
            "A partner's new secret, answered once; the old one verifies overlap_s more seconds (admin)",
            security="staff", errors=(400, 401, 403, 404),
            params=[{"name": "device_id", "in": "path", "required": True, "schema": INT}])},
        "/partners/{partner_id}/deliveries": {"get": _op(
            "The partner's webhook outbox, newest first, with every attempt (admin, manager)",
            {"type": "array", "items": {"type": "object"}}, security="staff", errors=(401, 403, 404),
            params=[pid, {"name": "status", "in": "query",
                          "schema": {"enum": ["pending", "delivered", "dead"]}}])},
        "/partners/{partner_id}/deliveries/{event_id}/resend": {"post": _op(
            "Send a dead webhook again, retries counted from now (admin)", security="staff",
            errors=(401, 403, 404), params=[pid, {"name": "event_id", "in": "path", "required": True,
                                                  "schema": STR}])},
    }


def _manager_paths() -> dict:
    """Managers' reports, exports and planning (server/api/manager_routes.py)."""
    date = {"type": "string", "format": "date"}
    span = [{"name": "from", "in": "query", "schema": date}, {"name": "to", "in": "query", "schema": date}]
    by = {"name": "by", "in": "query",
          "schema": {"enum": ["queue", "unit", "matter", "window", "clerk", "hour", "weekday", "day"]}}
    errors = (400, 401, 403)

    def report(summary: str, params=()) -> dict:
        return {"get": _op(summary, security="staff", errors=errors, params=span + list(params))}

    return {
        "/dashboard": {"get": _op("The live dashboard snapshot (also sent on /manager)", security="staff",
                                  errors=(401, 403))},
        "/reports": report("Figures of a date range grouped by one dimension", [by]),
        "/reports/heatmap": report("Tickets issued by weekday and hour"),
        "/reports/accuracy": report("The quoted wait against the real wait, by queue and hour"),
        "/reports/export": {"get": _op(
            "A report (kind=report), the accuracy (kind=accuracy) or the ticket log (kind=tickets) as CSV or XLSX",
            {"type": "string", "format": "binary"}, security="staff", errors=errors,
            params=span + [by, {"name": "kind", "in": "query", "schema": {"enum": ["report", "accuracy", "tickets"]}},
                           {"name": "format", "in": "query", "schema": {"enum": ["xlsx", "csv"]}}])},
        "/planning/units": {
            "get": _op("Yearly cases per unit and the 100-cases rule", security="staff", errors=errors, params=span),
            "post": _op("The same with departments imported from a CSV body (name,cases[,unit_id])",
                        security="staff", errors=errors, params=span),
        },
        "/planning/windows": report("Windows needed per queue and hour for a target (Erlang C)", [
            {"name": "target_s", "in": "query", "schema": INT},
            {"name": "target_share", "in": "query", "schema": {"type": "number"}}]),
    }


def build_document() -> dict:
    paths = {
        "/center": {"get": _op("The center as loaded: zones, units, matters, queues, windows")},
        "/queues": {"get": _op("Every queue with its waiting line", {"type": "array", "items": {"$ref": "#/components/schemas/QueueSummary"}},
                               params=[{"name": "zone", "in": "query", "schema": STR}], errors=(404,))},
        "/hall": {"get": _op("The hall snapshot a display receives on connect",
                             params=[{"name": "zone", "in": "query", "schema": STR}])},
        "/tickets": {"post": _op(
            "Issue a ticket (201); the same idempotency_key again that day answers 200 with the same ticket",
            TICKET, status="201", security="kiosk_or_staff", errors=(400, 401, 403, 422),
            body=_obj(["matter_id"], matter_id=STR, priority={"oneOf": [INT, {"type": "boolean"}]},
                      priority_reason=STR, idempotency_key=STR))},
        "/tickets/lookup": {"get": _op(
            "A ticket's history by number and service day (manager, admin)", security="staff",
            errors=(400, 401, 403, 404),
            params=[{"name": "number", "in": "query", "required": True, "schema": STR},
                    {"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}}])},
        "/tickets/{token}/history": {"get": _op(
            "A ticket and every event of it, who did what where (manager, admin)", security="staff",
            errors=(401, 403, 404), params=[{"name": "token", "in": "path", "required": True, "schema": STR}])},
        "/tickets/{token}": {"get": _op("A ticket by its token", TICKET, errors=(404,),
                                        params=[{"name": "token", "in": "path", "required": True, "schema": STR}])},
        "/auth/login": {"post": _op("Staff login; answers a bearer token", errors=(400, 401),
                                    body=_obj(["username", "password"], username=STR, password=STR))},
        "/auth/logout": {"post": _op("End this token's session", security="staff", errors=(401,))},
        "/auth/me": {"get": _op("Who this token belongs to", security="staff", errors=(401,))},
        "/users": {
            "post": _op("Create a staff user (admin)", status="201", security="staff", errors=(400, 401, 403, 409),
                        body=_obj(["username", "password", "role"], username=STR, password=STR,
                                  role={"enum": ["admin", "manager", "clerk"]}, name=STR, unit_id=STR)),
            "get": _op("List staff users (admin, manager)", security="staff", errors=(401, 403)),
        },
        "/devices": {
            "post": _op("Register a kiosk, display or partner; answers its key (and a partner's secret) once",
                        status="201", security="staff", errors=(400, 401, 403),
                        body=_obj(["kind", "name"], kind={"enum": ["kiosk", "display", "partner"]}, name=STR,
                                  webhook_url=STR)),
            "get": _op("List devices (admin, manager)", security="staff", errors=(401, 403)),
        },
        "/auth/me/today": {"get": _op("The logged-in clerk's counts for today", security="staff",
                                      errors=(401,))},
        "/windows": {"get": _op("Every window with its state (staff)", {"type": "array", "items": {"type": "object"}},
                                security="staff", errors=(401,))},
        "/windows/{window_id}/panel": {"get": _op("Public: a window's state and current number (window panel)",
                                                  params=[WINDOW_PARAM], errors=(404,))},
        "/windows/{window_id}": {"get": _op("A window's state, current ticket and waiting line", security="staff",
                                            errors=(401, 404), params=[WINDOW_PARAM])},
        "/windows/{window_id}/posts": {
            "get": _op("The window's A/B posts (and, for a comprehensive window, its monthly rotation)",
                       security="staff", errors=(401, 404), params=[WINDOW_PARAM]),
            "put": _op("Assign the window's posts: {A: username|null, B: username|null} (admin, manager)",
                       security="staff", errors=(400, 401, 403, 404, 422), params=[WINDOW_PARAM],
                       body={"type": "object", "properties": {"A": {"type": "string", "nullable": True},
                                                              "B": {"type": "string", "nullable": True}}}),
        },
        "/windows/{window_id}/open": _window_action("The clerk takes the window (403 not_posted_here, not_on_duty)"),
        "/windows/{window_id}/close": _window_action("The clerk leaves the window"),
        "/windows/{window_id}/call-next": _window_action("Call the next ticket (404 queue_empty, 409 window_busy)"),
        "/windows/{window_id}/call": _window_action("Call one waiting ticket out of turn", _obj(["ticket_id"], ticket_id=INT)),
        "/windows/{window_id}/recall": _window_action("Announce the called ticket again"),
        "/windows/{window_id}/start": _window_action("Start serving the called ticket"),
        "/windows/{window_id}/finish": _window_action(
            "Finish with an outcome", _obj(["outcome"], outcome={"enum": ["completed", "accepted", "returned"]})),
        "/windows/{window_id}/no-show": _window_action("The called visitor did not come"),
        "/windows/{window_id}/transfer": _window_action("Send the ticket to another queue, keeping its place",
                                                        _obj(["queue_id"], queue_id=STR), (422,)),
        "/windows/{window_id}/pause": _window_action("Pause the window", {"type": "object", "properties": {"reason": STR}}),
        "/windows/{window_id}/resume": _window_action("Resume the window"),
        "/stats": {"get": _op("The figures of one service day", security="staff", errors=(400, 401, 403),
                              params=[{"name": "date", "in": "query", "schema": {"type": "string", "format": "date"}}])},
        "/kiosk/config": {"get": _op("A kiosk's settings and its printer's last state", security="kiosk",
                                     errors=(401, 403))},
        "/kiosk/matters": {"get": _op("Every matter with its department, group, guide, pinyin and initials",
                                      {"type": "array", "items": {"type": "object"}})},
        "/kiosk/tickets": {"post": _op(
            "POST /tickets plus printing on the kiosk's printer (only when the ticket is created)",
            TICKET, status="201", security="kiosk", errors=(400, 401, 403, 422),
            body=_obj(["matter_id"], matter_id=STR, priority={"oneOf": [INT, {"type": "boolean"}]},
                      priority_reason=STR, idempotency_key=STR, print={"type": "boolean"}))},
        "/tickets/{token}/print": {"post": _op(
            "Print a ticket again on this kiosk's printer (202)", status="202", security="kiosk",
            errors=(401, 403, 404), params=[{"name": "token", "in": "path", "required": True, "schema": STR}])},
        "/tickets/{token}/qr.svg": {"get": {
            "summary": "The QR code of the ticket's status page, as SVG",
            "parameters": [{"name": "token", "in": "path", "required": True, "schema": STR}],
            "responses": {"200": {"description": "OK", "content": {"image/svg+xml": {}}},
                          "404": {"description": "error", **_json(ERROR)}}}},
        "/announce": {"get": {
            "summary": "Public: one call spoken as a WAV, for the hall screens",
            "parameters": [{"name": "number", "in": "query", "required": True, "schema": STR},
                           {"name": "window", "in": "query", "required": True, "schema": INT}],
            "responses": {"200": {"description": "OK", "content": {"audio/wav": {}}},
                          "400": {"description": "error", **_json(ERROR)},
                          "503": {"description": "error", **_json(ERROR)}}}},
        **_manager_paths(),
        **_partner_paths(),
        "/openapi.json": {"get": _op("This document")},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Yimen hub API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "deviceKey": {"type": "apiKey", "in": "header", "name": "X-Device-Key"},
                "partner": {"type": "apiKey", "in": "header", "name": "X-Partner-Key",
                            "description": "a signed partner request: also X-Timestamp, X-Nonce and "
                                           "X-Signature (docs/partners.md)"},
            },
            "schemas": {
                "Error": _obj(["error"], error=_obj(["code", "message"], code=STR, message=STR)),
                "Ticket": _obj(
                    ["id", "token", "number", "status", "matter_id", "queue_id", "priority", "issued_at",
                     "ahead", "estimated_wait_s", "window_id", "called_at", "finished_at", "outcome", "status_url"],
                    id=INT, token=STR, number=STR,
                    status={"enum": ["waiting", "called", "serving", "done", "no_show", "cancelled"]},
                    matter_id=STR, queue_id=STR, priority=INT, issued_at=STR, ahead=INT, estimated_wait_s=INT,
                    window_id={"type": "string", "nullable": True}, called_at={"type": "string", "nullable": True},
                    finished_at={"type": "string", "nullable": True},
                    outcome={"type": "string", "nullable": True, "enum": ["completed", "accepted", "returned", None]},
                    status_url=STR),
                "QueueSummary": _obj(["id", "name", "prefix", "waiting", "longest_wait_s", "estimated_wait_s", "window_ids"],
                                     id=STR, name=STR, prefix=STR, waiting=INT, longest_wait_s=INT, estimated_wait_s=INT,
                                     window_ids={"type": "array", "items": STR}),
            },
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_document())
