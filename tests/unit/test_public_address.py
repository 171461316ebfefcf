"""A QR code address no phone can open is recognised."""

from __future__ import annotations

from server.services.issuing.public_address import is_loopback, start_warning


def test_loopback_addresses():
    for url in ("http://127.0.0.1:8000", "http://localhost/", "http://[::1]:5000", "http://127.8.0.1"):
        assert is_loopback(url), url
    for url in ("http://192.168.1.10:8000", "https://yimen.haibei.gov.cn", "", None):
        assert not is_loopback(url), url


def test_the_start_warning():
    assert "not set" in start_warning(None)
    assert "loopback" in start_warning("http://localhost:8000")
    assert start_warning("http://192.168.1.10:8000") is None
