"""Derived tables computed in Python after the SQL marts: results that only change with the data.

Some of what the pages show is too costly to compute per view at company scale (the survey
confidentiality lattice of each wave, the drivers models) but depends only on the loaded data.
Each step here writes its own table(s) inside the load's transaction, right after the marts it
reads, so a load or a vendor ingest leaves them consistent with the data, and a failure rolls
back with the rest.

A step names the marts and tables it reads (`needs`). A partial rebuild (`build_marts(con,
only=[...])`, e.g. after the app stored a survey answer) runs only the steps whose needs were
rebuilt. Steps are named "module:function" and imported when they run, so `etl` does not import
the analysis packages at start-up and a step's module may import `etl` freely.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class DerivedStep:
    target: str  # "module:function"; the function takes a connection and returns rows written
    needs: frozenset[str]  # marts and tables read: rebuilding any of them makes the step stale
    # The step needs the pseudonym key (passed as `key=`); the loader hands over the key it
    # loaded with, other callers None (the step then finds the key beside the database).
    uses_key: bool = False

    def function(self) -> Callable[[duckdb.DuckDBPyConnection], int]:
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


# In the order they run; a step may read the tables of the steps before it.
STEPS: tuple[DerivedStep, ...] = (
    # No survey lattice is stored (it holds hidden cells' counts): this drops the table earlier
    # versions wrote. Lattices live in each process's cache (workforce/privacy/store.py).
    DerivedStep("workforce.privacy:drop_stored_lattices",
                needs=frozenset({"mart_survey_respondent_wave", "mart_survey_responses"})),
    # Assignments, manager spans as date intervals, people and tree depths per month start.
    DerivedStep("workforce.people:build_tables",
                needs=frozenset({"stg_job_history", "stg_employees", "stg_exits", "mart_usage_daily"})),
    # Cost-alert detection, so the first view after a load does not run it.
    DerivedStep("workforce.alerts:detect_at_load",
                needs=frozenset({"mart_usage_daily", "mart_usage_day", "mart_usage_person_week"})),
    # The drivers models (analytics/stored.py). They do not list the survey mart, which gains a row
    # with every answer given in the app: a company-scale refit per answer is out of the question,
    # the models read closed waves, and answers given since are taken in at the next load.
    DerivedStep(
        "analytics.stored:build_drivers_tables",
        needs=frozenset({"mart_assignments", "mart_employee_month", "mart_usage_daily"}),
        uses_key=True,
    ),
)


def stale_steps(rebuilt: Iterable[str] | None) -> list[DerivedStep]:
    """The steps to rerun after `rebuilt` marts (None: a full build, every step)."""
    if rebuilt is None:
        return list(STEPS)
    rebuilt = set(rebuilt)
    return [step for step in STEPS if step.needs & rebuilt]


def run_steps(
    con: duckdb.DuckDBPyConnection, rebuilt: Iterable[str] | None, *, key: bytes | None = None
) -> dict[str, int]:
    """Runs the stale steps on `con` (inside the caller's transaction); rows written per step."""
    rows = {}
    for step in stale_steps(rebuilt):
        function = step.function()
        rows[step.target] = int(function(con, key=key) if step.uses_key else function(con))
    return rows
