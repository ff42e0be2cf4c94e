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
from tests.apptest import copy_db
from tests.fixtures.contract_folder import Tables, base_tables, db_state, write_folder


@pytest.fixture(scope="module")
def loaded_db(contract_db, tmp_path_factory) -> Path:
    """A copy of the database loaded from the valid folder; every case tries to reload it with a bad one."""
    db = copy_db(contract_db, tmp_path_factory.mktemp("good"))
    _STATE[db] = db_state(db)
    return db


# the loaded database's fingerprint, taken once: every rejected load must leave it so
_STATE: dict[Path, dict[str, str]] = {}


Rows = list[dict[str, str]]


@dataclass(frozen=True)
class Case:
    """A change to the valid folder, and the problem it must raise in `table`'s file."""

    name: str
    table: str
    edit: Callable[[Rows], None]  # changes the rows of `table`
    column: str | None
    rule: str
    row: int | None  # a row number as in the CSV (header = line 1)
    setup: Callable[[Tables], None] | None = None  # another table's rows the case needs first

    @property
    def file(self) -> str:
        return f"{self.table}.csv"

    def apply(self, tables: Tables) -> None:
        if self.setup is not None:
            self.setup(tables)
        self.edit(tables[self.table])

    def __str__(self) -> str:
        return self.name


def _in(table: str, *cases: tuple) -> list[Case]:
    """The cases of one file: each (name, edit, column, rule, row[, setup])."""
    return [Case(name, table, *rest) for name, *rest in cases]


