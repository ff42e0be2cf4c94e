"""The filters a page applies, as one hashable value passed to query functions.

Org narrowing is always re-checked against the viewer's scope by `workforce.viewer.allowed_orgs`;
a filter can only narrow what the viewer may see, never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None  # inclusive
    orgs: tuple[str, ...] = ()  # empty: every org in scope
    teams: tuple[str, ...] = ()  # empty: every team of those orgs
    vendors: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = field(default=())  # page-specific choices, e.g. (("grain", "week"),)

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    def as_log(self) -> dict[str, object]:
        """What the audit log records of a view."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, (), "")}

    @staticmethod
    def as_list(values: tuple[str, ...]) -> list[str] | None:
        """A filter list for binding: None means no narrowing (`? IS NULL OR list_contains(?, x)`)."""
        return list(values) if values else None


@dataclass(frozen=True)
class Window:
    """A span of days, both ends included (the people pages' date range, the analyses' follow-up)."""

    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def stop(self) -> date:
        """The first day after the window: the exclusive bound of a half-open `[start, stop)` range."""
        return self.end + timedelta(days=1)

    def previous(self) -> Window:
        """The window of equal length just before this one."""
        return Window(self.start - timedelta(days=self.days), self.start - timedelta(days=1))
