"""好差评: ratings (one per ticket), rectifications (one per bad rating) and their steps,
the window of each rating pad.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import JSONText, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reasons", JSONText),
        sa.Column("comment", sa.Text),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("matter_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("window_id", sa.String(64)),
        sa.Column("clerk_id", sa.Integer),
        sa.Column("device_id", sa.Integer),
        sa.Column("overturned", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE",
                                name="fk_ratings_ticket_id_tickets"),
        sa.UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
    )
    op.create_index("ix_ratings_service_day", "ratings", ["service_day"])
    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("rating_id", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("rectified_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("window_id", sa.String(64)),
        sa.Column("clerk_id", sa.Integer),
        sa.Column("callback_reached", sa.Boolean),
        sa.Column("callback_level", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_rectifications"),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"], ondelete="CASCADE",
                                name="fk_rectifications_rating_id_ratings"),
        sa.UniqueConstraint("rating_id", name="uq_rectifications_rating_id"),
    )
    op.create_index("ix_rectifications_status_due_at", "rectifications", ["status", "due_at"])
    op.create_index("ix_rectifications_service_day", "rectifications", ["service_day"])
    op.create_table(
        "rectification_steps",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("rectification_id", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("detail", JSONText),
        sa.PrimaryKeyConstraint("id", name="pk_rectification_steps"),
        sa.ForeignKeyConstraint(["rectification_id"], ["rectifications.id"], ondelete="CASCADE",
                                name="fk_rectification_steps_rectification_id_rectifications"),
    )
    op.create_index("ix_rectification_steps_rectification_id", "rectification_steps",
                    ["rectification_id"])
    op.create_table(
        "rating_pads",
        sa.Column("device_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("window_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name="pk_rating_pads"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE",
                                name="fk_rating_pads_device_id_devices"),
    )
    op.create_index("ix_rating_pads_window_id", "rating_pads", ["window_id"])


def downgrade() -> None:
    op.drop_index("ix_rating_pads_window_id", table_name="rating_pads")
    op.drop_table("rating_pads")
    op.drop_index("ix_rectification_steps_rectification_id", table_name="rectification_steps")
    op.drop_table("rectification_steps")
    op.drop_index("ix_rectifications_service_day", table_name="rectifications")
    op.drop_index("ix_rectifications_status_due_at", table_name="rectifications")
    op.drop_table("rectifications")
    op.drop_index("ix_ratings_service_day", table_name="ratings")
    op.drop_table("ratings")
