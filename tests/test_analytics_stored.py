"""The Drivers models stored at load (analytics.stored): what the page reads equals a fresh fit,
the per-scope layoff audit and team metrics equal their direct computation, reruns replace,
and a database that cannot be analysed still loads and says why."""

from __future__ import annotations

import math
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import layoffs, stored
from analytics.correlations import suppress_teams
from analytics.fit import fit_company_models
from analytics.frames import Analysis, AnalysisInputError, read_key
from analytics.report import company_findings, drivers_report
from analytics.stored import team_metrics_from_marts
from etl.loading.derived import DerivedStep
from tests import analytics_data as d
from workforce.auth import viewer_for
from workforce.viewer import Role, Viewer, allowed_orgs

DRIVERS_TABLES = set(stored.TABLES)


@pytest.fixture(scope="module")
def stored_db(sample_db_path, tmp_path_factory):
    """A copy of the sample database (key beside it) on which the derived step has run."""
    folder = tmp_path_factory.mktemp("drivers_stored")
    db = folder / "workforce.duckdb"
    shutil.copy(sample_db_path, db)
    shutil.copy(sample_db_path.parent / "pseudonym.key", folder / "pseudonym.key")
    con = duckdb.connect(str(db))
    # the way etl.loading.derived runs it: by name, on the load's connection and transaction
    con.execute("BEGIN TRANSACTION")
    written = DerivedStep("analytics.stored:build_drivers_tables", stored.NEEDS).function()(con)
    con.execute("COMMIT")
    con.close()
    assert written > 0
    return db


