"""Configuration as classes, read from the environment when instantiated."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _secret_key(var_dir: Path) -> str:
    """YIMEN_SECRET_KEY, or a key generated once and kept in var/secret_key."""
    given = _env("YIMEN_SECRET_KEY")
    if given:
        return given
    path = var_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key


class Config:
    TESTING = False
    JSON_AS_ASCII = False
    MAX_CONTENT_LENGTH = 64 * 1024
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en", "bo")

    def __init__(self, **overrides) -> None:
        self.VAR_DIR = Path(_env("YIMEN_VAR", "var"))
        self.DATABASE_URL = _env("YIMEN_DB") or f"sqlite:///{self.VAR_DIR / 'yimen.sqlite3'}"
        self.CENTER_FILE = _env("YIMEN_CENTER")
        self.MESSAGE_QUEUE = _env("YIMEN_MESSAGE_QUEUE")
        self.MESSAGE_QUEUE_CHANNEL = _env("YIMEN_MQ_CHANNEL", "yimen")
        self.PUBLIC_URL = _env("YIMEN_PUBLIC_URL")
        self.TOKEN_TTL_S = int(_env("YIMEN_TOKEN_TTL_S", str(12 * 3600)))
        self.FLUSH_INTERVAL_S = float(_env("YIMEN_FLUSH_INTERVAL_S", "0.1"))
        self.ASYNC_MODE = _env("YIMEN_ASYNC_MODE")  # run.py sets gevent
        self.CORS_ORIGINS = _env("YIMEN_CORS_ORIGINS", "*")
        self.PRINTER = _env("YIMEN_PRINTER", f"preview:{self.VAR_DIR / 'tickets'}")
        self.KIOSK_PRINTERS = _env("YIMEN_KIOSK_PRINTERS")  # "1=network:10.0.0.50;2=usb:0x0416:0x5011"
        self.KIOSK_IDLE_S = int(_env("YIMEN_KIOSK_IDLE_S", "60"))
        self.TICKET_HEADER = _env("YIMEN_TICKET_HEADER")
        self.TICKET_FOOTER = _env("YIMEN_TICKET_FOOTER", "请留意大厅屏幕和语音叫号")
        # Doors (docs/deploy.md#security): rate limits per device key, staff token and
        # client address, kept in Redis when hubs share one (so limits hold across hubs).
        self.RATELIMIT_ENABLED = _env("YIMEN_RATELIMIT", "1") not in ("0", "false", "off")
        self.RATELIMIT_STORAGE_URL = _env("YIMEN_RATELIMIT_STORAGE") or self.MESSAGE_QUEUE or "memory://"
        self.RATELIMIT_DEVICE = _env("YIMEN_RATELIMIT_DEVICE", "12000 per minute")
        self.RATELIMIT_STAFF = _env("YIMEN_RATELIMIT_STAFF", "1200 per minute")
        self.RATELIMIT_ADDRESS = _env("YIMEN_RATELIMIT_ADDRESS", "3000 per minute")
        self.RATELIMIT_ADDRESS_WRITE = _env("YIMEN_RATELIMIT_ADDRESS_WRITE", "120 per minute")
        self.TRUSTED_PROXIES = int(_env("YIMEN_TRUSTED_PROXIES", "0"))  # 1 behind one nginx
        self.CONTENT_SECURITY_POLICY = _env("YIMEN_CSP")  # None: server/api/security.py's policy
        for key, value in overrides.items():
            setattr(self, key, value)
        if not getattr(self, "SECRET_KEY", None):
            self.SECRET_KEY = _secret_key(self.VAR_DIR)


class TestingConfig(Config):
    TESTING = True
    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, **overrides) -> None:
        overrides.setdefault("ASYNC_MODE", "threading")
        overrides.setdefault("SECRET_KEY", "testing")
        super().__init__(**overrides)
