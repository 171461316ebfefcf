"""Which pages a walk-in's ticket writes into SQLite's write-ahead log, by b-tree.

    python -m bench.wal_pages [--warm 500] [--tickets 100]

The real app in-process (``bench.pipeline_bench``'s app and environ, SQLite): ``--warm``
tickets issued, the WAL emptied (``PRAGMA wal_checkpoint(TRUNCATE)``), ``--tickets`` more
issued; then every WAL frame's page number is mapped to its table or index with SQLite's
``dbstat`` table. Each commit writes one frame per page it changed, so the frames per
commit are the pages a ticket writes.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import struct  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.pipeline_bench import KIOSK_KEY, build_app, call, environ  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=500)
    parser.add_argument("--tickets", type=int, default=100)
    args = parser.parse_args(argv)
    var = Path(tempfile.mkdtemp(prefix="yimen-wal-"))
    app = build_app(None, var)
    hub = app.extensions["yimen"]
    try:
        path = hub.db.url.database
        center = json.loads(call(app, environ("GET", "/api/v1/center"))[1])
        matters = [m["id"] for m in center["matters"]][:40]

        def issue(n: int) -> None:
            body = b'{"matter_id":"%s","idempotency_key":"wal-%d"}' % (matters[n % len(matters)].encode(), n)
            status, answer = call(app, environ("POST", "/api/v1/tickets", body, {"X-Device-Key": KIOSK_KEY}))
            assert status.startswith("201"), (status, answer[:300])

        for n in range(args.warm):
            issue(n)
        with sqlite3.connect(path) as raw:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for n in range(args.warm, args.warm + args.tickets):
            issue(n)
        wal = Path(path + "-wal").read_bytes()
        page_size = struct.unpack(">I", wal[8:12])[0]
        frames, commits, offset = [], 0, 32
        while offset + 24 <= len(wal):
            page, commit = struct.unpack(">II", wal[offset:offset + 8])
            frames.append(page)
            commits += commit != 0
            offset += 24 + page_size
        with sqlite3.connect(path) as raw:
            owner = {page: name for name, page in raw.execute("SELECT name, pageno FROM dbstat")}
        owner[1] = "page 1 (the file's header)"
        print(f"{len(frames)} WAL frames in {commits} commits: {len(frames) / max(commits, 1):.2f} a ticket")
        for name, count in collections.Counter(owner.get(p, "free") for p in frames).most_common():
            print(f"  {count / max(commits, 1):5.2f}  {name}")
    finally:
        hub.stop()
        hub.db.dispose()
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
