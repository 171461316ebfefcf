"""The doors' settings: the documented default limits parse and leave a busy hall room."""

from __future__ import annotations

import pytest
from limits import parse_many

from server.api.limits import limited
from server.api.security import CONTENT_SECURITY_POLICY, security_headers
from server.config import Config


def _per_minute(text: str) -> float:
    return min(item.amount * 60 / item.get_expiry() for item in parse_many(text))


def test_default_limits_parse_and_fit_a_busy_hall(tmp_path, monkeypatch):
    for name in ("YIMEN_MESSAGE_QUEUE", "YIMEN_RATELIMIT", "YIMEN_RATELIMIT_STORAGE", "YIMEN_RATELIMIT_DEVICE",
                 "YIMEN_RATELIMIT_STAFF", "YIMEN_RATELIMIT_ADDRESS", "YIMEN_RATELIMIT_ADDRESS_WRITE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("YIMEN_VAR", str(tmp_path))
    config = Config()
    assert config.RATELIMIT_ENABLED is True
    assert config.RATELIMIT_STORAGE_URL == "memory://"
    assert _per_minute(config.RATELIMIT_DEVICE) >= 100 * 60  # a kiosk at peak takes 60 a minute
    assert _per_minute(config.RATELIMIT_ADDRESS) >= 2000  # 2,000 phones behind one NAT address
    assert _per_minute(config.RATELIMIT_ADDRESS_WRITE) >= 72  # every clerk of the hall logging in
    assert _per_minute(config.RATELIMIT_STAFF) >= 600


def test_limits_follow_the_message_queue_and_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("YIMEN_RATELIMIT_STORAGE", raising=False)
    monkeypatch.setenv("YIMEN_VAR", str(tmp_path))
    monkeypatch.setenv("YIMEN_MESSAGE_QUEUE", "redis://10.0.0.5:6379/0")
    monkeypatch.setenv("YIMEN_RATELIMIT_ADDRESS", "10 per second")
    monkeypatch.setenv("YIMEN_RATELIMIT", "0")
    config = Config()
    assert config.RATELIMIT_STORAGE_URL == "redis://10.0.0.5:6379/0"
    assert config.RATELIMIT_ADDRESS == "10 per second" and config.RATELIMIT_ENABLED is False


def test_the_policy_runs_no_inline_script():
    script_src = next(p for p in CONTENT_SECURITY_POLICY.split("; ") if p.startswith("script-src "))
    assert script_src == "script-src 'self'"
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert security_headers("default-src 'none'")["Content-Security-Policy"] == "default-src 'none'"


def test_only_known_kinds_of_call_are_marked():
    with pytest.raises(ValueError):
        limited("sometimes")
