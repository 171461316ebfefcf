"""What the supervision rules read beyond tickets, windows and rectifications.

``cases_due`` is the input of the ``case_overdue`` rule: the cases (办件) due from
``since`` to ``now`` (or due earlier and still not decided), each as a core
``queueing.supervision.Due`` with ``ident`` = the case number, ``due_at``,
``finished_at`` = when it was decided (None while in progress), ``unit_id``, and the
accepting clerk as ``user_id``, the accepting window and the ticket number where known.
The cases code (issue 12, items 1-3) fills it from its table; until then there are none.
"""

from __future__ import annotations

from datetime import datetime

from server.queueing.supervision import Due


def cases_due(repos, now: datetime, since: datetime) -> list[Due]:
    cases = getattr(repos, "cases", None)
    if cases is None or not hasattr(cases, "supervision_due"):
        return []
    return list(cases.supervision_due(now, since))
