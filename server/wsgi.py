"""The WSGI entry for gunicorn (one gevent-websocket worker per hub process).

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 \
             -b 127.0.0.1:5000 server.wsgi:app

Configuration comes from the YIMEN_* environment variables (see docs/configuration.md).
"""

from gevent import monkey

monkey.patch_all()

from server.app import create_app  # noqa: E402
from server.backup import hold_hub_lock  # noqa: E402
from server.config import Config  # noqa: E402

config = Config(ASYNC_MODE="gevent")
hub_lock = hold_hub_lock(config.DATABASE_URL)  # restore refuses while it is held
app = create_app(config)
