"""Tokenmaxxing: the flag finds the generator's planted tokenmaxxers (precision and recall >= 0.8),
shows only counts to analysts, and cost per change landed is right on hand-made data."""

from __future__ import annotations

import pytest

from etl.generate import generate
from etl.load import load_folder
from tests.usage_data import build_usage_marts, small_company
from workforce import tokenmaxxing
from workforce.filters import Filters
from workforce.viewer import Role, ScopeError, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EXEC = Viewer("exec", Role.EXECUTIVE)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    import duckdb

    folder = tmp_path_factory.mktemp("tokenmaxxing")
    result = generate(folder / "data", employees=800, months=9, seed=11)
    load_folder(folder / "data", folder / "db.duckdb", key_path=folder / "pseudonym.key")
    con = duckdb.connect(str(folder / "db.duckdb"), read_only=True)
    yield con, result.truth.tokenmaxxer_ids
    con.close()


def test_flag_finds_the_planted_tokenmaxxers(generated):
    con, truth = generated
    signals = tokenmaxxing.person_signals(con, ADMIN, Filters())
    flagged = set(signals.loc[signals["flagged"], "employee_id"])
    hits = len(flagged & truth)
    precision, recall = hits / len(flagged), hits / len(truth)
    assert len(truth) >= 10
    assert precision >= 0.8, (precision, recall)
    assert recall >= 0.8, (precision, recall)


def test_analysts_see_counts_only(generated):
    con, truth = generated
    by_org = tokenmaxxing.flags_by_org(con, EXEC, Filters())
    assert set(by_org.columns) == {"org", "people", "flagged", "flagged_share"}
    named = tokenmaxxing.flagged_people(con, ADMIN, Filters())
    assert by_org["flagged"].sum() == len(named)
    assert named["person"].notna().all()
    with pytest.raises(ScopeError):
        tokenmaxxing.flagged_people(con, EXEC, Filters())
    with pytest.raises(ScopeError):
        tokenmaxxing.flagged(con, EXEC, Filters())
    with pytest.raises(ScopeError):
        tokenmaxxing.person_signals(con, EXEC, Filters())


def test_rules_are_checked():
    with pytest.raises(ValueError, match="ratio must be above 1"):
        tokenmaxxing.Rules(ratio=0.5).validate()


def test_cost_per_change_landed():
    con = small_company()
    # e1 (Alpha) lands 4 changes in the week of 2026-01-05, e4 (Beta) 1 in the week of 2026-02-09
    con.execute("INSERT INTO stg_outcomes VALUES ('2026-01-05', 'e1', 4, 2, 1), ('2026-02-09', 'e4', 1, 0, 0)")
    build_usage_marts(con)  # as a load would: the person-months read the outcomes
    by_org = tokenmaxxing.cost_per_change(con, ADMIN, Filters(), by="org").set_index("group")
    # only e1 and e4 have outcomes: Alpha = e1's 10.00 + 0.50 + 20.00, Beta = e4's 1.15 + 5.55
    assert by_org.loc["Alpha", "cost_per_change_usd"] == pytest.approx(30.50 / 4)
    assert by_org.loc["Beta", "cost_per_change_usd"] == pytest.approx(6.70 / 1)
    assert by_org.loc["Alpha", "people"] == 2  # e1 in January and February
    by_cohort = tokenmaxxing.cost_per_change(con, ADMIN, Filters(), by="cohort").set_index("group")
    # e1's January (3.6M tokens) is heavy, February (2M) moderate; e4's months are light
    assert by_cohort.loc["heavy", "cost_per_change_usd"] == pytest.approx(10.50 / 4)
    assert by_cohort.loc["heavy", "tokens_per_change"] == pytest.approx(3_600_000 / 4)
    assert by_cohort.loc["light", "cost_per_change_usd"] == pytest.approx(6.70)
    assert by_cohort.loc["moderate"].isna()["cost_per_change_usd"]  # no change landed: no ratio
    with pytest.raises(ValueError, match="by must be"):
        tokenmaxxing.cost_per_change(con, ADMIN, Filters(), by="team")
