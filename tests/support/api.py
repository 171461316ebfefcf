"""A small HTTP client for the hub's REST API, as kiosks and counters use it."""

from __future__ import annotations

import requests

DEMO_PASSWORD = "yimen-demo"
DEMO_KIOSK_KEY = "demo-kiosk-1"


class Api:
    def __init__(self, base_url: str, *, token: str | None = None, device_key: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.token = token
        self.device_key = device_key

    def _headers(self) -> dict:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.device_key:
            headers["X-Device-Key"] = self.device_key
        return headers

    def get(self, path: str, **kw) -> requests.Response:
        return self.session.get(self.base_url + "/api/v1" + path, headers=self._headers(), timeout=10, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.post(self.base_url + "/api/v1" + path, json=json, headers=self._headers(),
                                 timeout=10, **kw)

    def put(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.put(self.base_url + "/api/v1" + path, json=json, headers=self._headers(),
                                timeout=10, **kw)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> Api:
        response = self.post("/auth/login", {"username": username, "password": password})
        response.raise_for_status()
        self.token = response.json()["token"]
        return self

    @classmethod
    def clerk(cls, base_url: str, username: str = "clerk1") -> Api:
        return cls(base_url).login(username)

    @classmethod
    def kiosk(cls, base_url: str, key: str = DEMO_KIOSK_KEY) -> Api:
        return cls(base_url, device_key=key)

    def issue(self, matter_id: str = "hukou-move-in", **extra) -> dict:
        response = self.post("/tickets", {"matter_id": matter_id, **extra})
        assert response.status_code in (200, 201), response.text
        return response.json()
