"""The application factory: one hub per process, every blueprint and namespace bound here."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, redirect, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_socketio import SocketIO

from server.center_file import DEMO_CENTER_PATH, load_center_file, load_demo_center
from server.db.database import Database
from server.queueing.clock import Clock, SystemClock
from server.services.center_setup import install_center
from server.services.hub import Hub, HubSettings
from server.services.tasks import BackgroundTasks

from .config import Config
from .flask_app import HubFlask
from .i18n import init_i18n
from .json_provider import FastJSONProvider

socketio = SocketIO()
babel = Babel()


class NoCookieSessions(SecureCookieSessionInterface):
    """The hub keeps no cookie sessions (staff carry bearer tokens, kiosks device keys):
    skip loading and signing one on every request."""

    def open_session(self, app, request):
        return self.null_session_class()

    def save_session(self, app, session, response) -> None:
        return None


def create_app(config: Config | None = None, *, clock: Clock | None = None) -> Flask:
    """Build the hub. Raises CenterDefinitionError, CenterUpdateRefusedError or
    DatabaseConfigError with a one-line message when the center or database is bad."""
    config = config or Config()
    app = HubFlask(__name__, static_folder=str(Path(__file__).with_name("static")),
                static_url_path="/static")
    app.config.from_object(config)
    app.json = FastJSONProvider(app)
    app.json.ensure_ascii = False
    app.session_interface = NoCookieSessions()

    hub = _build_hub(app, clock or SystemClock())
    app.extensions["yimen"] = hub  # the one extension key: everything else hangs off the hub
    if app.config.get("COUNT_ROUND_TRIPS"):
        _count_round_trips(hub, Path(app.config["COUNT_ROUND_TRIPS"]))

    init_i18n(app, babel)

    from server.api import bp as api_bp
    from server.api.errors import register_error_handlers
    from server.api.limits import init_limits
    from server.api.security import init_security_headers
    from server.realtime.namespaces import register as register_namespaces

    app.register_blueprint(api_bp)
    register_error_handlers(app)
    register_namespaces(socketio)
    _register_pages(app)
    init_limits(app)  # after every blueprint: it binds the views marked @limited
    init_security_headers(app)
    _trust_proxies(app)
    hub.publisher.start()
    hub.tasks.spawn(hub.db.warm)  # PostgreSQL: the pools' connections opened ahead of the first burst
    hub.tasks.spawn(_close_days_forever, hub)
    # SQLite: the WAL copied back into the database file in a thread, off the hub's loop
    hub.tasks.spawn(hub.db.checkpoint_forever, hub.tasks.blocking, hub.stopping)
    from server.services.booking import housekeeping

    hub.tasks.spawn(housekeeping.run_forever, hub)  # no-shows, strikes, the purge
    hub.supervision.start()  # 电子监察: the rules, continuously, until hub.stopping
    from server.realtime import revocation_watch

    revocation_watch.start(hub, socketio)  # revoked tokens and keys lose their sockets
    # Once the hub runs (not before: a start that fails says one line and nothing else).
    hub.tasks.spawn(_warn_unknown_years, hub)
    from server.services.partners.delivery import deliver_forever

    hub.tasks.spawn(deliver_forever, hub)
    _warn_public_url(hub)

    @app.get("/")
    def index():
        return redirect(url_for("kiosk.index"))

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "center": hub.center.name}

    return app


def _warn_public_url(hub: Hub) -> None:
    """Say at start when the QR code on a ticket may carry an address phones cannot open."""
    from server.services.issuing.public_address import start_warning

    warning = start_warning(hub.settings.public_url)
    if warning:
        logging.getLogger("yimen.tickets").warning(warning)


def _warn_unknown_years(hub: Hub) -> None:
    """Say at start which years the working calendar only guesses (weekdays only)."""
    from server.holiday_source import calendar_warnings

    for line in calendar_warnings(hub.calendar, hub.today()):
        logging.getLogger("yimen.calendar").warning(line)


def _trust_proxies(app: Flask) -> None:
    """Behind nginx (``YIMEN_TRUSTED_PROXIES=1``) the client address, which rate limits
    count by, is taken from ``X-Forwarded-For`` as set by that many proxies."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _build_hub(app: Flask, clock: Clock) -> Hub:
    """The process: database, center, Socket.IO, and every per-process object, from the
    configuration, all hung off one ``Hub``."""
    from display.voice import Voice
    from server.realtime.dirty_bus import LocalBus, RedisBus
    from server.realtime.publisher import SocketPublisher
    from server.realtime.queue_link import QueueLink
    from server.realtime.redis_queue import client_manager
    from server.realtime.revocation_watch import ConnectionWatch
    from server.services.reporting.monitor import ManagerMonitor

    config = app.config
    db = Database(config["DATABASE_URL"], checkpoint_aside=True)  # hub.tasks runs the checkpoints
    db.check_connection()
    center_file = config.get("CENTER_FILE")
    if center_file:
        center, source = load_center_file(center_file), str(center_file)
    else:
        center, source = load_demo_center(), str(DEMO_CENTER_PATH)
    install = install_center(db, center, source, clock)

    link = QueueLink()
    manager = client_manager(config, link)
    socketio.init_app(
        app,
        async_mode=config.get("ASYNC_MODE"),
        message_queue=config.get("MESSAGE_QUEUE"),
        channel=config.get("MESSAGE_QUEUE_CHANNEL", "yimen"),
        cors_allowed_origins=config.get("CORS_ORIGINS"),
        # ours for Redis (short reconnection waits); None: one hub alone
        **({"client_manager": manager} if manager or not config.get("MESSAGE_QUEUE") else {}),
    )
    bus = (RedisBus(config["MESSAGE_QUEUE"], config.get("MESSAGE_QUEUE_CHANNEL", "yimen"),
                    link=link, retry_max_s=float(config.get("MQ_RETRY_MAX_S", 5)))
           if config.get("MESSAGE_QUEUE") else LocalBus())
    publisher = SocketPublisher(socketio, config["FLUSH_INTERVAL_S"], bus)
    hub = Hub(db, install.center, clock=clock, publisher=publisher, tasks=BackgroundTasks(socketio),
              settings=HubSettings(token_ttl_s=config["TOKEN_TTL_S"],
                                   public_url=config.get("PUBLIC_URL"),
                                   secret_key=config["SECRET_KEY"],
                                   personal_data_days=config["PERSONAL_DATA_DAYS"],
                                   appointments_interval_s=config["APPOINTMENTS_INTERVAL_S"]))
    publisher.bind(hub)
    link.bind(hub)
    hub.link = link
    hub.connections = ConnectionWatch()
    hub.install = install
    hub.printing = _print_service(config, hub)
    voice_dir = Path(config["VOICE_DIR"])
    hub.voice = Voice(voice_dir / "clips", voice_dir / "human", blocking=hub.tasks.blocking)
    hub.monitor = ManagerMonitor(hub, config["DASHBOARD_INTERVAL_S"], _thresholds(config))
    hub.partners = _partners(config)
    from server.services.supervision.watch import SupervisionWatch

    hub.supervision = SupervisionWatch(hub, config["SUPERVISION_INTERVAL_S"])
    return hub


