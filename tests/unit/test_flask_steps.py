"""``HubFlask``'s steps of a request and ``FastJSONProvider``'s answers against Flask's own:
the same status, headers and body for every kind of view return, refusal and error, with
no hooks registered (the quick way) and with each kind of hook or signal (Flask's way);
the JSON answer and the body reading byte for byte as Flask's provider gives them."""

from __future__ import annotations

import datetime
import decimal
import json
import math
import uuid

import flask
import pytest
from flask import Flask, abort, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from server.flask_app import HubFlask
from server.json_provider import FastJSONProvider


def _app(cls, *, hooks: str = ""):
    app = cls(__name__)
    app.json = FastJSONProvider(app)
    app.json.ensure_ascii = False
    calls: list = []
    app.config["calls"] = calls
    from server.api.security import init_security_headers

    bp = flask.Blueprint("bp", __name__)

    @app.get("/dict")
    def a_dict():
        return {"b": 1, "a": ["é", None, 1.5, True], "z": {"y": datetime.date(2026, 3, 2)}}

    @app.post("/created")
    def created():
        return {"id": 7, "got": request.get_json()}, 201

    @app.get("/list")
    def a_list():
        return [1, "two", {"3": 3}], 200

    @app.get("/text")
    def text():
        return "plain ünï"

    @app.get("/with-headers")
    def with_headers():
        return {"ok": True}, 202, {"X-A": "1"}

    @app.get("/status-text")
    def status_text():
        return {"ok": True}, "299 Odd"

    @app.get("/bool-status")
    def bool_status():
        return {"ok": True}, True

    @app.get("/response")
    def response():
        return jsonify(ok=True)

    @app.get("/empty")
    def empty():
        return "", 204

    @app.get("/abort")
    def aborting():
        abort(409)

    @app.get("/boom")
    def boom():
        raise KeyError("x")

    @app.get("/nonstr-keys")
    def nonstr_keys():
        return {1: "a", "b": decimal.Decimal("1.5"), "u": uuid.UUID(int=5), "big": 2**70}

    @app.get("/nan")
    def nan():
        return {"x": math.nan}

    @app.get("/none")
    def none():
        return None

    @app.route("/options", methods=["GET", "POST"])
    def options():
        return {"method": request.method}

    @bp.get("/bp")
    def in_blueprint():
        return {"g": g.get("marked")}

    @app.errorhandler(KeyError)
    def key_error(exc):
        return {"error": str(exc)}, 500

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return {"error": exc.name}, exc.code

    if "before" in hooks:
        @bp.before_request
        def mark():
            g.marked = "yes"
            calls.append("before")
            if request.args.get("stop"):
                return {"stopped": True}, 418
            return None
    if "url_value" in hooks:
        @app.url_value_preprocessor
        def url_value(endpoint, values):
            calls.append(("url_value", endpoint))
    if "after" in hooks:
        @app.after_request
        def after(response):
            response.headers["X-After"] = "1"
            calls.append("after")
            return response
    if "teardown" in hooks:
        @app.teardown_request
        def teardown(exc):
            calls.append(("teardown", type(exc).__name__))

        @app.teardown_appcontext
        def teardown_app(exc):
            calls.append(("teardown_app", type(exc).__name__))
    app.register_blueprint(bp)
    init_security_headers(app)
    return app


PATHS = [("GET", "/dict"), ("POST", "/created"), ("GET", "/list"), ("GET", "/text"), ("GET", "/with-headers"),
         ("GET", "/status-text"), ("GET", "/bool-status"), ("GET", "/response"), ("GET", "/empty"),
         ("GET", "/abort"), ("GET", "/boom"), ("GET", "/nonstr-keys"), ("GET", "/nan"), ("GET", "/none"),
         ("OPTIONS", "/options"), ("HEAD", "/dict"), ("DELETE", "/dict"), ("GET", "/missing"), ("GET", "/bp"),
         ("GET", "/bp?stop=1"), ("HEAD", "/created")]


def _answers(app):
    client = app.test_client()
    answers = []
    for method, path in PATHS:
        answer = client.open(path, method=method, json={"é": [1, 2]} if method == "POST" else None)
        answers.append((method, path, answer.status, list(answer.headers), answer.get_data()))
    return answers, app.config["calls"]


@pytest.mark.parametrize("hooks", ["", "before", "before,url_value", "after", "teardown",
                                   "before,url_value,after,teardown"])
def test_the_same_answers_as_flasks(hooks):
    ours, our_calls = _answers(_app(HubFlask, hooks=hooks))
    theirs, their_calls = _answers(_app(Flask, hooks=hooks))
    assert ours == theirs
    assert our_calls == their_calls
    assert ("GET", "/dict", "200 OK") == ours[0][:3] and ours[0][4].endswith(b"\n")


@pytest.mark.parametrize("signal", ["request_started", "request_finished", "request_tearing_down",
                                    "appcontext_tearing_down"])
