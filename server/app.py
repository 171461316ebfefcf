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

from .config import Config
from .i18n import init_i18n

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
    app = Flask(__name__, static_folder=str(Path(__file__).with_name("static")),
                static_url_path="/static")
    app.config.from_object(config)
    app.json.ensure_ascii = False
    app.session_interface = NoCookieSessions()
    clock = clock or SystemClock()

    db = Database(app.config["DATABASE_URL"])
    db.check_connection()
    center_file = app.config.get("CENTER_FILE")
    if center_file:
        center, source = load_center_file(center_file), str(center_file)
    else:
        center, source = load_demo_center(), str(DEMO_CENTER_PATH)
    install = install_center(db, center, source, clock)

    from server.realtime.dirty_bus import LocalBus, RedisBus
    from server.realtime.publisher import SocketPublisher

    socketio.init_app(
        app,
        async_mode=app.config.get("ASYNC_MODE"),
        message_queue=app.config.get("MESSAGE_QUEUE"),
        channel=app.config.get("MESSAGE_QUEUE_CHANNEL", "yimen"),
        cors_allowed_origins=app.config.get("CORS_ORIGINS"),
    )
    bus = (RedisBus(app.config["MESSAGE_QUEUE"], app.config.get("MESSAGE_QUEUE_CHANNEL", "yimen"))
           if app.config.get("MESSAGE_QUEUE") else LocalBus())
    publisher = SocketPublisher(socketio, app.config["FLUSH_INTERVAL_S"], bus)
    hub = Hub(db, install.center, clock=clock, publisher=publisher,
              settings=HubSettings(token_ttl_s=app.config["TOKEN_TTL_S"],
                                   public_url=app.config.get("PUBLIC_URL")))
    publisher.bind(hub)
    app.extensions["yimen"] = hub
    app.extensions["yimen_printing"] = _print_service(app, hub)
    app.extensions["yimen_install"] = install

    init_i18n(app, babel)

    from server.api import bp as api_bp
    from server.api.errors import register_error_handlers
    from server.realtime.namespaces import register as register_namespaces

    app.register_blueprint(api_bp)
    register_error_handlers(app)
    register_namespaces(socketio)
    _register_pages(app)
    publisher.start()
    socketio.start_background_task(_close_days_forever, hub)
    # Once the hub runs (not before: a start that fails says one line and nothing else).
    socketio.start_background_task(_warn_unknown_years, hub)

    @app.get("/")
    def index():
        return redirect(url_for("kiosk.index"))

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "center": hub.center.name}

    return app


def _warn_unknown_years(hub: Hub) -> None:
    """Say at start which years the working calendar only guesses (weekdays only)."""
    from server.holiday_source import calendar_warnings

    for line in calendar_warnings(hub.calendar, hub.today()):
        logging.getLogger("yimen.calendar").warning(line)


def _print_service(app: Flask, hub: Hub):
    """Kiosk printing: agents, network printers named per kiosk, the hub's own printer."""
    from server.services.printing import (
        BackgroundTasks,
        PrintService,
        PrintSettings,
        parse_device_printers,
    )

    settings = PrintSettings(
        hub_printer=app.config.get("PRINTER"),
        device_printers=parse_device_printers(app.config.get("KIOSK_PRINTERS")),
        header=app.config.get("TICKET_HEADER"),
        footer=app.config.get("TICKET_FOOTER", PrintSettings.footer),
    )
    return PrintService(hub, settings, BackgroundTasks(socketio))


def _close_days_forever(hub: Hub) -> None:
    """Close what earlier service days left open: at start, then every minute."""
    from server.services.day_close import close_past_days

    while not hub.stopping.is_set():
        try:
            close_past_days(hub)
        except Exception:  # noqa: BLE001 - a database hiccup: try again next minute
            logging.getLogger(__name__).exception("closing past service days failed")
        for _ in range(60):
            if hub.stopping.is_set():
                return
            socketio.sleep(1)


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
    try:
        from display.phone import bp as phone_bp
    except ImportError:
        phone_bp = None
    if phone_bp is not None:
        app.register_blueprint(phone_bp)
