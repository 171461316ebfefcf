"""The day's figures for managers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from server.services.reporting import stats

from . import bp
from .parsing import hub
from .schemas.reports import DayStats
from .spec import READERS, operation
from .validation import IsoDate


class StatsQuery(BaseModel):
    day: IsoDate | None = Field(
        None, alias="date", description="the service day; today when not given")


@operation(bp, "GET", "/stats", "The figures of one service day", access=READERS, query=StatsQuery,
           answers={200: DayStats})
def get_stats(query: StatsQuery):
    return stats.day_stats(hub(), query.day or hub().today())
