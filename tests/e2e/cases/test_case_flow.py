"""A case from acceptance to pickup through a real hub: the police clerk accepts, the
receipt comes out of the window's (fake network) printer with the case number in its
QR code, the back office decides, the visitor scans the receipt at the kiosk, a
comprehensive window hands the result out. Access refusals on the way, over HTTP."""

from __future__ import annotations

import pytest
from pyzbar.pyzbar import decode

from hardware.escpos_encode import RASTER_HEADER, parse_raster
from tests.support.api import Api
from tests.support.hubproc import HubProcess

POLICE_WINDOW = "w16"
PICKUP_WINDOW = "w69"


@pytest.fixture
def printer(fake_printer):
    return fake_printer()


@pytest.fixture
def case_hub(tmp_path, printer):
    process = HubProcess(tmp_path / "var",
                         env={"YIMEN_WINDOW_PRINTERS": f"{POLICE_WINDOW}={printer.spec}"}).start()
    yield process
    process.stop()


def staff(hub, admin, username, role, unit_id=None) -> Api:
    body = {"username": username, "password": "secret-pass-1", "role": role, "name": username}
    if unit_id:
        body["unit_id"] = unit_id
    assert admin.post("/users", body).status_code == 201
    return Api(hub.url).login(username, "secret-pass-1")


def test_accept_print_decide_and_collect_with_the_receipts_qr(case_hub, printer):
    hub = case_hub
    admin = Api(hub.url).login("admin")
    police = staff(hub, admin, "police-a", "clerk", "police")
    tax = staff(hub, admin, "tax-a", "clerk", "tax")
    desk = staff(hub, admin, "desk-a", "clerk")
    kiosk = Api.kiosk(hub.url)

    ticket = kiosk.issue("hukou-move-in")
    assert police.post(f"/windows/{POLICE_WINDOW}/open").status_code == 200
    assert police.post(f"/windows/{POLICE_WINDOW}/call-next").json()["token"] == ticket["token"]
    finished = police.post(f"/windows/{POLICE_WINDOW}/finish", {"outcome": "accepted"}).json()
    case = finished["case"]
    assert case["status"] == "in_progress" and case["case_no"].endswith("-POLICE-0001")
    case_no = case["case_no"]

    # The receipt, on the window's printer: its QR code is the case number.
    printed = police.post(f"/cases/{case_no}/receipt", {"window_id": POLICE_WINDOW})
    assert printed.status_code == 200 and printed.json()["printed"] is True, printed.text
    data = b"".join(printer.wait_for_connections(1))
    assert RASTER_HEADER in data
    scanned = [s.data.decode() for s in decode(parse_raster(data).convert("L"))]
    assert scanned == [case_no]
    assert tax.post(f"/cases/{case_no}/receipt", {"window_id": POLICE_WINDOW}).status_code == 403
    no_printer = admin.post(f"/cases/{case_no}/receipt", {"window_id": "w17"})
    assert (no_printer.status_code, no_printer.json()["error"]["code"]) == (409, "no_printer")

    # The visitor's phone sees the case with its due date; strangers do not.
    mine = Api(hub.url).get(f"/cases/{case_no}", params={"token": ticket["token"]})
    assert mine.status_code == 200 and mine.json()["due_at"] == case["due_at"]
    assert Api(hub.url).get(f"/tickets/{ticket['token']}").json()["case"]["case_no"] == case_no
    assert Api(hub.url).get(f"/cases/{case_no}").status_code == 403
    assert tax.get(f"/cases/{case_no}").json()["error"]["code"] == "forbidden"
    assert tax.get("/cases").json() == []

    # Not ready yet at the kiosk: the refusal names the due date.
    early = kiosk.post("/kiosk/pickup", {"case_no": scanned[0]})
    assert early.status_code == 409 and early.json()["error"]["code"] == "case_not_ready"
    assert case["due_at"] in early.json()["error"]["message"]
    assert early.json()["error"]["details"] == {"due_at": case["due_at"]}  # for the kiosk's own words
    assert kiosk.post("/kiosk/pickup", {"case_no": "2026-POLICE-9999"}).status_code == 404

    # The back office: the unit's open cases by due date, decided by its own clerk.
    listed = police.get("/cases", params={"status": "in_progress"}).json()
    assert [c["case_no"] for c in listed] == [case_no]
    assert tax.post(f"/cases/{case_no}/decide", {"result": "approved"}).status_code == 403
    bad = police.post(f"/cases/{case_no}/decide", {"result": "perhaps"})
    assert bad.status_code == 400
    decided = police.post(f"/cases/{case_no}/decide", {"result": "approved", "note": "准予迁入"})
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    again = police.post(f"/cases/{case_no}/decide", {"result": "rejected"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")

    # Pickup: the scanned code gets a ticket in the pickup queue, served at a comprehensive window.
    issued = kiosk.post("/kiosk/pickup", {"case_no": scanned[0]})
    assert issued.status_code == 201, issued.text
    pickup = issued.json()
    assert (pickup["queue_id"], pickup["case_no"], pickup["number"]) == ("pickup", case_no, "P001")
    assert desk.post(f"/windows/{PICKUP_WINDOW}/open").status_code == 200
    assert desk.post(f"/windows/{PICKUP_WINDOW}/call-next").json()["token"] == pickup["token"]
    done = desk.post(f"/windows/{PICKUP_WINDOW}/finish", {"outcome": "completed"}).json()
    assert done["case"]["status"] == "picked_up"
    collected = kiosk.post("/kiosk/pickup", {"case_no": case_no})
    assert (collected.status_code, collected.json()["error"]["code"]) == (409, "case_picked_up")

    year = int(case_no[:4])
    report = Api(hub.url).login("manager").get("/cases/report", params={"year": year}).json()
    assert (report["opened"], report["decided_on_time"], report["open"]) == (1, 1, 0)
    assert report["by_unit"][0]["unit_id"] == "police"