def test_signals_with_receivers_are_sent(signal):
    def answers_and_seen(cls):
        seen = []

        def receiver(sender, **extra):
            seen.append((signal, sorted(extra)))

        getattr(flask.signals, signal).connect(receiver)
        try:
            answers, _ = _answers(_app(cls, hooks="before"))
        finally:
            getattr(flask.signals, signal).disconnect(receiver)
        return answers, seen

    ours, our_seen = answers_and_seen(HubFlask)
    theirs, their_seen = answers_and_seen(Flask)
    assert ours == theirs
    assert our_seen == their_seen and len(our_seen) == len(PATHS)


def test_an_after_request_function_of_one_request_runs():
    for cls in (HubFlask, Flask):
        app = _app(cls)

        @app.get("/later")
        def later():
            flask.after_this_request(lambda response: (response.headers.set("X-Later", "1"), response)[1])
            return {"ok": True}

        assert app.test_client().get("/later").headers["X-Later"] == "1"


def test_a_json_answer_takes_the_quick_ways(monkeypatch):
    app = _app(HubFlask)
    app.test_client().get("/dict")  # the response class checked against its constructor, once
    monkeypatch.setattr(Flask, "make_response", lambda self, rv: pytest.fail("Flask's make_response"))
    monkeypatch.setattr(Flask, "process_response", lambda self, rv: pytest.fail("Flask's process_response"))
    monkeypatch.setattr(Flask, "do_teardown_request", lambda self, *a: pytest.fail("Flask's teardown"))
    monkeypatch.setattr(DefaultJSONProvider, "response", lambda self, *a, **k: pytest.fail("Flask's response"))
    monkeypatch.setattr(app.response_class, "__init__", lambda self, *a, **k: pytest.fail("Response()"))
    from werkzeug.test import EnvironBuilder

    started = []
    environ = EnvironBuilder("/created", method="POST", json={"a": 1}).get_environ()
    body = b"".join(app.wsgi_app(environ, lambda status, headers, exc_info=None: started.append(status)))
    assert started == ["201 CREATED"] and json.loads(body) == {"id": 7, "got": {"a": 1}}


# --- the JSON answer and the body reading against Flask's provider ---

class Before(FastJSONProvider):
    """The hub's provider before its own ``response`` and ``loads``: Flask's, writing
    through the hub's ``dumps`` (orjson, which writes NaN and infinities as ``null``
    where the standard library writes ``NaN``/``Infinity``: kept as it was)."""

    response = DefaultJSONProvider.response
    loads = DefaultJSONProvider.loads


BODIES = [
    {}, [], {"a": 1}, {"b": [1, 2.5, None, True, False], "a": "é中\u2028\x00\"\\"}, {"z": {"y": {"x": []}}},
    {"when": datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)},
    {"d": decimal.Decimal("2.50"), "u": uuid.UUID(int=1)}, {1: "non-string key"}, {"big": 2**64},
    {"nan": math.inf}, ["ünï"], {"k" * 300: "v" * 5000},
]


def _json_apps():
    for debug in (False, True):
        for compact in (None, True, False):
            for mimetype in ("application/json", "application/vnd.yimen+json", "text/json"):
                ours, theirs = Flask("ours"), Flask("theirs")
                ours.json, theirs.json = FastJSONProvider(ours), Before(theirs)
                for app in (ours, theirs):
                    app.debug = debug
                    app.json.ensure_ascii = False
                    app.json.compact = compact
                    app.json.mimetype = mimetype
                    from server.api.security import init_security_headers

                    init_security_headers(app)
                yield ours, theirs


def _same(ours, theirs):
    assert type(ours).__mro__[1:] == type(theirs).__mro__[1:]
    assert ours.__dict__.keys() == theirs.__dict__.keys()
    assert (ours.status, list(ours.headers), ours.get_data(), ours.response, ours.direct_passthrough) == (
        theirs.status, list(theirs.headers), theirs.get_data(), theirs.response, theirs.direct_passthrough)


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_the_same_json_answer_as_flasks(body):
    for ours, theirs in _json_apps():
        with ours.app_context():
            mine = ours.json.response(body)
        with theirs.app_context():
            flasks = theirs.json.response(body)
        _same(mine, flasks)
        mine.status_code = flasks.status_code = 401  # as error_response sets it afterwards
        mine.headers["WWW-Authenticate"] = flasks.headers["WWW-Authenticate"] = "Bearer"
        _same(mine, flasks)


def test_a_json_answer_is_flasks_byte_for_byte():
    ours, theirs = Flask("ours"), Flask("theirs")
    ours.json, theirs.json = FastJSONProvider(ours), DefaultJSONProvider(theirs)
    for body in BODIES:
        if body == {"nan": math.inf}:
            continue  # the hub's dumps writes null (see Before)
        with ours.app_context():
            mine = ours.json.response(body)
        with theirs.app_context():
            flasks = theirs.json.response(body)
        _same(mine, flasks)