@pytest.fixture(scope="module")
def con(stored_db):
    con = duckdb.connect(str(stored_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def fresh(con, stored_db):
    """Today's computation: every model fit now on the same data."""
    return fit_company_models(con, read_key(stored_db.parent / "pseudonym.key"))


@pytest.fixture(scope="module")
def population(con, stored_db):
    """The people at risk in each layoff wave, as the layoff model reads them."""
    analysis = Analysis(con.cursor(), read_key(stored_db.parent / "pseudonym.key"))
    try:
        return analysis.layoff_population()
    finally:
        analysis.close()


def _same_effects(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for key in a:
        x, y = a[key], b[key]
        assert (x.label, x.unit, x.null, x.n) == (y.label, y.unit, y.null, y.n), key
        for field in ("estimate", "ci_low", "ci_high"):
            u, v = getattr(x, field), getattr(y, field)
            assert (math.isnan(u) and math.isnan(v)) or u == pytest.approx(v, rel=1e-9, abs=1e-12), (key, field)


def test_stored_models_equal_a_fresh_fit(con, fresh):
    models = stored.with_company_audit(stored.read_models(con), 5, con)
    _same_effects(models.morale.effects, fresh.morale.effects)
    _same_effects(models.cox.hazard_ratios, fresh.cox.hazard_ratios)
    _same_effects({"or": models.layoffs.odds_ratio_per_sd_tokens}, {"or": fresh.layoffs.odds_ratio_per_sd_tokens})
    m, f = models.morale, fresh.morale
    assert (m.n_rows, m.n_clusters, m.n_waves, m.n_orgs) == (f.n_rows, f.n_clusters, f.n_waves, f.n_orgs)
    assert models.event_study.pretrend_p == pytest.approx(fresh.event_study.pretrend_p, rel=1e-9)
    assert models.event_study.n == fresh.event_study.n
    pd.testing.assert_frame_equal(models.event_study.table, fresh.event_study.table, rtol=1e-9)
    # the mandate model (analytics.mandate): the same estimate, tests, units and tables
    sm, fm = models.mandate, fresh.mandate
    _same_effects({"mandate": sm.effect}, {"mandate": fm.effect})
    assert (sm.p_value, sm.pretrend_p, sm.treated_units, sm.control_units, sm.method, sm.reason) == (
        fm.p_value, fm.pretrend_p, fm.treated_units, fm.control_units, fm.method, fm.reason)
    pd.testing.assert_frame_equal(sm.by_months, fm.by_months, rtol=1e-9, check_dtype=False)
    pd.testing.assert_frame_equal(sm.by_org, fm.by_org, rtol=1e-9, check_dtype=False)
    for field in ("answer_noise_var", "reliability", "reliability_low", "reliability_high"):
        got, expected = getattr(models.cox.calibration, field), getattr(fresh.cox.calibration, field)
        assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected, rel=1e-9), field
    assert models.cox.calibration.reason == fresh.cox.calibration.reason
    assert models.cox.notes == fresh.cox.notes
    _same_effects({"c": models.cox.morale_corrected}, {"c": fresh.cox.morale_corrected})
    assert all(e.reason == fresh.cox.hazard_ratios[k].reason for k, e in models.cox.hazard_ratios.items())
    assert models.cox.concordance == pytest.approx(fresh.cox.concordance, rel=1e-9)
    assert (models.cox.n_rows, models.cox.n_events) == (fresh.cox.n_rows, fresh.cox.n_events)
    pd.testing.assert_frame_equal(models.cox.ph_test, fresh.cox.ph_test, rtol=1e-9)
    assert set(models.km) == set(fresh.km)
    for grouping, curve in fresh.km.items():
        assert len(curve) > 0
        pd.testing.assert_frame_equal(models.km[grouping], curve, rtol=1e-9)
    # the company-wide audit (behind the layoff finding) is computed from the stored counts
    pd.testing.assert_frame_equal(models.layoffs.audit, fresh.layoffs.audit)
    assert company_findings(models) == company_findings(fresh)
    # what the load kept of the layoff model: per-org counts, in their own tables, not the people
    assert models.layoffs.groups is None and fresh.layoffs.groups is not None


def _scopes(con) -> list[list[str]]:
    orgs = sorted(org for (org,) in con.execute("SELECT DISTINCT org FROM stg_job_history").fetchall())
    return [orgs[:1], orgs[1:3], [orgs[0], orgs[-1]], orgs, []]


@pytest.mark.parametrize("minimum", [5, 12])
def test_the_audit_of_each_scope_equals_the_audit_of_its_people(con, population, minimum):
    for orgs in _scopes(con):
        expected = layoffs.adverse_impact(population[population["org"].isin(orgs)], minimum)
        got = stored.layoff_audit(con, orgs, minimum)
        if expected.empty:
            assert got.empty and not orgs
            continue
        pd.testing.assert_frame_equal(got, expected)
    # a larger minimum hides more groups: the suppression is applied per view, not stored
    company_5 = stored.layoff_audit(con, None, 5)
    company_12 = stored.layoff_audit(con, None, 12)
    assert company_12["suppressed"].sum() >= company_5["suppressed"].sum()


def test_team_metrics_of_each_scope_come_from_the_stored_tables(con):
    for orgs in _scopes(con):
        got = stored.team_metrics(con, orgs)
        expected = team_metrics_from_marts(con, orgs)  # built from the marts now, on a private cursor
        pd.testing.assert_frame_equal(got, expected, rtol=1e-12)
        assert set(got["org"]) == set(orgs) or (got.empty and not orgs)


def test_adoption_counts_usage_attributed_to_the_orgs_in_scope():
    """P1 (Alpha/A2 in March) has March usage attributed to Beta (say, booked after a move):
    an Alpha-only view does not count it, a view of both orgs does (as the usage pages do)."""
    con = d.connect()
    con.execute(
        "INSERT INTO mart_usage_daily SELECT DATE '2026-03-05', 'P1', 'Beta', 'B1', 'chat', 'v', 'm', 50, 0, 0, 0, "
        "50, 1, 0, 0.5, 'reported'"
    )
    alpha = team_metrics_from_marts(con, ["Alpha"]).set_index("team")
    both = team_metrics_from_marts(con, ["Alpha", "Beta"]).set_index("team")
    # A2's person-months: P1 in March and April; P1 used no AI in April
    assert alpha.loc["A2", "person_months"] == 2
    assert alpha.loc["A2", "adoption"] == 0.0
    assert both.loc["A2", "adoption"] == pytest.approx(1 / 2)
    # spend follows the team the usage was attributed to: Beta's B1, in either view
    assert both.loc["B1", "spend_per_head"] == pytest.approx((0.26 + 0.5) / 10)
    con.close()


def test_reports_per_role(con, fresh, population):
    minimum = 5
    for username in ("hr", "admin"):
        viewer = viewer_for(con, username)
        report = drivers_report(con, viewer)
        orgs = allowed_orgs(con, viewer)
        expected = layoffs.adverse_impact(population[population["org"].isin(orgs)], minimum)
        pd.testing.assert_frame_equal(report.audit, expected)
        teams, dropped, hidden = suppress_teams(team_metrics_from_marts(con, orgs), minimum)
        pd.testing.assert_frame_equal(report.teams, teams, rtol=1e-12)
        assert (report.teams_dropped, report.teams_survey_hidden) == (dropped, hidden)
        assert report.findings == company_findings(fresh) and report.fitted_at is not None
    executive = drivers_report(con, viewer_for(con, "exec"))
    assert executive.audit is None and executive.teams is None
    assert executive.findings == company_findings(fresh)


def test_a_rerun_replaces_the_tables(stored_db, tmp_path):
    db = tmp_path / "rerun.duckdb"
    shutil.copy(stored_db, db)
    shutil.copy(stored_db.parent / "pseudonym.key", tmp_path / "pseudonym.key")
    con = duckdb.connect(str(db))

    def counts() -> dict[str, int]:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in sorted(DRIVERS_TABLES)}

    before = counts()
    written = stored.build_drivers_tables(con)
    assert counts() == before and before[stored.STATUS_TABLE] == 1
    assert written == sum(before.values())
    con.close()


def test_the_stored_tables_hold_aggregates_and_no_identity(con):
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'mart_drivers_%'")
              .fetchall()}
    assert tables == DRIVERS_TABLES
    columns = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name LIKE 'mart_drivers_%'").fetchall()}
    assert columns.isdisjoint({"employee_id", "respondent_key", "response_id", "manager_id", "manager_key", "email",
                               "full_name"})
    ids = [i for (i,) in con.execute("SELECT employee_id FROM stg_employees").fetchall()]
    for table in tables:
        text = con.execute(f"SELECT * FROM {table}").df().astype(str).to_numpy().ravel()
        assert not set(ids) & set(text), table
    # one row per wave, org, breakdown and group; every person at risk is counted once per breakdown
    groups = con.execute("SELECT * FROM mart_drivers_layoff_groups").df()
    assert not groups.duplicated(["layoff_wave", "org", "dimension", "group"]).any()
    people = con.execute("SELECT sum(n) FROM mart_drivers_layoff_totals").fetchall()[0][0]
    assert groups.groupby("dimension")["n"].sum().max() <= people
    assert groups[groups["dimension"] == "token_quartile"]["n"].sum() == people


