"""The input contract (v1) as constants: which tables a folder holds, their value sets, and
the definitions that both the loader and the app need (tenure bands).

The column-level rules live in `etl.schemas` (one pandera model per table); this module holds
what is not a column rule: table names and order, which tables may be absent, the value sets
the models and the SQL share, and how rows are numbered in messages. The human-readable
reference is docs/data_contract.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

CONTRACT_VERSION = "v1"

# Load order: referenced tables before the tables that reference them, so messages about a
# referencing table come after the ones about the table it points to.
TABLES: tuple[str, ...] = (
    "employees",
    "job_history",
    "exits",
    "model_prices",
    "token_usage",
    "ai_mandates",
    "budgets",
    "outcomes",
    "survey_waves",
    "survey_questions",
    "survey_responses",
)

# outcomes are "optional value signals": a company without delivery data still loads. Every
# other table must be present (a header-only CSV is a valid empty table).
OPTIONAL_TABLES: frozenset[str] = frozenset({"outcomes"})
REQUIRED_TABLES: tuple[str, ...] = tuple(t for t in TABLES if t not in OPTIONAL_TABLES)

FILE_FORMATS: tuple[str, ...] = ("csv", "parquet")

# Value sets named by the contract.
JOB_REASONS: tuple[str, ...] = ("hire", "transfer", "reorg", "promotion", "manager_change")
FORCEABLE_REASONS: tuple[str, ...] = ("transfer", "reorg")
EXIT_TYPES: tuple[str, ...] = ("voluntary", "layoff", "involuntary", "retirement")
MANDATE_KINDS: tuple[str, ...] = ("adoption_target", "tool_migration", "usage_quota", "review_criterion")
QUESTION_KINDS: tuple[str, ...] = ("likert5", "enps", "text")
THEMES: tuple[str, ...] = ("morale", "manager", "ai_tools", "workload", "career", "intent_to_stay")


@dataclass(frozen=True)
class SurveyQuestion:
    """A row of the contract's survey_questions (without its wave): the product's question bank
    and the generator's questions are lists of these."""

    question_id: str
    text: str
    kind: Literal["likert5", "enps", "text"]  # QUESTION_KINDS
    theme: str  # THEMES


# Derived value sets (written by the loader, not read from files).
TENURE_BANDS: tuple[str, ...] = ("<1y", "1-2y", "2-5y", "5y+")
COST_SOURCES: tuple[str, ...] = ("reported", "list_price")
SURVEY_SOURCES: tuple[str, ...] = ("file", "app")

COMMENT_MAX_CHARS = 2000

# How many offending rows a message lists; the count of all of them is always given.
ROWS_SHOWN = 5


def tenure_band(hire_date: date, on: date) -> str:
    """The tenure band of someone hired on `hire_date`, on day `on` (anniversaries start the next band).

    Mirrors the SQL of stg_survey_submissions and mart_employee_month, so an in-app
    submission is banded exactly as a loaded one.
    """
    years = on.year - hire_date.year - ((on.month, on.day) < (hire_date.month, hire_date.day))
    if years < 1:
        return "<1y"
    if years < 2:
        return "1-2y"
    if years < 5:
        return "2-5y"
    return "5y+"
