"""Survey results computed once and read many times, never read stale.

The load stores one row per respondent (`mart_survey_responses`); each process keeps the
suppressed lattices it built, keyed by the wave's fingerprint, and no lattice is written to the
database (it holds hidden cells' counts). These tests check on the hand-made company of
tests/survey_helpers.py that a submission made after the load makes a cached lattice and a
lagging mart unusable (and the figures still right), that asking for several waves at once
gives what asking one by one gives, and that the load leaves no lattice table behind.
"""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from tests import people_data
from tests.survey_helpers import TODAY, add_wave, build_company, full_answers, people, person
from workforce import privacy, survey_data, surveys
from workforce.db import sql, table_exists
from workforce.privacy import Selection, build_lattice
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)


@pytest.fixture(scope="module")
def surveyed_file(tmp_path_factory):
    """Wave w1 answered by the first 45 people (Alpha a1 25, a2 15, Beta b1 5), with the mart built
    as a load would. Built once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("surveyed")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WORKFORCE_KEY_FILE", str(folder / "pseudonym.key"))
        con = build_company(folder / "workforce.duckdb")
        add_wave(con, "w1")
        for i, (employee_id, *_) in enumerate(people()[:45]):
            answers = full_answers(likert=2 + i % 4, enps=i % 11, comment=f"note {i}" if i % 3 == 0 else "")
            assert surveys.submit_response(con, person(employee_id), "w1", answers, today=TODAY).status == "accepted"
        con.execute(f"CREATE TABLE {survey_data.RESPONSES} AS {sql(survey_data.RESPONSES, survey_data.MARTS_DIR)}")
        con.close()
    return folder


@pytest.fixture
def surveyed(surveyed_file, tmp_path, monkeypatch):
    """A private copy of that database, and an empty lattice cache."""
    for name in ("workforce.duckdb", "pseudonym.key"):
        shutil.copy(surveyed_file / name, tmp_path / name)
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "pseudonym.key"))
    con = duckdb.connect(str(tmp_path / "workforce.duckdb"))
    privacy.store._LATTICES.clear()
    yield con
    privacy.store._LATTICES.clear()
    con.close()


def _count_builds(monkeypatch) -> list[int]:
    built = []

    def counting(atoms, min_n):
        built.append(min_n)
        return build_lattice(atoms, min_n)

    monkeypatch.setattr(privacy.store, "build_lattice", counting)
    return built


def test_a_submission_after_the_load_makes_the_cached_lattice_stale(surveyed, monkeypatch):
    before = survey_data.wave_states(surveyed, ["w1"])["w1"]
    assert privacy.wave_lattice(surveyed, "w1", 5).count(Selection()) == 45  # built, now cached
    new_person = people()[50][0]  # Beta b1
    assert surveys.submit_response(surveyed, person(new_person), "w1", full_answers(), today=TODAY).status == "accepted"
    after = survey_data.wave_states(surveyed, ["w1"])["w1"]
    assert after.fingerprint != before.fingerprint
    assert after.responses_fresh  # the submission added its mart row in the same transaction
    built = _count_builds(monkeypatch)
    lattice = privacy.wave_lattice(surveyed, "w1", 5)
    assert built == [5]  # the cached lattice was not used
    assert lattice.count(Selection()) == 46
    assert lattice.count(Selection(orgs=("Beta",))) == 6
    assert privacy.wave_lattice(surveyed, "w1", 5) is lattice and built == [5]  # cached under the new key
    by_org = privacy.survey_groups(surveyed, EXEC, "w1", by="org").set_index("group")
    assert by_org.loc["Beta", "respondents_band"] == "5–9"  # 6 respondents now, released as a band


def test_a_lagging_responses_mart_is_not_read_and_figures_stay_right(surveyed):
    right = privacy.survey_groups(surveyed, EXEC, "w1", by="team")
    surveyed.execute(f"DELETE FROM {survey_data.RESPONSES} WHERE response_id = "
                     "(SELECT min(response_id) FROM stg_survey_submissions)")
    assert not survey_data.wave_states(surveyed, ["w1"])["w1"].responses_fresh
    pd.testing.assert_frame_equal(privacy.survey_groups(surveyed, EXEC, "w1", by="team"), right)
    surveyed.execute(f"DROP TABLE {survey_data.RESPONSES}")
    assert not survey_data.wave_states(surveyed, ["w1"])["w1"].responses_fresh
    pd.testing.assert_frame_equal(privacy.survey_groups(surveyed, EXEC, "w1", by="team"), right)


@pytest.mark.parametrize("query, params", [
    ("surveys/cell_scores", {"by": "team", "orgs": None, "team_keys": None, "levels": None, "tenure_bands": None}),
    ("surveys/cell_scores", {"by": "level", "orgs": ["Alpha"], "team_keys": None, "levels": None,
                             "tenure_bands": ["<1y"]}),
    ("surveys/cell_comments", {"limit": 500, "orgs": None, "team_keys": ["Alpha\x1fa1"], "levels": None,
                               "tenure_bands": None}),
    ("survey_results/likert_distribution", {"orgs": ["Alpha", "Beta"], "teams": None}),
    ("survey_results/morale_spread", {"orgs": ["Alpha", "Beta"], "mandated": ["Beta"]}),
])
def test_the_mart_gives_what_the_answers_give(surveyed, query, params):
    fresh = survey_data.wave_states(surveyed, ["w1"])
    assert fresh["w1"].responses_fresh
    inline = {"w1": survey_data.WaveState("w1", fresh["w1"].fingerprint, responses_fresh=False)}
    from_mart = survey_data.read_responses(surveyed, query, params, fresh)
    from_answers = survey_data.read_responses(surveyed, query, params, inline)
    assert not from_mart.empty

    def rows(frame: pd.DataFrame) -> pd.DataFrame:  # some of these queries leave the row order to the caller
        return frame.sort_values(list(frame.columns), ignore_index=True)

    pd.testing.assert_frame_equal(rows(from_mart), rows(from_answers))


def test_mart_rows_hold_each_respondents_theme_means_and_answers(surveyed):
    row = surveyed.execute(
        f"SELECT score_morale, score_intent_to_stay, enps, len(likert), comments FROM {survey_data.RESPONSES} "
        "JOIN stg_survey_submissions USING (response_id) ORDER BY respondent_key LIMIT 1"
    ).fetchall()[0]
    likert_items = sum(q.kind == "likert5" for q in surveys.QUESTION_BANK)
    assert row[0] == row[1] and 2 <= row[0] <= 5  # every likert answer of a respondent is the same
    assert 0 <= row[2] <= 10 and row[3] == likert_items
    # no identifier of the person in the mart
    columns = {c for (c,) in surveyed.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [survey_data.RESPONSES]).fetchall()}
    assert not columns & {"respondent_key", "employee_id", "manager_key", "submitted_at"}


def test_a_wave_without_submissions_has_the_empty_fingerprint(surveyed):
    add_wave(surveyed, "w2")
    state = survey_data.wave_states(surveyed, ["w2", "w1"])
    assert list(state) == ["w2", "w1"]
    assert state["w2"].fingerprint == survey_data.NO_SUBMISSIONS and state["w2"].submissions == 0
    assert state["w1"].submissions == 45
    assert privacy.survey_groups(surveyed, EXEC, "w2")["suppressed"].all()


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


def test_the_load_leaves_no_lattice_in_the_database(writable_db):
    """On the loaded sample: no lattice table (a copy of the file must not hold hidden cells'
    counts); the derived step drops one an earlier version left; figures built in process."""
    from etl.load import rebuild_marts
    from etl.loading import derived
    from workforce import survey_results
    from workforce.filters import Filters

    [step] = [s for s in derived.STEPS if s.target == "workforce.privacy:drop_stored_lattices"]
    con = duckdb.connect(str(writable_db))
    try:
        assert not table_exists(con, privacy.store.LEGACY_LATTICE_TABLE)
        privacy.store._LATTICES.clear()
        scratch = survey_results.morale_trend(con, EXEC, Filters(), "team")
        con.execute(f"CREATE TABLE {privacy.store.LEGACY_LATTICE_TABLE} (counts BLOB)")
        rows = rebuild_marts(con, ["mart_survey_respondent_wave"])
        assert rows[step.target] == 0 and not table_exists(con, privacy.store.LEGACY_LATTICE_TABLE)
        pd.testing.assert_frame_equal(survey_results.morale_trend(con, EXEC, Filters(), "team"), scratch)
    finally:
        privacy.store._LATTICES.clear()
        con.close()


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
