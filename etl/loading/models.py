"""The declared columns of every built table (`int_*`, `mart_*`): name and DuckDB type, in order.

`check_columns` runs right after a table is built (`etl.loading.write.build_marts`, and the
incremental append): a table whose columns differ from its declaration fails the load, naming
the table and the column, so a changed SQL file cannot silently change what pages read. A new
model file needs its entry here; changing one is a schema change (bump etl/schema.py
SCHEMA_VERSION).
"""

from __future__ import annotations

import duckdb

from etl.loading.problems import MartBuildError

# What a day of usage measures, in the order both daily usage marts list it.
USAGE_MEASURES: dict[str, str] = {
    "input_tokens": "BIGINT",
    "output_tokens": "BIGINT",
    "cache_read_tokens": "BIGINT",
    "cache_write_tokens": "BIGINT",
    "total_tokens": "BIGINT",
    "requests": "BIGINT",
    "agent_seconds": "BIGINT",
    "cost_usd": "DOUBLE",
}

TENURE_BAND = "ENUM('<1y', '1-2y', '2-5y', '5y+')"
# A survey response and the placement stored with it, first in both survey marts.
RESPONSE_PLACEMENT: dict[str, str] = {
    "wave_id": "VARCHAR",
    "response_id": "VARCHAR",
    "org": "VARCHAR",
    "team": "VARCHAR",
    "level": "VARCHAR",
    "tenure_band": TENURE_BAND,
}

COLUMNS: dict[str, dict[str, str]] = {
    "int_assignments": {
        "employee_id": "VARCHAR",
        "valid_from": "DATE",
        "valid_to": "DATE",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "manager_id": "VARCHAR",
        "level": "VARCHAR",
        "reason": "ENUM('hire', 'transfer', 'reorg', 'promotion', 'manager_change')",
        "forced": "BOOLEAN",
        "job_family": "VARCHAR",
        "location": "VARCHAR",
        "hire_date": "DATE",
        "exit_date": "DATE",
        "exit_type": "ENUM('voluntary', 'layoff', 'involuntary', 'retirement')",
    },
    "mart_employee_month": {
        "month": "DATE",
        "employee_id": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "manager_id": "VARCHAR",
        "level": "VARCHAR",
        "job_family": "VARCHAR",
        "location": "VARCHAR",
        "hire_date": "DATE",
        "exit_date": "DATE",
        "exit_type": "ENUM('voluntary', 'layoff', 'involuntary', 'retirement')",
        "tenure_band": TENURE_BAND,
        "manager_span": "INTEGER",
        "depth": "INTEGER",
    },
    "mart_headcount_week": {
        "week": "DATE",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "headcount": "BIGINT",
    },
    "mart_outcomes_week": {
        "week_start": "DATE",
        "employee_id": "VARCHAR",
        "changes_landed": "BIGINT",
        "agent_assisted_changes": "BIGINT",
        "reviews_done": "BIGINT",
        "vendor_changes": "BIGINT",
        "commits": "BIGINT",
        "lines_added": "BIGINT",
        "lines_removed": "BIGINT",
        "tool_actions_accepted": "BIGINT",
        "tool_actions_rejected": "BIGINT",
        "suggestions_accepted": "BIGINT",
        "lines_accepted": "BIGINT",
    },
    "mart_survey_respondent_wave": {
        **RESPONSE_PLACEMENT,
        "morale_index": "DOUBLE",
        "enps_value": "DOUBLE",
    },
    "mart_survey_responses": {
        **RESPONSE_PLACEMENT,
        "score_morale": "DOUBLE",
        "score_manager": "DOUBLE",
        "score_ai_tools": "DOUBLE",
        "score_workload": "DOUBLE",
        "score_career": "DOUBLE",
        "score_intent_to_stay": "DOUBLE",
        "enps": "DOUBLE",
        "likert": "STRUCT(question_id VARCHAR, answer INTEGER)[]",
        "comments": 'STRUCT(question_id VARCHAR, "comment" VARCHAR)[]',
    },
    "mart_usage_active_week": {
        "week": "DATE",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "whole_org": "BOOLEAN",
        "active_users": "BIGINT",
    },
    "mart_usage_cohort_person_month": {
        "month": "DATE",
        "employee_id": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "total_tokens": "BIGINT",
        "cost_usd": "DOUBLE",
        "cohort": "VARCHAR",
        "measured": "BOOLEAN",
        "changes": "HUGEINT",
    },
    "mart_usage_daily": {
        "usage_date": "DATE",
        "employee_id": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "tool": "VARCHAR",
        "vendor": "VARCHAR",
        "model": "VARCHAR",
        **USAGE_MEASURES,
        "cost_source": "VARCHAR",
    },
    "mart_usage_day": {
        "usage_date": "DATE",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "whole_org": "BOOLEAN",
        "vendor": "VARCHAR",
        "tool": "VARCHAR",
        "model": "VARCHAR",
        **USAGE_MEASURES,
        "list_price_cost_usd": "DOUBLE",
    },
    "mart_usage_cohort_thresholds": {
        "p50": "DOUBLE",
        "p90": "DOUBLE",
        "person_months_with_usage": "BIGINT",
    },
    "mart_tokenmaxxing_person_week": {
        "week": "DATE",
        "employee_id": "VARCHAR",
        "job_family": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "tokens": "BIGINT",
        "agent_seconds": "BIGINT",
        "cost_usd": "DOUBLE",
        "changes": "BIGINT",
        "peer_tokens": "DOUBLE",
        "peer_agent_seconds": "DOUBLE",
        "peer_changes": "DOUBLE",
        "peers": "BIGINT",
    },
    "mart_usage_person_month": {
        "month": "DATE",
        "employee_id": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "total_tokens": "BIGINT",
        "requests": "BIGINT",
        "agent_seconds": "BIGINT",
        "cost_usd": "DOUBLE",
        "active_days": "BIGINT",
    },
    "mart_usage_person_week": {
        "week": "DATE",
        "employee_id": "VARCHAR",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "total_tokens": "BIGINT",
        "in_house_tokens": "BIGINT",
        "requests": "BIGINT",
        "agent_seconds": "BIGINT",
        "cost_usd": "DOUBLE",
        "active_days": "BIGINT",
    },
    "mart_usage_team_day_people": {
        "usage_date": "DATE",
        "org": "VARCHAR",
        "team": "VARCHAR",
        "people": "BIGINT",
    },
}


def column_problems(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """How the built `table` differs from its declaration, one sentence per column."""
    declared = COLUMNS.get(table)
    if declared is None:
        return [f"{table}: no declared columns (add them to etl/loading/models.py)"]
    built = {row[0]: row[1] for row in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $t "
        "AND database_name = current_database() AND schema_name = current_schema() ORDER BY column_index",
        {"t": table}).fetchall()}
    problems = [f"{table}.{column}: declared {kind}, not built" for column, kind in declared.items()
                if column not in built]
    problems += [f"{table}.{column}: built as {built[column]}, declared {kind}" for column, kind in declared.items()
                 if column in built and built[column] != kind]
    problems += [f"{table}.{column}: built ({built[column]}) but not declared" for column in built
                 if column not in declared]
    if not problems and list(built) != list(declared):
        problems.append(f"{table}: columns built in the order {', '.join(built)}, declared {', '.join(declared)}")
    return problems


def check_columns(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Raises `MartBuildError` naming the table and every column that differs from the declaration."""
    problems = column_problems(con, table)
    if problems:
        raise MartBuildError("; ".join(problems))
