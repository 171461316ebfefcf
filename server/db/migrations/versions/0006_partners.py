"""The provincial platform: partners, request nonces, the webhook outbox and its attempts.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import JSONText, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("device_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("webhook_url", sa.String(500)),
        sa.Column("key_sealed", sa.Text, nullable=False),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("previous_secret_sealed", sa.Text),
        sa.Column("previous_until", UTCDateTime),
        sa.Column("rotated_at", UTCDateTime),
        sa.PrimaryKeyConstraint("device_id", name="pk_partners"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], ondelete="CASCADE",
                                name="fk_partners_device_id_devices"),
    )
    op.create_table(
        "partner_nonces",
        sa.Column("partner_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "nonce", name="pk_partner_nonces"),
    )
    op.create_index("ix_partner_nonces_seen_at", "partner_nonces", ["seen_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("event_id", sa.String(40), nullable=False),
        sa.Column("partner_id", sa.Integer, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("object_key", sa.String(100), nullable=False),
        sa.Column("data", JSONText, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_at", UTCDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_until", UTCDateTime),
        sa.Column("delivered_at", UTCDateTime),
        sa.Column("last_error", sa.String(500)),
        sa.Column("retry_from", UTCDateTime),
        sa.Column("hurried_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index("ix_outbox_status_next_at", "outbox", ["status", "next_at"])
    op.create_index("ix_outbox_partner_object", "outbox", ["partner_id", "object_key", "status"])
    op.create_table(
        "outbox_attempts",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("outbox_id", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("hub", sa.String(64)),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.String(500)),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_attempts"),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE",
                                name="fk_outbox_attempts_outbox_id_outbox"),
    )
    op.create_index("ix_outbox_attempts_outbox_id", "outbox_attempts", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_attempts_outbox_id", table_name="outbox_attempts")
    op.drop_table("outbox_attempts")
    op.drop_index("ix_outbox_partner_object", table_name="outbox")
    op.drop_index("ix_outbox_status_next_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_partner_nonces_seen_at", table_name="partner_nonces")
    op.drop_table("partner_nonces")
    op.drop_table("partners")
