"""What is loaded: data window, headcount in scope, rows per table, last load, data-quality findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from workforce import privacy
from workforce.db import meta, query, table_exists
from workforce.filters import Filters
from workforce.viewer import Role, Viewer, allowed_orgs

# The contract's tables as staged, in the order the contract lists them. Survey responses are
# stored as submissions plus answers (pseudonymised), so both are counted.
STAGED_TABLES = (
    ("employees", "stg_employees"),
    ("job_history", "stg_job_history"),
    ("exits", "stg_exits"),
    ("token_usage", "stg_token_usage"),
    ("model_prices", "stg_model_prices"),
    ("ai_mandates", "stg_ai_mandates"),
    ("budgets", "stg_budgets"),
    ("outcomes", "stg_outcomes"),
    ("survey_waves", "stg_survey_waves"),
    ("survey_questions", "stg_survey_questions"),
    ("survey_responses (submissions)", "stg_survey_submissions"),
    ("survey_responses (answers)", "stg_survey_answers"),
)


# Counted through the confidentiality layer (closed waves only), key in its result.
SURVEY_TABLES = {"stg_survey_submissions": "submissions", "stg_survey_answers": "answers"}


@dataclass(frozen=True)
class Headcount:
    """How much the data holds in scope. The headcount itself is `people.headcount_as_of`."""

    people_in_window: int
    orgs: int
    teams: int


def load_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """data_version, loaded_at, as_of and source of the last load."""
    return meta(con)


def headcount(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters | None = None) -> Headcount:
    filters = filters or Filters()
    orgs = allowed_orgs(con, viewer, filters.orgs or None)
    params = {"orgs": orgs, "teams": Filters.as_list(filters.teams)}
    row = query(con, "overview/headcount_in_scope", params).fetchall()[0]
    return Headcount(*(int(v or 0) for v in row))


def data_window(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "overview/data_window").df()


def rows_per_table(con: duckdb.DuckDBPyConnection, today: date | None = None) -> pd.DataFrame:
    """Row counts of the staged tables. Table names come from the fixed list above, never from input.
    The survey answers count closed waves only (`privacy.closed_survey_rows`): a count that moved
    with each submission would time one person's answer."""
    survey = privacy.closed_survey_rows(con, today or date.today()) if table_exists(con, "stg_survey_submissions") else {}
    counts = []
    for contract_name, table in STAGED_TABLES:
        if table in SURVEY_TABLES:
            n = survey.get(SURVEY_TABLES[table], 0)
        else:
            n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] if table_exists(con, table) else 0
        counts.append({"table": contract_name, "rows": int(n)})
    return pd.DataFrame(counts)


def data_quality(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """Warnings the last load recorded (every load writes stg_data_quality). Details can name
    employees, so only admins see them."""
    frame = query(con, "overview/data_quality", {"with_detail": viewer.role == Role.ADMIN}).df()
    if viewer.role != Role.ADMIN:
        frame = frame.drop(columns=["detail"])
    return frame
