"""Putting a center into the database at start, and keeping it there."""

from __future__ import annotations

from dataclasses import dataclass

from server.center_file import center_to_document, parse_center
from server.db.database import Database
from server.db.migrate import upgrade
from server.db.uow import UnitOfWork
from server.queueing.center import Center
from server.queueing.center_update import check_update
from server.queueing.clock import Clock


@dataclass(frozen=True)
class CenterInstall:
    center: Center
    changes: tuple[str, ...]
    first_load: bool


def install_center(db: Database, center: Center | None, source: str, clock: Clock) -> CenterInstall:
    """Migrate the schema, then load ``center`` (or keep the stored one when None).

    On a database that holds a center already, the file may only add things or rename
    them (server.queueing.center_update.check_update); anything else raises
    CenterUpdateRefusedError with a one-line reason and changes nothing.
    """
    upgrade(db)
    with UnitOfWork(db) as uow:
        stored = uow.center.current()
        if stored is None:
            if center is None:
                raise ValueError("an empty database needs a center file")
            uow.center.save(center_to_document(center), source, clock.now())
            uow.windows.ensure(center.windows)
            uow.commit()
            return CenterInstall(center, ("loaded",), True)
        old = parse_center(stored, source="the database")
        if center is None:
            uow.windows.ensure(old.windows)
            uow.commit()
            return CenterInstall(old, (), False)
        changes = tuple(check_update(old, center))
        if changes:
            uow.center.save(center_to_document(center), source, clock.now())
        uow.windows.ensure(center.windows)
        uow.commit()
        return CenterInstall(center, changes, False)
