"""Signing and verifying against the fixed vectors of docs/partners.md."""

from __future__ import annotations

import re
from pathlib import Path

from server.services.partners import signing
from server.services.partners.secret_box import SecretBox, SecretUnreadableError

DOC = Path(__file__).resolve().parents[3] / "docs" / "partners.md"
SECRET = "sk_test_3nW7xQ2pLr8vYc5T"
BODY = b'{"matter_id":"hukou-move-in","idempotency_key":"ywtb-20261201-0001"}'
VECTORS = [
    # (timestamp, nonce, method, path and query, body, body hash, signature)
    ("1764581400", "6f1c2a9e4b7d4c0e", "POST", "/api/v1/tickets", BODY,
     "133d42e3748cb25f2330d1a7d82c1ec62a6878f6029c200e247d44844fea7c3a",
     "ef581fa0bf38e5952a68f4c42a54537f9e5b0c38e5cdf3d218a54c36509a33d5"),
    ("1764581460", "a1b2c3d4e5f60718", "GET",
     "/api/v1/appointments/slots?matter_id=hukou-move-in&date=2026-12-02", b"",
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "605e46b5386a17dece4fc4001e4f9b15146b4015c10ced47df42107d8fb34eef"),
]


def test_vectors_sign_as_documented():
    for ts, nonce, method, path, body, digest, expected in VECTORS:
        assert signing.body_digest(body) == digest
        assert signing.string_to_sign(ts, nonce, method, path, body) == f"{ts}\n{nonce}\n{method}\n{path}\n{digest}"
        assert signing.signature(SECRET, ts, nonce, method, path, body) == expected


def test_every_vector_is_written_in_the_partners_page():
    text = DOC.read_text(encoding="utf-8")
    assert SECRET in text
    for ts, nonce, _method, path, _body, digest, expected in VECTORS:
        for value in (ts, nonce, path, digest, expected):
            assert value in text, value
    assert BODY.decode() in text


def test_verifying_accepts_the_signature_and_refuses_any_change():
    ts, nonce, method, path, body, _, expected = VECTORS[0]
    assert signing.matches(expected, SECRET, ts, nonce, method, path, body)
    assert signing.matches(expected.upper(), SECRET, ts, nonce, method, path, body)
    assert not signing.matches(expected, SECRET + "x", ts, nonce, method, path, body)
    assert not signing.matches(expected, SECRET, ts, nonce, method, path + "?x=1", body)
    assert not signing.matches(expected, SECRET, ts, nonce, "GET", path, body)
    assert not signing.matches(expected, SECRET, str(int(ts) + 1), nonce, method, path, body)
    assert not signing.matches(expected, SECRET, ts, nonce, method, path, body + b" ")
    assert not signing.matches("不是签名", SECRET, ts, nonce, method, path, body)


def test_signed_headers_carry_a_fresh_nonce_each_time():
    first = signing.signed_headers("pk_1", SECRET, "POST", "/x", b"{}", timestamp=1764581400)
    second = signing.signed_headers("pk_1", SECRET, "POST", "/x", b"{}", timestamp=1764581400)
    assert first["X-Nonce"] != second["X-Nonce"]
    assert re.fullmatch(r"[0-9a-f]{64}", first["X-Signature"])
    assert signing.matches(first["X-Signature"], SECRET, "1764581400", first["X-Nonce"], "POST", "/x", b"{}")


def test_timestamps_and_staleness():
    assert signing.parse_timestamp("1764581400") == 1764581400
    for bad in (None, "", "-5", "1.5", "abc", "9" * 13):
        assert signing.parse_timestamp(bad) is None
    assert not signing.is_stale(1000, 1300)
    assert signing.is_stale(1000, 1301)
    assert signing.is_stale(1301, 1000)


def test_secret_box_round_trip_bound_to_its_context_and_key():
    box = SecretBox("hub secret key")
    sealed = box.seal(SECRET, "partner:1:secret")
    assert SECRET not in sealed and sealed.startswith("v1:")
    assert box.open(sealed, "partner:1:secret") == SECRET
    for other_box, context in ((box, "partner:2:secret"), (SecretBox("another key"), "partner:1:secret")):
        try:
            other_box.open(sealed, context)
        except SecretUnreadableError:
            pass
        else:
            raise AssertionError("opened with the wrong context or key")
