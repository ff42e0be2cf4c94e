"""Tokenmaxxing: usage that rises far above one's peers without a rise in delivered work, and
the value side of usage (cost and tokens per change landed).

A person is flagged (rule in `workforce/sql/tokenmaxxing/person_signals.sql`) when, in at least
`min_weeks` weeks that make up at least `min_share` of the weeks since the first of them, both
their tokens and their agent time were `ratio` times their job family's median that week, while
in those weeks they landed no more than `output_margin` times the larger of their own weekly
changes in their other weeks and their peers' mean. Being sustained separates idle agents left
running from bursts of genuine heavy use, which come and go. On two generated companies
(800 x 9 months, seed 11; 1,500 x 12 months, seed 7) the defaults reach precision 0.91 / 0.94
and recall 0.91 / 0.98 against the planted tokenmaxxers. Flags are shown as counts per org; the names only to admins, on the alert review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta

import duckdb
import pandas as pd

from workforce.db import SQL_DIR, sql, table_exists
from workforce.filters import Filters
from workforce.usage import COHORT_PEOPLE, bound, fast_or_base, run_text, scope_params
from workforce.viewer import Role, Viewer, require_role

TOKENMAXXING_SQL = SQL_DIR / "tokenmaxxing"
PERSON_WEEKS = "mart_tokenmaxxing_person_week"  # person_weeks.sql over the whole data, with next_week
FLAGS = "mart_tokenmaxxing_flags"  # default rules, whole data: every person's org, team and flag
FLAGGED = "mart_tokenmaxxing_flagged"  # default rules, whole data: person_signals.sql of the flagged


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


def _signals_params(con, viewer: Viewer, filters: Filters, rules: Rules) -> dict:
    return scope_params(con, viewer, filters) | asdict(rules.validate())


def _covers_all_weeks(con: duckdb.DuckDBPyConnection, filters: Filters) -> bool:
    """Whether the date range keeps every week of the stored person-weeks (as no range does)."""
    first, last = con.execute(f"SELECT min(week), max(week) FROM {PERSON_WEEKS}").fetchall()[0]
    if first is None:
        return filters.start is None and filters.end is None
    start_week = None if filters.start is None else filters.start - timedelta(days=filters.start.weekday())
    return (start_week is None or start_week <= first) and (filters.end is None or filters.end >= last)


# What each query reads: flagged_people the flagged people's signals (`signals`), flags_by_org
# every person's org and flag (`flags`), signals_and_runs every person's signals and longest run.
_STORED = {"flagged_people": ("signals", "stored_flagged"), "flags_by_org": ("flags", "stored_flags")}


def _query(con: duckdb.DuckDBPyConnection, final: str, filters: Filters, rules: Rules) -> str:
    """The SQL of `final` (a file of this folder) for these filters and rules, from what the
    loader stored (`build_tables`):

    - default rules over a range that keeps every week: the stored flags and flagged people;
    - otherwise, over the stored person-weeks: the rule runs on the candidates only (people with
      enough far-above weeks in the range to be flagged) unless every person's signals are asked for;
    - on a database loaded before those tables existed: over person-weeks computed here.
    """
    stored_weeks = table_exists(con, PERSON_WEEKS)
    if final in _STORED and rules == Rules() and stored_weeks and table_exists(con, FLAGS) \
            and table_exists(con, FLAGGED) and _covers_all_weeks(con, filters):
        relation, source = _STORED[final]
        return f"WITH {relation} AS (\n{sql(source, TOKENMAXXING_SQL)}\n)\n{sql(final, TOKENMAXXING_SQL)}"
    if not stored_weeks:
        return _over_weeks(sql("person_weeks", TOKENMAXXING_SQL), final)
    # next_week, which counts people from their last week, is stored for the default peer minimum
    if final in _STORED and (final != "flags_by_org" or rules.min_peers == Rules().min_peers):
        return _over_candidates(final)
    return _over_weeks(f"SELECT * FROM {PERSON_WEEKS}", final)


def _over_weeks(weeks: str, final: str) -> str:
    """`final` with the rule's steps in front of it as common table expressions, over `weeks`."""
    steps = [("person_weeks", weeks), ("scored", "scored_weeks"), ("signals", "person_signals"),
             ("flags", "flags_of_signals")]
    if final == "signals_and_runs":
        # only when asked for: a second reader of `scored` makes DuckDB materialise it
        steps.append(("longest", "longest_runs"))
    return _with(steps, final)


