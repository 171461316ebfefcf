"""The provincial platform against a real hub process: signed requests, what partners may
call, rotation, webhooks to the simulator, a hub killed mid-delivery."""

from __future__ import annotations

import time

from tests.support.api import Api
from tests.support.partner import PartnerClient
from tests.support.waiting import wait_until

from .conftest import register


def error_code(answer) -> str:
    return answer.json()["error"]["code"]


def test_a_partner_issues_follows_and_hears_of_its_ticket(partner_hub, simulator):
    created, partner = register(partner_hub.url, simulator)
    assert created["kind"] == "partner" and created["key"] and created["secret"]
    ticket = partner.issue("hukou-move-in", idempotency_key="ywtb-1")
    again = partner.request("POST", "/tickets", {"matter_id": "hukou-move-in", "idempotency_key": "ywtb-1"})
    assert again.status_code == 200 and again.json()["id"] == ticket["id"]
    looked = partner.request("GET", f"/tickets/{ticket['token']}")
    assert looked.status_code == 200 and looked.json()["number"] == ticket["number"]

    clerk = Api.clerk(partner_hub.url, "clerk1")
    assert clerk.post("/windows/w16/open").status_code == 200
    assert clerk.post("/windows/w16/call-next").json()["id"] == ticket["id"]
    clerk.post("/windows/w16/start")
    clerk.post("/windows/w16/finish", {"outcome": "completed"})
    Api.kiosk(partner_hub.url).issue("hukou-move-in")  # a walk-in: none of the partner's business

    statuses = simulator.wait_for(lambda sim: (lambda got: got if len(got) >= 4 else None)(
        [r.body["data"]["ticket"]["status"] for r in sim.accepted()]))
    assert statuses == ["waiting", "called", "serving", "done"]
    assert all(r.body["data"]["ticket"]["id"] == ticket["id"] for r in simulator.accepted())
    assert len({r.body["id"] for r in simulator.accepted()}) == 4

    admin = Api(partner_hub.url).login("admin")
    listed = admin.get(f"/partners/{created['id']}/deliveries").json()
    assert [d["status"] for d in listed] == ["delivered"] * 4
    assert all(d["attempts"][-1]["http_status"] == 200 for d in listed)
    assert Api(partner_hub.url).get(f"/partners/{created['id']}/deliveries").status_code == 401
    assert admin.get("/partners/9999/deliveries").status_code == 404

    devices = admin.get("/devices").text
    assert created["secret"] not in devices and created["key"] not in devices
    assert created["secret"] not in partner_hub.output()


def test_bad_stale_replayed_and_forbidden_requests(partner_hub, simulator):
    _, partner = register(partner_hub.url, simulator)
    body = {"matter_id": "hukou-move-in"}
    headers = partner.headers("POST", "/api/v1/tickets", b'{"matter_id": "hukou-move-in"}')
    first = partner.request("POST", "/tickets", body, headers=headers)
    assert first.status_code == 201
    replay = partner.request("POST", "/tickets", body, headers=headers)
    assert (replay.status_code, error_code(replay)) == (401, "replayed_request")

    stale = partner.request("POST", "/tickets", body, timestamp=int(time.time()) - 301)
    assert (stale.status_code, error_code(stale)) == (401, "stale_request")
    ahead = partner.request("POST", "/tickets", body, timestamp=int(time.time()) + 400)
    assert (ahead.status_code, error_code(ahead)) == (401, "stale_request")

    tampered = dict(partner.headers("POST", "/api/v1/tickets", b'{"matter_id": "hukou-move-in"}'))
    tampered["X-Signature"] = tampered["X-Signature"][:-1] + ("0" if tampered["X-Signature"][-1] != "0" else "1")
    answer = partner.request("POST", "/tickets", body, headers=tampered)
    assert (answer.status_code, error_code(answer)) == (401, "bad_signature")
    wrong_secret = PartnerClient(partner_hub.url, partner.key, "not-the-secret").request("POST", "/tickets", body)
    assert (wrong_secret.status_code, error_code(wrong_secret)) == (401, "bad_signature")
    unknown = PartnerClient(partner_hub.url, "pk_nobody", partner.secret).request("GET", "/tickets/x")
    assert (unknown.status_code, error_code(unknown)) == (401, "bad_signature")
    other_body = partner.request("POST", "/tickets", body,
                                 headers=partner.headers("POST", "/api/v1/tickets", b'{"matter_id": "x"}'))
    assert error_code(other_body) == "bad_signature"
    other_query = partner.request("GET", "/queues?x=1", headers=partner.headers("GET", "/api/v1/queues", b""))
    assert error_code(other_query) == "bad_signature"

    for method, path in (("GET", "/stats"), ("GET", "/queues"), ("POST", "/windows/w16/call-next"),
                         ("GET", "/devices"), ("POST", "/devices"), ("GET", "/tickets/x/history")):
        answer = partner.request(method, path, {} if method == "POST" else None)
        assert (answer.status_code, error_code(answer)) == (403, "forbidden"), (method, path)
    assert partner.request("GET", "/tickets/no-such-token").status_code == 404


