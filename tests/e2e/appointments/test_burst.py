"""A slot of 4 released to 200 visitors at once: exactly 4 bookings, through a real hub
on SQLite and through two hubs on PostgreSQL over Redis."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from tests.support.api import Api

from .conftest import id_number

VISITORS = 200
CLIENTS = 25


def matter_of(url: str, queue_id: str = "tax") -> str:
    return next(m["id"] for m in Api(url).get("/center").json()["matters"] if m["queue_id"] == queue_id)


def burst(urls: list[str]) -> tuple[Counter, dict, str]:
    matter = matter_of(urls[0])
    slots = Api(urls[0]).get("/appointments/slots", params={"matter_id": matter}).json()
    days = sorted({s["start"][:10] for s in slots})
    slot = next(s for s in slots if s["start"].startswith(days[1]))  # tomorrow's first
    codes: Counter = Counter()
    tokens: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        api = Api(urls[index % len(urls)])
        barrier.wait()
        for n in range(index, VISITORS, CLIENTS):
            response = api.post("/appointments", {
                "matter_id": matter, "start": slot["start"], "name": "王五",
                "id_number": id_number(n), "phone": "13900001111"})
            with lock:
                if response.status_code == 201:
                    codes["booked"] += 1
                    tokens.append(response.json()["token"])
                else:
                    codes[f"{response.status_code} {response.json()['error']['code']}"] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    after = next(s for s in Api(urls[-1]).get("/appointments/slots",
                                              params={"matter_id": matter}).json()
                 if s["start"] == slot["start"])
    for token in tokens:
        seen = Api(urls[0]).get(f"/appointments/{token}").json()
        assert seen["status"] == "booked" and seen["start"] == slot["start"]
    return codes, after, slot["start"]


def test_200_at_once_for_a_slot_of_4_on_one_hub(booking_hub):
    codes, after, _ = burst([booking_hub.url])
    assert codes == Counter({"booked": 4, "409 slot_full": VISITORS - 4})
    assert (after["booked"], after["available"]) == (4, 0)
    assert id_number(0) not in booking_hub.output() and "王五" not in booking_hub.output()


@pytest.mark.postgres
@pytest.mark.redis
def test_200_at_once_for_a_slot_of_4_on_two_hubs(booking_hub_pair):
    first, second = booking_hub_pair
    codes, after, _ = burst([first.url, second.url])
    assert codes == Counter({"booked": 4, "409 slot_full": VISITORS - 4})
    assert (after["booked"], after["available"]) == (4, 0)