def _set(*indexes: int, **values: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        for index in indexes:
            rows[index].update(values)

    return edit


def _add(**values: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows.append(dict.fromkeys(rows[0], "") | values)

    return edit


def _copy_row(index: int, **values: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows.append(dict(rows[index]) | values)

    return edit


def _add_e5(tables: Tables) -> None:
    """E5, hired 2025-03-01 in Alpha/A1: exists only for the employment cases that need a late hire."""
    _add(employee_id="E5", full_name="Eve Five", email="e5@example.com", job_family="Design", location="Paris",
         hire_date="2025-03-01")(tables["employees"])
    _add(employee_id="E5", effective_date="2025-03-01", org="Alpha", team="A1", manager_id="M1", level="IC3",
         reason="hire", forced="false")(tables["job_history"])


# Row numbers: row i of a fixture table (0-based) is line i + 2; an appended row of a table
# with n rows is line n + 2. In survey_responses the comment of row 8 spans two lines, so rows
# 9 and later are on line i + 3.
ROW_RULES = [
    *_in("employees",
         ("employee email without @", _set(1, email="m1.example.com"), Employees.email, "str_contains('@')", 3),
         ("duplicate employee_id", _set(3, employee_id="E1", email="x@example.com"), Employees.employee_id, "unique", 5),
         ("duplicate email", _set(2, email="m0@example.com"), Employees.email, "unique", 4),
         ("empty full_name", _set(4, full_name=""), Employees.full_name, "not_null", 6),
         ("hire_date not a date", _set(5, hire_date="2022-02-30"), Employees.hire_date, "type(date)", 7),
         ("hire_date in another format", _set(5, hire_date="01/02/2022"), Employees.hire_date, "type(date)", 7)),
    *_in("job_history",
         ("unknown job reason", _set(3, reason="fired"), JobHistory.reason, "isin", 5),
         ("forced promotion", _set(3, reason="promotion"), JobHistory.forced, "true_only_when(reason)", 5),
         ("forced not a boolean", _set(3, forced="maybe"), JobHistory.forced, "type(boolean)", 5),
         ("two rows on one day", _copy_row(3, team="B2"), JobHistory.employee_id,
          "unique(employee_id, effective_date)", 5)),
    *_in("exits",
         ("unknown exit type", _set(0, exit_type="fired"), Exits.exit_type, "isin", 2),
         ("duplicate exit", _copy_row(0), Exits.employee_id, "unique", 2)),
    *_in("token_usage",
         ("negative input tokens", _set(2, input_tokens="-1"), TokenUsage.input_tokens, "greater_than_or_equal_to(0)", 4),
         ("zero requests", _set(0, requests="0"), TokenUsage.requests, "greater_than_or_equal_to(1)", 2),
         ("negative cost", _set(3, cost_usd="-0.5"), TokenUsage.cost_usd, "greater_than_or_equal_to(0)", 5),
         ("fractional tokens", _set(1, output_tokens="12.5"), TokenUsage.output_tokens, "type(integer)", 3),
         ("negative cache reads", _set(1, cache_read_tokens="-5"), TokenUsage.cache_read_tokens,
          "greater_than_or_equal_to(0)", 3),
         ("cost not a number", _set(3, cost_usd="0,42"), TokenUsage.cost_usd, "type(decimal)", 5),
         ("usage_date empty", _set(4, usage_date=""), TokenUsage.usage_date, "not_null", 6),
         ("two rows for one person, day, tool and model", _copy_row(0, requests="1"), TokenUsage.usage_date,
          "unique(usage_date, employee_id, tool, model)", 2)),
    *_in("model_prices",
         ("negative price", _set(2, output_per_mtok="-10"), ModelPrices.output_per_mtok, "greater_than_or_equal_to(0)", 4)),
    *_in("ai_mandates",
         ("unknown mandate kind", _set(1, kind="vibes"), AiMandates.kind, "isin", 3),
         ("mandate effective before announced", _set(0, effective_date="2025-01-01"), AiMandates.effective_date,
          "not_before(announced_date)", 2)),
    *_in("budgets",
         ("budget month not first day", _set(1, month="2025-02-15"), Budgets.month, "is_month_start", 3),
         ("negative budget", _set(0, budget_usd="-1"), Budgets.budget_usd, "greater_than_or_equal_to(0)", 2)),
    *_in("outcomes",
         ("week_start not a Monday", _set(1, week_start="2025-02-11"), Outcomes.week_start, "is_monday", 3),
         ("more assisted than landed changes", _set(0, agent_assisted_changes="9"), Outcomes.agent_assisted_changes,
          "not_greater_than(changes_landed)", 2)),
    *_in("survey_waves",
         ("wave closes before it opens", _set(1, closes_on="2025-03-01"), SurveyWaves.closes_on,
          "not_before(opens_on)", 3)),
    *_in("survey_questions",
         ("unknown question kind", _set(2, kind="slider"), SurveyQuestions.kind, "isin", 4),
         ("unknown theme", _set(4, theme="pay"), SurveyQuestions.theme, "isin", 6),
         ("question twice in a wave", _copy_row(0), SurveyQuestions.wave_id, "unique(wave_id, question_id)", 2)),
    *_in("survey_responses",
         ("comment over 2000 characters", _set(3, comment="x" * 2001), SurveyResponses.comment,
          "str_length(max=2000)", 5),
         ("submitted_at not a timestamp", _set(0, submitted_at="yesterday"), SurveyResponses.submitted_at,
          "type(timestamp)", 2),
         ("answer twice to one question", _copy_row(1), SurveyResponses.response_id,
          "unique(response_id, question_id)", 3),
         ("value not a number", _set(5, value="two"), SurveyResponses.value, "type(decimal)", 7)),
]

# the last three answers of the survey file: response R3, lines 13 to 15
_R3 = (10, 11, 12)

CROSS_TABLE_RULES = [
    *_in("job_history",
         ("assignment of an unknown person", _set(4, employee_id="X9"), JobHistory.employee_id,
          "references(employees)", 6),
         ("unknown manager", _set(6, manager_id="X9"), JobHistory.manager_id, "references(employees)", 8),
         ("management cycle", _set(0, manager_id="E2"), JobHistory.manager_id, "no_management_cycle", 2),
         ("managing oneself", _set(4, manager_id="E2"), JobHistory.manager_id, "no_management_cycle", 6),
         ("first row not on hire date", _set(4, effective_date="2024-03-05"), JobHistory.effective_date,
          "first_row_is_hire", 6),
         ("first row not a hire", _set(5, reason="transfer"), JobHistory.effective_date, "first_row_is_hire", 7),
         ("second hire row", _set(3, reason="hire", forced="false"), JobHistory.reason, "hire_only_on_first_row", 5)),
    *_in("employees",
         ("employee without assignment", _add(employee_id="E9", full_name="Nine", email="e9@x.com",
                                              job_family="Sales", location="Rome", hire_date="2024-01-01"),
          Employees.employee_id, "has_job_history", 8)),
    *_in("exits",
         ("exit of an unknown person", _set(0, employee_id="X9"), Exits.employee_id, "references(employees)", 2),
         ("exit before hire", _set(0, exit_date="2021-01-01"), Exits.exit_date, "not_before(hire_date)", 2)),
    *_in("token_usage",
         ("usage of an unknown person", _set(2, employee_id="X9"), TokenUsage.employee_id, "references(employees)", 4),
         ("usage before hire", _set(3, usage_date="2025-01-09"), TokenUsage.usage_date, "employed_on_date", 5),
         ("usage on the exit date", _set(4, usage_date="2025-03-15"), TokenUsage.usage_date, "employed_on_date", 6),
         ("unpriced model", _set(2, model="mystery"), TokenUsage.model, "priced(model_prices)", 4),
         ("usage before the first price", _set(0, usage_date="2023-12-31"), TokenUsage.model,
          "priced(model_prices)", 2)),
    *_in("outcomes",
         ("outcome of an unknown person", _set(1, employee_id="X9"), Outcomes.employee_id, "references(employees)", 3)),
    *_in("survey_questions",
         ("question of an unknown wave", _set(7, wave_id="W9"), SurveyQuestions.wave_id,
          "references(survey_waves)", 9)),
    *_in("survey_responses",
         ("answer to an unknown wave", _set(12, wave_id="W9"), SurveyResponses.wave_id, "references(survey_waves)", 15),
         ("answer to a question of another wave", _set(4, question_id="Q9"), SurveyResponses.question_id,
          "references(survey_questions)", 6),
         ("answer by an unknown person", _set(*_R3, employee_id="X9"), SurveyResponses.employee_id,
          "references(employees)", 13),
         ("answer before hire", _set(*_R3, employee_id="E5", submitted_at="2025-02-28T12:00:00Z"),
          SurveyResponses.submitted_at, "employed_on_date", 13, _add_e5),
         ("answer after the wave closed", _set(*_R3, submitted_at="2025-03-15T00:30:00Z"),
          SurveyResponses.submitted_at, "inside_wave", 13),
         ("answer before the wave opened (offset moves it to the previous UTC day)",
          _set(*_R3, submitted_at="2025-03-03T00:30:00+02:00"), SurveyResponses.submitted_at, "inside_wave", 13),
         ("response shared by two people", _set(9, employee_id="E3"), SurveyResponses.response_id,
          "one_person_and_wave_per_response", 7),
         ("response with two timestamps", _set(9, submitted_at="2025-02-06T10:00:00Z"), SurveyResponses.response_id,
          "one_person_and_wave_per_response", 7),
         ("two responses by one person in a wave", _set(*range(5, 10), employee_id="E1"),
          SurveyResponses.response_id, "one_response_per_person_and_wave", 2),
         ("likert answer out of range", _set(0, value="6"), SurveyResponses.value, "value_by_question_kind", 2),
         ("likert answer not whole", _set(1, value="3.5"), SurveyResponses.value, "value_by_question_kind", 3),
         ("likert answer missing", _set(11, value=""), SurveyResponses.value, "value_by_question_kind", 14),
         ("eNPS answer out of range", _set(2, value="11"), SurveyResponses.value, "value_by_question_kind", 4),
         ("text answer without comment", _set(8, comment=""), SurveyResponses.comment, "comment_for_text_question",
          10)),
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
    case.apply(tables)
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
    case.apply(tables)
    rejected = _reject(tables, tmp_path, loaded_db)
    _check_message(_find(rejected.problems, case), case)


def test_every_problem_of_a_folder_is_reported_at_once(tmp_path: Path, loaded_db: Path) -> None:
    tables = base_tables()
    for case in (ROW_RULES[0], ROW_RULES[12], CROSS_TABLE_RULES[13], CROSS_TABLE_RULES[-1]):
        case.apply(tables)
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
    problem = _find(rejected.problems, Case("", "token_usage", _set(), TokenUsage.model, "required_column", None))
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
