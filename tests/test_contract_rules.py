"""One bad file per contract rule: the load is rejected with a message naming the file, the
column, the rule and the offending row, and the database loaded before is left unchanged.

Row-level rules (the pandera models) run through both engines, pandera and the SQL compiled
from the same models, and must report the same problems.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from etl.load import LoadRejected, Problem, load_folder
from etl.schemas import (
    AiMandates,
    Budgets,
    Employees,
    Exits,
    JobHistory,
    ModelPrices,
    Outcomes,
    SurveyQuestions,
    SurveyResponses,
    SurveyWaves,
    TokenUsage,
)
from tests.fixtures.contract_folder import Tables, base_tables, db_state, write_folder


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory) -> Path:
    """A database loaded from the valid folder; every case tries to reload it with a bad one."""
    folder = tmp_path_factory.mktemp("good")
    db = folder / "db" / "workforce.duckdb"
    load_folder(write_folder(folder / "in"), db)
    _STATE[db] = db_state(db)
    return db


# the loaded database's fingerprint, taken once: every rejected load must leave it so
_STATE: dict[Path, dict[str, str]] = {}


@dataclass(frozen=True)
class Case:
    name: str
    change: Callable[[Tables], None]
    file: str
    column: str | None
    rule: str
    row: int | None  # a row number as in the CSV (header = line 1)

    def __str__(self) -> str:
        return self.name


def _set(table: str, index: int, **values: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        tables[table][index].update(values)

    return change


def _add(table: str, **values: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        row = dict.fromkeys(tables[table][0], "")
        row.update(values)
        tables[table].append(row)

    return change


def _all(*changes: Callable[[Tables], None]) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        for c in changes:
            c(tables)

    return change


def _copy_row(table: str, index: int, **values: str) -> Callable[[Tables], None]:
    def change(tables: Tables) -> None:
        row = dict(tables[table][index])
        row.update(values)
        tables[table].append(row)

    return change


# Row numbers: row i of a fixture table (0-based) is line i + 2; an appended row of a table
# with n rows is line n + 2. In survey_responses the comment of row 8 spans two lines, so rows
# 9 and later are on line i + 3.
ROW_RULES = [
    Case("employee email without @", _set("employees", 1, email="m1.example.com"),
         "employees.csv", Employees.email, "str_contains('@')", 3),
    Case("duplicate employee_id", _set("employees", 3, employee_id="E1", email="x@example.com"),
         "employees.csv", Employees.employee_id, "unique", 5),
    Case("duplicate email", _set("employees", 2, email="m0@example.com"),
         "employees.csv", Employees.email, "unique", 4),
    Case("empty full_name", _set("employees", 4, full_name=""), "employees.csv", Employees.full_name, "not_null", 6),
    Case("hire_date not a date", _set("employees", 5, hire_date="2022-02-30"),
         "employees.csv", Employees.hire_date, "type(date)", 7),
    Case("hire_date in another format", _set("employees", 5, hire_date="01/02/2022"),
         "employees.csv", Employees.hire_date, "type(date)", 7),
    Case("unknown job reason", _set("job_history", 3, reason="fired"), "job_history.csv", JobHistory.reason, "isin", 5),
    Case("forced promotion", _all(_set("job_history", 3, reason="promotion")),
         "job_history.csv", JobHistory.forced, "true_only_when(reason)", 5),
    Case("forced not a boolean", _set("job_history", 3, forced="maybe"),
         "job_history.csv", JobHistory.forced, "type(boolean)", 5),
    Case("two rows on one day", _copy_row("job_history", 3, team="B2"),
         "job_history.csv", JobHistory.employee_id, "unique(employee_id, effective_date)", 5),
    Case("unknown exit type", _set("exits", 0, exit_type="fired"), "exits.csv", Exits.exit_type, "isin", 2),
    Case("duplicate exit", _copy_row("exits", 0), "exits.csv", Exits.employee_id, "unique", 2),
    Case("negative input tokens", _set("token_usage", 2, input_tokens="-1"),
         "token_usage.csv", TokenUsage.input_tokens, "greater_than_or_equal_to(0)", 4),
    Case("zero requests", _set("token_usage", 0, requests="0"),
         "token_usage.csv", TokenUsage.requests, "greater_than_or_equal_to(1)", 2),
    Case("negative cost", _set("token_usage", 3, cost_usd="-0.5"),
         "token_usage.csv", TokenUsage.cost_usd, "greater_than_or_equal_to(0)", 5),
    Case("fractional tokens", _set("token_usage", 1, output_tokens="12.5"),
         "token_usage.csv", TokenUsage.output_tokens, "type(integer)", 3),
    Case("negative cache reads", _set("token_usage", 1, cache_read_tokens="-5"),
         "token_usage.csv", TokenUsage.cache_read_tokens, "greater_than_or_equal_to(0)", 3),
    Case("cost not a number", _set("token_usage", 3, cost_usd="0,42"),
         "token_usage.csv", TokenUsage.cost_usd, "type(decimal)", 5),
    Case("usage_date empty", _set("token_usage", 4, usage_date=""),
         "token_usage.csv", TokenUsage.usage_date, "not_null", 6),
    Case("two rows for one person, day, tool and model", _copy_row("token_usage", 0, requests="1"),
         "token_usage.csv", TokenUsage.usage_date, "unique(usage_date, employee_id, tool, model)", 2),
    Case("negative price", _set("model_prices", 2, output_per_mtok="-10"),
         "model_prices.csv", ModelPrices.output_per_mtok, "greater_than_or_equal_to(0)", 4),
    Case("unknown mandate kind", _set("ai_mandates", 1, kind="vibes"), "ai_mandates.csv", AiMandates.kind, "isin", 3),
    Case("mandate effective before announced", _set("ai_mandates", 0, effective_date="2025-01-01"),
         "ai_mandates.csv", AiMandates.effective_date, "not_before(announced_date)", 2),
    Case("budget month not first day", _set("budgets", 1, month="2025-02-15"),
         "budgets.csv", Budgets.month, "is_month_start", 3),
    Case("negative budget", _set("budgets", 0, budget_usd="-1"),
         "budgets.csv", Budgets.budget_usd, "greater_than_or_equal_to(0)", 2),
    Case("week_start not a Monday", _set("outcomes", 1, week_start="2025-02-11"),
         "outcomes.csv", Outcomes.week_start, "is_monday", 3),
    Case("more assisted than landed changes", _set("outcomes", 0, agent_assisted_changes="9"),
         "outcomes.csv", Outcomes.agent_assisted_changes, "not_greater_than(changes_landed)", 2),
    Case("wave closes before it opens", _set("survey_waves", 1, closes_on="2025-03-01"),
         "survey_waves.csv", SurveyWaves.closes_on, "not_before(opens_on)", 3),
    Case("unknown question kind", _set("survey_questions", 2, kind="slider"),
         "survey_questions.csv", SurveyQuestions.kind, "isin", 4),
    Case("unknown theme", _set("survey_questions", 4, theme="pay"), "survey_questions.csv", SurveyQuestions.theme, "isin", 6),
    Case("question twice in a wave", _copy_row("survey_questions", 0),
         "survey_questions.csv", SurveyQuestions.wave_id, "unique(wave_id, question_id)", 2),
    Case("comment over 2000 characters", _set("survey_responses", 3, comment="x" * 2001),
         "survey_responses.csv", SurveyResponses.comment, "str_length(max=2000)", 5),
    Case("submitted_at not a timestamp", _set("survey_responses", 0, submitted_at="yesterday"),
         "survey_responses.csv", SurveyResponses.submitted_at, "type(timestamp)", 2),
    Case("answer twice to one question", _copy_row("survey_responses", 1),
         "survey_responses.csv", SurveyResponses.response_id, "unique(response_id, question_id)", 3),
    Case("value not a number", _set("survey_responses", 5, value="two"),
         "survey_responses.csv", SurveyResponses.value, "type(decimal)", 7),
]

# E5 (hired 2025-03-01, in Alpha/A1) exists only for the employment cases that need them.
_ADD_E5 = _all(
    _add("employees", employee_id="E5", full_name="Eve Five", email="e5@example.com", job_family="Design",
         location="Paris", hire_date="2025-03-01"),
    _add("job_history", employee_id="E5", effective_date="2025-03-01", org="Alpha", team="A1", manager_id="M1",
         level="IC3", reason="hire", forced="false"),
)

CROSS_TABLE_RULES = [
    Case("assignment of an unknown person", _set("job_history", 4, employee_id="X9"),
         "job_history.csv", JobHistory.employee_id, "references(employees)", 6),
    Case("unknown manager", _set("job_history", 6, manager_id="X9"),
         "job_history.csv", JobHistory.manager_id, "references(employees)", 8),
    Case("management cycle", _set("job_history", 0, manager_id="E2"),
         "job_history.csv", JobHistory.manager_id, "no_management_cycle", 2),
    Case("managing oneself", _set("job_history", 4, manager_id="E2"),
         "job_history.csv", JobHistory.manager_id, "no_management_cycle", 6),
    Case("first row not on hire date", _set("job_history", 4, effective_date="2024-03-05"),
         "job_history.csv", JobHistory.effective_date, "first_row_is_hire", 6),
    Case("first row not a hire", _set("job_history", 5, reason="transfer"),
         "job_history.csv", JobHistory.effective_date, "first_row_is_hire", 7),
    Case("second hire row", _set("job_history", 3, reason="hire", forced="false"),
         "job_history.csv", JobHistory.reason, "hire_only_on_first_row", 5),
    Case("employee without assignment", _add("employees", employee_id="E9", full_name="Nine", email="e9@x.com",
                                             job_family="Sales", location="Rome", hire_date="2024-01-01"),
         "employees.csv", Employees.employee_id, "has_job_history", 8),
    Case("exit of an unknown person", _set("exits", 0, employee_id="X9"),
         "exits.csv", Exits.employee_id, "references(employees)", 2),
    Case("exit before hire", _set("exits", 0, exit_date="2021-01-01"), "exits.csv", Exits.exit_date, "not_before(hire_date)", 2),
    Case("usage of an unknown person", _set("token_usage", 2, employee_id="X9"),
         "token_usage.csv", TokenUsage.employee_id, "references(employees)", 4),
    Case("usage before hire", _set("token_usage", 3, usage_date="2025-01-09"),
         "token_usage.csv", TokenUsage.usage_date, "employed_on_date", 5),
    Case("usage on the exit date", _set("token_usage", 4, usage_date="2025-03-15"),
         "token_usage.csv", TokenUsage.usage_date, "employed_on_date", 6),
    Case("unpriced model", _set("token_usage", 2, model="mystery"), "token_usage.csv", TokenUsage.model, "priced(model_prices)", 4),
    Case("usage before the first price", _set("token_usage", 0, usage_date="2023-12-31"),
         "token_usage.csv", TokenUsage.model, "priced(model_prices)", 2),
    Case("outcome of an unknown person", _set("outcomes", 1, employee_id="X9"),
         "outcomes.csv", Outcomes.employee_id, "references(employees)", 3),
    Case("question of an unknown wave", _set("survey_questions", 7, wave_id="W9"),
         "survey_questions.csv", SurveyQuestions.wave_id, "references(survey_waves)", 9),
    Case("answer to an unknown wave", _set("survey_responses", 12, wave_id="W9"),
         "survey_responses.csv", SurveyResponses.wave_id, "references(survey_waves)", 15),
    Case("answer to a question of another wave", _set("survey_responses", 4, question_id="Q9"),
         "survey_responses.csv", SurveyResponses.question_id, "references(survey_questions)", 6),
    Case("answer by an unknown person",
         _all(*[_set("survey_responses", i, employee_id="X9") for i in range(10, 13)]),
         "survey_responses.csv", SurveyResponses.employee_id, "references(employees)", 13),
    Case("answer before hire", _all(_ADD_E5, *[_set("survey_responses", i, employee_id="E5") for i in range(10, 13)],
                                    *[_set("survey_responses", i, submitted_at="2025-02-28T12:00:00Z")
                                      for i in range(10, 13)]),
         "survey_responses.csv", SurveyResponses.submitted_at, "employed_on_date", 13),
    Case("answer after the wave closed",
         _all(*[_set("survey_responses", i, submitted_at="2025-03-15T00:30:00Z") for i in range(10, 13)]),
         "survey_responses.csv", SurveyResponses.submitted_at, "inside_wave", 13),
    Case("answer before the wave opened (offset moves it to the previous UTC day)",
         _all(*[_set("survey_responses", i, submitted_at="2025-03-03T00:30:00+02:00") for i in range(10, 13)]),
         "survey_responses.csv", SurveyResponses.submitted_at, "inside_wave", 13),
    Case("response shared by two people", _set("survey_responses", 9, employee_id="E3"),
         "survey_responses.csv", SurveyResponses.response_id, "one_person_and_wave_per_response", 7),
    Case("response with two timestamps", _set("survey_responses", 9, submitted_at="2025-02-06T10:00:00Z"),
         "survey_responses.csv", SurveyResponses.response_id, "one_person_and_wave_per_response", 7),
    Case("two responses by one person in a wave",
         _all(*[_set("survey_responses", i, employee_id="E1") for i in range(5, 10)]),
         "survey_responses.csv", SurveyResponses.response_id, "one_response_per_person_and_wave", 2),
    Case("likert answer out of range", _set("survey_responses", 0, value="6"),
         "survey_responses.csv", SurveyResponses.value, "value_by_question_kind", 2),
    Case("likert answer not whole", _set("survey_responses", 1, value="3.5"),
         "survey_responses.csv", SurveyResponses.value, "value_by_question_kind", 3),
    Case("likert answer missing", _set("survey_responses", 11, value=""),
         "survey_responses.csv", SurveyResponses.value, "value_by_question_kind", 14),
    Case("eNPS answer out of range", _set("survey_responses", 2, value="11"),
         "survey_responses.csv", SurveyResponses.value, "value_by_question_kind", 4),
    Case("text answer without comment", _set("survey_responses", 8, comment=""),
         "survey_responses.csv", SurveyResponses.comment, "comment_for_text_question", 10),
]


def _reject(tables: Tables, tmp_path: Path, db: Path, engine: str = "auto") -> LoadRejected:
    folder = write_folder(tmp_path / "in", tables)
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, db, engine=engine)
    assert db_state(db) == _STATE[db], "a rejected load changed the database"
    return caught.value


def _find(problems: list[Problem], case: Case) -> Problem:
    for p in problems:
        if p.file == case.file and p.column == case.column and p.rule == case.rule:
            return p
    raise AssertionError(f"no problem for {case.file} {case.column} {case.rule} in:\n" + "\n".join(map(str, problems)))


def _check_message(problem: Problem, case: Case) -> None:
    assert case.row in problem.rows
    text = str(problem)
    assert case.file in text and f"column {case.column}" in text and case.rule in text
    assert str(case.row) in text


@pytest.mark.parametrize("case", ROW_RULES, ids=str)
def test_row_rule_rejects_with_both_engines(case: Case, tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    case.change(tables)
    by_engine = {}
    for engine in ("pandera", "sql"):
        rejected = _reject(tables, tmp_path / engine, loaded_db, engine)
        problem = _find(rejected.problems, case)
        _check_message(problem, case)
        by_engine[engine] = sorted(map(str, rejected.problems))
    assert by_engine["pandera"] == by_engine["sql"]


@pytest.mark.parametrize("case", CROSS_TABLE_RULES, ids=str)
def test_cross_table_rule_rejects(case: Case, tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    case.change(tables)
    rejected = _reject(tables, tmp_path, loaded_db)
    _check_message(_find(rejected.problems, case), case)


def test_every_problem_of_a_folder_is_reported_at_once(tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    for case in (ROW_RULES[0], ROW_RULES[12], CROSS_TABLE_RULES[13], CROSS_TABLE_RULES[-1]):
        case.change(tables)
    rejected = _reject(tables, tmp_path, loaded_db)
    rules = {p.rule for p in rejected.problems}
    assert {"str_contains('@')", "greater_than_or_equal_to(0)", "priced(model_prices)",
            "comment_for_text_question"} <= rules


def test_survey_messages_never_show_a_respondent_id(tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    for i in range(10, 13):
        tables["survey_responses"][i]["employee_id"] = "X9"
    rejected = _reject(tables, tmp_path, loaded_db)
    assert not any("X9" in str(p) for p in rejected.problems)


# --- file-level problems ---------------------------------------------------------------


def test_missing_required_file(tmp_path: Path, loaded_db: Path) -> None:
    folder = write_folder(tmp_path / "in")
    (folder / "budgets.csv").unlink()
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    assert db_state(loaded_db) == _STATE[loaded_db]
    [problem] = [p for p in caught.value.problems if p.rule == "required_file"]
    assert "budgets.csv" in str(problem)


def test_file_name_case_is_explained(tmp_path: Path, loaded_db: Path) -> None:
    folder = write_folder(tmp_path / "in")
    (folder / "budgets.csv").rename(folder / "Budgets.csv")
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    assert any("Budgets.csv" in str(p) and "case-sensitive" in str(p) for p in caught.value.problems)


def test_missing_required_column(tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    for row in tables["token_usage"]:
        del row["model"]
    rejected = _reject(tables, tmp_path, loaded_db)
    problem = _find(rejected.problems, Case("", lambda t: None, "token_usage.csv", TokenUsage.model, "required_column", None))
    assert "token_usage.csv, column model, rule required_column" in str(problem)


def test_missing_optional_column_loads(tmp_path: Path) -> None:
    tables = base_tables()
    for row in tables["token_usage"]:
        del row["cost_usd"], row["agent_seconds"]
    report = load_folder(write_folder(tmp_path / "in", tables), tmp_path / "db.duckdb")
    assert report.tables["token_usage"].rows == 5


def test_ragged_csv_row_is_reported_with_its_line(tmp_path: Path, loaded_db: Path) -> None:
    folder = write_folder(tmp_path / "in")
    path = folder / "exits.csv"
    path.write_text(path.read_text() + "E3,2025-04-01,voluntary,,false,extra\nE2\n")
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    assert db_state(loaded_db) == _STATE[loaded_db]
    found = {p.rows for p in caught.value.problems if p.file == "exits.csv" and p.rule == "csv_format"}
    assert found == {(3,), (4,)}


def test_csv_and_parquet_of_one_table(tmp_path: Path, loaded_db: Path) -> None:
    folder = write_folder(tmp_path / "in")
    parquet = write_folder(tmp_path / "pq", fmt="parquet")
    shutil.copy(parquet / "exits.parquet", folder / "exits.parquet")
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    assert [p.rule for p in caught.value.problems] == ["one_file_per_table"]


def test_unreadable_parquet(tmp_path: Path, loaded_db: Path) -> None:
    folder = write_folder(tmp_path / "in")
    (folder / "exits.csv").unlink()
    (folder / "exits.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    assert [(p.file, p.rule) for p in caught.value.problems] == [("exits.parquet", "parquet_format")]


def test_parquet_rows_are_record_numbers(tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    tables["token_usage"][2]["input_tokens"] = "-1"
    folder = write_folder(tmp_path / "in", tables, fmt="parquet")
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    [problem] = caught.value.problems
    assert (problem.file, problem.column, problem.rows) == ("token_usage.parquet", "input_tokens", (3,))


def test_csv_rows_count_lines_of_multiline_values(tmp_path: Path, loaded_db: Path) -> None:
    """A quoted comment spanning lines and a blank line push later records down the file."""
    tables = base_tables()
    tables["survey_responses"][3]["comment"] = "line one\nline two\nline three"  # record 4: lines 5-7
    tables["survey_responses"][6]["value"] = "9"  # record 7: line 10 (header, 3 + 2 extra lines)
    folder = write_folder(tmp_path / "in", tables)
    path = folder / "survey_responses.csv"
    lines = path.read_text().split("\n")
    lines.insert(8, "")  # a blank line before record 6 (line 9): record 7 moves to line 11
    path.write_text("\n".join(lines))
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, loaded_db)
    [problem] = caught.value.problems
    assert problem.rule == "value_by_question_kind" and problem.rows == (11,)
