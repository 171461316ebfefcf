"""The calling policy in SQL, built from the core's own definition (``queueing.policy``).

Nothing here decides an order: each function reads a list of ``SortTerm`` (by default
``CALL_ORDER``) and writes it as SQL, one source kind at a time. ``order_by`` is the
``ORDER BY`` that lists waiting tickets in calling order; ``called_before`` is the
predicate "this row is called before that ticket", for places in line. The property
test (tests/integration/test_policy_property.py) holds both to ``choose_next`` and
``ahead_of`` on SQLite and PostgreSQL.

The values that change from one call to the next are named bind parameters (``now``,
``mine0``, ``mine1`` ...: ``called_before_values`` gives them), so that the repository
builds each statement once per shape and reuses it: building and keying a statement
cost more than running it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, bindparam, case, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from server.queueing.policy import (
    CALL_ORDER,
    CallContext,
    Field,
    QueueRank,
    Reached,
    SortTerm,
    Source,
    term_value,
)
from server.queueing.tickets import Ticket

from ..tables import tickets as t


def _constant(source: Source, context: CallContext) -> bool:
    """A term with the same value on every row (the queue rank of a one-queue list)."""
    return isinstance(source, QueueRank) and len(context.queue_ids) <= 1


def expression(source: Source, context: CallContext) -> ColumnElement:
    """The SQL value of one term on a ticket row; the twin of ``policy.term_value``."""
    if isinstance(source, Field):
        return t.c[source.name]
    if isinstance(source, QueueRank):
        ranks = {queue_id: i for i, queue_id in enumerate(context.queue_ids)}
        return case(ranks, value=t.c.queue_id, else_=len(ranks))
    if isinstance(source, Reached):
        if context.now is None:
            raise ValueError(f"the calling order needs the time for {source}")
        column = t.c[source.name]
        return case((and_(column.is_not(None), column <= bindparam("now", type_=column.type)), 1),
                    else_=0)
    raise TypeError(f"no SQL form for sort term source {source!r}")


def order_by(context: CallContext, order: Sequence[SortTerm] = CALL_ORDER) -> list[ColumnElement]:
    """``ORDER BY`` terms listing rows in calling order."""
    terms = []
    for term in order:
        if _constant(term.source, context):
            continue
        value = expression(term.source, context)
        terms.append(value.desc() if term.descending else value.asc())
    return terms


def called_before_values(ticket: Ticket, context: CallContext,
                         order: Sequence[SortTerm] = CALL_ORDER) -> dict[str, object]:
    """The ticket's own values of the order's terms, as ``called_before`` names them
    (``mine<i>``; None: "after every ticket", where ``called_before`` stops)."""
    values: dict[str, object] = {"now": context.now}
    for i, term in enumerate(order):
        if _constant(term.source, context):
            continue
        mine = term_value(term.source, ticket, context)
        values[f"mine{i}"] = mine
        if mine is None:
            break
    return values


def called_before(ticket: Ticket, context: CallContext,
                  order: Sequence[SortTerm] = CALL_ORDER) -> ColumnElement:
    """Rows the policy calls before ``ticket``: the lexicographic "less than" of the
    order, with the ticket's own values worked out by the core; the statement's
    parameters are ``called_before_values``, and its shape is that of their keys with
    which of them are None."""
    alternatives = []
    equal_so_far: list[ColumnElement] = []
    for i, term in enumerate(order):
        if _constant(term.source, context):
            continue
        value = expression(term.source, context)
        mine = term_value(term.source, ticket, context)
        if mine is None:  # "after every ticket": every row with a value goes first
            alternatives.append(and_(true(), *equal_so_far, value.is_not(None)))
            break
        mine_sql = bindparam(f"mine{i}", type_=value.type)
        ahead = value > mine_sql if term.descending else value < mine_sql
        alternatives.append(and_(true(), *equal_so_far, ahead))
        equal_so_far.append(value == mine_sql)
    return or_(false(), *alternatives)
