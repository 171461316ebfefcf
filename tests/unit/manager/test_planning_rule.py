"""The notice's rule: 100 cases a year earn a standalone window; imported CSV rows."""

from __future__ import annotations

import pytest

from server.services.errors import BadRequestError
from server.services.reporting.planning import _recommend, parse_imported_units


@pytest.mark.parametrize(("group", "cases", "expected"), [
    ("comprehensive", 99, ("comprehensive", "keep")),
    ("comprehensive", 100, ("standalone", "to_standalone")),
    ("standalone", 100, ("standalone", "keep")),
    ("standalone", 40, ("comprehensive", "to_comprehensive")),
    ("county", 20, ("comprehensive", "to_comprehensive")),
    ("enterprise", 5000, ("standalone", "keep")),
    ("whole_unit", 3, ("whole_unit", "keep")),
    (None, 150, ("standalone", "move_in")),
    (None, 12, ("comprehensive", "move_in")),
])
def test_the_hundred_cases_rule(group, cases, expected):
    assert _recommend(group, cases) == expected


def test_imported_csv():
    rows = parse_imported_units("名称,年办件量\n海北州档案馆,85\n\n海北州医保局,2400,medical\n")
    assert rows == [{"id": None, "name": "海北州档案馆", "cases": 85},
                    {"id": "medical", "name": "海北州医保局", "cases": 2400}]
    with pytest.raises(BadRequestError):
        parse_imported_units("海北州档案馆,85\n海北州医保局,many\n")
