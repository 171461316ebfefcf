"""Appointments (预约): bookings, per-slot counters, closed days and slots, strikes, blocks.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import UTCDateTime

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('booked', 'checked_in')"


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("matter_id", sa.String(64), nullable=False),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("service_day", sa.Date, nullable=False),
        sa.Column("slot_start", UTCDateTime, nullable=False),
        sa.Column("slot_end", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("id_hash", sa.String(64)),
        sa.Column("id_masked", sa.String(32)),
        sa.Column("name_masked", sa.String(64)),
        sa.Column("phone_masked", sa.String(32)),
        sa.Column("booked_at", UTCDateTime, nullable=False),
        sa.Column("checked_in_at", UTCDateTime),
        sa.Column("cancelled_at", UTCDateTime),
        sa.Column("cancel_reason", sa.Text),
        sa.Column("missed_at", UTCDateTime),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("idempotency_key", sa.String(100)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("purged_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_appointments"),
        sa.UniqueConstraint("token", name="uq_appointments_token"),
        sa.UniqueConstraint("code", name="uq_appointments_code"),
        sa.UniqueConstraint("idempotency_key", name="uq_appointments_idempotency_key"),
    )
    op.create_index("ix_appointments_queue_id_slot_start", "appointments", ["queue_id", "slot_start"])
    op.create_index("ix_appointments_status_slot_end", "appointments", ["status", "slot_end"])
    op.create_index("ix_appointments_id_hash_service_day", "appointments", ["id_hash", "service_day"],
                    unique=True, sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    op.create_table(
        "slot_counts",
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("slot_start", UTCDateTime, nullable=False),
        sa.Column("booked", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("queue_id", "slot_start", name="pk_slot_counts"),
    )
    op.create_table(
        "appointment_closures",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("slot_start", UTCDateTime),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("closed_by", sa.String(100), nullable=False),
        sa.Column("closed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_appointment_closures"),
    )
    op.create_index("ix_appointment_closures_day", "appointment_closures", ["day"])
    op.create_table(
        "booking_strikes",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("appointment_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_strikes"),
        sa.UniqueConstraint("appointment_id", name="uq_booking_strikes_appointment_id"),
    )
    op.create_index("ix_booking_strikes_id_hash", "booking_strikes", ["id_hash"])
    op.create_table(
        "booking_blocks",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("since", UTCDateTime, nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("lifted_at", UTCDateTime),
        sa.Column("lifted_by", sa.String(100)),
        sa.PrimaryKeyConstraint("id", name="pk_booking_blocks"),
    )
    op.create_index("ix_booking_blocks_id_hash", "booking_blocks", ["id_hash"])
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("slot_start", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("slot_start")
    op.drop_table("booking_blocks")
    op.drop_table("booking_strikes")
    op.drop_table("appointment_closures")
    op.drop_table("slot_counts")
    op.drop_table("appointments")
