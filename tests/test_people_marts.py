"""The month grid the load stores gives the same people on each month start as the assignments.

Monthly people figures read `mart_employee_month` (the month grid); the "on a date" views read
`int_assignments` for the day. Both come from the one definition of an assignment, so on the
loaded sample (1,500 people), on every month start of the default window, for whole-company,
one-org and team views, headcount and spans must agree to the last digit; the grid must cover the
default window (a year up to the as-of date); and the depth it stores for each person (management
layers read it) must be the one a plain walk up the managers in Python finds.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from workforce import people
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)


def _views(con) -> dict[str, Filters]:
    last = people.data_as_of(con)
    org, team = con.execute(
        "SELECT org, team FROM stg_job_history GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    return {
        "default": Filters(),
        "one org, 90 days": Filters(start=last - timedelta(days=90), end=last, orgs=(org,)),
        "team": Filters(start=last - timedelta(days=200), end=last, teams=(team,)),
    }


def test_the_month_grid_covers_the_default_window(sample_con):
    w = people.window(sample_con, Filters())
    months = set(people.headcount_monthly(sample_con, EXEC, Filters())["month"].dt.date)
    expected = {d for d in (w.start + timedelta(days=i) for i in range(w.days)) if d.day == 1}
    assert months == expected and len(months) >= 12


@pytest.mark.parametrize("view", ["default", "one org, 90 days", "team"])
def test_month_grid_and_assignments_agree_on_every_month_start(sample_con, view):
    filters = _views(sample_con)[view]
    monthly = {
        "headcount": people.headcount_monthly(sample_con, EXEC, filters),
        "span": people.span_by_org_monthly(sample_con, EXEC, filters, 4),
    }
    compared = 0
    for month in monthly["headcount"]["month"].unique():
        day = pd.Timestamp(month).date()
        on_day = {
            "headcount": people.headcount_on(sample_con, EXEC, filters, day),
            "span": people.span_on(sample_con, EXEC, filters, day, 4),
        }
        for name, frame in monthly.items():
            in_month = frame[frame["month"] == month].drop(columns="month").reset_index(drop=True)
            pd.testing.assert_frame_equal(in_month, on_day[name], rtol=1e-12, obj=f"{name} {day} {view}")
            compared += len(in_month)
    assert compared >= 4  # two figures on at least two month starts


def _walked_depth(managers: dict[str, str | None], person: str) -> int:
    """Managers above `person` up to the top, walking a dict; a manager not in the month ends it."""
    depth, seen, current = 0, {person}, managers[person]
    while current is not None:
        depth += 1
        if current not in managers or current in seen or depth >= 40:
            break
        seen.add(current)
        current = managers[current]
    return depth


def test_stored_depths_are_a_plain_walk_up_the_managers(sample_con):
    grid = sample_con.execute("SELECT month, employee_id, manager_id, depth FROM mart_employee_month").df()
    assert len(grid) > 10_000 and grid["depth"].max() >= 3  # a real tree, several layers deep
    for _, month in grid.groupby("month"):
        managers = dict(zip(month["employee_id"], month["manager_id"].where(month["manager_id"].notna(), None),
                            strict=True))
        walked = [_walked_depth(managers, e) for e in month["employee_id"]]
        assert walked == month["depth"].tolist()


def test_layers_are_the_deepest_person_per_org(sample_con):
    last = people.data_as_of(sample_con)
    layers = people.layers_monthly(sample_con, EXEC, Filters(start=last - timedelta(days=60), end=last))
    expected = sample_con.execute(
        "SELECT month, org, max(depth) AS layers, count(*) AS people FROM mart_employee_month "
        "WHERE month BETWEEN $s AND $e GROUP BY ALL ORDER BY month, org",
        {"s": last - timedelta(days=60), "e": last}).df()
    assert len(layers) == len(expected) > 0
    assert layers["layers"].tolist() == expected["layers"].tolist()
    assert layers["people"].tolist() == expected["people"].tolist()
