"""The usage marts on Spark: the same SQL files, transpiled, give the same tables as DuckDB, and
the loader can take marts another engine wrote instead of building them (etl/portable.py)."""

from __future__ import annotations

import duckdb
import pytest

from etl import portable
from etl.loading.write import build_marts


@pytest.fixture(scope="module")
def spark_build(sample_db_path, tmp_path_factory):
    """The sample's mart inputs as Parquet, and the portable marts Spark (local mode) built from them."""
    root = tmp_path_factory.mktemp("portable")
    inputs, out = root / "inputs", root / "spark_marts"
    con = duckdb.connect(str(sample_db_path), read_only=True)
    try:
        portable.export_inputs(con, inputs)
    finally:
        con.close()
    spark = portable.local_spark(cores=1)
    try:
        rows = portable.build_on_spark(spark, inputs, out)
    finally:
        spark.stop()
    return inputs, out, rows


def test_spark_builds_every_usage_mart_exactly_as_duckdb_does(spark_build):
    inputs, out, spark_rows = spark_build
    con = duckdb.connect()
    duck_rows = portable.build_on_duckdb(con, inputs)
    assert set(spark_rows) == set(portable.PORTABLE_MARTS)
    assert spark_rows == duck_rows
    assert min(duck_rows.values()) > 0
    for name in portable.PORTABLE_MARTS:
        assert portable.differences(con, name, out) == 0, name


def test_the_comparison_notices_a_changed_a_lost_and_an_extra_row(spark_build, tmp_path):
    inputs, out, _ = spark_build
    con = duckdb.connect()
    portable.build_on_duckdb(con, inputs)
    name = "mart_usage_day"
    source = str(out / name / "*.parquet")
    variants = {
        "changed cost": "SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN cost_usd + 0.01 ELSE cost_usd END AS cost_usd) FROM read_parquet($src)",
        "lost row": "SELECT * FROM read_parquet($src) QUALIFY row_number() OVER () > 1",
        "extra row": "SELECT * FROM read_parquet($src) UNION ALL (SELECT * FROM read_parquet($src) LIMIT 1)",
    }
    for label, query in variants.items():
        folder = tmp_path / label.replace(" ", "_")
        (folder / name).mkdir(parents=True)
        con.sql(query, params={"src": source}).write_parquet(str(folder / name / "part.parquet"))
        assert portable.differences(con, name, folder) >= 1, label


def test_the_loader_takes_the_marts_spark_wrote(spark_build, writable_db, monkeypatch):
    _, out, _ = spark_build
    con = duckdb.connect(str(writable_db))
    try:
        before = {n: con.table(n).count("*").fetchall()[0][0] for n in portable.PORTABLE_MARTS}
        types = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                            "WHERE table_name LIKE 'mart_usage_%' ORDER BY ALL").fetchall()
        # Mark DuckDB's own build so the test can tell the tables were replaced from Spark's files.
        con.execute("DELETE FROM mart_usage_day")
        monkeypatch.setenv(portable.EXTERNAL_MARTS_ENV, str(out))
        rows = build_marts(con)
        assert {n: rows[n] for n in portable.PORTABLE_MARTS} == before
        for name in portable.PORTABLE_MARTS:
            assert portable.differences(con, name, out) == 0, name
        # every column has the type DuckDB's own build gives (pages rely on DATE, ENUM, BIGINT)
        assert con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                           "WHERE table_name LIKE 'mart_usage_%' ORDER BY ALL").fetchall() == types
    finally:
        con.close()


def test_a_missing_folder_or_column_stops_the_build_naming_it(writable_db, tmp_path, monkeypatch):
    con = duckdb.connect(str(writable_db))
    try:
        with pytest.raises(portable.ExternalMartError, match="mart_usage_daily"):
            portable.read_external_mart(con, "mart_usage_daily", tmp_path)
        (tmp_path / "mart_usage_daily").mkdir()
        con.sql("SELECT * EXCLUDE (cost_source) FROM mart_usage_daily").write_parquet(
            str(tmp_path / "mart_usage_daily" / "part.parquet"))
        with pytest.raises(portable.ExternalMartError, match="cost_source"):
            portable.read_external_mart(con, "mart_usage_daily", tmp_path)
    finally:
        con.close()


def test_the_inputs_are_what_the_mart_files_read_beyond_the_portable_marts():
    found = set(portable.inputs())
    assert "stg_token_usage" in found and "mart_price_book" in found
    assert not found & set(portable.PORTABLE_MARTS)
    for name in portable.PORTABLE_MARTS:
        assert "ENUM" not in portable.spark_sql(name).upper()
        assert "BY NAME" not in portable.spark_sql(name).upper()
