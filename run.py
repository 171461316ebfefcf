"""Start the Yimen hub: ``python run.py [--host H] [--port P] [--db URL] [--center FILE]
[--message-queue URL] [--demo]``; ``python run.py backup PATH`` and ``restore PATH``.
The same as the installed ``yimen`` command (``server/cli.py``). Every flag also reads
from YIMEN_* environment variables."""

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from server.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
