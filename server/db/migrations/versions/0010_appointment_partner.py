"""Appointments remember the partner that booked them (its webhooks), and are found by
their ticket (a checked-in ticket's webhooks reach that partner).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.add_column(sa.Column("device_id", sa.String(64)))
    op.create_index("ix_appointments_ticket_id", "appointments", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_appointments_ticket_id", table_name="appointments")
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("device_id")
