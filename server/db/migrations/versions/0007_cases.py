"""办件: cases opened by accepted tickets, and their numbering counters.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import UTCDateTime

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counters",
        sa.Column("year", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("last_number", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("year", "unit_id", name="pk_case_counters"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("case_no", sa.String(100), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("matter_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("accepted_at", UTCDateTime, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("result", sa.String(16)),
        sa.Column("note", sa.Text),
        sa.Column("decided_by", sa.Integer),
        sa.Column("picked_up_at", UTCDateTime),
        sa.Column("pickup_ticket_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_cases_ticket_id_tickets"),
        sa.UniqueConstraint("case_no", name="uq_cases_case_no"),
        sa.UniqueConstraint("ticket_id", name="uq_cases_ticket_id"),
        sa.UniqueConstraint("pickup_ticket_id", name="uq_cases_pickup_ticket_id"),
    )
    op.create_index("ix_cases_status_due_at", "cases", ["status", "due_at"])
    op.create_index("ix_cases_unit_id_status", "cases", ["unit_id", "status"])
    op.create_index("ix_cases_year", "cases", ["year"])


def downgrade() -> None:
    op.drop_index("ix_cases_year", table_name="cases")
    op.drop_index("ix_cases_unit_id_status", table_name="cases")
    op.drop_index("ix_cases_status_due_at", table_name="cases")
    op.drop_table("cases")
    op.drop_table("case_counters")
