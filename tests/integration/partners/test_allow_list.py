"""The one list of partner calls, held to the app's routes; the hub's partner settings come
from the configuration."""

from __future__ import annotations

from server.api.partner_routes import PARTNER_CALLS, partner_may_call
from server.app import create_app
from server.config import TestingConfig


def test_partners_reach_exactly_the_listed_routes_and_settings_come_from_config(tmp_path):
    app = create_app(TestingConfig(VAR_DIR=tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'y.sqlite3'}",
                                   PARTNER_SETTINGS={"retry_base_s": 0.5, "lease_s": None}))
    hub = app.extensions["yimen"]
    try:
        assert hub.partners.settings.retry_base_s == 0.5
        assert hub.partners.settings.lease_s == 60.0  # the default where none is given
        reachable = {(method, rule.rule) for rule in app.url_map.iter_rules()
                     for method in rule.methods - {"HEAD", "OPTIONS"}
                     if partner_may_call(method, rule.rule)}
        # Appointments and ratings add theirs when they land; nothing else is ever reachable.
        assert {("POST", "/api/v1/tickets"), ("GET", "/api/v1/tickets/<token>")} <= reachable
        assert all(path.startswith(("/api/v1/tickets", "/api/v1/appointments", "/api/v1/ratings/export"))
                   for _method, path in reachable), reachable
        assert len(reachable) <= len(PARTNER_CALLS)
        assert partner_may_call("get", "/api/v1/appointments/<string:token>")
        assert not partner_may_call("GET", "/api/v1/tickets/<token>/history")
        assert not partner_may_call("DELETE", "/api/v1/tickets/<token>")
    finally:
        hub.stop()
        hub.db.dispose()
