"""Every built table's declared columns (etl/loading/models.py) and the check run when it is built."""

from __future__ import annotations

import duckdb
import pytest

from etl.loading.models import COLUMNS, check_columns, column_problems
from etl.loading.problems import MartBuildError
from etl.loading.sqlfiles import INTERMEDIATE_DIR, MARTS_DIR, model_files


def test_every_model_file_has_declared_columns_and_a_layer_prefix() -> None:
    files = model_files()
    assert set(files) == set(COLUMNS)
    for name, path in files.items():
        assert (path.parent, name.split("_")[0]) in ((INTERMEDIATE_DIR, "int"), (MARTS_DIR, "mart")), name


def test_a_table_built_as_declared_passes() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE int_assignments AS SELECT " + ", ".join(
        f"CAST(NULL AS {kind}) AS {column}" for column, kind in COLUMNS["int_assignments"].items()))
    assert column_problems(con, "int_assignments") == []
    check_columns(con, "int_assignments")


def test_a_changed_type_a_missing_and_an_extra_column_are_named() -> None:
    con = duckdb.connect()
    declared = dict(COLUMNS["mart_usage_day"])
    declared["cost_usd"] = "VARCHAR"  # built with another type
    declared.pop("requests")  # not built
    declared["surprise"] = "INTEGER"  # built but not declared
    con.execute("CREATE TABLE mart_usage_day AS SELECT " + ", ".join(
        f"CAST(NULL AS {kind}) AS {column}" for column, kind in declared.items()))
    with pytest.raises(MartBuildError) as failed:
        check_columns(con, "mart_usage_day")
    text = str(failed.value)
    assert "mart_usage_day.cost_usd: built as VARCHAR, declared DOUBLE" in text
    assert "mart_usage_day.requests: declared BIGINT, not built" in text
    assert "mart_usage_day.surprise: built (INTEGER) but not declared" in text


def test_a_table_without_a_declaration_is_refused() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE mart_new AS SELECT 1 AS x")
    with pytest.raises(MartBuildError, match="mart_new: no declared columns"):
        check_columns(con, "mart_new")
