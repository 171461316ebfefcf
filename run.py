"""Start the Yimen hub: ``python run.py [--host H] [--port P] [--db URL] [--center FILE]
[--message-queue URL] [--demo]``. Every flag also reads from YIMEN_* environment variables."""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Start the Yimen hub (一门 queue management).")
    parser.add_argument("--host", default=env("YIMEN_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env("YIMEN_PORT", "5000")))
    parser.add_argument("--db", default=env("YIMEN_DB"),
                        help="SQLAlchemy URL; default an SQLite file under ./var/")
    parser.add_argument("--center", default=env("YIMEN_CENTER"),
                        help="center definition file (YAML); default the bundled Haibei demo hall")
    parser.add_argument("--message-queue", default=env("YIMEN_MESSAGE_QUEUE"),
                        help="redis://host:port/N to run several hubs as one")
    parser.add_argument("--demo", action="store_true",
                        default=env("YIMEN_DEMO", "") not in ("", "0", "false"),
                        help="seed demo users and devices and print their credentials")
    parser.add_argument("--var", default=env("YIMEN_VAR"), help="folder for the SQLite file, keys, tickets")
    parser.add_argument("--public-url", default=env("YIMEN_PUBLIC_URL"),
                        help="base URL visitors' phones reach the hub at (printed in the QR code)")
    parser.add_argument("--log-level", default=env("YIMEN_LOG_LEVEL", "INFO"))
    parser.add_argument("--simulate", action="store_true",
                        default=env("YIMEN_SIMULATE", "") not in ("", "0", "false"),
                        help="run the hall simulator against this hub (kiosks, counters, dashboards move)")
    parser.add_argument("--speed", type=float, default=float(env("YIMEN_SIMULATE_SPEED", "30")),
                        help="with --simulate: how many times faster than real time (default 30)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "geventwebsocket.handler", "engineio", "socketio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The flags become the environment the configuration reads.
    for flag, name in (("db", "YIMEN_DB"), ("center", "YIMEN_CENTER"), ("message_queue", "YIMEN_MESSAGE_QUEUE"),
                       ("var", "YIMEN_VAR"), ("public_url", "YIMEN_PUBLIC_URL")):
        value = getattr(args, flag)
        if value:
            os.environ[name] = value

    from hardware.errors import HardwareError
    from server.app import create_app
    from server.config import Config
    from server.db.database import DatabaseConfigError
    from server.queueing.errors import CenterDefinitionError
    from server.serve import make_listener, serve
    from server.services.accounts.demo import seed_demo
    from server.services.accounts.users import set_user_password

    try:
        app = create_app(Config(ASYNC_MODE="gevent"))
    except (CenterDefinitionError, DatabaseConfigError, HardwareError) as exc:
        print(f"yimen: {exc}", file=sys.stderr)
        return 2
    hub = app.extensions["yimen"]
    for change in hub.install.changes:
        print(f"center: {change}")

    admin_password = os.environ.get("YIMEN_ADMIN_PASSWORD")
    if admin_password:
        created = set_user_password(hub, "admin", admin_password, role="admin", name="admin")
        print("admin user created" if created else "admin password reset")
    if args.demo:
        print("demo accounts and devices:")
        for line in seed_demo(hub):
            print(line)

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
