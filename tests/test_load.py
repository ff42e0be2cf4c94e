"""Loading a valid folder: what lands in the database, and that loads are all or nothing.

Figures are worked out by hand in tests/fixtures/contract_folder.py.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from etl import load as load_module
from etl.contract import EXIT_TYPES, JOB_REASONS, MANDATE_KINDS, QUESTION_KINDS, TENURE_BANDS, THEMES
from etl.load import LoadRejected, MartBuildError, build_marts, load_folder, rebuild_marts
from etl.loading import sqlfiles
from etl.pseudonym import load_or_create_key, respondent_key, respondent_profile
from etl.schema import SCHEMA_VERSION
from tests.fixtures.contract_folder import EMPLOYEE_IDS, EXPECTED_COST, base_tables, db_state, write_folder

SURVEY_TABLES = ("stg_survey_waves", "stg_survey_questions", "stg_survey_submissions", "stg_survey_answers",
                 "mart_survey_respondent_wave")


@pytest.fixture
def loaded(contract_db) -> tuple[Path, Path]:
    """(database, source folder) of one good CSV load; treat as read-only."""
    return contract_db, contract_db.parent.parent / "in"


def _rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_report_of_a_good_load(tmp_path: Path) -> None:
    progress: list[tuple[str, float]] = []
    report = load_folder(write_folder(tmp_path / "in"), tmp_path / "db.duckdb",
                         progress=lambda step, frac: progress.append((step, frac)))
    assert report.tables["token_usage"].rows == 5 and report.tables["survey_responses"].rows == 13
    assert report.rows_read == 51
    assert report.as_of == "2025-03-14"
    assert report.warnings == []
    assert {"int_assignments", "mart_employee_month", "mart_usage_person_month", "mart_usage_daily",
            "mart_survey_respondent_wave"} <= set(report.marts)
    assert progress[0][1] == 0.0 and progress[-1] == ("done", 1.0)
    assert [f for _, f in progress] == sorted(f for _, f in progress)
    assert "token_usage" in str(report)


def test_staging_tables_hold_the_contract_columns(loaded) -> None:
    db, _ = loaded
    cols = {r[0]: r[1] for r in _rows(db, "DESCRIBE stg_token_usage")}
    assert list(cols) == ["usage_date", "employee_id", "tool", "vendor", "model", "input_tokens", "output_tokens",
                          "cache_read_tokens", "cache_write_tokens", "requests", "agent_seconds", "cost_usd"]
    assert cols["usage_date"] == "DATE" and cols["input_tokens"] == "BIGINT" and cols["cost_usd"] == "DOUBLE"
    # empty cache cells are stored as 0, an empty cost stays NULL
    assert _rows(db, "SELECT cache_read_tokens, cost_usd FROM stg_token_usage WHERE employee_id = 'E4'") == [(0, None)]
    assert _rows(db, "SELECT count(*) FROM stg_outcomes") == [(2,)]


def _enum(db: Path, table: str, column: str) -> tuple[str, ...]:
    [(typ,)] = _rows(db, "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
                     [table, column])
    return tuple(v.strip().strip("'") for v in typ.removeprefix("ENUM(").removesuffix(")").split(","))


def test_enum_columns_hold_exactly_the_contract_values(loaded) -> None:
    db, _ = loaded
    assert _enum(db, "stg_job_history", "reason") == JOB_REASONS
    assert _enum(db, "stg_exits", "exit_type") == EXIT_TYPES
    assert _enum(db, "stg_ai_mandates", "kind") == MANDATE_KINDS
    assert _enum(db, "stg_survey_questions", "kind") == QUESTION_KINDS
    assert _enum(db, "stg_survey_questions", "theme") == THEMES
    assert _enum(db, "stg_survey_submissions", "tenure_band") == TENURE_BANDS
    assert _enum(db, "mart_employee_month", "tenure_band") == TENURE_BANDS


def test_app_meta(loaded) -> None:
    db, folder = loaded
    meta = dict(_rows(db, "SELECT key, value FROM app_meta"))
    assert meta["as_of"] == "2025-03-14"
    assert meta["source"] == str(folder.resolve())
    assert len(meta["data_version"]) == 64
    assert datetime.fromisoformat(meta["loaded_at"].replace("Z", "+00:00")).tzinfo is not None
    assert meta["schema_version"] == SCHEMA_VERSION


def test_cost_is_priced_to_the_cent_with_effective_dates_and_cache_prices(loaded) -> None:
    db, _ = loaded
    rows = _rows(db, "SELECT CAST(usage_date AS VARCHAR), employee_id, cost_usd, cost_source FROM mart_usage_daily")
    assert len(rows) == len(EXPECTED_COST)
    for day, person, cost, source in rows:
        assert round(cost, 2) == round(EXPECTED_COST[(day, person)], 2)
        assert abs(cost - EXPECTED_COST[(day, person)]) < 1e-9
        assert source == ("reported" if person == "E3" else "list_price")


def test_spend_counts_against_the_org_of_the_day(loaded) -> None:
    db, _ = loaded
    rows = _rows(db, "SELECT usage_date, org, team FROM mart_usage_daily WHERE employee_id = 'E1' ORDER BY 1")
    # E1 moved from Alpha/A1 to Beta/B1 on 2025-02-10
    assert rows == [(date(2025, 1, 20), "Alpha", "A1"), (date(2025, 2, 11), "Beta", "B1")]
    total = _rows(db, "SELECT total_tokens FROM mart_usage_daily WHERE usage_date = '2025-01-20'")
    assert total == [(1_000_000 + 200_000 + 500_000 + 100_000,)]


def test_assignments_end_at_the_next_row_or_exit(loaded) -> None:
    db, _ = loaded
    rows = _rows(db, "SELECT employee_id, valid_from, valid_to FROM int_assignments "
                     "WHERE employee_id IN ('E1', 'E4', 'M0') ORDER BY 1, 2")
    assert rows == [
        ("E1", date(2021, 6, 15), date(2025, 2, 10)),
        ("E1", date(2025, 2, 10), None),
        ("E4", date(2022, 2, 1), date(2025, 3, 15)),
        ("M0", date(2020, 1, 1), None),
    ]


def test_span_of_control_on_month_starts_with_effective_dated_rows(loaded) -> None:
    db, _ = loaded
    spans = _rows(db, "SELECT DISTINCT e.month, e.manager_id, e.manager_span, m.org FROM mart_employee_month AS e "
                     "JOIN mart_employee_month AS m ON m.month = e.month AND m.employee_id = e.manager_id "
                     "WHERE e.month >= '2025-01-01' ORDER BY 1, 2")
    assert spans == [
        (date(2025, 1, 1), "M0", 1, "Exec"), (date(2025, 1, 1), "M1", 3, "Alpha"),
        (date(2025, 2, 1), "M0", 1, "Exec"), (date(2025, 2, 1), "M1", 4, "Alpha"),
        (date(2025, 3, 1), "M0", 2, "Exec"), (date(2025, 3, 1), "M1", 3, "Alpha"),
    ]


def test_employee_month_snapshot(loaded) -> None:
    db, _ = loaded
    # the month grid reaches a year back from the last day (the people pages' default window)
    assert _rows(db, "SELECT min(month), max(month) FROM mart_employee_month") == [(date(2024, 3, 1), date(2025, 3, 1))]
    months = _rows(db, "SELECT month, count(*) FROM mart_employee_month WHERE month >= '2025-01-01' GROUP BY 1 ORDER BY 1")
    # E3 joins on 2025-01-10, so January has 5 people and February and March 6
    assert months == [(date(2025, 1, 1), 5), (date(2025, 2, 1), 6), (date(2025, 3, 1), 6)]
    e1 = _rows(db, "SELECT month, org, manager_id, tenure_band, manager_span FROM mart_employee_month "
                   "WHERE employee_id = 'E1' AND month >= '2025-01-01' ORDER BY 1")
    assert e1 == [
        (date(2025, 1, 1), "Alpha", "M1", "2-5y", 3),
        (date(2025, 2, 1), "Alpha", "M1", "2-5y", 4),
        (date(2025, 3, 1), "Beta", "M0", "2-5y", 2),
    ]


def test_morale_index_leaves_out_enps_text_and_other_themes(loaded) -> None:
    db, _ = loaded
    rows = _rows(db, "SELECT response_id, morale_index, enps_value FROM mart_survey_respondent_wave ORDER BY 1")
    assert rows == [("R1", 4.5, 9.0), ("R2", 2.5, 6.0), ("R3", 4.5, 10.0)]


def test_submissions_store_a_per_wave_pseudonym_the_day_and_no_placement_in_a_tiny_company(loaded) -> None:
    """Six people: no placement is shared by five of them on any day, so all of it is withheld
    (NULL); the time of day is dropped; the pseudonym depends on the wave."""
    db, _ = loaded
    key = (db.parent / "pseudonym.key").read_bytes()
    rows = _rows(db, "SELECT response_id, respondent_key, submitted_at, org, team, level, tenure_band, source "
                     "FROM stg_survey_submissions ORDER BY 1")
    assert rows == [
        ("R1", respondent_key("E1", "W1", key), datetime(2025, 2, 5), None, None, None, None, "file"),
        ("R2", respondent_key("E2", "W1", key), datetime(2025, 2, 6), None, None, None, None, "file"),
        ("R3", respondent_key("E3", "W2", key), datetime(2025, 3, 4), None, None, None, None, "file"),
    ]
    columns = {c for (c,) in _rows(db, "SELECT column_name FROM information_schema.columns "
                                       "WHERE table_name = 'stg_survey_submissions'")}
    assert not columns & {"manager_key", "manager_span", "manager_id"}


def test_in_app_profile_matches_the_loaded_one(loaded) -> None:
    db, _ = loaded
    key = (db.parent / "pseudonym.key").read_bytes()
    con = duckdb.connect(str(db), read_only=True)
    try:
        profile = respondent_profile(con, "E1", "W1", datetime(2025, 2, 5, 10), key, 5)
    finally:
        con.close()
    stored = _rows(db, "SELECT respondent_key, org, team, level, tenure_band "
                       "FROM stg_survey_submissions WHERE response_id = 'R1'")
    assert stored == [(profile.respondent_key, profile.org, profile.team, profile.level, profile.tenure_band)]


def test_no_employee_id_in_any_survey_table(loaded) -> None:
    db, _ = loaded
    ids = set(EMPLOYEE_IDS)
    for table in SURVEY_TABLES:
        for (column,) in _rows(db, "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]):
            assert "employee" not in column and column != "manager_id", f"{table}.{column}"
            values = {str(v) for (v,) in _rows(db, f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM {table}')}
            assert not values & ids, f"{table}.{column} holds employee ids"


def test_key_file_is_private_and_reused(loaded, tmp_path: Path) -> None:
    db, _ = loaded
    path = db.parent / "pseudonym.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert load_or_create_key(path) == path.read_bytes()
    fresh = load_or_create_key(tmp_path / "sub" / "k.key")
    assert len(fresh) == 32 and fresh != path.read_bytes()
    assert respondent_key("E1", "W1", fresh) != respondent_key("E1", "W1", path.read_bytes())
    # a person's pseudonyms differ from wave to wave, and (wave, person) pairs never run together
    assert respondent_key("E1", "W1", fresh) != respondent_key("E1", "W2", fresh)
    assert respondent_key("1E1", "W", fresh) != respondent_key("E1", "W1", fresh)


def test_key_file_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "elsewhere" / "secret.key"))
    load_folder(write_folder(tmp_path / "in"), tmp_path / "db" / "w.duckdb")
    assert (tmp_path / "elsewhere" / "secret.key").exists()
    assert not (tmp_path / "db" / "pseudonym.key").exists()


def test_loading_twice_gives_the_same_database(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in")
    db = tmp_path / "db.duckdb"
    first = load_folder(folder, db)
    state = db_state(db, skip_meta_keys=("loaded_at",), skip_run_times=True)
    second = load_folder(folder, db)
    assert db_state(db, skip_meta_keys=("loaded_at",), skip_run_times=True) == state
    assert first.data_version == second.data_version


def test_a_changed_file_changes_the_data_version(tmp_path: Path) -> None:
    tables = base_tables()
    first = load_folder(write_folder(tmp_path / "a", tables), tmp_path / "db.duckdb")
    tables["budgets"][0]["budget_usd"] = "1001"
    second = load_folder(write_folder(tmp_path / "b", tables), tmp_path / "db.duckdb")
    assert first.data_version != second.data_version


def test_csv_and_parquet_load_the_same_data(contract_db: Path, tmp_path: Path) -> None:
    csv_db, pq_db = contract_db, tmp_path / "pq.duckdb"
    shutil.copy(contract_db.parent / "pseudonym.key", tmp_path / "pq.key")
    report = load_folder(write_folder(tmp_path / "pq", fmt="parquet"), pq_db, key_path=tmp_path / "pq.key")
    assert report.tables["token_usage"].file == "token_usage.parquet"
    a, b = db_state(csv_db, skip_run_times=True), db_state(pq_db, skip_run_times=True)
    a.pop("app_meta"), b.pop("app_meta")
    assert a == b


def test_missing_outcomes_file_loads_an_empty_table(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "in")
    (folder / "outcomes.csv").unlink()
    report = load_folder(folder, tmp_path / "db.duckdb")
    assert report.tables["outcomes"].engine == "absent"
    assert _rows(tmp_path / "db.duckdb", "SELECT count(*) FROM stg_outcomes") == [(0,)]


def test_warnings_load_and_are_stored(tmp_path: Path) -> None:
    tables = base_tables()
    for row in tables["employees"]:
        row["shoe_size"] = "42"
    # M1 leaves on 2025-03-20 while E2's and E3's rows still name them
    tables["exits"].append({"employee_id": "M1", "exit_date": "2025-03-20", "exit_type": "voluntary",
                            "layoff_wave": "", "regretted": "true"})
    folder = write_folder(tmp_path / "in", tables)
    (folder / "README.txt").write_text("not data")
    report = load_folder(folder, tmp_path / "db.duckdb")
    rules = {w.rule for w in report.warnings}
    assert {"extra_columns", "unknown_file", "manager_left_while_in_effect"} <= rules
    stored = _rows(tmp_path / "db.duckdb", "SELECT check_name, table_name, detail, n_rows FROM stg_data_quality")
    assert {r[0] for r in stored} == rules
    left = next(r for r in stored if r[0] == "manager_left_while_in_effect")
    assert left[1] == "job_history" and left[3] == 2
    extra = next(r for r in stored if r[0] == "extra_columns")
    assert extra[1] == "employees" and "shoe_size" in extra[2]
    assert "Warnings" in str(report)


def test_manager_not_employed_on_the_rows_date_is_a_warning(tmp_path: Path) -> None:
    tables = base_tables()
    # E3's hire row names E5, who joins later
    tables["employees"].append({"employee_id": "E5", "full_name": "Eve", "email": "e5@example.com",
                                "job_family": "Design", "location": "Paris", "hire_date": "2025-01-20"})
    tables["job_history"].append({"employee_id": "E5", "effective_date": "2025-01-20", "org": "Alpha", "team": "A2",
                                  "manager_id": "M1", "level": "M1", "reason": "hire", "forced": "false"})
    tables["job_history"][5]["manager_id"] = "E5"
    report = load_folder(write_folder(tmp_path / "in", tables), tmp_path / "db.duckdb")
    [warning] = [w for w in report.warnings if w.rule == "manager_not_employed"]
    assert warning.file == "job_history.csv" and warning.column == "manager_id" and warning.rows == (7,)
    # the row still counts in E5's span
    spans = _rows(tmp_path / "db.duckdb",
                  "SELECT DISTINCT month, manager_span FROM mart_employee_month WHERE manager_id = 'E5' ORDER BY 1")
    assert spans == [(date(2025, 2, 1), 1), (date(2025, 3, 1), 1)]


# --- all or nothing ----------------------------------------------------------------------


def test_rejected_folder_leaves_a_loaded_database_unchanged(loaded, tmp_path: Path) -> None:
    db, _ = loaded
    tables = base_tables()
    tables["token_usage"][0]["requests"] = "0"
    before = db_state(db)
    with pytest.raises(LoadRejected):
        load_folder(write_folder(tmp_path / "in", tables), db)
    assert db_state(db) == before


def test_rejected_folder_never_creates_the_database(tmp_path: Path) -> None:
    tables = base_tables()
    tables["token_usage"][0]["requests"] = "0"
    with pytest.raises(LoadRejected):
        load_folder(write_folder(tmp_path / "in", tables), tmp_path / "db" / "w.duckdb")
    assert not (tmp_path / "db").exists()


@pytest.fixture
def own_marts(contract_copy: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path, dict[str, str], Path]:
    """The valid folder loaded: (folder, database, its fingerprint, a private copy of the mart
    SQL that the next load runs, for a test to break)."""
    folder, db = tmp_path / "in", contract_copy
    marts = tmp_path / "marts"
    shutil.copytree(sqlfiles.MARTS_DIR, marts)
    monkeypatch.setattr(sqlfiles, "MARTS_DIR", marts)
    return folder, db, db_state(db), marts


def test_a_failing_mart_rolls_everything_back(tmp_path: Path, own_marts) -> None:
    _, db, before, marts = own_marts
    (marts / "mart_zz_broken.sql").write_text("SELECT no_such_column FROM mart_usage_daily")
    tables = base_tables()
    tables["budgets"][0]["budget_usd"] = "2000"
    with pytest.raises(MartBuildError, match="mart_zz_broken.sql"):
        load_folder(write_folder(tmp_path / "in2", tables), db)
    assert db_state(db) == before


def test_a_mart_built_with_other_columns_than_declared_fails_the_load(own_marts) -> None:
    folder, db, before, marts = own_marts
    text = (marts / "mart_usage_team_day_people.sql").read_text()
    (marts / "mart_usage_team_day_people.sql").write_text(
        text.replace("count(DISTINCT employee_id) AS people", "CAST(count(DISTINCT employee_id) AS VARCHAR) AS people"))
    with pytest.raises(MartBuildError, match=r"mart_usage_team_day_people\.people: built as VARCHAR, declared BIGINT"):
        load_folder(folder, db)
    assert db_state(db) == before


def test_a_different_key_file_is_refused(contract_copy: Path, tmp_path: Path) -> None:
    folder, db = tmp_path / "in", contract_copy
    before = db_state(db)
    other = tmp_path / "other.key"
    other.write_bytes(b"x" * 32)
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, db, key_path=other)
    assert [p.rule for p in caught.value.problems] == ["pseudonym_key"]
    assert db_state(db) == before
    (db.parent / "pseudonym.key").unlink()
    with pytest.raises(LoadRejected, match="is missing"):
        load_folder(folder, db)
    assert not (db.parent / "pseudonym.key").exists()
    assert db_state(db) == before


def _add_app_submission(db: Path, employee_id: str, wave_id: str, response_id: str) -> None:
    key = (db.parent / "pseudonym.key").read_bytes()
    con = duckdb.connect(str(db))
    try:
        con.execute("INSERT INTO stg_survey_waves (wave_id, title, opens_on, closes_on, source, created_by) "
                    "VALUES ('APP1', 'Quick pulse', '2025-03-10', '2025-03-20', 'app', 'admin') ON CONFLICT DO NOTHING")
        con.execute("INSERT INTO stg_survey_questions VALUES ('APP1', 'A1', 'How are you?', 'likert5', 'morale', 1) "
                    "ON CONFLICT DO NOTHING")
        profile = respondent_profile(con, employee_id, wave_id, datetime(2025, 3, 12, 9), key, 5)
        con.execute(
            "INSERT INTO stg_survey_submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'app')",
            [response_id, wave_id, profile.respondent_key, datetime(2025, 3, 12), profile.org, profile.team,
             profile.level, profile.tenure_band],
        )
        con.execute("INSERT INTO stg_survey_answers VALUES (?, 'A1', 2, NULL)", [response_id])
        rebuild_marts(con, ["mart_survey_responses"])  # and the marts reading it (mart_survey_respondent_wave)
    finally:
        con.close()


def test_reload_keeps_rows_written_by_the_app(contract_copy: Path, tmp_path: Path) -> None:
    folder, db = tmp_path / "in", contract_copy
    _add_app_submission(db, "E2", "APP1", "APP-R1")
    assert _rows(db, "SELECT morale_index FROM mart_survey_respondent_wave WHERE response_id = 'APP-R1'") == [(2.0,)]
    load_folder(folder, db)
    assert _rows(db, "SELECT source, count(*) FROM stg_survey_submissions GROUP BY 1 ORDER BY 1") == [
        ("app", 1), ("file", 3)]
    assert _rows(db, "SELECT count(*) FROM stg_survey_answers WHERE response_id = 'APP-R1'") == [(1,)]
    assert _rows(db, "SELECT wave_id FROM stg_survey_waves WHERE source = 'app'") == [("APP1",)]
    assert _rows(db, "SELECT count(*) FROM mart_survey_respondent_wave") == [(4,)]


def test_file_rows_colliding_with_app_rows_are_rejected(contract_copy: Path, tmp_path: Path) -> None:
    db = contract_copy
    _add_app_submission(db, "E1", "W2", "APP-R2")  # E1 answered W2 in the app
    tables = base_tables()
    for row in tables["survey_responses"][10:]:
        row["employee_id"] = "E1"  # the file now says E1 answered W2 as R3
    before = db_state(db)
    with pytest.raises(LoadRejected) as caught:
        load_folder(write_folder(tmp_path / "in2", tables), db)
    assert [p.rule for p in caught.value.problems] == ["conflicts_with_app_rows"]
    assert "already answered this wave in the app" in str(caught.value.problems[0])
    assert db_state(db) == before


def test_loading_while_this_process_holds_the_database(contract_copy: Path, tmp_path: Path) -> None:
    """The app keeps a connection open; an in-process load still works and is seen by it."""
    db = contract_copy
    con = duckdb.connect(str(db))
    try:
        tables = base_tables()
        tables["budgets"][0]["budget_usd"] = "1234"
        load_folder(write_folder(tmp_path / "in2", tables), db)
        assert con.execute("SELECT budget_usd FROM stg_budgets WHERE org = 'Alpha'").fetchall() == [(1234.0,)]
    finally:
        con.close()


def test_rebuild_marts_rebuilds_a_mart_and_its_dependents(loaded, tmp_path: Path) -> None:
    db, _ = loaded
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        rows = rebuild_marts(con, ["mart_employee_month"])
        assert {"mart_employee_month", "mart_usage_cohort_person_month"} <= set(rows)
        assert "mart_usage_daily" not in rows and "int_assignments" not in rows
        con.execute("BEGIN TRANSACTION")
        assert set(build_marts(con)) >= {"int_assignments", "mart_usage_daily"}
        con.execute("ROLLBACK")
        with pytest.raises(ValueError, match="no mart file"):
            rebuild_marts(con, ["mart_nothing"])
    finally:
        con.close()


def test_default_key_path_is_beside_the_database(monkeypatch) -> None:
    monkeypatch.delenv("WORKFORCE_KEY_FILE", raising=False)
    assert load_module.default_key_path(Path("/x/y/db.duckdb")) == Path("/x/y/pseudonym.key")
