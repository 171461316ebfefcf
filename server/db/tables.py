"""The tables. Alembic migrations under ``migrations/`` create exactly these.

Over 300 lines on purpose: one declaration per table, in one place, so that a migration
is checked against one file (the appointments' tables are in ``appointment_tables.py``)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)

from .types import JSONText, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

center_documents = Table(
    "center_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("loaded_at", UTCDateTime, nullable=False),
    Column("source", String(500), nullable=False),
    Column("document", JSONText, nullable=False),
)

number_counters = Table(
    "number_counters",
    metadata,
    Column("service_day", Date, primary_key=True),
    Column("prefix", String(8), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("service_day", Date, nullable=False),
    Column("prefix", String(8), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("number", String(16), nullable=False),
    Column("matter_id", String(64), nullable=False),
    Column("queue_id", String(64), nullable=False),
    Column("unit_id", String(64), nullable=False),
    Column("priority", Integer, nullable=False, default=0),
    Column("priority_reason", String(32)),
    Column("status", String(16), nullable=False),
    Column("window_id", String(64)),
    Column("clerk_id", Integer),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("called_at", UTCDateTime),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("outcome", String(16)),
    Column("recalls", Integer, nullable=False, default=0),
    Column("transfers", Integer, nullable=False, default=0),
    Column("quoted_wait_s", Integer),
    Column("idempotency_key", String(128)),
    Column("device_id", String(64)),
    Column("slot_start", UTCDateTime),  # the appointment's slot of a checked-in ticket
    UniqueConstraint("service_day", "prefix", "sequence"),
    UniqueConstraint("service_day", "idempotency_key"),
    Index("ix_tickets_waiting", "status", "queue_id", "service_day", "priority", "issued_at"),
    # Partial (0011): each holds only the rows its queries can match, so that a ticket
    # just issued (no window, not finished) is written into neither.
    Index("ix_tickets_window_status", "window_id", "status",
          sqlite_where=text("window_id IS NOT NULL"), postgresql_where=text("window_id IS NOT NULL")),
    Index("ix_tickets_status_finished_at", "status", "finished_at",
          sqlite_where=text("finished_at IS NOT NULL"), postgresql_where=text("finished_at IS NOT NULL")),
)

window_states = Table(
    "window_states",
    metadata,
    Column("window_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("clerk_id", Integer),
    Column("clerk_name", String(200)),
    Column("paused_reason", String(500)),
    Column("since", UTCDateTime),
    Column("clerk_post", String(1)),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("service_day", Date, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("ticket_id", Integer),
    Column("window_id", String(64)),
    Column("queue_id", String(64)),
    Column("data", JSONText),
    Index("ix_events_day_kind", "service_day", "kind"),
    Index("ix_events_ticket", "ticket_id"),
)

# Statistics: one row per ticket of a closed service day, folded from the event log by
# server.services.reporting.stats (never written by the services that change tickets), and the
# days already folded. Reports over long ranges read these instead of the raw events.
ticket_facts = Table(
    "ticket_facts",
    metadata,
    Column("ticket_id", Integer, primary_key=True, autoincrement=False),
    Column("service_day", Date, nullable=False),
    Column("number", String(16)),
    Column("hour", Integer, nullable=False),  # local hour of issue, 0..23
    Column("weekday", Integer, nullable=False),  # local weekday of issue, 0 = Monday
    Column("matter_id", String(64)),
    Column("unit_id", String(64)),
    Column("first_queue_id", String(64)),
    Column("queue_id", String(64)),
    Column("window_id", String(64)),
    Column("clerk_id", Integer),
    Column("status", String(16), nullable=False),
    Column("outcome", String(16)),
    Column("priority", Integer, nullable=False, default=0),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("called_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("wait_s", Integer),  # issue → first call
    Column("service_s", Integer),  # start (or call) → finish, done tickets
    Column("quoted_wait_s", Integer),
    Column("transfers", Integer, nullable=False, default=0),
    Column("recalls", Integer, nullable=False, default=0),
    Index("ix_ticket_facts_day", "service_day"),
)

stats_days = Table(
    "stats_days",
    metadata,
    Column("service_day", Date, primary_key=True),
    Column("built_at", UTCDateTime, nullable=False),
    Column("tickets", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(200)),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("unit_id", String(64)),  # the clerk's home unit (department), if any
)

window_posts = Table(
    "window_posts",
    metadata,
    Column("window_id", String(64), primary_key=True),
    Column("post", String(1), primary_key=True),  # "A" works, "B" stands in
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
    Index("ix_window_posts_user_id", "user_id"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_sessions_expires_at", "expires_at"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime),
    Column("status", JSONText),
    Column("note", Text),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),  # 0004
)

# --- 好差评 ratings and rectifications (migration 0005) ---------------------------------
# One rating per ticket: the unique ticket_id is what makes a pad and a phone racing to
# rate the same ticket end with exactly one row. Window, unit, matter and clerk are copied
# from the ticket when it is rated, so reports need no join.
ratings = Table(
    "ratings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
           unique=True),
    Column("level", Integer, nullable=False),
    Column("reasons", JSONText),
    Column("comment", Text),
    Column("channel", String(16), nullable=False),  # pad | phone | partner
    Column("at", UTCDateTime, nullable=False),
    Column("service_day", Date, nullable=False),  # the ticket's
    Column("number", String(16), nullable=False),
    Column("matter_id", String(64), nullable=False),
    Column("unit_id", String(64), nullable=False),
    Column("window_id", String(64)),
    Column("clerk_id", Integer),
    Column("device_id", Integer),
    Column("overturned", Boolean, nullable=False, default=False),  # by an appeal's review
    Index("ix_ratings_service_day", "service_day"),
)

rectifications = Table(
    "rectifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rating_id", Integer, ForeignKey("ratings.id", ondelete="CASCADE"), nullable=False,
           unique=True),  # exactly one per bad rating, however many hubs
    Column("ticket_id", Integer, nullable=False),
    Column("service_day", Date, nullable=False),  # the rated ticket's, for the unit figures
    Column("status", String(16), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("rectified_at", UTCDateTime),
    Column("closed_at", UTCDateTime),  # called back, or overturned
    Column("unit_id", String(64), nullable=False),
    Column("window_id", String(64)),
    Column("clerk_id", Integer),
    Column("callback_reached", Boolean),
    Column("callback_level", Integer),
    Index("ix_rectifications_status_due_at", "status", "due_at"),
    Index("ix_rectifications_service_day", "service_day"),
)

rectification_steps = Table(
    "rectification_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rectification_id", Integer, ForeignKey("rectifications.id", ondelete="CASCADE"),
           nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(16), nullable=False),
    Column("actor", String(100), nullable=False),  # "user:3", "device:5", "visitor:anonymous"
    Column("actor_name", String(200)),
    Column("note", Text),
    Column("detail", JSONText),
    Index("ix_rectification_steps_rectification_id", "rectification_id"),
)

rating_pads = Table(
    "rating_pads",
    metadata,
    Column("device_id", Integer, ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("window_id", String(64), nullable=False),
    Index("ix_rating_pads_window_id", "window_id"),
)

# The provincial platform (一网通办): a partner is a device of kind "partner" with a webhook
# URL and its key and secret sealed by server.services.partners.secret_box (never in clear).
partners = Table(
    "partners",
    metadata,
    Column("device_id", Integer, ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("webhook_url", String(500)),
    Column("key_sealed", Text, nullable=False),
    Column("secret_sealed", Text, nullable=False),
    Column("previous_secret_sealed", Text),  # still verifies until previous_until
    Column("previous_until", UTCDateTime),
    Column("rotated_at", UTCDateTime),
)

# Nonces of signed requests seen in the last ten minutes; the primary key refuses a replay,
# whichever hub it reaches.
partner_nonces = Table(
    "partner_nonces",
    metadata,
    Column("partner_id", Integer, primary_key=True, autoincrement=False),
    Column("nonce", String(64), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
    Index("ix_partner_nonces_seen_at", "seen_at"),
)

# The webhook outbox: rows written in the transaction of the change they tell of, delivered
# at least once by server.services.partners.delivery, in id order per (partner, object).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(40), nullable=False, unique=True),  # the webhook's "id"
    Column("partner_id", Integer, nullable=False),
    Column("type", String(32), nullable=False),
    Column("object_key", String(100), nullable=False),
    Column("data", JSONText, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(64)),
    Column("claimed_until", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("last_error", String(500)),
    Column("retry_from", UTCDateTime),  # an admin re-sent it: retries count from here
    Column("hurried_at", UTCDateTime),  # last pulled forward when its partner recovered
    Index("ix_outbox_status_next_at", "status", "next_at"),
    Index("ix_outbox_partner_object", "partner_id", "object_key", "status"),
)

outbox_attempts = Table(
    "outbox_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outbox_id", Integer, ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("hub", String(64)),
    Column("http_status", Integer),
    Column("error", String(500)),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_outbox_attempts_outbox_id", "outbox_id"),
)


from . import appointment_tables  # noqa: E402,F401 - its tables join this metadata

# 办件: one case per ticket finished as accepted. The case number's sequence comes from
# one counter row per (year, unit), advanced in one statement like ticket numbers.
case_counters = Table(
    "case_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("unit_id", String(64), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_no", String(100), nullable=False, unique=True),
    Column("year", Integer, nullable=False),  # of acceptance, in the center's zone
    Column("status", String(16), nullable=False),  # in_progress | decided | picked_up
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False,
           unique=True),  # the accepted ticket: one case each
    Column("number", String(16), nullable=False),  # the accepted ticket's number
    Column("matter_id", String(64), nullable=False),
    Column("unit_id", String(64), nullable=False),
    Column("accepted_at", UTCDateTime, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("result", String(16)),  # approved | rejected
    Column("note", Text),
    Column("decided_by", Integer),
    Column("picked_up_at", UTCDateTime),
    Column("pickup_ticket_id", Integer, unique=True),  # the ticket of the pickup queue
    Index("ix_cases_status_due_at", "status", "due_at"),
    Index("ix_cases_unit_id_status", "unit_id", "status"),
    Index("ix_cases_year", "year"),
)

# 电子监察 (0008): one row per finding; ``key`` names the occurrence, so however often and
# on however many hubs the rules run, a finding is stored once.
supervision_alerts = Table(
    "supervision_alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(8), nullable=False),  # open | closed
    Column("opened_at", UTCDateTime, nullable=False),  # when the threshold was crossed
    Column("service_day", Date, nullable=False),  # the local day of opened_at
    Column("window_id", String(64)),
    Column("unit_id", String(64)),
    Column("user_id", Integer),
    Column("ticket_id", Integer),
    Column("ticket_number", String(16)),
    Column("case_no", String(64)),
    Column("rectification_id", Integer),
    Column("detail", JSONText),
    Column("closed_at", UTCDateTime),
    Column("closed_by", String(100)),
    Column("note", Text),
    Index("ix_supervision_alerts_status_opened_at", "status", "opened_at"),
    Index("ix_supervision_alerts_service_day", "service_day"),
)
