"""Tiny hand-made usage databases for the usage, alerts and tokenmaxxing tests.

Tables carry the column names of docs/architecture.md; the core marts the loader would build
(int_assignments, mart_employee_month, mart_usage_daily) are written here directly from the
rows given, and the usage marts are then built from their real SQL files, as the loader does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from workforce.db import ROOT

D = date
MARTS_DIR = ROOT / "etl" / "sql" / "marts"
USAGE_MARTS = ("mart_usage_day", "mart_usage_person_week", "mart_usage_person_month", "mart_headcount_week",
               # pre-aggregated from the ones before (and stg_outcomes): what the usage page reads
               "mart_usage_active_week", "mart_outcomes_week", "mart_usage_cohort_thresholds",
               "mart_usage_cohort_person_month", "mart_usage_team_day_people", "mart_tokenmaxxing_person_week")

SCHEMA = [
    """CREATE TABLE stg_employees (employee_id VARCHAR, full_name VARCHAR, email VARCHAR,
        job_family VARCHAR, location VARCHAR, hire_date DATE)""",
    """CREATE TABLE stg_job_history (employee_id VARCHAR, effective_date DATE, org VARCHAR, team VARCHAR,
        manager_id VARCHAR, level VARCHAR, reason VARCHAR, forced BOOLEAN)""",
    """CREATE TABLE stg_exits (employee_id VARCHAR, exit_date DATE, exit_type VARCHAR, layoff_wave VARCHAR,
        regretted BOOLEAN)""",
    """CREATE TABLE stg_token_usage (usage_date DATE, employee_id VARCHAR, tool VARCHAR, vendor VARCHAR,
        model VARCHAR, input_tokens BIGINT, output_tokens BIGINT, cache_read_tokens BIGINT,
        cache_write_tokens BIGINT, requests BIGINT, agent_seconds BIGINT, cost_usd DOUBLE)""",
    """CREATE TABLE stg_model_prices (model VARCHAR, vendor VARCHAR, effective_from DATE,
        input_per_mtok DOUBLE, output_per_mtok DOUBLE, cache_read_per_mtok DOUBLE, cache_write_per_mtok DOUBLE)""",
    """CREATE TABLE stg_ai_mandates (mandate_id VARCHAR, org VARCHAR, team VARCHAR, announced_date DATE,
        effective_date DATE, kind VARCHAR, target DOUBLE, description VARCHAR)""",
    "CREATE TABLE stg_budgets (org VARCHAR, month DATE, budget_usd DOUBLE)",
    """CREATE TABLE stg_outcomes (week_start DATE, employee_id VARCHAR, changes_landed BIGINT,
        agent_assisted_changes BIGINT, reviews_done BIGINT)""",
    """CREATE TABLE mart_usage_daily (usage_date DATE, employee_id VARCHAR, org VARCHAR, team VARCHAR,
        tool VARCHAR, vendor VARCHAR, model VARCHAR, input_tokens BIGINT, output_tokens BIGINT,
        cache_read_tokens BIGINT, cache_write_tokens BIGINT, total_tokens BIGINT, requests BIGINT,
        agent_seconds BIGINT, cost_usd DOUBLE, cost_source VARCHAR)""",
]


@dataclass
class Person:
    employee_id: str
    hire_date: date
    moves: list[tuple[date, str, str]]  # (effective_date, org, team); the first is the hire
    exit_date: date | None = None
    job_family: str = "Engineering"
    name: str = ""


@dataclass
class Use:
    usage_date: date
    employee_id: str
    cost_usd: float
    vendor: str = "anthropic"
    tool: str = "chat"
    model: str = "claude-x"
    input_tokens: int = 1000
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    agent_seconds: int = 0
    requests: int = 1
    cost_source: str = "reported"
    extra: dict = field(default_factory=dict)


def empty_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in SCHEMA:
        con.execute(statement)
    return con


def add_people(con: duckdb.DuckDBPyConnection, people: list[Person], first_month: date, last_month: date) -> None:
    for p in people:
        con.execute(
            "INSERT INTO stg_employees VALUES (?, ?, ?, ?, 'Remote', ?)",
            [p.employee_id, p.name or f"Person {p.employee_id}", f"{p.employee_id}@example.com", p.job_family,
             p.hire_date],
        )
        for i, (eff, org, team) in enumerate(p.moves):
            con.execute(
                "INSERT INTO stg_job_history VALUES (?, ?, ?, ?, NULL, 'IC4', ?, false)",
                [p.employee_id, eff, org, team, "hire" if i == 0 else "transfer"],
            )
        if p.exit_date:
            con.execute("INSERT INTO stg_exits VALUES (?, ?, 'voluntary', NULL, false)", [p.employee_id, p.exit_date])
    # the loader's core marts, rebuilt from the rows above by their definitions
    con.execute("""
        CREATE OR REPLACE TABLE int_assignments AS
        SELECT j.employee_id, j.effective_date AS valid_from,
            coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date),
                     x.exit_date) AS valid_to,
            j.org, j.team, j.manager_id, j.level, j.reason, j.forced, e.job_family, e.location, e.hire_date,
            x.exit_date, x.exit_type
        FROM stg_job_history j JOIN stg_employees e USING (employee_id) LEFT JOIN stg_exits x USING (employee_id)
    """)
    con.execute("""
        CREATE OR REPLACE TABLE mart_employee_month AS
        SELECT m.month, a.employee_id, a.org, a.team, a.manager_id, a.level, a.job_family, a.location,
            a.hire_date, a.exit_date, a.exit_type, '1-2y' AS tenure_band, NULL::BIGINT AS manager_span
        FROM (SELECT unnest(generate_series(?::DATE, ?::DATE, INTERVAL 1 MONTH))::DATE AS month) m
        JOIN int_assignments a ON a.valid_from <= m.month AND (a.valid_to IS NULL OR m.month < a.valid_to)
    """, [first_month, last_month])


def add_usage(con: duckdb.DuckDBPyConnection, uses: list[Use]) -> None:
    """Usage rows, attributed to the org/team in effect on the day (as mart_usage_daily is)."""
    rows = [
        (u.usage_date, u.employee_id, u.tool, u.vendor, u.model, u.input_tokens, u.output_tokens,
         u.cache_read_tokens, u.cache_write_tokens, u.requests, u.agent_seconds, u.cost_usd, u.cost_source)
        for u in uses
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE _new_usage (usage_date DATE, employee_id VARCHAR, tool VARCHAR, "
                "vendor VARCHAR, model VARCHAR, input_tokens BIGINT, output_tokens BIGINT, cache_read_tokens BIGINT, "
                "cache_write_tokens BIGINT, requests BIGINT, agent_seconds BIGINT, cost_usd DOUBLE, "
                "cost_source VARCHAR)")
    if rows:
        con.executemany("INSERT INTO _new_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("""
        INSERT INTO stg_token_usage
        SELECT usage_date, employee_id, tool, vendor, model, input_tokens, output_tokens, cache_read_tokens,
            cache_write_tokens, requests, agent_seconds, CASE WHEN cost_source = 'reported' THEN cost_usd END
        FROM _new_usage
    """)
    con.execute("""
        INSERT INTO mart_usage_daily
        SELECT u.usage_date, u.employee_id, a.org, a.team, u.tool, u.vendor, u.model, u.input_tokens,
            u.output_tokens, u.cache_read_tokens, u.cache_write_tokens,
            u.input_tokens + u.output_tokens + u.cache_read_tokens + u.cache_write_tokens,
            u.requests, u.agent_seconds, u.cost_usd, u.cost_source
        FROM _new_usage u
        JOIN int_assignments a ON a.employee_id = u.employee_id AND a.valid_from <= u.usage_date
            AND (a.valid_to IS NULL OR u.usage_date < a.valid_to)
    """)


def build_usage_marts(con: duckdb.DuckDBPyConnection) -> None:
    from etl.ingest import ensure_tables

    ensure_tables(con)  # mart_outcomes_week reads the vendor outcomes table (empty here)
    for name in USAGE_MARTS:
        text = (MARTS_DIR / f"{name}.sql").read_text(encoding="utf-8")
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {text}")


def build_core_usage_mart(con: duckdb.DuckDBPyConnection) -> None:
    """mart_usage_daily from stg_token_usage by the loader's own SQL (pricing and org attribution)."""
    from etl.ingest import rebuild_vendor_marts

    rebuild_vendor_marts(con)  # empty here: no vendor exports loaded, but the mart reads it
    text = (MARTS_DIR / "mart_usage_daily.sql").read_text(encoding="utf-8")
    con.execute(f"CREATE OR REPLACE TABLE mart_usage_daily AS {text}")


