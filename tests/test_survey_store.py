"""Survey results read from one relation that is always right, and one cache key that is cheap.

The load stores one row per respondent (`mart_survey_responses`); every in-app submission adds
its row in its own transaction, and every survey figure and every lattice reads that mart (no
per-query choice between it and the answers). No lattice is written to the database (it holds
hidden cells' counts) nor kept in the process. These tests check on the hand-made company of
tests/survey_helpers.py that the mart stays exactly the loader's SQL over the submissions after
app submissions, that a submission is counted at once, that asking for several waves at once
gives what asking one by one gives, and that the pages' cache key moves with what the app changes.
"""

from __future__ import annotations

import shutil
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from tests import people_data
from tests.survey_helpers import MARTS, TODAY, add_wave, build_company, full_answers, people, person
from workforce import privacy, surveys
from workforce.db import sql, table_exists
from workforce.privacy import Selection
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)


@pytest.fixture(scope="module")
def surveyed_file(tmp_path_factory):
    """Wave w1 answered in the app by the first 45 people (Alpha a1 25, a2 15, Beta b1 5). Built
    once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("surveyed")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WORKFORCE_KEY_FILE", str(folder / "pseudonym.key"))
        con = build_company(folder / "workforce.duckdb")
        add_wave(con, "w1")
        for i, (employee_id, *_) in enumerate(people()[:45]):
            answers = full_answers(likert=2 + i % 4, enps=i % 11, comment=f"note {i}" if i % 3 == 0 else "")
            assert surveys.submit_response(con, person(employee_id), "w1", answers, today=TODAY).status == "accepted"
        con.close()
    return folder


@pytest.fixture
def surveyed(surveyed_file, tmp_path, monkeypatch):
    """A private copy of that database."""
    for name in ("workforce.duckdb", "pseudonym.key"):
        shutil.copy(surveyed_file / name, tmp_path / name)
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "pseudonym.key"))
    con = duckdb.connect(str(tmp_path / "workforce.duckdb"))
    yield con
    con.close()


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in frame.columns:  # lists of structs compare as text, in a fixed order
        if frame[col].map(lambda v: isinstance(v, list | tuple)).any():
            frame[col] = frame[col].map(lambda v: repr(sorted(v, key=repr)) if isinstance(v, list | tuple) else v)
    return frame.sort_values("response_id", ignore_index=True)


@pytest.mark.parametrize("mart", list(surveys.RESPONDENT_MARTS))
def test_app_submissions_keep_each_respondent_mart_equal_to_the_loaders_sql(surveyed, mart):
    stored = surveyed.execute(f"SELECT * FROM {mart}").df()
    built = surveyed.execute(sql(mart, MARTS)).df()[stored.columns]
    assert len(stored) == 45
    pd.testing.assert_frame_equal(_rows(stored), _rows(built), check_dtype=False)


def test_a_submission_is_counted_at_once_by_lattice_and_figures(surveyed):
    assert privacy.wave_lattice(surveyed, "w1", 5).count(Selection()) == 45
    before = privacy.survey_groups(surveyed, EXEC, "w1", by="org").set_index("group")
    assert "Beta" in before.index  # 5 respondents: released as a band
    new_person = people()[50][0]  # Beta b1
    assert surveys.submit_response(surveyed, person(new_person), "w1", full_answers(), today=TODAY).status == "accepted"
    lattice = privacy.wave_lattice(surveyed, "w1", 5)
    assert lattice.count(Selection()) == 46
    assert lattice.count(Selection(orgs=("Beta",))) == 6
    by_org = privacy.survey_groups(surveyed, EXEC, "w1", by="org").set_index("group")
    assert by_org.loc["Beta", "respondents_band"] == "5–9"  # 6 respondents now, released as a band
    assert by_org.loc["Alpha", "respondents"] == before.loc["Alpha", "respondents"]  # unchanged


def test_a_failed_submission_writes_neither_the_answers_nor_the_mart_row(surveyed, monkeypatch):
    counts = "SELECT (SELECT count(*) FROM stg_survey_submissions), (SELECT count(*) FROM mart_survey_responses)"
    before = surveyed.execute(counts).fetchall()
    monkeypatch.setitem(surveys.RESPONDENT_MARTS, "mart_survey_respondent_wave", "surveys/no_such_statement")
    with pytest.raises(FileNotFoundError):
        surveys.submit_response(surveyed, person(people()[50][0]), "w1", full_answers(), today=TODAY)
    assert surveyed.execute(counts).fetchall() == before


def test_mart_rows_hold_each_respondents_theme_means_and_answers(surveyed):
    row = surveyed.execute(
        "SELECT score_morale, score_intent_to_stay, enps, len(likert), comments FROM mart_survey_responses "
        "JOIN stg_survey_submissions USING (response_id) ORDER BY respondent_key LIMIT 1"
    ).fetchall()[0]
    likert_items = sum(q.kind == "likert5" for q in surveys.QUESTION_BANK)
    assert row[0] == row[1] and 2 <= row[0] <= 5  # every likert answer of a respondent is the same
    assert 0 <= row[2] <= 10 and row[3] == likert_items
    # no identifier of the person in the mart
    columns = {c for (c,) in surveyed.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'mart_survey_responses'").fetchall()}
    assert not columns & {"respondent_key", "employee_id", "manager_key", "submitted_at"}


def test_a_wave_without_submissions_releases_nothing(surveyed):
    add_wave(surveyed, "w2")
    lattices = privacy.wave_lattices(surveyed, ["w2", "w1"], 5)
    assert list(lattices) == ["w2", "w1"]
    assert lattices["w2"].count(Selection()) == 0 and lattices["w1"].count(Selection()) == 45
    assert privacy.survey_groups(surveyed, EXEC, "w2")["suppressed"].all()


def test_the_cache_version_moves_with_submissions_and_wave_changes_only(surveyed):
    first = surveys.cache_version(surveyed)
    privacy.survey_groups(surveyed, EXEC, "w1", by="team")
    assert surveys.cache_version(surveyed) == first  # reading changes nothing
    assert surveys.submit_response(surveyed, person(people()[50][0]), "w1", full_answers(),
                                   today=TODAY).status == "accepted"
    second = surveys.cache_version(surveyed)
    assert second != first
    created = surveys.create_wave(surveyed, ADMIN, surveys.WaveForm(title="Next", opens_on=TODAY + timedelta(days=1),
                                                                    closes_on=TODAY + timedelta(days=9), audience_orgs=None,
                                                                    question_ids=["qb_morale_1"]), today=TODAY)
    assert created.ok
    third = surveys.cache_version(surveyed)
    assert third not in (first, second)
    assert surveys.close_wave(surveyed, ADMIN, "w1", TODAY).ok
    assert surveys.cache_version(surveyed) not in (first, second, third)
    surveyed.execute("UPDATE app_meta SET value = 'test-2' WHERE key = 'data_version'")  # what a load does
    assert surveys.cache_version(surveyed).startswith("test-2")


@pytest.mark.parametrize("by", [None, "org", "team"])
def test_several_waves_at_once_equal_one_wave_at_a_time(by):
    con = people_data.connect()
    try:
        together = privacy.survey_groups(con, EXEC, ["W2", "W1"], by=by)
        apart = pd.concat(
            [privacy.survey_groups(con, EXEC, w, by=by).assign(wave_id=w) for w in ("W2", "W1")], ignore_index=True
        )[together.columns]
        pd.testing.assert_frame_equal(together, apart)
        assert list(dict.fromkeys(together["wave_id"])) == ["W2", "W1"]
    finally:
        con.close()


def test_the_load_leaves_no_lattice_in_the_database(sample_con):
    """On the loaded sample: no table holds a lattice (a copy of the file must not hold hidden
    cells' counts); the mart every figure reads holds one row per submission."""
    tables = {t for (t,) in sample_con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not {t for t in tables if "lattice" in t}
    assert sample_con.execute("SELECT (SELECT count(*) FROM mart_survey_responses) = "
                              "(SELECT count(*) FROM stg_survey_submissions)").fetchall()[0][0]


def test_table_exists_looks_where_unqualified_names_resolve(tmp_path):
    """The loader works from an in-memory database with the target attached: a table of the
    in-memory database must not pass for one of the target."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{tmp_path / 'target.duckdb'}' AS target")
        con.execute("CREATE TABLE memory.main.mart_survey_lattice (x INTEGER)")
        con.execute("USE target")
        assert not table_exists(con, "mart_survey_lattice")
        con.execute("CREATE TABLE mart_survey_lattice (x INTEGER)")
        assert table_exists(con, "mart_survey_lattice")
        con.execute("CREATE TEMP TABLE scratch_only (x INTEGER)")
        assert table_exists(con, "scratch_only")
        con.execute("CREATE VIEW stg_view AS SELECT 1 AS x")  # the loader's staging views count too
        assert table_exists(con, "stg_view")
    finally:
        con.close()
