"""The people tables stored at load give the same figures as computing them per view.

`people.build_tables` (a step of the load) stores the assignments, every manager's span as
intervals of days, and per month start, org, team and manager span the people and their depths.
Here, on the loaded sample (1,500 people), every people query runs both ways, for whole-company,
one-org and team views, on month series and on single days, and must agree to the last digit.
The hand-made organisation of tests/test_people.py runs both ways too (its `con` fixture).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from workforce import people
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)
STORED = (people.ASSIGNMENTS_TABLE, people.SPANS_TABLE, people.MONTHS_TABLE, people.MONTH_TEAM_TABLE)


@pytest.fixture(scope="module")
def con(sample_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("people_marts") / "workforce.duckdb"
    shutil.copy(sample_db_path, path)
    c = duckdb.connect(str(path))
    assert people.build_tables(c) > 0
    yield c
    c.close()


def _computed(monkeypatch):
    real = people.table_exists
    monkeypatch.setattr(people, "table_exists", lambda con, name: name not in STORED and real(con, name))


def _views(con) -> dict[str, Filters]:
    last = people.data_as_of(con)
    org, team = con.execute(
        "SELECT org, team FROM stg_job_history GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    return {
        "default": Filters(),
        "year": Filters(start=last - timedelta(days=364), end=last),
        "one org, 90 days": Filters(start=last - timedelta(days=90), end=last, orgs=(org,)),
        "team": Filters(start=last - timedelta(days=200), end=last, teams=(team,)),
    }


def _calls(con):
    last = people.data_as_of(con)
    days = [last, last - timedelta(days=364), last - timedelta(days=100)]
    calls = [(people.headcount_monthly, ()), (people.span_by_org_monthly, (15,)), (people.span_by_org_monthly, (4,)),
             (people.layers_monthly, ()), (people.movements_monthly, ()), (people.layoffs_by_wave, ()),
             (people.events, ()), (people.attrition, ())]
    for day in days:
        calls += [(people.headcount_on, (day,)), (people.span_on, (day, 15)), (people.span_values, (day,)),
                  (people.layers_on, (day,)), (people.team_risk_factors, (day, 15)),
                  (people.wide_span_managers, (day, 10))]
    return calls


def test_stored_tables_cover_the_default_window(con):
    for name in STORED:
        assert people.table_exists(con, name)
    assert people._months_stored(con, people.window(con, Filters()))
    # intervals never overlap for a manager: on any day one span per manager
    overlaps = con.execute(f"""
        SELECT count(*) FROM {people.SPANS_TABLE} AS a JOIN {people.SPANS_TABLE} AS b
          ON a.manager_id = b.manager_id AND a.valid_from < b.valid_from AND b.valid_from < a.valid_to""").fetchall()
    assert overlaps == [(0,)]


def test_stored_and_computed_figures_agree(con, monkeypatch):
    compared = 0
    for view, filters in _views(con).items():
        for fn, args in _calls(con):
            for viewer in (EXEC, ADMIN) if fn is people.wide_span_managers else (EXEC,):
                stored = fn(con, viewer, filters, *args)
                with monkeypatch.context() as patch:
                    _computed(patch)
                    computed = fn(con, viewer, filters, *args)
                pd.testing.assert_frame_equal(stored, computed, rtol=1e-12, obj=f"{fn.__name__}{args} {view}")
                compared += len(stored)
    assert compared > 1000


def test_months_outside_the_stored_ones_are_computed(con, monkeypatch):
    first = con.execute(f"SELECT min(day) FROM {people.MONTHS_TABLE}").fetchall()[0][0]
    before = Filters(start=first - timedelta(days=62), end=first + timedelta(days=40))
    assert not people._months_stored(con, people.window(con, before))
    frame = people.headcount_monthly(con, EXEC, before)
    with monkeypatch.context() as patch:
        _computed(patch)
        pd.testing.assert_frame_equal(frame, people.headcount_monthly(con, EXEC, before))
    months = sorted({m.date() for m in frame["month"]})
    assert months == people.month_starts(people.window(con, before)) and len(months) == 4


def test_month_starts_match_the_sql():
    w = people.Window(date(2025, 11, 15), date(2026, 2, 1))
    assert people.month_starts(w) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert people.month_starts(people.Window(date(2026, 3, 1), date(2026, 3, 31))) == [date(2026, 3, 1)]
    assert people.month_starts(people.Window(date(2026, 3, 2), date(2026, 3, 31))) == []
