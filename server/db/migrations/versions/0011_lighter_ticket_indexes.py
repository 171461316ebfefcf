"""Fewer index entries written per issued ticket.

A ticket's insert wrote its row into seven indexes and its ``ticket_issued`` event into
three (on SQLite one WAL page each at the commit, ~15 a ticket). Two indexes no query
reads are dropped (``ix_tickets_issued_at``, ``ix_events_at``: every report selects
tickets by service day and events by day and kind, ticket or id), and two others hold
only the rows their queries can match: the window's tickets (``window_id = …``) only
rows with a window, the finished tickets (``status … ORDER BY finished_at``) only rows
with a finish time. A waiting ticket, just issued, is in neither.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_PARTIAL = (
    ("ix_tickets_window_status", ["window_id", "status"], "window_id IS NOT NULL"),
    ("ix_tickets_status_finished_at", ["status", "finished_at"], "finished_at IS NOT NULL"),
)


def upgrade() -> None:
    op.drop_index("ix_tickets_issued_at", table_name="tickets")
    op.drop_index("ix_events_at", table_name="events")
    for name, columns, where in _PARTIAL:
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    for name, columns, _where in _PARTIAL:
        op.drop_index(name, table_name="tickets")
        op.create_index(name, "tickets", columns)
    op.create_index("ix_events_at", "events", ["at"])
    op.create_index("ix_tickets_issued_at", "tickets", ["issued_at"])