def test_rotation_keeps_the_old_secret_for_the_overlap(partner_hub, simulator):
    created, partner = register(partner_hub.url, simulator)
    admin = Api(partner_hub.url).login("admin")
    rotated = admin.post(f"/devices/{created['id']}/rotate-secret", {"overlap_s": 600}).json()
    assert rotated["key"] == created["key"] and rotated["secret"] != created["secret"]
    new = PartnerClient(partner_hub.url, created["key"], rotated["secret"])
    assert partner.request("GET", "/tickets/none").status_code == 404  # old secret: verified
    assert new.request("GET", "/tickets/none").status_code == 404
    final = admin.post(f"/devices/{created['id']}/rotate-secret", {"overlap_s": 0}).json()
    assert error_code(new.request("GET", "/tickets/none")) == "bad_signature"
    assert error_code(partner.request("GET", "/tickets/none")) == "bad_signature"
    assert PartnerClient(partner_hub.url, created["key"], final["secret"]).request(
        "GET", "/tickets/none").status_code == 404
    bad = admin.post(f"/devices/{created['id']}/rotate-secret", {"overlap_s": -1})
    assert (bad.status_code, error_code(bad)) == (400, "invalid_field")
    assert admin.post("/devices/9999/rotate-secret").status_code == 404
    bad_url = admin.post("/devices", {"kind": "partner", "name": "x", "webhook_url": "ftp://x"})
    assert (bad_url.status_code, error_code(bad_url)) == (400, "invalid_field")


def test_a_hub_killed_mid_delivery_delivers_after_restart(partner_hub, simulator):
    created, partner = register(partner_hub.url, simulator)
    simulator.behaviour.hang = True
    partner.issue("hukou-move-in")
    simulator.wait_for(lambda sim: sim.arrivals >= 1)
    partner_hub.kill()  # SIGKILL while the webhook is on the wire
    simulator.behaviour.hang = False
    [first] = simulator.wait_for(lambda sim: sim.received)
    event_id, killed_at = first.body["id"], time.time()
    partner_hub.start()
    again = simulator.wait_for(lambda sim: [r for r in sim.accepted()
                                            if r.body["id"] == event_id and r.at > killed_at])
    assert again[0].body["data"]["ticket"]["status"] == "waiting"
    admin = Api(partner_hub.url).login("admin")
    def delivered():
        [row] = admin.get(f"/partners/{created['id']}/deliveries").json()
        return row if row["status"] == "delivered" else None

    row = wait_until(delivered, timeout=10, what="the redelivery recorded", interval=0.1)
    assert row["id"] == event_id and row["status"] == "delivered"
    assert {a["http_status"] for a in row["attempts"]} == {200}, "the killed attempt left no record"
