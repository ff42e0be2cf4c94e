"""Derived tables computed in Python after the SQL marts: results that only change with the data.

Some of what the pages show is too costly to compute per view at company scale (the survey
the tokenmaxxing peer comparison, the drivers models) but depends only on the loaded data.
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
from datetime import date

import duckdb


@dataclass(frozen=True)
class DerivedStep:
    target: str  # "module:function"; the function takes a connection and returns rows written
    needs: frozenset[str]  # marts and tables read: rebuilding any of them makes the step stale
    # The step needs the pseudonym key (passed as `key=`); the loader hands over the key it
    # loaded with, other callers None (the step then finds the key beside the database).
    uses_key: bool = False
    # Rerun by `python -m etl load --append` (etl/loading/append.py) when its inputs changed.
    # Steps that refit a model over the whole history (the drivers models) are
    # not: they would take most of the append's budget at company scale, so they keep the state
    # of the last full load (app_meta.models_as_of) until the next one.
    on_append: bool = False
    # On an append, the step is given the first new day (`since=`) and works on the new days only
    # (cost-alert detection).
    takes_since: bool = False

    def function(self) -> Callable[[duckdb.DuckDBPyConnection], int]:
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


# In the order they run; a step may read the tables of the steps before it.
STEPS: tuple[DerivedStep, ...] = (
    # Cost-alert detection, so the first view after a load does not run it (after an append, for
    # the new days only).
    DerivedStep("workforce.alerts:detect_at_load",
                needs=frozenset({"mart_usage_daily", "mart_usage_day", "mart_usage_person_week"}),
                on_append=True, takes_since=True),
    # The drivers models (analytics/stored.py). They do not list the survey mart, which gains a row
    # with every answer given in the app: a company-scale refit per answer is out of the question,
    # the models read closed waves, and answers given since are taken in at the next load.
    DerivedStep(
        "analytics.stored:build_drivers_tables",
        needs=frozenset({"int_assignments", "mart_employee_month", "mart_usage_daily"}),
        uses_key=True,
    ),
)


def stale_steps(rebuilt: Iterable[str] | None, *, appending: bool = False) -> list[DerivedStep]:
    """The steps to rerun after `rebuilt` marts (None: a full build, every step); `appending`:
    only those an append reruns."""
    steps = [step for step in STEPS if step.on_append or not appending]
    if rebuilt is None:
        return steps
    rebuilt = set(rebuilt)
    return [step for step in steps if step.needs & rebuilt]


def run_steps(
    con: duckdb.DuckDBPyConnection, rebuilt: Iterable[str] | None, *, key: bytes | None = None,
    appending: bool = False, since: date | None = None,
) -> dict[str, int]:
    """Runs the stale steps on `con` (inside the caller's transaction); rows written per step.
    `since`: an append's first new day, handed to the steps that take it."""
    rows = {}
    for step in stale_steps(rebuilt, appending=appending):
        function = step.function()
        kwargs: dict[str, object] = {}
        if step.uses_key:
            kwargs["key"] = key
        if step.takes_since and since is not None:
            kwargs["since"] = since
        rows[step.target] = int(function(con, **kwargs))
    return rows
