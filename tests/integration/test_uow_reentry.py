"""A unit of work entered again starts afresh: its repositories are made again over the
new connection (``Repositories.__init__`` forgets those made in the last block)."""

from __future__ import annotations

from server.db.uow import _MADE_WHEN_USED, UnitOfWork


def test_a_unit_of_work_entered_again_makes_its_repositories_again(service_hub):
    uow = UnitOfWork(service_hub.db)
    with uow:
        first = (uow.tickets, uow.windows, uow.outbox, uow.events)
        assert uow.events.observers == [uow.outbox.note_events]
    with uow:
        again = (uow.tickets, uow.windows, uow.outbox, uow.events)
        assert all(a is not b for a, b in zip(first, again, strict=True))
        assert all(r.conn is uow.conn for r in again)
        assert uow.events.observers == [uow.outbox.note_events]  # the new outbox hears
        assert not uow.__dict__.keys() & (_MADE_WHEN_USED - {"tickets", "windows", "outbox", "events"})
