"""What each page must show in a real browser: its charts and key figures, per the pages' code.

Kept beside the browser tests and grown as pages land. `charts` and `metrics` are minimums
(a page may add more); `texts` are strings that must appear (headings, labels of key figures).
A page missing here is only checked for rendering without an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.navigation import PAGES_BY_KEY, PageSpec
from workforce.viewer import Role, Viewer


@dataclass(frozen=True)
class Expect:
    charts: int = 0
    metrics: int = 0
    texts: tuple[str, ...] = ()


EXPECT: dict[str, Expect] = {
    # Minimums seen on the sample data for the role with the least (executives get two charts
    # on Drivers: the per-team ranking stays with HR and admins).
    # Its mandate-vs-morale chart is left out when no wave is large enough, as with the open demo wave.
    "executive_summary": Expect(metrics=7, texts=("What stands out", "What to look at:", "Teams to look at first",
                                                  "Headcount as of")),
    "overview": Expect(charts=1, metrics=4, texts=("Headcount as of",)),
    "ai_usage": Expect(charts=12, metrics=8),
    "cost_alerts": Expect(texts=("Detection thresholds",)),
    "spend_reconciliation": Expect(texts=("What each vendor's cost report billed",)),  # the title shows when denied too
    "org_changes": Expect(charts=7),
    "morale": Expect(charts=3),  # the open demo wave is the default: too few answers for its themes yet
    "drivers": Expect(charts=2),
    "survey_waves": Expect(texts=("Live response rates", "Comment topics", "Action plans")),
    "data_admin": Expect(metrics=4, texts=("Upload", "Load history")),
    "access_admin": Expect(),
    "audit_log": Expect(),
    "pulse_survey": Expect(texts=("Company results of closed surveys", "You said, we are doing")),
}

# The demo accounts (workforce.auth.ensure_demo_accounts) as the page registry sees them; a test
# checks these against the accounts the server really has.
DEMO_VIEWERS: dict[str, Viewer] = {
    "admin": Viewer("admin", Role.ADMIN),
    "exec": Viewer("exec", Role.EXECUTIVE),
    "hr": Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"(largest org)"})),
    "employee": Viewer("employee", Role.EMPLOYEE, employee_id="(linked)"),
}


def expect(key: str) -> Expect:
    return EXPECT.get(key, Expect())


def spec(key: str) -> PageSpec:
    return PAGES_BY_KEY[key]
