"""A small hand-made company for the survey tests: people, assignments and the survey tables.

60 people: org "Alpha" (teams a1: 25, a2: 15) and org "Beta" (team b1: 20), plus one person who
left. Manager M1 runs Alpha, M2 runs Beta. Hire dates give every tenure band on TODAY.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from etl.loading.columns import column_specs, quote_ident
from workforce import auth, surveys
from workforce.db import ROOT, sql
from workforce.viewer import Role, Viewer

TODAY = date(2026, 11, 23)
MARTS = ROOT / "etl" / "sql" / "marts"
INTERMEDIATE = ROOT / "etl" / "sql" / "intermediate"
HIRE_DATES = [date(2026, 6, 1), date(2025, 6, 1), date(2023, 1, 10), date(2018, 3, 5)]  # <1y, 1-2y, 2-5y, 5y+


def people() -> list[tuple[str, str, str, str, date]]:
    """(employee_id, org, team, level, hire_date) of everyone employed."""
    rows = []
    layout = [("Alpha", "a1", 25), ("Alpha", "a2", 15), ("Beta", "b1", 20)]
    i = 0
    for org, team, n in layout:
        for _ in range(n):
            i += 1
            rows.append((f"E{i:03d}", org, team, "IC3" if i % 3 else "IC5", HIRE_DATES[i % 4]))
    return rows


def create_staging(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Empty staging tables as a load leaves them: stg_<table> for each contract table in
    `tables`, with the contract's columns and SQL types, and the survey tables with the
    loader's DDL. Identifiers come from the contract, never from data."""
    for table in tables:
        columns = ", ".join(f"{quote_ident(spec.name)} {spec.sql_type}" for spec in column_specs(table))
        con.execute(f"CREATE TABLE stg_{table} ({columns})")
    surveys.ensure_tables(con)


def build_company(path: Path) -> duckdb.DuckDBPyConnection:
    """The database file with employees, job history, exits, marts and empty survey tables."""
    con = duckdb.connect(str(path))
    create_staging(con, ("employees", "job_history", "exits"))
    con.executemany("INSERT INTO stg_employees VALUES (?, ?, ?, 'Engineering', 'Austin', ?)", [
        ("M1", "Mia Manager", "mia@example.com", date(2015, 1, 1)),
        ("M2", "Max Manager", "max@example.com", date(2015, 1, 1)),
        ("X1", "Xavier Left", "xavier@example.com", date(2020, 1, 1)),
    ])
    con.executemany("INSERT INTO stg_job_history VALUES (?, ?, ?, 'lead', NULL, 'M2', 'hire', false)", [
        ("M1", date(2015, 1, 1), "Alpha"), ("M2", date(2015, 1, 1), "Beta"),
    ])
    con.execute("INSERT INTO stg_job_history VALUES ('X1', DATE '2020-01-01', 'Alpha', 'a1', 'M1', 'IC3', 'hire', false)")
    con.execute("INSERT INTO stg_exits VALUES ('X1', DATE '2026-09-30', 'voluntary', NULL, false)")
    for employee_id, org, team, level, hired in people():
        con.execute("INSERT INTO stg_employees VALUES (?, ?, ?, 'Engineering', 'Austin', ?)",
                    [employee_id, f"Person {employee_id}", f"{employee_id.lower()}@example.com", hired])
        con.execute("INSERT INTO stg_job_history VALUES (?, ?, ?, ?, ?, ?, 'hire', false)",
                    [employee_id, hired, org, team, "M1" if org == "Alpha" else "M2", level])
    con.execute(f"CREATE TABLE int_assignments AS {sql('int_assignments', INTERMEDIATE)}")
    surveys.ensure_tables(con)
    build_survey_marts(con)
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO app_meta VALUES ('data_version', 'test-1')")
    return con


def build_survey_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build the per-respondent survey marts from the survey tables, as a load does. In-app
    submissions keep them current; a test that writes submissions straight into the tables calls
    this afterwards, as the loader would."""
    for mart in surveys.RESPONDENT_MARTS:
        con.execute(f"CREATE OR REPLACE TABLE {mart} AS {sql(mart, MARTS)}")


def add_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """The four demo roles on this company: hr supports Alpha only; employee is E001 (Alpha/a1)."""
    auth.create_user(con, "admin", role=Role.ADMIN, password=None, display_name="Admin")
    auth.create_user(con, "exec", role=Role.EXECUTIVE, password=None, display_name="Exec")
    auth.create_user(con, "hr", role=Role.HR_PARTNER, password=None, display_name="HR Alpha",
                     orgs=["Alpha"])
    auth.create_user(con, "employee", role=Role.EMPLOYEE, password=None,
                     display_name="Person E001", email="e001@example.com", employee_id="E001")


def add_wave(
    con: duckdb.DuckDBPyConnection,
    wave_id: str,
    *,
    opens_on: date = TODAY - timedelta(days=3),
    closes_on: date = TODAY + timedelta(days=10),
    audience: list[str] | None = None,
    source: str = "file",
) -> list[surveys.Question]:
    """A wave with the whole question bank, written as the loader would."""
    con.execute(
        "INSERT INTO stg_survey_waves (wave_id, title, opens_on, closes_on, audience_orgs, source) VALUES (?, ?, ?, ?, ?, ?)",
        [wave_id, f"Wave {wave_id}", opens_on, closes_on, audience, source],
    )
    con.executemany(
        "INSERT INTO stg_survey_questions VALUES (?, ?, ?, ?, ?, ?)",
        [[wave_id, q.question_id, q.text, q.kind, q.theme, i] for i, q in enumerate(surveys.QUESTION_BANK)],
    )
    return list(surveys.QUESTION_BANK)


def full_answers(likert: int = 4, enps: int = 9, comment: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for q in surveys.QUESTION_BANK:
        out[q.question_id] = likert if q.kind == "likert5" else enps if q.kind == "enps" else comment
    return out


ADMIN = Viewer("admin", Role.ADMIN)
HR_ALPHA = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"Alpha"}))


def person(employee_id: str) -> Viewer:
    """The viewer of an employee signed in as themselves."""
    return Viewer(employee_id.lower(), Role.EMPLOYEE, employee_id=employee_id)

