"""Who is looking: role, org scope, and the one place where scope meets a request.

A Viewer is built on the server at sign-in and passed to every query function. Query
functions never trust an org list from a widget: they ask `allowed_orgs`, which intersects
the request with the viewer's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import duckdb


class Role(StrEnum):
    EMPLOYEE = "employee"
    HR_PARTNER = "hr_partner"
    EXECUTIVE = "executive"
    ADMIN = "admin"


@dataclass(frozen=True)
class Viewer:
    username: str
    role: Role
    # Orgs an HR partner supports. Ignored for executives and admins (whole company) and
    # employees (company-level survey results only).
    orgs: frozenset[str] = frozenset()
    employee_id: str | None = None
    display_name: str = ""

    @property
    def whole_company(self) -> bool:
        return self.role in (Role.EXECUTIVE, Role.ADMIN)

    @property
    def sees_individuals(self) -> bool:
        """Names beside people data (e.g. over-stretched managers). Individual AI usage is
        shown only on the admins' alert review, whatever this says."""
        return self.role in (Role.ADMIN, Role.HR_PARTNER)


class ScopeError(PermissionError):
    """A request reached for data outside the viewer's role or org scope."""


def all_orgs(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT DISTINCT org FROM stg_job_history ORDER BY org"
    ).fetchall()
    return [r[0] for r in rows]


def allowed_orgs(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, requested: Iterable[str] | None = None
) -> list[str]:
    """The orgs this viewer may see, narrowed to `requested` when given.

    Returns a sorted list to bind as a parameter (`list_contains(?, org)`). An employee gets
    no org at all: they see company-level survey results only, through their own page.
    """
    if viewer.role == Role.EMPLOYEE:
        return []
    scope = set(all_orgs(con)) if viewer.whole_company else set(viewer.orgs)
    if requested is not None:
        requested = set(requested)
        scope &= requested
    return sorted(scope)


def require_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        raise ScopeError(f"{viewer.username} ({viewer.role}) may not do this")
