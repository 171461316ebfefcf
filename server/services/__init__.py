"""Use cases, one function each, grouped by what they serve: ``issuing/`` (the ticket
and its printing), ``counter/`` (a window's actions and staffing), ``reporting/``
(statistics, reports, planning, alerts), ``accounts/``; beside them the ``Hub`` and
what every group shares (read models, errors, tasks). See docs/architecture.md."""
