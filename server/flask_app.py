"""The hub's Flask: Flask and its request with less work per request, the same answers.

``HubFlask`` remembers which functions are not coroutines, binds a request's URL
adapter with the host read once, skips the hooks and signals nothing is registered for
and turns a view's JSON answer into a response without Flask's general conversion;
``HubRequest`` reads ``MAX_CONTENT_LENGTH`` with one look-up of the app.
``tests/unit/test_request_pipeline.py`` and ``tests/unit/test_flask_steps.py`` hold each
to Flask's own."""

from __future__ import annotations

from types import FunctionType

from flask import Flask, Request, current_app, request
from flask.globals import request_ctx
from flask.signals import (
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)
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

    def close(self) -> None:
        # Werkzeug's closes the uploaded files: none unless the form was parsed with some.
        if self.__dict__.get("files"):
            super().close()


_current_app = current_app._get_current_object
_current_request = request._get_current_object
_current_request_ctx = request_ctx._get_current_object
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

    # Flask's steps of a request, each doing only what is registered: a signal is sent only
    # when it has receivers (blinker sends nothing without), the hooks' tables are looked up
    # only when they hold any. Whatever is registered, each takes Flask's own way.

    def full_dispatch_request(self):
        if request_started.receivers:
            return super().full_dispatch_request()
        self._got_first_request = True
        try:
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def finalize_request(self, rv, from_error_handler: bool = False):
        if request_finished.receivers:
            return super().finalize_request(rv, from_error_handler)
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def preprocess_request(self):
        if self.url_value_preprocessors:
            return super().preprocess_request()
        funcs = self.before_request_funcs
        if not funcs:
            return None
        for name in (None, *reversed(_current_request().blueprints)):
            if name in funcs:
                for before_func in funcs[name]:
                    rv = self.ensure_sync(before_func)()
                    if rv is not None:
                        return rv
        return None

    def process_response(self, response):
        ctx = _current_request_ctx()
        if ctx._after_request_functions or self.after_request_funcs:
            return super().process_response(response)
        if not self.session_interface.is_null_session(ctx._session):
            self.session_interface.save_session(self, ctx._session, response)
        return response

    def do_teardown_request(self, *args):
        if self.teardown_request_funcs or request_tearing_down.receivers:
            return super().do_teardown_request(*args)
        return None

    def do_teardown_appcontext(self, *args):
        if self.teardown_appcontext_funcs or appcontext_tearing_down.receivers:
            return super().do_teardown_appcontext(*args)
        return None

    def make_response(self, rv):
        """Flask's ``make_response``, for a view's JSON answer (a dict or list, alone or
        with an ``int`` status) straight to ``json.response``: what Flask's does with it
        after its checks of every other kind of value. Anything else: Flask's own."""
        kind = type(rv)
        if kind is tuple:
            if len(rv) == 2 and type(rv[1]) is int and type(rv[0]) in _JSON_BODIES:
                response = self.json.response(rv[0])
                response.status_code = rv[1]
                return response
        elif kind in _JSON_BODIES:
            return self.json.response(rv)
        return super().make_response(rv)

    def create_url_adapter(self, request):
        """Flask's URL adapter of a request, bound as ``Map.bind_to_environ`` binds it when
        the hub is configured as it is (no ``SERVER_NAME``, ``TRUSTED_HOSTS``, host or
        subdomain matching): Flask reads the host twice (``get_host``) and Werkzeug encodes
        it with IDNA on every request; here once, the encoded name remembered per host."""
        if request is None:  # an app context's: Flask's needs SERVER_NAME to bind one
            return None if self.config["SERVER_NAME"] is None else super().create_url_adapter(request)
        if (request.trusted_hosts is not None or self.config["TRUSTED_HOSTS"] is not None
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


_JSON_BODIES = (dict, list)


def _encoded_server_name(server_name: str) -> str:
    """What ``Map.bind`` makes of a (lower-case) host: its name in IDNA, the port kept."""
    name, port_sep, port = server_name.partition(":")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise BadHost() from exc
    return f"{name}{port_sep}{port}"
