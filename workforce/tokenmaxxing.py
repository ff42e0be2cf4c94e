"""Tokenmaxxing: usage that rises far above one's peers without a rise in delivered work, and
the value side of usage (cost and tokens per change landed).

A person is flagged (rule in `workforce/sql/tokenmaxxing/person_flags.sql`) when, in at least
`min_weeks` weeks that make up at least `min_share` of the weeks since the first of them, both
their tokens and their agent time were `ratio` times their job family's median that week, while
in those weeks they landed no more than `output_margin` times the larger of their own weekly
changes in their other weeks and their peers' mean. Being sustained separates idle agents left
running from bursts of genuine heavy use, which come and go. On two generated companies
(800 x 9 months, seed 11; 1,500 x 12 months, seed 7) the defaults reach precision 0.91 / 0.94
and recall 0.91 / 0.98 against the planted tokenmaxxers. Flags are shown as counts per org; the names only to admins, on the alert review.

Every query reads the person-weeks the loader stored (`mart_tokenmaxxing_person_week`), for
any rules and date range: one path per figure, with the rule's steps declared below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from workforce.db import SQL_DIR
from workforce.filters import Filters
from workforce.usage import run, scope_params
from workforce.viewer import Role, Viewer, require_role

TOKENMAXXING_SQL = SQL_DIR / "tokenmaxxing"
PERSON_WEEKS = "mart_tokenmaxxing_person_week"  # every person-week beside its peers (etl/sql/marts/)

# The rule's steps, as common table expressions in front of each query (workforce.db.query);
# `python -m workforce render tokenmaxxing/NAME --relation ALIAS=tokenmaxxing/FILE ...` prints one.
# The flag needs sums and counts only: one scan of the range's person-weeks, one group-by.
FLAGS = {"scored": "scored_weeks", "flags": "person_flags"}
# Beside a flag, the medians of how far above their peers a person was: taken only for the people
# shown, reading the person-weeks a second time rather than holding the range's weeks in memory.
FLAGGED = FLAGS | {"shown": "flagged", "ratios": "person_ratios"}
SIGNALS = FLAGS | {"shown": "everyone", "ratios": "person_ratios", "signals": "person_signals"}
_NOT_MATERIALIZED = frozenset({"scored"})


@dataclass(frozen=True)
class Rules:
    ratio: float = 6.0  # tokens and agent time at least this multiple of the peers' median
    min_weeks: int = 4  # in at least this many weeks
    min_share: float = 0.6  # which are at least this share of the weeks since the first of them
    output_margin: float = 1.5  # landing at most this multiple of their usual changes (own or peers')
    min_peers: int = 5  # peer groups smaller than this are not compared

    def validate(self) -> Rules:
        if (self.ratio <= 1 or self.min_weeks < 1 or not 0 < self.min_share <= 1 or self.output_margin < 0
                or self.min_peers < 2):
            raise ValueError(
                "Tokenmaxxing rules: ratio must be above 1, min_weeks at least 1, min_share in (0, 1], "
                f"output_margin not negative and min_peers at least 2; got {self}"
            )
        return self


def _signals(con: duckdb.DuckDBPyConnection, final: str, relations: dict[str, str], viewer: Viewer,
             filters: Filters, rules: Rules) -> pd.DataFrame:
    params = scope_params(con, viewer, filters) | asdict(rules.validate())
    return run(con, final, params, folder=TOKENMAXXING_SQL, relations=relations, not_materialized=_NOT_MATERIALIZED)


def person_signals(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """One row per person with the signals and the flag (ids, no names). Admins only."""
    require_role(viewer, Role.ADMIN)
    return _signals(con, "signals_and_runs", SIGNALS | {"longest": "longest_runs"}, viewer, filters, rules)


def flagged_people(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """The flagged people with names, for the admins' review."""
    require_role(viewer, Role.ADMIN)
    return _signals(con, "flagged_people", FLAGGED, viewer, filters, rules)


def flagged(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """employee_id, org, team of the flagged people (ids only; the cases of the admins' queue)."""
    require_role(viewer, Role.ADMIN)
    return _signals(con, "flagged", FLAGS, viewer, filters, rules)


def flags_by_org(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """org, people, flagged, flagged_share: counts only, for every analyst role."""
    return _signals(con, "flags_by_org", FLAGS, viewer, filters, rules)


def cost_per_change(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "cohort"
) -> pd.DataFrame:
    """group (cohort or org), people, cost_usd, total_tokens, changes_landed and the per-change ratios."""
    if by not in ("cohort", "org"):
        raise ValueError(f"by must be 'cohort' or 'org', got {by!r}")
    return run(con, "cost_per_change", scope_params(con, viewer, filters) | {"by": by}, folder=TOKENMAXXING_SQL)
