"""Configuration as classes, read from the environment when instantiated.

The only module that reads ``os.environ`` (``run.py`` maps its flags onto it): everything
else takes its settings from a ``Config`` through ``create_app`` and the hub.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _number(name: str, convert):
    """A numeric setting, or None when unset (the code that uses it has the default)."""
    value = _env(name)
    return convert(value) if value is not None else None


def var_dir() -> Path:
    """YIMEN_VAR: the folder for the SQLite file, keys, tickets and voice clips."""
    return Path(_env("YIMEN_VAR", "var"))


def default_voice_dir(var: Path | None = None) -> Path:
    """YIMEN_VOICE_DIR, else ``<var>/voice``: generated clips in ``clips/``, recorded
    ones that replace them in ``human/``."""
    given = _env("YIMEN_VOICE_DIR")
    return Path(given) if given else (var or var_dir()) / "voice"


def _secret_key(folder: Path) -> str:
    """YIMEN_SECRET_KEY, or a key generated once and kept in var/secret_key."""
    given = _env("YIMEN_SECRET_KEY")
    if given:
        return given
    path = folder / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
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
        self.VAR_DIR = var_dir()
        self.DATABASE_URL = _env("YIMEN_DB") or f"sqlite:///{self.VAR_DIR / 'yimen.sqlite3'}"
        self.CENTER_FILE = _env("YIMEN_CENTER")
        self.MESSAGE_QUEUE = _env("YIMEN_MESSAGE_QUEUE")
        self.MESSAGE_QUEUE_CHANNEL = _env("YIMEN_MQ_CHANNEL", "yimen")
        # Longest wait between attempts to reach the message queue again (server/realtime/queue_link.py)
        self.MQ_RETRY_MAX_S = float(_env("YIMEN_MQ_RETRY_MAX_S", "5"))
        self.PUBLIC_URL = _env("YIMEN_PUBLIC_URL")
        self.TOKEN_TTL_S = int(_env("YIMEN_TOKEN_TTL_S", str(12 * 3600)))
        self.FLUSH_INTERVAL_S = float(_env("YIMEN_FLUSH_INTERVAL_S", "0.1"))
        self.ASYNC_MODE = _env("YIMEN_ASYNC_MODE")  # run.py sets gevent
        self.CORS_ORIGINS = _env("YIMEN_CORS_ORIGINS", "*")
        self.PRINTER = _env("YIMEN_PRINTER", f"preview:{self.VAR_DIR / 'tickets'}")
        self.KIOSK_PRINTERS = _env("YIMEN_KIOSK_PRINTERS")  # "1=network:10.0.0.50;2=usb:0x0416:0x5011"
        # Counter windows' receipt printers (办件受理回执): "w16=network:10.0.0.60;w17=..."
        self.WINDOW_PRINTERS = _env("YIMEN_WINDOW_PRINTERS")
        self.KIOSK_IDLE_S = int(_env("YIMEN_KIOSK_IDLE_S", "60"))
        self.TICKET_HEADER = _env("YIMEN_TICKET_HEADER")
        self.TICKET_FOOTER = _env("YIMEN_TICKET_FOOTER", "请留意大厅屏幕和语音叫号")
        self.CJK_FONT = _env("YIMEN_CJK_FONT")  # a font file with Chinese glyphs; None: look for one
        self.DASHBOARD_INTERVAL_S = float(_env("YIMEN_DASHBOARD_INTERVAL_S", "5"))
        # 电子监察: how often the supervision rules run (they also run at once on a no-show).
        self.SUPERVISION_INTERVAL_S = float(_env("YIMEN_SUPERVISION_INTERVAL_S", "30"))
        # Alert thresholds in seconds; None keeps the default of server/services/reporting/alerts.py.
        self.ALERT_LONG_WAIT_S = _number("YIMEN_ALERT_LONG_WAIT_S", int)
        self.ALERT_UNATTENDED_S = _number("YIMEN_ALERT_UNATTENDED_S", int)
        self.ALERT_CALLED_S = _number("YIMEN_ALERT_CALLED_S", int)
        # Partner webhooks (server/services/partners/access.py PartnerSettings); None: its default.
        self.PARTNER_SETTINGS = {name: _number(f"YIMEN_PARTNER_{name.upper()}", float) for name in (
            "retry_base_s", "retry_max_s", "retry_for_s", "poll_s", "lease_s", "timeout_s")}
        self.VOICE_DIR = None  # default_voice_dir(VAR_DIR) unless given
        # Appointments' names, ID hashes and phones are emptied this many days after the slot.
        self.PERSONAL_DATA_DAYS = int(_env("YIMEN_PERSONAL_DATA_DAYS", "30"))
        # How often the appointments' loop marks no-shows missed and purges (seconds).
        self.APPOINTMENTS_INTERVAL_S = float(_env("YIMEN_APPOINTMENTS_INTERVAL_S", "60"))
        # Doors (docs/deploy.md#security): rate limits per device key, staff token and
        # client address, kept in Redis when hubs share one (so limits hold across hubs).
        self.RATELIMIT_ENABLED = _env("YIMEN_RATELIMIT", "1") not in ("0", "false", "off")
        self.RATELIMIT_STORAGE_URL = _env("YIMEN_RATELIMIT_STORAGE") or self.MESSAGE_QUEUE or "memory://"
        self.RATELIMIT_DEVICE = _env("YIMEN_RATELIMIT_DEVICE", "12000 per minute")
        self.RATELIMIT_STAFF = _env("YIMEN_RATELIMIT_STAFF", "1200 per minute")
        self.RATELIMIT_ADDRESS = _env("YIMEN_RATELIMIT_ADDRESS", "3000 per minute")
        self.RATELIMIT_ADDRESS_WRITE = _env("YIMEN_RATELIMIT_ADDRESS_WRITE", "120 per minute")
        self.TRUSTED_PROXIES = int(_env("YIMEN_TRUSTED_PROXIES", "0"))  # 1 behind one nginx
        # Benchmarks (bench/hub_bench.py): count the database round trips per endpoint into
        # this JSON file (rewritten every 0.5 s); unset, nothing is counted.
        self.COUNT_ROUND_TRIPS = _env("YIMEN_COUNT_ROUND_TRIPS")
        self.CONTENT_SECURITY_POLICY = _env("YIMEN_CSP")  # None: server/api/security.py's policy
        for key, value in overrides.items():
            setattr(self, key, value)
        if not self.VOICE_DIR:
            self.VOICE_DIR = default_voice_dir(Path(self.VAR_DIR))
        if not getattr(self, "SECRET_KEY", None):
            self.SECRET_KEY = _secret_key(self.VAR_DIR)


class TestingConfig(Config):
    TESTING = True
    __test__ = False  # not a pytest test class, despite its name

    def __init__(self, **overrides) -> None:
        overrides.setdefault("ASYNC_MODE", "threading")
        overrides.setdefault("SECRET_KEY", "testing")
        super().__init__(**overrides)
