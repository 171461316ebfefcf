"""Statistics: per-ticket facts of closed service days and the days already folded;
an index for the recent service times the wait estimate reads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_facts",
        sa.Column("ticket_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("number", sa.String(16)),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("weekday", sa.Integer, nullable=False),
        sa.Column("matter_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("first_queue_id", sa.String(64)),
        sa.Column("queue_id", sa.String(64)),
        sa.Column("window_id", sa.String(64)),
        sa.Column("clerk_id", sa.Integer),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("called_at", UTCDateTime),
        sa.Column("finished_at", UTCDateTime),
        sa.Column("wait_s", sa.Integer),
        sa.Column("service_s", sa.Integer),
        sa.Column("quoted_wait_s", sa.Integer),
        sa.Column("transfers", sa.Integer, nullable=False),
        sa.Column("recalls", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("ticket_id", name="pk_ticket_facts"),
    )
    op.create_index("ix_ticket_facts_day", "ticket_facts", ["service_day"])
    op.create_table(
        "stats_days",
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("built_at", UTCDateTime, nullable=False),
        sa.Column("tickets", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("service_day", name="pk_stats_days"),
    )
    op.create_index("ix_tickets_status_finished_at", "tickets", ["status", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_tickets_status_finished_at", table_name="tickets")
    op.drop_table("stats_days")
    op.drop_index("ix_ticket_facts_day", table_name="ticket_facts")
    op.drop_table("ticket_facts")
