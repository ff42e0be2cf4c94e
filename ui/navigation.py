"""Which pages exist and which roles may open them: the single registry app.py routes from.

Pages re-check the same registry on the server when they run (`ui.session.require_page`), so a
page missing from a viewer's navigation cannot be reached by URL either.
"""

from __future__ import annotations

from dataclasses import dataclass

from workforce.viewer import Role, Viewer

ANALYSTS = frozenset({Role.HR_PARTNER, Role.EXECUTIVE, Role.ADMIN})


@dataclass(frozen=True)
class PageSpec:
    key: str  # also the file name under pages/ and the URL path
    title: str
    roles: frozenset[Role]
    section: str
    needs_employee: bool = False  # only people linked to an employee record (survey form)

    @property
    def path(self) -> str:
        return f"pages/{self.key}.py"

    def allows(self, viewer: Viewer) -> bool:
        if self.needs_employee and viewer.employee_id is None:
            return False
        return viewer.role in self.roles


PAGES: tuple[PageSpec, ...] = (
    PageSpec("executive_summary", "Executive summary", ANALYSTS, "Overview"),
    PageSpec("overview", "Data overview", ANALYSTS, "Overview"),
    PageSpec("ai_usage", "AI usage & cost", ANALYSTS, "AI"),
    PageSpec("cost_alerts", "Cost alerts", frozenset({Role.ADMIN}), "AI"),
    PageSpec("spend_reconciliation", "Spend reconciliation", frozenset({Role.ADMIN, Role.EXECUTIVE}), "AI"),
    PageSpec("org_changes", "Org changes", ANALYSTS, "People"),
    PageSpec("morale", "Morale & survey results", ANALYSTS, "People"),
    PageSpec("drivers", "Drivers of morale & attrition", ANALYSTS, "People"),
    PageSpec("pulse_survey", "Pulse survey", frozenset(Role), "Surveys", needs_employee=True),
    PageSpec("survey_waves", "Survey waves", frozenset({Role.ADMIN, Role.HR_PARTNER}), "Surveys"),
    PageSpec("data_admin", "Data", frozenset({Role.ADMIN}), "Admin"),
    PageSpec("access_admin", "Access", frozenset({Role.ADMIN}), "Admin"),
    PageSpec("audit_log", "Audit log", frozenset({Role.ADMIN}), "Admin"),
)
PAGES_BY_KEY = {p.key: p for p in PAGES}


def pages_for(viewer: Viewer) -> list[PageSpec]:
    return [p for p in PAGES if p.allows(viewer)]
