"""The loader's parts on their own: rule compilation, row numbering, mart ordering, tenure bands."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.contract import TABLES, tenure_band
from etl.load import load_folder
from etl.loading.checks import load_checks
from etl.loading.columns import column_specs
from etl.loading.problems import RowNumbers
from etl.loading.read import scratch_database
from etl.loading.rules import _bind, compile_rules
from etl.loading.sqlfiles import build_order, header, mentions, model_files, read_sql
from etl.schemas import SCHEMAS
from tests.fixtures.contract_folder import base_tables, write_folder


@pytest.mark.parametrize("table", TABLES)
def test_every_model_rule_compiles_to_sql(table: str) -> None:
    """A check without its SQL twin would go unchecked on big tables: compiling must cover all."""
    schema = SCHEMAS[table].to_schema()
    rules = compile_rules(table)
    expected = sum(len(c.checks) + (not c.nullable) + bool(c.unique) for c in schema.columns.values())
    expected += len(schema.checks) + bool(schema.unique)
    assert len(rules) == expected
    # and every rule's SQL binds against the typed columns
    con = duckdb.connect()
    cols = ", ".join(f'CAST(NULL AS {s.sql_type}) AS "{s.name}", false AS "{s.bad_flag}"' for s in column_specs(table))
    con.execute(f"CREATE TABLE in_{table} AS SELECT {cols}")
    con.execute(f"CREATE VIEW {table} AS SELECT rowid + 1 AS _row, * FROM in_{table}")
    for rule in rules:
        if not rule.key:
            con.execute(f"SELECT count_if({rule.failing_sql}) FROM {table}", _bind(rule.params))


def test_check_files_have_complete_headers() -> None:
    checks = load_checks()
    assert len(checks) >= 20
    for check in checks:
        assert check.table in TABLES
        assert check.severity in ("error", "warning")
        if check.column:
            assert check.column in SCHEMAS[check.table].to_schema().columns


def test_header_and_mentions() -> None:
    text = "-- why it matters\n-- table: exits\n-- rule: x\nSELECT 1 FROM exits -- not employees\n"
    assert header(text) == {"table": "exits", "rule": "x"}
    assert mentions(text, {"exits", "employees"}) == {"exits"}


def test_marts_are_built_after_the_marts_they_mention() -> None:
    texts = {"mart_b": "SELECT * FROM mart_a", "mart_a": "SELECT 1", "mart_c": "SELECT * FROM mart_b, mart_a"}
    assert build_order(texts) == ["mart_a", "mart_b", "mart_c"]
    with pytest.raises(ValueError, match="cycle"):
        build_order({"mart_x": "SELECT * FROM mart_y", "mart_y": "SELECT * FROM mart_x"})
    real = build_order({n: read_sql(p) for n, p in model_files().items()})
    assert real.index("int_assignments") < real.index("mart_employee_month") < real.index("mart_usage_cohort_person_month")
    assert real.index("int_assignments") < real.index("mart_usage_daily")


def test_csv_row_numbers(tmp_path: Path) -> None:
    simple = tmp_path / "simple.csv"
    simple.write_bytes(b"a,b\r\n1,2\r\n3,4")  # CRLF, no final newline
    assert RowNumbers(simple, "csv", 2).file_rows([1, 2]) == [2, 3]
    tricky = tmp_path / "tricky.csv"
    tricky.write_text('a,b\n1,"x\ny"\n\n2,z\n3,w\n')
    assert RowNumbers(tricky, "csv", 3).file_rows([1, 2, 3]) == [2, 5, 6]
    assert RowNumbers(tricky, "parquet", 3).file_rows([1, 2]) == [1, 2]


def test_tenure_bands_in_python_and_sql_agree(tmp_path: Path) -> None:
    """A leap-day hire reaches a year on 1 March in SQL exactly as in etl.contract.tenure_band."""
    assert tenure_band(date(2024, 2, 29), date(2025, 2, 28)) == "<1y"
    assert tenure_band(date(2024, 2, 29), date(2025, 3, 1)) == "1-2y"
    assert tenure_band(date(2020, 3, 1), date(2025, 3, 1)) == "5y+"
    assert tenure_band(date(2020, 3, 2), date(2025, 3, 1)) == "2-5y"
    tables = base_tables()
    tables["employees"][3]["hire_date"] = "2024-02-29"
    tables["job_history"][4]["effective_date"] = "2024-02-29"
    db = tmp_path / "db.duckdb"
    load_folder(write_folder(tmp_path / "in", tables), db)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT month, hire_date, tenure_band FROM mart_employee_month").fetchall()
    con.close()
    assert rows
    for month, hired, band in rows:
        assert band == tenure_band(hired, month), (month, hired)
    assert ("<1y", "1-2y") == tuple(
        b for m, h, b in sorted(rows) if h == date(2024, 2, 29) and m in (date(2025, 2, 1), date(2025, 3, 1))
    )


def test_the_scratch_database_spills_beside_the_target_not_into_the_working_directory(tmp_path):
    con = scratch_database(tmp_path / "workforce.duckdb")
    try:
        assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == \
            str(tmp_path / "workforce.duckdb.tmp")
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]  # e.g. "13.4 GiB"
        number, unit = limit.split()
        assert float(number) * {"GiB": 2**30, "MiB": 2**20}[unit] == pytest.approx(0.6 * total, rel=0.02)
    finally:
        con.close()


def test_the_loaders_memory_limit_can_be_set_and_a_bad_one_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKFORCE_LOAD_MEMORY_LIMIT", "3GB")
    con = scratch_database(tmp_path / "workforce.duckdb")
    try:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "2.7 GiB"
    finally:
        con.close()
    monkeypatch.setenv("WORKFORCE_LOAD_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match="WORKFORCE_LOAD_MEMORY_LIMIT='lots' is not a memory size"):
        scratch_database(tmp_path / "workforce.duckdb")