def _count_round_trips(hub: Hub, path: Path) -> None:
    """Count what reaches the database per endpoint (``background``: the hub's own loops)
    and keep the counts in ``path``, rewritten every half second; a benchmark's tool."""
    import json

    from flask import has_request_context, request

    def label() -> str:
        return (request.endpoint or "unknown") if has_request_context() else "background"

    counter = hub.db.count_round_trips(label)

    def write_forever() -> None:
        while True:
            written = path.with_name(path.name + ".tmp")  # whole, never half-written for a reader
            written.write_text(json.dumps(counter.snapshot(), indent=1))
            written.replace(path)
            if hub.stopping.wait(0.5):
                return

    hub.tasks.spawn(write_forever)


def _partners(config):
    from server.services.partners.access import Partners, PartnerSettings
    from server.services.partners.secret_box import SecretBox

    given = {k: v for k, v in (config.get("PARTNER_SETTINGS") or {}).items() if v is not None}
    return Partners(SecretBox(config["SECRET_KEY"]), PartnerSettings(**given))


def _thresholds(config):
    from server.services.reporting.alerts import Thresholds

    given = {field: config.get(key) for field, key in (
        ("long_wait_s", "ALERT_LONG_WAIT_S"), ("unattended_s", "ALERT_UNATTENDED_S"),
        ("called_not_started_s", "ALERT_CALLED_S"))}
    return Thresholds(**{field: value for field, value in given.items() if value is not None})


def _print_service(config, hub: Hub):
    """Kiosk printing: agents, network printers named per kiosk, the hub's own printer."""
    from server.services.issuing.printing import PrintService, PrintSettings, parse_device_printers

    settings = PrintSettings(
        hub_printer=config.get("PRINTER"),
        device_printers=parse_device_printers(config.get("KIOSK_PRINTERS")),
        window_printers=parse_device_printers(config.get("WINDOW_PRINTERS")),
        header=config.get("TICKET_HEADER"),
        footer=config.get("TICKET_FOOTER", PrintSettings.footer),
        font_path=config.get("CJK_FONT"),
    )
    return PrintService(hub, settings)


def _close_days_forever(hub: Hub) -> None:
    """Close what earlier service days left open: at start, then every minute."""
    from server.services.day_close import close_past_days

    while not hub.stopping.is_set():
        try:
            close_past_days(hub)
        except Exception:  # noqa: BLE001 - a database hiccup: try again next minute
            logging.getLogger(__name__).exception("closing past service days failed")
        hub.stopping.wait(60)


def _register_pages(app: Flask) -> None:
    from counter import bp as counter_bp
    from display import bp as display_bp
    from kiosk import bp as kiosk_bp

    app.register_blueprint(kiosk_bp)
    app.register_blueprint(display_bp)
    app.register_blueprint(counter_bp)
    from manager import bp as manager_bp

    app.register_blueprint(manager_bp)
    from rate import bp as rate_bp

    app.register_blueprint(rate_bp)
    from book import bp as book_bp

    app.register_blueprint(book_bp)
    try:
        from display.phone import bp as phone_bp
    except ImportError:
        phone_bp = None
    if phone_bp is not None:
        app.register_blueprint(phone_bp)
