"""The ``yimen`` command (and ``python run.py``): start a hub, or back up and restore one.

    yimen [--host H] [--port P] [--db URL] [--center FILE] [--message-queue URL] [--demo] ...
    yimen backup PATH [--db URL | --var DIR]
    yimen restore PATH [--db URL | --var DIR] [--force]

Every flag also reads from a ``YIMEN_*`` environment variable. Importing this module
monkey-patches the standard library for gevent: it is the process's entry point
(``run.py`` and the ``yimen`` console script), imported before anything else.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

COMMANDS = ("backup", "restore")


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0", "false")


def parse_args(argv=None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="yimen", description="Start the Yimen hub (一门 queue management).",
        epilog="Other commands: `yimen backup PATH` and `yimen restore PATH` (see `yimen backup --help`).")
    parser.add_argument("--host", default=env("YIMEN_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("YIMEN_PORT", "5000")))
    parser.add_argument("--db", default=env("YIMEN_DB"),
                        help="SQLAlchemy URL; default an SQLite file under ./var/")
    parser.add_argument("--center", default=env("YIMEN_CENTER"),
                        help="center definition file (YAML); default the bundled Haibei demo hall")
    parser.add_argument("--message-queue", default=env("YIMEN_MESSAGE_QUEUE"),
                        help="redis://host:port/N to run several hubs as one")
    parser.add_argument("--demo", action="store_true", default=_env_flag("YIMEN_DEMO"),
                        help="create the demo users and devices that do not exist yet and print their "
                             "credentials (never changes an existing account's password)")
    parser.add_argument("--var", default=env("YIMEN_VAR"), help="folder for the SQLite file, keys, tickets")
    parser.add_argument("--public-url", default=env("YIMEN_PUBLIC_URL"),
                        help="base URL visitors' phones reach the hub at (printed in the QR code)")
    parser.add_argument("--log-level", default=env("YIMEN_LOG_LEVEL", "INFO"))
    parser.add_argument("--simulate", action="store_true", default=_env_flag("YIMEN_SIMULATE"),
                        help="run the hall simulator against this hub (kiosks, counters, dashboards move)")
    parser.add_argument("--speed", type=float, default=float(env("YIMEN_SIMULATE_SPEED", "30")),
                        help="with --simulate: how many times faster than real time (default 30)")
    return parser.parse_args(argv)


def export_flags(args: argparse.Namespace) -> None:
    """The flags become the environment the configuration reads."""
    for flag, name in (("db", "YIMEN_DB"), ("center", "YIMEN_CENTER"), ("message_queue", "YIMEN_MESSAGE_QUEUE"),
                       ("var", "YIMEN_VAR"), ("public_url", "YIMEN_PUBLIC_URL")):
        value = getattr(args, flag, None)
        if value:
            os.environ[name] = value


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        from server.backup_cli import run_command

        return run_command(argv[0], argv[1:])
    return serve_hub(parse_args(argv))


def serve_hub(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "geventwebsocket.handler", "engineio", "socketio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    export_flags(args)

    from hardware.errors import HardwareError
    from server.app import create_app
    from server.backup import BackupError, hold_hub_lock
    from server.config import Config
    from server.db.database import DatabaseConfigError
    from server.queueing.errors import CenterDefinitionError
    from server.serve import make_listener, serve
    from server.services.accounts.demo import seed_demo
    from server.services.accounts.users import set_user_password

    config = Config(ASYNC_MODE="gevent")
    try:
        lock = hold_hub_lock(config.DATABASE_URL)  # held until the process ends; restore checks it
        app = create_app(config)
    except (BackupError, CenterDefinitionError, DatabaseConfigError, HardwareError) as exc:
        print(f"yimen: {exc}", file=sys.stderr)
        return 2
    hub = app.extensions["yimen"]
    for change in hub.install.changes:
        print(f"center: {change}")

    # The demo only adds what is missing; the operator's password is set after it, so
    # it always wins, on a fresh database and on one that has run the demo before.
    admin_password = os.environ.get("YIMEN_ADMIN_PASSWORD")
    if args.demo:
        print("demo accounts and devices:")
        for line in seed_demo(hub, skip={"admin"} if admin_password else ()):
            print(line)
    if admin_password:
        created = set_user_password(hub, "admin", admin_password, role="admin", name="admin")
        print("admin user created" if created else "admin password set from YIMEN_ADMIN_PASSWORD")

    if args.simulate:
        from server.simulation.live import start_live

        start_live(hub, args.speed)
        print(f"simulating the hall at {args.speed:g}x real time")

    try:
        listener = make_listener(args.host, args.port)
    except OSError as exc:
        print(f"yimen: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    host, port = listener.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Yimen hub for {hub.center.name} listening on http://{shown}:{port}", flush=True)
    try:
        serve(app, listener)
    except KeyboardInterrupt:
        pass
    finally:
        if lock is not None:
            lock.close()
    return 0
