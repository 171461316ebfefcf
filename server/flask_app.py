"""The hub's Flask: Flask and its request with less work per request, the same answers.

``HubFlask`` remembers which functions are not coroutines and binds a request's URL
adapter with the host read once; ``HubRequest`` reads ``MAX_CONTENT_LENGTH`` with one
look-up of the app. ``tests/unit/test_request_pipeline.py`` holds each to Flask's own."""

from __future__ import annotations

from types import FunctionType

from flask import Flask, Request, current_app
from werkzeug.exceptions import BadHost
from werkzeug.routing import MapAdapter
from werkzeug.wsgi import get_host


class HubRequest(Request):
    """Flask's request, reading ``MAX_CONTENT_LENGTH`` through one look-up of the app
    instead of two proxy reads (Flask's property asks ``current_app`` whether it is there,
    then for its config, whenever the body is read)."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:  # set on this request (Flask 3.1)
            return self._max_content_length
        try:
            app = _current_app()
        except RuntimeError:  # no app context: Werkzeug's default, as Flask answers
            return super(Request, self).max_content_length
        return app.config["MAX_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


_current_app = current_app._get_current_object
if not hasattr(Request, "_max_content_length"):  # pragma: no cover - a Flask that keeps it elsewhere
    HubRequest = Request  # noqa: F811 - Flask's own request


class HubFlask(Flask):
    """Flask, remembering which functions it has seen are not coroutines (it asks
    ``inspect.iscoroutinefunction`` for the view and every hook on every request), and
    binding a request's URL adapter with less work."""

    request_class = HubRequest

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: set = set()
        self._server_names: dict[str, str] = {}

    def ensure_sync(self, func):
        if type(func) is not FunctionType:  # bound methods, partials, callable objects: as Flask does
            return super().ensure_sync(func)
        if func in self._sync_functions:  # plain functions: a set bounded by the app's own
            return func
        result = super().ensure_sync(func)
        if result is func:
            self._sync_functions.add(func)
        return result

    def create_url_adapter(self, request):
        """Flask's URL adapter of a request, bound as ``Map.bind_to_environ`` binds it when
        the hub is configured as it is (no ``SERVER_NAME``, ``TRUSTED_HOSTS``, host or
        subdomain matching): Flask reads the host twice (``get_host``) and Werkzeug encodes
        it with IDNA on every request; here once, the encoded name remembered per host."""
        if (request is None or request.trusted_hosts is not None or self.config["TRUSTED_HOSTS"] is not None
                or self.config["SERVER_NAME"] is not None or self.url_map.host_matching or self.subdomain_matching):
            return super().create_url_adapter(request)
        env = request.environ
        host = get_host(env)
        request.host = host
        scheme = env["wsgi.url_scheme"]
        if "HTTP_UPGRADE" in env and env["HTTP_UPGRADE"].lower() == "websocket" and any(
                v.strip(" \t") == "upgrade" for v in env.get("HTTP_CONNECTION", "").lower().split(",")):
            scheme = "wss" if scheme == "https" else "ws"
        server_name = self._server_names.get(host)
        if server_name is None:
            server_name = _encoded_server_name(host.lower())  # BadHost, as Werkzeug, for a bad name
            if len(self._server_names) >= 256:
                self._server_names.clear()  # the Host header is the client's: keep a few
            self._server_names[host] = server_name
        script_name, path_info, query = env.get("SCRIPT_NAME"), env.get("PATH_INFO"), env.get("QUERY_STRING")
        return MapAdapter(
            self.url_map, server_name,
            "/" if script_name is None else script_name.encode("latin1").decode(errors="replace"),
            self.url_map.default_subdomain or "", scheme,
            "/" if path_info is None else path_info.encode("latin1").decode(errors="replace"),
            env["REQUEST_METHOD"],
            None if query is None else query.encode("latin1").decode(errors="replace"))


def _encoded_server_name(server_name: str) -> str:
    """What ``Map.bind`` makes of a (lower-case) host: its name in IDNA, the port kept."""
    name, port_sep, port = server_name.partition(":")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise BadHost() from exc
    return f"{name}{port_sep}{port}"
