"""Derived steps run after the marts they read, inside the same transaction."""

from __future__ import annotations

import duckdb
import pytest

from etl.load import rebuild_marts
from etl.loading import derived
from etl.loading.derived import DerivedStep

CALLS: list[str] = []


def count_respondents(con: duckdb.DuckDBPyConnection) -> int:
    CALLS.append("respondents")
    con.execute("CREATE OR REPLACE TABLE derived_marker AS SELECT count(*) AS n FROM mart_survey_respondent_wave")
    return 1


def count_usage(con: duckdb.DuckDBPyConnection) -> int:
    CALLS.append("usage")
    return 0


def explode(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("CREATE OR REPLACE TABLE derived_marker AS SELECT -1 AS n")
    raise RuntimeError("step failed")


@pytest.fixture
def steps(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(derived, "STEPS", (
        DerivedStep(f"{__name__}:count_respondents", frozenset({"mart_survey_respondent_wave"})),
        DerivedStep(f"{__name__}:count_usage", frozenset({"mart_usage_daily"})),
    ))


def test_a_full_rebuild_runs_every_step_and_reports_its_rows(steps, writable_db):
    con = duckdb.connect(str(writable_db))
    rows = rebuild_marts(con)
    assert CALLS == ["respondents", "usage"]
    assert rows[f"{__name__}:count_respondents"] == 1
    expected = con.execute("SELECT count(*) FROM mart_survey_respondent_wave").fetchall()[0][0]
    assert con.execute("SELECT n FROM derived_marker").fetchall() == [(expected,)]


def test_a_partial_rebuild_runs_only_the_steps_reading_what_was_rebuilt(steps, writable_db):
    con = duckdb.connect(str(writable_db))
    rebuild_marts(con, ["mart_survey_respondent_wave"])
    assert CALLS == ["respondents"]


def test_a_failing_step_rolls_back_the_marts_and_the_step_tables(monkeypatch, steps, writable_db):
    con = duckdb.connect(str(writable_db))
    rebuild_marts(con)
    before = con.execute("SELECT n FROM derived_marker").fetchall()
    monkeypatch.setattr(derived, "STEPS", (DerivedStep(f"{__name__}:explode", frozenset({"mart_usage_daily"})),))
    with pytest.raises(RuntimeError, match="step failed"):
        rebuild_marts(con)
    assert con.execute("SELECT n FROM derived_marker").fetchall() == before
