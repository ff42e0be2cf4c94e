"""The flags by org, the flagged ids and the flagged people are every person's signals, counted.

`flags_by_org` and `flagged` read the rule alone (person_flags.sql); `flagged_people` adds the
ratios of the flagged people only and `person_signals` those of everyone (person_ratios.sql). On the
loaded sample they must agree for several ranges, scopes and rules.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from workforce import tokenmaxxing
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EXEC = Viewer("exec", Role.EXECUTIVE)
RULES = [tokenmaxxing.Rules(), tokenmaxxing.Rules(ratio=4.0, min_weeks=3), tokenmaxxing.Rules(min_peers=3)]


def _views(con) -> dict[str, Filters]:
    first, last = con.execute("SELECT min(usage_date), max(usage_date) FROM stg_token_usage").fetchall()[0]
    org, team = con.execute(
        "SELECT org, team FROM mart_usage_person_week GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    return {
        "everything": Filters(),
        "one org, 90 days": Filters(start=last - timedelta(days=90), end=last, orgs=(org,)),
        "middle": Filters(start=first + timedelta(days=60), end=last - timedelta(days=100)),
        "team, half a year": Filters(start=last - timedelta(days=180), end=last, teams=(team,)),
    }


@pytest.mark.parametrize("rules", RULES, ids=["default", "looser", "small peer groups"])
def test_flags_are_every_persons_signals_counted(sample_con, rules):
    flagged_somewhere = 0
    for view, filters in _views(sample_con).items():
        signals = tokenmaxxing.person_signals(sample_con, ADMIN, filters, rules)
        by_org = tokenmaxxing.flags_by_org(sample_con, EXEC, filters, rules).set_index("org")
        expected = signals.groupby("org").agg(people=("employee_id", "size"), flagged=("flagged", "sum"))
        assert not expected.empty, view
        assert by_org[["people", "flagged"]].astype(int).to_dict() == expected.astype(int).to_dict(), view
        named = tokenmaxxing.flagged_people(sample_con, ADMIN, filters, rules)
        assert set(named["employee_id"]) == set(signals.loc[signals["flagged"], "employee_id"]), view
        ids = tokenmaxxing.flagged(sample_con, ADMIN, filters, rules).set_index("employee_id")
        expected_ids = signals.loc[signals["flagged"]].set_index("employee_id")[["org", "team"]]
        assert ids.sort_index().to_dict() == expected_ids.sort_index().to_dict(), view
        shown = signals.set_index("employee_id").loc[named["employee_id"]]
        for column in ("median_token_ratio", "median_agent_ratio", "cost_usd_in_those_weeks"):
            assert named[column].to_numpy() == pytest.approx(shown[column].to_numpy()), (view, column)
        flagged_somewhere += len(named)
    assert flagged_somewhere >= 10  # enough flags to compare
