"""One pandera model per contract table: the row-level rules of the input contract.

These models are the single statement of the per-row rules (types, required columns, value
sets, ranges, within-row comparisons, keys). The loader runs them two ways and both report
the same problems:

* small tables: `Model.validate(df, lazy=True)` on the typed rows, as pandera intends;
* large tables (token_usage at company scale holds ~20M rows): the same checks compiled to
  SQL over the DuckDB scan (`etl.loading.rules`), because pulling the rows into pandas would
  take minutes and gigabytes.

So every check used here must be one `etl.loading.rules` knows how to compile: pandera's
built-ins (`ge`, `isin`, `str_contains`, `str_length`, unique keys) and the custom checks
registered below, whose statistics say everything the SQL needs. Cross-table rules
(references, employment dates, cycles, answers by question kind) are SQL in etl/sql/checks/.

Dates are `pa.DateTime` with `metadata={"sql_type": "DATE"}`: pandas has no nullable date
dtype that supports `.dt`, and the metadata tells the loader to store a DATE, not a TIMESTAMP.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera import extensions
from pandera.typing import Series

from etl.contract import (
    COMMENT_MAX_CHARS,
    EXIT_TYPES,
    FORCEABLE_REASONS,
    JOB_REASONS,
    MANDATE_KINDS,
    QUESTION_KINDS,
    THEMES,
)

# --- custom checks -------------------------------------------------------------------------
# Registered with their statistics so the SQL compiler can read what each instance checks.


@extensions.register_check_method(check_type="vectorized")
def is_monday(series: pd.Series) -> pd.Series:
    """The date is a Monday (the start of an ISO week)."""
    return series.dt.dayofweek == 0


@extensions.register_check_method(check_type="vectorized")
def is_month_start(series: pd.Series) -> pd.Series:
    """The date is the first day of its month."""
    return series.dt.day == 1


@extensions.register_check_method(statistics=["column", "reference"], check_type="vectorized")
def not_before(df: pd.DataFrame, *, column: str, reference: str) -> pd.Series:
    """`column` is on or after `reference`; a row missing either is judged by other rules."""
    return ~(df[column] < df[reference]).fillna(False).astype(bool)


@extensions.register_check_method(statistics=["column", "bound"], check_type="vectorized")
def not_greater_than(df: pd.DataFrame, *, column: str, bound: str) -> pd.Series:
    """`column` does not exceed the `bound` column of the same row."""
    return ~(df[column] > df[bound]).fillna(False).astype(bool)


@extensions.register_check_method(statistics=["column", "when_column", "allowed"], check_type="vectorized")
def true_only_when(df: pd.DataFrame, *, column: str, when_column: str, allowed: list[str]) -> pd.Series:
    """The boolean `column` is true only on rows whose `when_column` is one of `allowed`."""
    flagged = df[column].fillna(False).astype(bool)
    known = df[when_column].notna()
    return ~(flagged & known & ~df[when_column].isin(allowed))


def date_field(**kwargs: Any) -> Any:
    """A calendar date column (stored as DATE); keyword arguments are pandera checks."""
    return pa.Field(metadata={"sql_type": "DATE"}, **kwargs)


class _Contract(pa.DataFrameModel):
    class Config:
        # extra columns are reported (as warnings) by the reader, which drops them first
        strict = False
        coerce = True


# --- people and organisation ---------------------------------------------------------------


class Employees(_Contract):
    employee_id: Series[str] = pa.Field(unique=True)
    full_name: Series[str]
    email: Series[str] = pa.Field(unique=True, str_contains="@")
    job_family: Series[str]
    location: Series[str]
    hire_date: Series[pa.DateTime] = date_field()


class JobHistory(_Contract):
    employee_id: Series[str]
    effective_date: Series[pa.DateTime] = date_field()
    org: Series[str]
    team: Series[str]
    manager_id: Series[str] = pa.Field(nullable=True)
    level: Series[str]
    reason: Series[str] = pa.Field(isin=list(JOB_REASONS))
    forced: Series[pd.BooleanDtype]

    class Config:
        # an employee's rows are ordered by effective_date, so two rows on one day are ambiguous
        unique = ["employee_id", "effective_date"]
        true_only_when = {"column": "forced", "when_column": "reason", "allowed": list(FORCEABLE_REASONS)}


class Exits(_Contract):
    employee_id: Series[str] = pa.Field(unique=True)
    exit_date: Series[pa.DateTime] = date_field()
    exit_type: Series[str] = pa.Field(isin=list(EXIT_TYPES))
    layoff_wave: Series[str] = pa.Field(nullable=True)
    regretted: Series[pd.BooleanDtype] = pa.Field(nullable=True)


# --- AI usage, cost and policy -------------------------------------------------------------


class TokenUsage(_Contract):
    usage_date: Series[pa.DateTime] = date_field()
    employee_id: Series[str]
    tool: Series[str]
    vendor: Series[str]
    model: Series[str]
    input_tokens: Series[pd.Int64Dtype] = pa.Field(ge=0)
    output_tokens: Series[pd.Int64Dtype] = pa.Field(ge=0)
    cache_read_tokens: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    cache_write_tokens: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    requests: Series[pd.Int64Dtype] = pa.Field(ge=1)
    agent_seconds: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    cost_usd: Series[float] = pa.Field(ge=0, nullable=True)

    class Config:
        # "one row per employee, day, tool and model"
        unique = ["usage_date", "employee_id", "tool", "model"]


class ModelPrices(_Contract):
    model: Series[str]
    vendor: Series[str]
    effective_from: Series[pa.DateTime] = date_field()
    input_per_mtok: Series[float] = pa.Field(ge=0)
    output_per_mtok: Series[float] = pa.Field(ge=0)
    cache_read_per_mtok: Series[float] = pa.Field(ge=0, nullable=True)
    cache_write_per_mtok: Series[float] = pa.Field(ge=0, nullable=True)

    class Config:
        # a price holds until the model's next row, so one row per model and day
        unique = ["model", "effective_from"]


class AiMandates(_Contract):
    mandate_id: Series[str] = pa.Field(unique=True)
    org: Series[str]
    team: Series[str] = pa.Field(nullable=True)
    announced_date: Series[pa.DateTime] = date_field()
    effective_date: Series[pa.DateTime] = date_field()
    kind: Series[str] = pa.Field(isin=list(MANDATE_KINDS))
    target: Series[float] = pa.Field(nullable=True)
    description: Series[str]

    class Config:
        not_before = {"column": "effective_date", "reference": "announced_date"}


class Budgets(_Contract):
    org: Series[str]
    month: Series[pa.DateTime] = date_field(is_month_start=())
    budget_usd: Series[float] = pa.Field(ge=0)

    class Config:
        unique = ["org", "month"]


class Outcomes(_Contract):
    week_start: Series[pa.DateTime] = date_field(is_monday=())
    employee_id: Series[str]
    changes_landed: Series[pd.Int64Dtype] = pa.Field(ge=0)
    agent_assisted_changes: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)
    reviews_done: Series[pd.Int64Dtype] = pa.Field(ge=0, nullable=True)

    class Config:
        unique = ["week_start", "employee_id"]
        not_greater_than = {"column": "agent_assisted_changes", "bound": "changes_landed"}


# --- pulse surveys -------------------------------------------------------------------------


class SurveyWaves(_Contract):
    wave_id: Series[str] = pa.Field(unique=True)
    title: Series[str]
    opens_on: Series[pa.DateTime] = date_field()
    closes_on: Series[pa.DateTime] = date_field()

    class Config:
        not_before = {"column": "closes_on", "reference": "opens_on"}


class SurveyQuestions(_Contract):
    wave_id: Series[str]
    question_id: Series[str]
    text: Series[str]
    kind: Series[str] = pa.Field(isin=list(QUESTION_KINDS))
    theme: Series[str] = pa.Field(isin=list(THEMES))

    class Config:
        unique = ["wave_id", "question_id"]


class SurveyResponses(_Contract):
    response_id: Series[str]
    wave_id: Series[str]
    employee_id: Series[str]
    submitted_at: Series[pa.DateTime]
    question_id: Series[str]
    # the range depends on the question's kind (likert5 1-5, enps 0-10): a cross-table check
    value: Series[float] = pa.Field(nullable=True)
    comment: Series[str] = pa.Field(nullable=True, str_length={"max_value": COMMENT_MAX_CHARS})

    class Config:
        unique = ["response_id", "question_id"]


SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "employees": Employees,
    "job_history": JobHistory,
    "exits": Exits,
    "token_usage": TokenUsage,
    "model_prices": ModelPrices,
    "ai_mandates": AiMandates,
    "budgets": Budgets,
    "outcomes": Outcomes,
    "survey_waves": SurveyWaves,
    "survey_questions": SurveyQuestions,
    "survey_responses": SurveyResponses,
}
