"""Alembic environment: runs on the connection handed in by server.db.migrate."""

from alembic import context

from server.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - `alembic` CLI without a connection
    raise SystemExit("run migrations through `python run.py` or server.db.migrate.upgrade()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
