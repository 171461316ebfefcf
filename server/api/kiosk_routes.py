"""What the lobby kiosk needs beyond the v1 contract (additions only).

* ``GET /kiosk/config``: the kiosk's own settings and its printer's last state;
* ``GET /kiosk/matters``: every matter with its department, group, pinyin and
  initials, so the page can search ``hkqr`` → 户口迁入 without a round trip;
* ``POST /kiosk/tickets``: ``POST /tickets`` plus printing: the ticket is printed only
  when it was created, so a retry with the same ``idempotency_key`` never prints twice;
* ``POST /tickets/<token>/print``: print a ticket again (the printer was out of paper);
* ``GET /tickets/<token>/qr.svg``: the QR code of the visitor's status page.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Response, current_app, request
from pydantic import Field

from server.queueing.center import Center
from server.queueing.windows import window_range
from server.search_keys import pinyin_keys
from server.services.accounts.users import DeviceIdentity
from server.services.issuing import tickets
from server.services.issuing.popular import popular_matters
from server.services.issuing.printing import PrintService
from server.services.issuing.ticket_paper import public_status_url

from . import bp
from .limits import limited
from .parsing import hub
from .schemas.kiosk import KioskConfig, KioskMatter
from .schemas.tickets import PrintedTicket
from .spec import KIOSK, Raw, operation
from .ticket_routes import TICKET_ERRORS, IssueTicket

DEFAULT_IDLE_S = 60


def _printing() -> PrintService:
    return hub().printing


def _base_url() -> str:
    return request.host_url


def _with_links(ticket: dict) -> dict:
    return {**ticket, "public_status_url": public_status_url(hub(), ticket, _base_url()),
            "qr_url": f"/api/v1/tickets/{ticket['token']}/qr.svg"}


@operation(bp, "GET", "/kiosk/config", "A kiosk's settings and its printer's last state", access=KIOSK,
           answers={200: KioskConfig})
@limited("read")
def kiosk_config(device: DeviceIdentity):
    center = hub().center
    return {
        "device": {"id": device.id, "name": device.name},
        "center": {"name": center.name, "name_en": center.name_en},
        "idle_s": int(current_app.config.get("KIOSK_IDLE_S", DEFAULT_IDLE_S)),
        "priority_reasons": list(center.priority_reasons),
        "printer": _printing().printer_snapshot(device.id),
        "pickup": center.rules.pickup_queue is not None,  # the "collect a result" button (取件)
        "popular_matters": popular_matters(hub()),  # addition: the first screen leads with these
    }


_pinyin = pinyin_keys


_indexes: dict[int, tuple[Center, list[dict]]] = {}


def matter_index(center: Center) -> list[dict]:
    """Every matter as the kiosk searches it; built once per loaded center."""
    cached = _indexes.get(id(center))
    if cached is not None and cached[0] is center:
        return cached[1]
    out = []
    for matter in center.matters.values():
        unit = center.units[matter.unit_id]
        queue = center.queue(matter.queue_id)
        pinyin, initials = _pinyin(matter.name)
        numbers = [w.number for w in center.windows_of_queue(queue.id)]
        unit_pinyin, unit_initials = _pinyin(unit.name)
        keys = [{"text": word, "kind": kind, **dict(zip(("pinyin", "initials"), _pinyin(word), strict=True))}
                for kind, words in (("keyword", matter.keywords), ("unit", (unit.short_name,) if unit.short_name else ()))
                for word in words]
        out.append({
            "id": matter.id,
            "name": matter.name,
            "name_en": matter.name_en,
            "category": matter.category,
            "unit_id": unit.id,
            "unit_name": unit.name,
            "unit_name_en": unit.name_en,
            "unit_name_bo": unit.name_bo,
            "group": unit.group,
            "queue_id": queue.id,
            "prefix": queue.prefix,
            "window_numbers": numbers,
            "window_range": window_range(numbers),
            "guide": matter.guide.to_dict() if matter.guide else None,
            "pinyin": pinyin,
            "initials": initials,
            "unit_pinyin": unit_pinyin,
            "unit_initials": unit_initials,
            "unit_short_name": unit.short_name,
            "keys": keys,  # the matter's keywords and its department's everyday name, with pinyin
        })
    if len(_indexes) >= 4:  # a hub holds one center; tests build many
        _indexes.clear()
    _indexes[id(center)] = (center, out)
    return out


@operation(bp, "GET", "/kiosk/matters", "Every matter with its department, group, guide, pinyin and initials",
           answers={200: list[KioskMatter]})
@limited("read")
def kiosk_matters():
    return matter_index(hub().center)


class KioskIssue(IssueTicket):
    print: bool = Field(True, description="false: issue without printing")


@operation(bp, "POST", "/kiosk/tickets", "POST /tickets plus printing on the kiosk's printer",
           access=KIOSK, body=KioskIssue,
           answers={201: (PrintedTicket, "the new ticket, printed unless print is false"),
                    200: (PrintedTicket, "the same idempotency_key again that service day: the same "
                                         "ticket, not printed again")},
           errors=TICKET_ERRORS)
@limited("write")
def kiosk_issue_ticket(device: DeviceIdentity, body: KioskIssue):
    """The ticket is printed only when it was created, so a retry never prints twice."""
    ticket, created = tickets.issue_ticket(
        hub(), matter_id=body.matter_id, actor=device.actor(), priority=body.priority,
        priority_reason=body.priority_reason, idempotency_key=body.idempotency_key,
        device_id=str(device.id),
    )
    if created and body.print:
        printing = _printing().print_ticket(ticket, device_id=device.id, base_url=_base_url())
    else:
        printing = {"job_id": None, "via": None, "state": "not_printed"}
    return {**_with_links(ticket), "print": printing}, 201 if created else 200


@operation(bp, "POST", "/tickets/<token>/print", "Print a ticket again on this kiosk's printer",
           access=KIOSK, answers={202: (PrintedTicket, "the print job is queued")},
           errors={404: "ticket_not_found"})
@limited("write")
def print_ticket_again(token: str, device: DeviceIdentity):
    """The printer was out of paper."""
    ticket = tickets.get_ticket(hub(), token)
    printing = _printing().print_ticket(ticket, device_id=device.id, base_url=_base_url())
    return {**_with_links(ticket), "print": printing}, 202


@operation(bp, "GET", "/tickets/<token>/qr.svg", "The QR code of the ticket's status page, as SVG",
           answers={200: Raw(("image/svg+xml",))}, errors={404: "ticket_not_found"})
@limited("read")
def ticket_qr(token: str):
    ticket = tickets.get_ticket(hub(), token)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(public_status_url(hub(), ticket, _base_url()))
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