def test_a_database_without_the_tables_is_told_to_reload(stored_db, tmp_path):
    """No fit per view: a database without the stored models (its schema version makes the app
    and the loader rebuild it) is refused with what to do."""
    db = tmp_path / "old.duckdb"
    shutil.copy(stored_db, db)
    writable = duckdb.connect(str(db))
    for table in DRIVERS_TABLES:
        writable.execute(f"DROP TABLE {table}")
    writable.close()
    old = duckdb.connect(str(db), read_only=True)
    with pytest.raises(AnalysisInputError, match="reload the data"):
        drivers_report(old, viewer_for(old, "hr"))
    assert stored.status(old) is None
    old.close()


def test_without_its_key_the_load_goes_on_and_the_page_says_why(stored_db, tmp_path, monkeypatch):
    monkeypatch.delenv("WORKFORCE_KEY_FILE", raising=False)
    db = tmp_path / "nokey.duckdb"
    shutil.copy(stored_db, db)  # and no pseudonym.key beside it
    con = duckdb.connect(str(db))
    assert stored.build_drivers_tables(con) == 1
    state = stored.status(con)
    assert state["status"] == "unavailable" and "pseudonym key not found" in state["message"]
    left = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'mart_drivers_%'")
            .fetchall()}
    assert left == {stored.STATUS_TABLE}  # no stale results of an earlier load
    with pytest.raises(AnalysisInputError, match="pseudonym key not found"):
        drivers_report(con, Viewer("x", Role.EXECUTIVE))
    # a key file that is not the database's own is named, not used
    (tmp_path / "pseudonym.key").write_bytes(b"another-secret-of-32-bytes-0123456")
    stored.build_drivers_tables(con)
    assert "not the key this database was loaded with" in stored.status(con)["message"]
    con.close()


