"""Staffing: a clerk's home unit, the A/B posts of windows, the post of the clerk at one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from server.db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("unit_id", sa.String(64)))
    with op.batch_alter_table("window_states") as batch:
        batch.add_column(sa.Column("clerk_post", sa.String(1)))
    op.create_table(
        "window_posts",
        sa.Column("window_id", sa.String(64), nullable=False),
        sa.Column("post", sa.String(1), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("assigned_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("window_id", "post", name="pk_window_posts"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name="fk_window_posts_user_id_users"),
    )
    op.create_index("ix_window_posts_user_id", "window_posts", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_window_posts_user_id", table_name="window_posts")
    op.drop_table("window_posts")
    with op.batch_alter_table("window_states") as batch:
        batch.drop_column("clerk_post")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("unit_id")