def test_other_arguments_and_response_classes_take_flasks_way():
    for ours, theirs in _json_apps():
        for args, kwargs in (((), {}), ((1, 2), {}), ((), {"a": 1}), (("text",), {}), ((None,), {})):
            with ours.app_context():
                mine = ours.json.response(*args, **kwargs)
            with theirs.app_context():
                flasks = theirs.json.response(*args, **kwargs)
            _same(mine, flasks)

    class Own(flask.Response):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.headers["X-Own"] = "1"

    app = Flask("own")
    app.json = FastJSONProvider(app)
    app.response_class = Own
    with app.app_context():
        assert app.json.response({"a": 1}).headers["X-Own"] == "1"


DOCUMENTS = [
    b'{"matter_id":"m1","priority":false}', b"[]", b"{}", b" \n{\"a\" : [1, -0, 0.1, 1e5, -2.5E-3]}\t",
    b'{"a":1,"a":2}', b'{"s":"\\u00e9\\ud83d\\ude00\\n"}', '{"s":"é中"}'.encode(), '{"s":"é"}',
    b'{"lone":"\\ud800"}', b'{"x":NaN}', b'{"x":Infinity,"y":-Infinity}', b'{"big":123456789012345678901234567890}',
    b'{"neg":-9223372036854775809}', b'{"u64":18446744073709551615}', b'{"f":1e400}', b'{"f":1e-400}',
    b'{"f":0.30000000000000004,"g":5e-324,"h":1.7976931348623157e308}', b"\xef\xbb\xbf{}", '{"a":1}'.encode("utf-16"),
    b'{"a":1', b"{'a':1}", b'{"a":1,}', b"", b"   ", b'"text"', b"12", b"null", b'{"ctl":"a\x01b"}',
    b'{"bad":"\xff"}', b"[" * 2000 + b"]" * 2000, b'{"a":1} x', b'{"a":true}\x00',
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_bodies_read_as_the_standard_library_reads_them(document):
    provider = FastJSONProvider(Flask("reader"))

    def outcome(loads):
        try:
            return "ok", loads(document)
        except Exception as exc:  # noqa: BLE001 - the kind of error is what is compared
            return "error", type(exc)

    ours, theirs = outcome(provider.loads), outcome(json.loads)
    assert ours[0] == theirs[0]
    if ours[0] == "ok":
        assert json.dumps(ours[1]) == json.dumps(theirs[1])  # -0.0, NaN and key order included
        assert repr(ours[1]) == repr(theirs[1])
    else:
        assert ours[1] is theirs[1]


def test_the_hub_reads_a_body_with_orjson(monkeypatch):
    app = _app(HubFlask)
    monkeypatch.setattr(DefaultJSONProvider, "loads", lambda self, s, **k: pytest.fail("json.loads"))
    assert app.test_client().post("/created", json={"a": [1]}).get_json() == {"id": 7, "got": {"a": [1]}}


@pytest.mark.parametrize("server_name", [None, "hub.example:5300"])
def test_an_app_contexts_url_adapter_as_flasks(server_name):
    ours, theirs = HubFlask("ours"), Flask("theirs")
    for app in (ours, theirs):
        app.config["SERVER_NAME"] = server_name
        app.add_url_rule("/a/<x>", "a", lambda x: x)
    mine, flasks = ours.create_url_adapter(None), theirs.create_url_adapter(None)
    if server_name is None:
        assert mine is None and flasks is None
    else:
        assert (mine.server_name, mine.script_name, mine.url_scheme, mine.build("a", {"x": 1})) == (
            flasks.server_name, flasks.script_name, flasks.url_scheme, flasks.build("a", {"x": 1}))
        with ours.app_context():
            assert flask.url_for("a", x=2, _external=True) == "http://hub.example:5300/a/2"


def test_numbers_read_as_the_standard_library_reads_them():
    import random
    import struct

    provider, chance = FastJSONProvider(Flask("reader")), random.Random(20261202)
    for _ in range(20_000):
        kind = chance.random()
        if kind < 0.3:
            number = repr(struct.unpack("d", chance.randbytes(8))[0])
        elif kind < 0.6:
            number = f"{chance.randint(0, 10 ** chance.randint(1, 18))}.{chance.randint(0, 10 ** chance.randint(0, 17))}"
        else:
            number = f"{chance.randint(-10 ** chance.randint(1, 17), 10 ** chance.randint(1, 17))}e{chance.randint(-330, 310)}"
        document = f'{{"n":[{number}]}}'.encode()
        try:
            expected = repr(json.loads(document))
        except ValueError as exc:
            expected = type(exc)
        try:
            got = repr(provider.loads(document))
        except ValueError as exc:
            got = type(exc)
        assert got == expected, document
