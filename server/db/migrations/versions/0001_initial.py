"""The initial schema: center documents, counters, tickets, windows, events, accounts.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import JSONText, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "center_documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("loaded_at", UTCDateTime, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("document", JSONText, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_center_documents"),
    )
    op.create_table(
        "number_counters",
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("service_day", "prefix", name="pk_number_counters"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("prefix", sa.String(8), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("matter_id", sa.String(64), nullable=False),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("priority_reason", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("window_id", sa.String(64)),
        sa.Column("clerk_id", sa.Integer),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("called_at", UTCDateTime),
        sa.Column("started_at", UTCDateTime),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("outcome", sa.String(16)),
        sa.Column("recalls", sa.Integer, nullable=False),
        sa.Column("transfers", sa.Integer, nullable=False),
        sa.Column("quoted_wait_s", sa.Integer),
        sa.Column("idempotency_key", sa.String(128)),
        sa.Column("device_id", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
        sa.UniqueConstraint("token", name="uq_tickets_token"),
        sa.UniqueConstraint("service_day", "prefix", "sequence",
                            name="uq_tickets_service_day_prefix_sequence"),
        sa.UniqueConstraint("service_day", "idempotency_key",
                            name="uq_tickets_service_day_idempotency_key"),
    )
    op.create_index("ix_tickets_waiting", "tickets",
                    ["status", "queue_id", "service_day", "priority", "issued_at"])
    op.create_index("ix_tickets_window_status", "tickets", ["window_id", "status"])
    op.create_index("ix_tickets_issued_at", "tickets", ["issued_at"])
    op.create_table(
        "window_states",
        sa.Column("window_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("clerk_id", sa.Integer),
        sa.Column("clerk_name", sa.String(200)),
        sa.Column("paused_reason", sa.String(500)),
        sa.Column("since", UTCDateTime),
        sa.PrimaryKeyConstraint("window_id", name="pk_window_states"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("window_id", sa.String(64)),
        sa.Column("queue_id", sa.String(64)),
        sa.Column("data", JSONText),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_day_kind", "events", ["service_day", "kind"])
    op.create_index("ix_events_ticket", "events", ["ticket_id"])
    op.create_index("ix_events_at", "events", ["at"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_sessions_user_id_users"),
    )
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime),
        sa.Column("status", JSONText),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.UniqueConstraint("key_hash", name="uq_devices_key_hash"),
    )


def downgrade() -> None:
    for table in ("devices", "sessions", "users", "events", "window_states", "tickets",
                  "number_counters", "center_documents"):
        op.drop_table(table)
