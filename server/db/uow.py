"""The unit of work: one transaction, the repositories bound to it, one commit."""

from __future__ import annotations

from contextlib import ExitStack
from functools import cached_property

from sqlalchemy.engine import Connection

from .database import Database
from .repositories.accounts import (
    ACCESS_CHANGED,
    DeviceRepository,
    PostRepository,
    SessionRepository,
    UserRepository,
)
from .repositories.cases import CaseRepository
from .repositories.center_store import CenterStore
from .repositories.events import EventLog
from .repositories.numbering import NumberCounter
from .repositories.outbox import Outbox
from .repositories.partners import NonceStore, PartnerRepository
from .repositories.ratings import RatingPadRepository, RatingRepository, RectificationRepository
from .repositories.supervision import SupervisionRepository
from .repositories.tickets import TicketRepository
from .repositories.windows import WindowRepository


class Repositories:
    """The repositories over one connection, each made when first used: a counter's
    action or a read uses two or three of the eighteen, and every request opens one or
    more of these."""

    def __init__(self, conn: Connection) -> None:
        made = self.__dict__
        for name in made.keys() & _MADE_WHEN_USED:  # a unit of work entered again starts afresh
            del made[name]
        self.conn = conn

    @cached_property
    def tickets(self) -> TicketRepository:
        return TicketRepository(self.conn)

    @cached_property
    def windows(self) -> WindowRepository:
        return WindowRepository(self.conn)

    @cached_property
    def numbers(self) -> NumberCounter:
        return NumberCounter(self.conn)

    @cached_property
    def events(self) -> EventLog:
        log = EventLog(self.conn)
        log.observers.append(self.outbox.note_events)  # the outbox hears every event appended
        return log

    @cached_property
    def users(self) -> UserRepository:
        return UserRepository(self.conn)

    @cached_property
    def sessions(self) -> SessionRepository:
        return SessionRepository(self.conn)

    @cached_property
    def devices(self) -> DeviceRepository:
        return DeviceRepository(self.conn)

    @cached_property
    def posts(self) -> PostRepository:
        return PostRepository(self.conn)

    @cached_property
    def center(self) -> CenterStore:
        return CenterStore(self.conn)

    @cached_property
    def ratings(self) -> RatingRepository:
        return RatingRepository(self.conn)

    @cached_property
    def rectifications(self) -> RectificationRepository:
        return RectificationRepository(self.conn)

    @cached_property
    def rating_pads(self) -> RatingPadRepository:
        return RatingPadRepository(self.conn)

    @cached_property
    def partners(self) -> PartnerRepository:
        return PartnerRepository(self.conn)

    @cached_property
    def nonces(self) -> NonceStore:
        return NonceStore(self.conn)

    @cached_property
    def outbox(self) -> Outbox:
        return Outbox(self.conn)

    @cached_property
    def cases(self) -> CaseRepository:
        return CaseRepository(self.conn)

    @cached_property
    def supervision(self) -> SupervisionRepository:
        return SupervisionRepository(self.conn)


_MADE_WHEN_USED = frozenset(name for name, value in vars(Repositories).items() if isinstance(value, cached_property))


class UnitOfWork(Repositories):
    """``with UnitOfWork(db) as uow: ...; uow.commit()``; leaving without commit rolls back.

    On SQLite it holds the process's writer lock for its whole life, so keep it short
    and do no I/O inside.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._stack: ExitStack | None = None
        self.committed = False
        self.on_outbox_written = None  # called after a commit that wrote webhook rows
        self.on_access_changed = None  # called after a commit that ended or granted access

    def __enter__(self) -> UnitOfWork:
        self._stack = ExitStack()
        lock = self._db.writer_lock
        if lock is not None:  # SQLite: the long-lived writer connection, under the lock
            lock.acquire()
            self._stack.callback(lock.release)
            conn = self._stack.enter_context(self._db.writing())
        else:
            conn = self._stack.enter_context(self._db.connect())
        conn.info.pop(ACCESS_CHANGED, None)
        self._tx = conn.begin()
        super().__init__(conn)
        return self

    def commit(self) -> None:
        self.outbox.flush()  # the webhooks of this change, in its own transaction
        self._tx.commit()
        self.committed = True
        if self.outbox.written and self.on_outbox_written is not None:
            self.on_outbox_written()
        if self.conn.info.pop(ACCESS_CHANGED, False) and self.on_access_changed is not None:
            self.on_access_changed()

    def rollback(self) -> None:
        self.conn.info.pop(ACCESS_CHANGED, None)
        if self._tx.is_active:
            self._tx.rollback()

    def __exit__(self, *exc) -> None:
        try:
            if not self.committed:
                self.rollback()
        finally:
            assert self._stack is not None
            self._stack.close()