def test_group_counts_of_orgs_add_up_to_the_audit_of_their_people():
    rng = np.random.default_rng(5)
    n = 600
    frame = pd.DataFrame({
        "layoff_wave": rng.choice(["R1", "R2"], n), "org": rng.choice(["A", "B", "C"], n),
        "token_quartile": rng.choice(["Q1", "Q2", "Q3", "Q4"], n), "tenure_band": rng.choice(["<1y", "5y+"], n),
        "level": rng.choice(["IC10", "IC3", "IC4", "M1"], n, p=[0.05, 0.45, 0.4, 0.1]),
        "job_family": rng.choice(["Eng", "Sales"], n),
        "location": rng.choice(["HQ", "Remote", None], n, p=[0.6, 0.38, 0.02]),
        "selected": rng.random(n) < 0.15,
    })
    groups, totals = layoffs.group_counts(frame, by=("layoff_wave", "org"))
    assert int(totals["n"].sum()) == n
    for orgs in (["A"], ["A", "C"], ["A", "B", "C"]):
        mine = groups[groups["org"].isin(orgs)].groupby(
            ["layoff_wave", "dimension", "group", "group_order"], as_index=False)[["n", "selected"]].sum()
        wave_totals = totals[totals["org"].isin(orgs)].groupby("layoff_wave", as_index=False)[["n", "selected"]].sum()
        got = layoffs.adverse_impact_from_counts(mine, wave_totals, 5)
        expected = layoffs.adverse_impact(frame[frame["org"].isin(orgs)], 5)
        pd.testing.assert_frame_equal(got, expected)
    # groups keep the order of their values ("IC10" sorts before "IC3"), and a missing location
    # counts in the wave total but in no location group
    levels = groups[(groups["dimension"] == "level") & (groups["org"] == "A")].sort_values("group_order")
    assert levels["group"].drop_duplicates().tolist() == ["IC10", "IC3", "IC4", "M1"]
    located = groups[groups["dimension"] == "location"]["n"].sum()
    assert located == n - int(frame["location"].isna().sum())


def test_registered_as_a_derived_step_it_runs_with_the_load(tmp_path, monkeypatch):
    """The step as the lead registers it: run by the loader (its own attached connection, inside
    the load's transaction), rerun when usage is rebuilt, not when a survey mart is."""
    from etl.load import load_folder, rebuild_marts
    from etl.loading import derived
    from workforce.db import SAMPLE_DATA_DIR

    step = DerivedStep("analytics.stored:build_drivers_tables", stored.NEEDS)
    monkeypatch.setattr(derived, "STEPS", (step,))
    monkeypatch.delenv("WORKFORCE_KEY_FILE", raising=False)
    load_folder(SAMPLE_DATA_DIR, tmp_path / "w.duckdb", key_path=tmp_path / "pseudonym.key")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    first = stored.status(con)
    assert first["status"] == "ok"
    assert step.target not in rebuild_marts(con, ["mart_survey_respondent_wave"])
    assert stored.status(con)["fitted_at"] == first["fitted_at"]
    assert rebuild_marts(con, ["mart_usage_daily"])[step.target] > 0
    assert stored.read_models(con).cox.n_events > 0
    con.close()
