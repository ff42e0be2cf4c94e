"""The tokenmaxxing tables stored at load give the same signals and flags as computing them.

`tokenmaxxing.build_tables` (a step of the load) stores every person-week beside its peers and,
for the default rules over the whole data, every person's flag and the flagged people's signals.
The queries then read those (default rules, every week), run the rule on the candidates only
(people with enough far-above weeks in the range to be flagged) or on every stored person-week,
or, on a database loaded before those tables existed, compute the person-weeks too. On the loaded
sample all of them must give the same rows, for several ranges, scopes and rules.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from workforce import tokenmaxxing
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EXEC = Viewer("exec", Role.EXECUTIVE)
FLAGS = (tokenmaxxing.FLAGS, tokenmaxxing.FLAGGED)
STORED = (tokenmaxxing.PERSON_WEEKS, *FLAGS)
RULES = [tokenmaxxing.Rules(), tokenmaxxing.Rules(ratio=4.0, min_weeks=3), tokenmaxxing.Rules(min_peers=3)]


@pytest.fixture(scope="module")
def con(sample_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("tokenmaxxing_marts") / "workforce.duckdb"
    shutil.copy(sample_db_path, path)
    c = duckdb.connect(str(path))
    assert tokenmaxxing.build_tables(c) > 0
    yield c
    c.close()


def _views(con) -> dict[str, Filters]:
    first, last = con.execute("SELECT min(usage_date), max(usage_date) FROM stg_token_usage").fetchall()[0]
    org, team = con.execute(
        "SELECT org, team FROM mart_usage_person_week GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    return {
        "everything": Filters(),
        "whole range": Filters(start=first, end=last),
        "one org, 90 days": Filters(start=last - timedelta(days=90), end=last, orgs=(org,)),
        "middle": Filters(start=first + timedelta(days=60), end=last - timedelta(days=100)),
        "team, half a year": Filters(start=last - timedelta(days=180), end=last, teams=(team,)),
    }


def _without(monkeypatch, tables):
    real = tokenmaxxing.table_exists
    monkeypatch.setattr(tokenmaxxing, "table_exists", lambda con, name: name not in tables and real(con, name))


def _by_person(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("employee_id", ignore_index=True)


def test_the_stored_flags_are_the_default_rule_over_every_week(con, monkeypatch):
    people, flagged = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE flagged) FROM {tokenmaxxing.FLAGS}").fetchall()[0]
    assert people > 1000 and flagged >= 10  # enough to compare
    stored_flagged = con.execute(f"SELECT count(*) FROM {tokenmaxxing.FLAGGED}").fetchall()[0][0]
    _without(monkeypatch, STORED)
    computed = tokenmaxxing.person_signals(con, ADMIN, Filters())
    assert (len(computed), computed["flagged"].sum()) == (people, flagged) == (people, stored_flagged)


@pytest.mark.parametrize("rules", RULES, ids=["default", "looser", "small peer groups"])
def test_every_way_gives_the_same_flags(con, monkeypatch, rules):
    for view, filters in _views(con).items():
        results = {}
        for way, hidden in [("stored", ()), ("person-weeks", FLAGS), ("computed", STORED)]:
            with monkeypatch.context() as patch:
                _without(patch, hidden)
                results[way] = (tokenmaxxing.flags_by_org(con, EXEC, filters, rules),
                                _by_person(tokenmaxxing.flagged_people(con, ADMIN, filters, rules)))
        by_org, named = results["computed"]
        assert by_org["people"].sum() > 0 and by_org["flagged"].sum() == len(named), view
        for way in ("stored", "person-weeks"):
            for got, expected in zip(results[way], results["computed"], strict=True):
                pd.testing.assert_frame_equal(got, expected, rtol=1e-12, obj=f"{way} {view}")


def test_signals_from_stored_person_weeks_are_the_computed_ones(con, monkeypatch):
    for view, filters in _views(con).items():
        stored = _by_person(tokenmaxxing.person_signals(con, ADMIN, filters))
        with monkeypatch.context() as patch:
            _without(patch, STORED)
            computed = _by_person(tokenmaxxing.person_signals(con, ADMIN, filters))
        assert not computed.empty and "longest_run_weeks" in computed.columns
        pd.testing.assert_frame_equal(stored, computed, rtol=1e-12, obj=view)


def test_each_way_is_taken_when_it_applies(con, monkeypatch):
    last = con.execute("SELECT max(usage_date) FROM stg_token_usage").fetchall()[0][0]
    recent = Filters(start=last - timedelta(days=90), end=last)
    default = tokenmaxxing.Rules()
    assert f"FROM {tokenmaxxing.FLAGS}" in tokenmaxxing._query(con, "flags_by_org", Filters(), default)
    assert f"FROM {tokenmaxxing.FLAGGED}" in tokenmaxxing._query(con, "flagged_people", Filters(), default)
    for final in ("flags_by_org", "flagged_people"):
        text = tokenmaxxing._query(con, final, recent, default)
        assert "candidates" in text and f"FROM {tokenmaxxing.FLAGS}" not in text
    assert "candidates" not in tokenmaxxing._query(con, "signals_and_runs", recent, default)
    # next_week was stored for the default peer minimum: other minimums count people the long way
    assert "last_weeks" not in tokenmaxxing._query(con, "flags_by_org", recent, tokenmaxxing.Rules(min_peers=3))
    with monkeypatch.context() as patch:
        _without(patch, STORED)
        assert "FROM mart_tokenmaxxing" not in tokenmaxxing._query(con, "flags_by_org", Filters(), default)
