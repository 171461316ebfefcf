"""``yimen backup PATH`` and ``yimen restore PATH``: the command lines over server/backup.py.

The database is found as the hub finds it (``--db``/``YIMEN_DB``, else the SQLite file
under ``--var``/``YIMEN_VAR``), so the same environment file serves both. Exit status 0
when done, 2 with a one-line ``yimen: ...`` message when not.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .backup import (
    BackupError,
    backup_postgres,
    backup_sqlite,
    parse_url,
    restore_postgres,
    restore_sqlite,
)


def _parser(command: str) -> argparse.ArgumentParser:
    env = os.environ.get
    if command == "backup":
        parser = argparse.ArgumentParser(
            prog="yimen backup", description="Copy the database of a hub, also while it runs. "
            "SQLite: an online copy with the SQLite backup API; PostgreSQL: pg_dump --format=custom.")
        parser.add_argument("path", type=Path,
                            help="the backup file, or a folder: then a dated yimen-YYYYmmdd-HHMMSS file in it")
        parser.add_argument("--keep", type=int, default=0,
                            help="with a folder: keep only the newest N dated backups (default: keep all)")
    else:
        parser = argparse.ArgumentParser(
            prog="yimen restore", description="Bring a backup back as the hub's database. Stop the hub first: "
            "restore refuses a database in use. SQLite: the database it replaces is kept beside it.")
        parser.add_argument("path", type=Path, help="a file written by yimen backup")
    parser.add_argument("--db", default=env("YIMEN_DB"), help="SQLAlchemy URL; default the SQLite file under --var")
    parser.add_argument("--var", default=env("YIMEN_VAR"), help="the hub's data folder (default ./var)")
    return parser


def _database_url(args: argparse.Namespace) -> str:
    if args.db:
        return args.db
    if args.var:
        os.environ["YIMEN_VAR"] = args.var
    from .config import Config

    return Config(SECRET_KEY="not needed to copy a database").DATABASE_URL


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"


def run_command(command: str, argv: list[str]) -> int:
    args = _parser(command).parse_args(argv)
    try:
        url = parse_url(_database_url(args))
        if command == "backup":
            backup = backup_sqlite if url.get_backend_name() == "sqlite" else backup_postgres
            result = backup(url, args.path, keep=max(0, args.keep))
            counted = f", {result.tickets} tickets" if result.tickets is not None else ""
            print(f"backup written to {result.path} ({_size(result.size)}{counted}, {result.seconds:.1f} s)")
            for old in result.removed:
                print(f"removed old backup {old}")
        elif url.get_backend_name() == "sqlite":
            kept = restore_sqlite(url, args.path)
            print(f"restored {args.path} into {url.database}")
            if kept:
                print(f"the database it replaced is kept as {kept}")
        else:
            restore_postgres(url, args.path)
            print(f"restored {args.path} into database {url.database}")
    except BackupError as exc:
        print(f"yimen: {exc}", file=sys.stderr)
        return 2
    return 0
