"""A partner platform's client for tests: signed requests to a hub."""

from __future__ import annotations

import json
import time

import requests

from server.services.partners import signing


class PartnerClient:
    def __init__(self, base_url: str, key: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.secret = secret

    def headers(self, method: str, path_qs: str, body: bytes, *, timestamp: int | None = None,
                nonce: str | None = None) -> dict:
        headers = signing.signed_headers(self.key, self.secret, method, path_qs, body,
                                         timestamp=timestamp or int(time.time()), nonce=nonce)
        headers["Content-Type"] = "application/json"
        return headers

    def request(self, method: str, path: str, payload=None, **kw) -> requests.Response:
        """``path`` under /api/v1, query included; ``kw`` overrides timestamp or nonce."""
        body = b"" if payload is None else json.dumps(payload).encode("utf-8")
        full = "/api/v1" + path
        headers = kw.pop("headers", None) or self.headers(method, full, body, **kw)
        return requests.request(method, self.base_url + full, data=body, headers=headers, timeout=10)

    def issue(self, matter_id: str = "hukou-move-in", **extra) -> dict:
        answer = self.request("POST", "/tickets", {"matter_id": matter_id, **extra})
        assert answer.status_code in (200, 201), answer.text
        return answer.json()