def _over_candidates(final: str) -> str:
    """`final` over the stored person-weeks with the rule run on the candidates only, and every
    person in scope counted from their last week in the range."""
    steps = [
        ("person_weeks", f"SELECT * FROM {PERSON_WEEKS}"),
        ("candidate_weeks", "scored_weeks"),
        ("candidates", "candidates"),
        ("scored", f"SELECT * FROM (\n{sql('scored_weeks', TOKENMAXXING_SQL)}\n) SEMI JOIN candidates USING (employee_id)"),
        ("signals", "person_signals"),
        ("last_weeks", "last_weeks"),
        ("flags", "flags_of_candidates"),
    ]
    # person_weeks is read by several steps: scanned by each rather than materialised
    return _with(steps, final, not_materialized={"person_weeks"})


def _with(steps: list[tuple[str, str]], final: str, not_materialized: frozenset[str] | set[str] = frozenset()) -> str:
    """`final` with the steps as common table expressions; a step is a file of this folder or SQL."""
    def text(step: str) -> str:
        return step if " " in step else sql(step, TOKENMAXXING_SQL)

    withs = ",\n".join(f"{name} AS {'NOT MATERIALIZED ' if name in not_materialized else ''}(\n{text(step)}\n)"
                        for name, step in steps)
    return f"WITH {withs}\n{sql(final, TOKENMAXXING_SQL)}"


def build_tables(con: duckdb.DuckDBPyConnection) -> int:
    """Store every person-week beside its peers and, for the default rules over the whole data,
    every person's flag and the flagged people's signals (a step of the load: etl/loading/derived.py).

    The flag needs every person-week of the range beside its peers; worked out per view, that
    took seconds at company scale. Returns the rows written.
    """
    weeks = sql("person_weeks", TOKENMAXXING_SQL)
    # next_week: the person's next week with a large enough peer group (default rules), so that
    # a person's last week in any range is one row (last_weeks.sql); worked out on the two key
    # columns and joined back, which is cheaper than a window over every column. Ordered by
    # week, so that a date range reads only the row groups of its weeks.
    con.execute(f"""CREATE OR REPLACE TABLE {PERSON_WEEKS} AS
        WITH weeks AS MATERIALIZED ({weeks}),
        next_weeks AS (
            SELECT employee_id, week, lead(week) OVER (PARTITION BY employee_id ORDER BY week) AS next_week
            FROM weeks
            WHERE peers >= $min_peers
        )
        SELECT weeks.*, next_weeks.next_week
        FROM weeks
        LEFT JOIN next_weeks USING (employee_id, week)
        ORDER BY week""", {"start": None, "end": None, "min_peers": Rules().min_peers})
    everyone = [org for (org,) in con.execute(
        f"SELECT DISTINCT org FROM {PERSON_WEEKS} WHERE org IS NOT NULL").fetchall()]
    params = {"orgs": everyone, "teams": None, "start": None, "end": None} | asdict(Rules())
    for table, final in ((FLAGS, "flags_of_candidates"), (FLAGGED, "flagged_signals")):
        text = f"CREATE OR REPLACE TABLE {table} AS {_over_candidates(final)}\nORDER BY org, employee_id"
        con.execute(text, bound(text, params))
    return sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in (PERSON_WEEKS, FLAGS, FLAGGED))


def person_signals(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """One row per person with the signals and the flag (ids, no names). Admins only."""
    require_role(viewer, Role.ADMIN)
    text = _query(con, "signals_and_runs", filters, rules)
    return run_text(con, text, _signals_params(con, viewer, filters, rules))


def flagged_people(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """The flagged people with names, for the admins' review."""
    require_role(viewer, Role.ADMIN)
    text = _query(con, "flagged_people", filters, rules)
    return run_text(con, text, _signals_params(con, viewer, filters, rules))


def flags_by_org(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, rules: Rules = Rules()
) -> pd.DataFrame:
    """org, people, flagged, flagged_share: counts only, for every analyst role."""
    text = _query(con, "flags_by_org", filters, rules)
    return run_text(con, text, _signals_params(con, viewer, filters, rules))


def cost_per_change(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "cohort"
) -> pd.DataFrame:
    """group (cohort or org), people, cost_usd, total_tokens, changes_landed and the per-change ratios."""
    if by not in ("cohort", "org"):
        raise ValueError(f"by must be 'cohort' or 'org', got {by!r}")
    text = fast_or_base(con, "cost_per_change", COHORT_PEOPLE, TOKENMAXXING_SQL)
    return run_text(con, text, scope_params(con, viewer, filters) | {"by": by})
