"""电子监察: supervision alerts, one row per finding (unique occurrence key).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import JSONText, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_alerts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("window_id", sa.String(64)),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("user_id", sa.Integer),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("ticket_number", sa.String(16)),
        sa.Column("case_no", sa.String(64)),
        sa.Column("rectification_id", sa.Integer),
        sa.Column("detail", JSONText),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_supervision_alerts"),
        sa.UniqueConstraint("key", name="uq_supervision_alerts_key"),
    )
    op.create_index("ix_supervision_alerts_status_opened_at", "supervision_alerts",
                    ["status", "opened_at"])
    op.create_index("ix_supervision_alerts_service_day", "supervision_alerts", ["service_day"])


def downgrade() -> None:
    op.drop_index("ix_supervision_alerts_service_day", table_name="supervision_alerts")
    op.drop_index("ix_supervision_alerts_status_opened_at", table_name="supervision_alerts")
    op.drop_table("supervision_alerts")
