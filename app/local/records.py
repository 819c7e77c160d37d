"""A flat, typed view of the plans and categories the client sent with a request."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from app.schemas import TIME_FORMAT, SqlRequest

Table = Literal["TODO", "SCHEDULE"]
TABLES: tuple[Table, Table] = ("TODO", "SCHEDULE")


@dataclass(frozen=True)
class Plan:
    """One existing TODO or SCHEDULE row as the client described it."""

    table: Table
    id: int
    title: str
    start: datetime | None  # due_time of a TODO, start_time of a SCHEDULE
    end: datetime | None  # end_time of a SCHEDULE; None for a TODO
    category_id: int | None
    complete: bool | None

    @property
    def time_column(self) -> str:
        """The column a time condition on this row is about."""
        return "due_time" if self.table == "TODO" else "start_time"

    @property
    def length(self) -> timedelta | None:
        """A SCHEDULE's duration (end minus start), None when unknown or for a TODO."""
        if self.table != "SCHEDULE" or self.start is None or self.end is None:
            return None
        return self.end - self.start


@dataclass(frozen=True)
class CategoryRef:
    """One category the client sent."""

    id: int
    title: str


@dataclass(frozen=True)
class Records:
    """Everything the request says about the user's data."""

    plans: tuple[Plan, ...]
    categories: tuple[CategoryRef, ...]

    def in_table(self, table: Table) -> tuple[Plan, ...]:
        return tuple(plan for plan in self.plans if plan.table == table)

    def by_id(self, table: Table, plan_id: int) -> Plan | None:
        for plan in self.plans:
            if plan.table == table and plan.id == plan_id:
                return plan
        return None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None  # already validated as TIME_FORMAT


def records_of(request: SqlRequest) -> Records:
    """The request's rows as `Records`."""
    plans: list[Plan] = [
        Plan("TODO", t.id, t.title, _parse(t.due_time), None, t.category_id, t.complete) for t in request.todos
    ]
    plans.extend(
        Plan("SCHEDULE", s.id, s.title, _parse(s.start_time), _parse(s.end_time), s.category_id, None)
        for s in request.schedules
    )
    categories = tuple(CategoryRef(c.id, c.title) for c in request.categories)
    return Records(tuple(plans), categories)


def fmt(moment: datetime) -> str:
    """A moment as the client's time literal."""
    return moment.strftime(TIME_FORMAT)