SMALL_PEOPLE = [
    Person("e1", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A1")]),
    Person("e2", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A1")]),
    Person("e3", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A2")]),
    Person("e4", D(2025, 6, 1), [(D(2025, 6, 1), "Beta", "B1")]),
    Person("e5", D(2026, 1, 20), [(D(2026, 1, 20), "Beta", "B1")]),
    # moves to Beta mid-January: spend before the move counts for Alpha, after it for Beta
    Person("e6", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A2"), (D(2026, 1, 15), "Beta", "B1")]),
    Person("e7", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A1")], exit_date=D(2026, 1, 10)),
]
SMALL_USES = [
    Use(D(2026, 1, 5), "e1", 10.00, input_tokens=1_000_000, output_tokens=100_000, cache_read_tokens=500_000),
    Use(D(2026, 1, 6), "e1", 0.50, vendor="in-house", tool="coder", model="house-1", input_tokens=2_000_000),
    Use(D(2026, 1, 5), "e2", 3.25, vendor="openai", model="gpt-y", input_tokens=300_000),
    Use(D(2026, 1, 12), "e3", 7.10, tool="agent", input_tokens=700_000, cache_write_tokens=100_000,
        cost_source="list_price"),
    Use(D(2026, 1, 5), "e4", 1.15, input_tokens=100_000),
    Use(D(2026, 1, 14), "e6", 2.00, input_tokens=200_000),
    Use(D(2026, 1, 15), "e6", 4.00, input_tokens=400_000),
    Use(D(2026, 2, 2), "e1", 20.00, input_tokens=2_000_000),
    Use(D(2026, 2, 10), "e4", 5.55, input_tokens=500_000),
    Use(D(2026, 1, 21), "e5", 0.25, vendor="in-house", tool="coder", model="house-1", input_tokens=1_000_000),
]


def small_company() -> duckdb.DuckDBPyConnection:
    """Two orgs, seven people (a transfer, a mid-month hire, an exit), ten usage rows, budgets, mandates;
    tests/test_usage.py works its answers out by hand."""
    con = empty_db()
    add_people(con, SMALL_PEOPLE, D(2026, 1, 1), D(2026, 2, 1))
    add_usage(con, SMALL_USES)
    con.execute("""INSERT INTO stg_budgets VALUES ('Alpha', '2026-01-01', 30), ('Alpha', '2026-02-01', 25),
        ('Beta', '2026-01-01', 5), ('Beta', '2026-02-01', 10)""")
    con.execute("""INSERT INTO stg_ai_mandates VALUES
        ('M1', '*', NULL, '2026-01-01', '2026-01-07', 'adoption_target', 0.5, 'Half of staff use AI weekly'),
        ('M2', 'Alpha', NULL, '2026-01-10', '2026-01-20', 'tool_migration', NULL, 'Move to the in-house coder'),
        ('M3', 'Beta', NULL, '2025-12-01', '2026-01-01', 'usage_quota', 500000, 'At most 500k tokens a month')""")
    build_usage_marts(con)
    return con
