"""A tiny hand-made database with the tables ingestion reads, and a fingerprint of a database's
state to prove that a rejected load changed nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from etl.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures" / "vendors"

EMPLOYEES = [
    ("E1", "Ana Lima", "ana.lima@example.com", "Engineering", "Lisbon", "2024-01-08"),
    ("E2", "Bo Chen", "bo.chen@example.com", "Engineering", "Austin", "2023-05-01"),
    ("E3", "Cy Diaz", "cy.diaz@example.com", "Product", "Austin", "2022-02-14"),
]
# model, vendor, effective_from, input, output, cache_read, cache_write (USD per million tokens)
PRICES = [
    ("claude-sonnet-4-5", "anthropic", "2025-01-01", 3.0, 15.0, 0.3, 3.75),
    ("claude-haiku-4-5", "anthropic", "2025-01-01", 1.0, 5.0, 0.1, 1.25),
    ("claude-opus-4-1", "anthropic", "2025-01-01", 15.0, 75.0, 1.5, 18.75),
    ("gpt-4.1", "openai", "2025-01-01", 2.0, 8.0, 0.5, None),
    ("gpt-4.1-mini", "openai", "2025-01-01", 0.4, 1.6, 0.1, None),
]


def build_tiny_db(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE stg_employees (employee_id VARCHAR, full_name VARCHAR, email VARCHAR, "
                "job_family VARCHAR, location VARCHAR, hire_date DATE)")
    con.executemany("INSERT INTO stg_employees VALUES (?, ?, ?, ?, ?, ?)", EMPLOYEES)
    con.execute("CREATE TABLE stg_model_prices (model VARCHAR, vendor VARCHAR, effective_from DATE, "
                "input_per_mtok DOUBLE, output_per_mtok DOUBLE, cache_read_per_mtok DOUBLE, "
                "cache_write_per_mtok DOUBLE)")
    con.executemany("INSERT INTO stg_model_prices VALUES (?, ?, ?, ?, ?, ?, ?)", PRICES)
    con.execute("CREATE TABLE stg_job_history (employee_id VARCHAR, effective_date DATE, org VARCHAR, team VARCHAR, "
                "manager_id VARCHAR, level VARCHAR, reason VARCHAR, forced BOOLEAN)")
    con.executemany("INSERT INTO stg_job_history VALUES (?, ?, ?, ?, NULL, 'IC4', ?, false)", [
        ("E1", "2024-01-08", "Applied AI", "Agents", "hire"),
        ("E1", "2026-10-06", "Reality Labs", "Vision", "transfer"),  # moved on 6 October
        ("E2", "2023-05-01", "Applied AI", "Infra", "hire"),
        ("E3", "2022-02-14", "Product", "Core", "hire"),
    ])
    con.execute("CREATE TABLE stg_token_usage (usage_date DATE, employee_id VARCHAR, tool VARCHAR, vendor VARCHAR, "
                "model VARCHAR, input_tokens BIGINT, output_tokens BIGINT, cache_read_tokens BIGINT, "
                "cache_write_tokens BIGINT, requests BIGINT, agent_seconds BIGINT, cost_usd DOUBLE)")
    con.execute("INSERT INTO stg_token_usage VALUES ('2026-10-01', 'E3', 'chat', 'openai', 'gpt-4.1', 10, 5, 0, 0, "
                "1, NULL, NULL)")
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO app_meta VALUES ('data_version', 'v0'), ('schema_version', ?)", [SCHEMA_VERSION])
    con.close()
    return path


def db_state(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of its sorted rows (the audit log aside)."""
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name <> 'app_audit_log' "
        "ORDER BY table_name").fetchall()]
    state = {}
    for table in tables:
        rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
        digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        state[table] = (len(rows), digest)
    return state
