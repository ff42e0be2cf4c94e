"""The usage marts on another engine: the same SQL files, transpiled to Spark SQL.

The usage marts are the part of the database that grows with the company's AI traffic (a row
per person, day, tool and model, before any page reads it). On one machine DuckDB builds them
from `stg_token_usage` (docs/performance.md). Past the line drawn there, a company builds them
where its gateway logs already live, on Spark, from the same `etl/sql/marts/*.sql` files:

    python -m etl export-inputs --db data/workforce.duckdb /lake/inputs   # the marts' inputs, Parquet
    spark-submit ... (or python -m etl spark-marts /lake/inputs /lake/marts, local mode)
    WORKFORCE_USAGE_MARTS=/lake/marts python -m etl load FOLDER            # read, not built

`spark_sql` turns a mart file into Spark SQL with sqlglot; the few DuckDB forms Spark lacks are
rewritten on the parsed tree (never on the text): an ENUM cast becomes a STRING cast, DuckDB's
`quantile_cont(x, q)` becomes Spark's exact `percentile(x, q)` (the same linear interpolation),
and `UNION ALL BY NAME` gets the left side's column list on its right side.

`read_external_marts` is the app side: with WORKFORCE_USAGE_MARTS set, the loader fills each
portable mart from `<folder>/<mart>/*.parquet` instead of running its SQL, into a table of the
type DuckDB's own build would give (columns checked by name; a missing one stops the load).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from etl.loading.sqlfiles import MARTS_DIR, build_order, mentions, model_files, read_sql

EXTERNAL_MARTS_ENV = "WORKFORCE_USAGE_MARTS"

# The marts built from the usage rows, in the order they are built. Everything else they read
# (the assignments, the price book, vendor-export usage, the HR marts of the cohort mart) is an
# input: exported to Parquet for the other engine.
PORTABLE_MARTS = (
    "mart_usage_daily",
    "mart_usage_day",
    "mart_usage_team_day_people",
    "mart_usage_person_week",
    "mart_usage_active_week",
    "mart_usage_person_month",
    "mart_usage_cohort_thresholds",
    "mart_usage_cohort_person_month",
)


def mart_text(name: str) -> str:
    return read_sql(MARTS_DIR / f"{name}.sql")


def inputs() -> tuple[str, ...]:
    """The tables the portable marts read that are not portable marts themselves."""
    known = set(_all_tables())
    found: set[str] = set()
    for name in PORTABLE_MARTS:
        found |= mentions(mart_text(name), known) - set(PORTABLE_MARTS)
    return tuple(sorted(found))


def _all_tables() -> list[str]:
    """Every table a mart file could name: the int_/mart_ models, staging tables and the loader's other tables."""
    others = ["stg_token_usage", "stg_outcomes", "mart_price_book", "mart_vendor_usage_daily"]
    return list(model_files()) + others


def portable_order() -> list[str]:
    """PORTABLE_MARTS in an order where each comes after the marts it reads."""
    texts = {name: mart_text(name) for name in PORTABLE_MARTS}
    return build_order(texts)


# --- DuckDB SQL -> Spark SQL -------------------------------------------------------------------

def _enum_to_string(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.ENUM:
        return exp.DataType.build("STRING")
    return node


def _plain_cte(node: exp.Expression) -> exp.Expression:
    # DuckDB's `name AS MATERIALIZED (...)` is a planner hint Spark's grammar lacks
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    return node


def _quantile_to_percentile(node: exp.Expression) -> exp.Expression:
    # DuckDB quantile_cont(x, q) parses as PercentileCont(this=x, expression=q)
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this.copy(), node.expression.copy()])
    return node


def _union_by_name(tree: exp.Expression) -> exp.Expression:
    """`left UNION ALL BY NAME SELECT * FROM t` -> the right side lists the left's columns."""
    for union in list(tree.find_all(exp.Union)):
        if not union.args.get("by_name"):
            continue
        left, right = union.this, union.expression
        names = _output_names(left, tree)
        if not isinstance(right, exp.Select) or not right.is_star or not names:
            raise ValueError("UNION BY NAME is only rewritten for `... UNION ALL BY NAME SELECT * FROM table`")
        right.set("expressions", [exp.column(n) for n in names])
        union.set("by_name", None)
    return tree


def _output_names(select: exp.Expression, tree: exp.Expression) -> list[str]:
    """The column names of `select`, following `SELECT * FROM cte` to the CTE's own list."""
    if not isinstance(select, exp.Select):
        return []
    if not select.is_star:
        return [e.alias_or_name for e in select.expressions]
    source = select.args.get("from_") or select.args.get("from")
    table = source.this if source is not None else None
    if isinstance(table, exp.Table):
        for cte in tree.find_all(exp.CTE):
            if cte.alias == table.name:
                return _output_names(cte.this, tree)
    return []


def spark_sql(name: str) -> str:
    """The mart file `name` as Spark SQL."""
    tree = sqlglot.parse_one(mart_text(name), read="duckdb")
    tree = _union_by_name(tree)
    tree = tree.transform(_enum_to_string).transform(_quantile_to_percentile).transform(_plain_cte)
    # The outer ORDER BY only lays rows out for DuckDB's row groups; Spark writes its own files.
    tree.set("order", None)
    return tree.sql(dialect="spark", pretty=True, comments=False)


# --- building on Spark (local mode in the tests; a cluster the same way) ----------------------

def export_inputs(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, Path]:
    """Writes each input table of the portable marts to `folder/<table>.parquet`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in inputs():
        path = folder / f"{table}.parquet"
        con.table(table).write_parquet(str(path))
        written[table] = path
    return written


def build_on_spark(spark, inputs_dir: Path, out_dir: Path,
                   step: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Builds every portable mart with `spark` from the Parquet inputs; writes `out_dir/<mart>/`.

    Each mart is registered as a view for the marts built after it, read back from what was
    written (so a later mart reads exactly the stored rows). Returns the rows of each mart.
    """
    for table in inputs():
        spark.read.parquet(str(inputs_dir / f"{table}.parquet")).createOrReplaceTempView(table)
    rows = {}
    for name in portable_order():
        step(name)
        target = out_dir / name
        spark.sql(spark_sql(name)).write.mode("overwrite").parquet(str(target))
        stored = spark.read.parquet(str(target))
        stored.createOrReplaceTempView(name)
        rows[name] = stored.count()
    return rows


# --- the app side: marts another engine wrote ------------------------------------------------

def external_marts_dir() -> Path | None:
    """WORKFORCE_USAGE_MARTS: a folder of mart Parquet folders written by another engine, or None."""
    value = os.environ.get(EXTERNAL_MARTS_ENV, "").strip()
    return Path(value) if value else None


class ExternalMartError(ValueError):
    """A mart written by another engine is missing or does not have the mart's columns."""


def read_external_mart(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> int:
    """Replaces table `name` with the rows of `folder/name/*.parquet`, typed as DuckDB builds it.

    The table is created empty from the mart's own SQL (its columns and types, no rows read),
    then filled by column name, so Spark's types (timestamps for dates, decimals) are cast
    back to the types every page expects. Returns the rows read.
    """
    files = sorted((folder / name).glob("*.parquet"))
    if not files:
        raise ExternalMartError(f"{EXTERNAL_MARTS_ENV}={folder}: no Parquet files in {folder / name}")
    expected = con.sql(mart_text(name)).limit(0).columns  # the mart's own columns, no rows read
    found = con.read_parquet([str(f) for f in files]).columns
    missing = [c for c in expected if c not in found]
    if missing:
        raise ExternalMartError(f"{folder / name}: missing column(s) {', '.join(missing)} of {name}")
    _create_empty(con, name)
    con.execute(f"INSERT INTO {_quote(name)} BY NAME SELECT {', '.join(_quote(c) for c in expected)} "
                "FROM read_parquet($files)", {"files": [str(f) for f in files]})
    return con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchall()[0][0]


def _create_empty(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
    con.sql(mart_text(name)).limit(0).create(name)


def _quote(identifier: str) -> str:
    if identifier not in set(PORTABLE_MARTS) and not identifier.replace("_", "").isalnum():
        raise ValueError(f"not an identifier: {identifier!r}")
    return '"' + identifier.replace('"', '""') + '"'


def is_portable(names: Iterable[str]) -> set[str]:
    return set(names) & set(PORTABLE_MARTS)


# --- parity: the same inputs, both engines --------------------------------------------------

def build_on_duckdb(con: duckdb.DuckDBPyConnection, inputs_dir: Path) -> dict[str, int]:
    """Builds the portable marts in `con` (a scratch database) from the Parquet inputs, with the
    mart files exactly as the loader runs them."""
    for table in inputs():
        con.read_parquet(str(inputs_dir / f"{table}.parquet")).create_view(table)
    rows = {}
    for name in portable_order():
        con.sql(mart_text(name)).create(name)
        rows[name] = con.table(name).count("*").fetchall()[0][0]
    return rows


def differences(con: duckdb.DuckDBPyConnection, name: str, spark_dir: Path, rel_tol: float = 1e-9) -> int:
    """How many rows of table `name` in `con` and of Spark's `spark_dir/name/*.parquet` disagree.

    Every column that is not floating point must match exactly, as a multiset of rows (ENUMs
    compared as text); floating-point columns (sums the two engines add in different orders)
    must agree within `rel_tol`, compared per value of the exact columns. 0 means the same mart.
    """
    columns = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = $t ORDER BY column_index",
        {"t": name}).fetchall()
    floats = [_quote(c) for c, kind in columns if kind in ("DOUBLE", "FLOAT") or kind.startswith("DECIMAL")]
    exact = [_quote(c) for c, kind in columns if _quote(c) not in floats]
    files = [str(f) for f in sorted((spark_dir / name).glob("*.parquet"))]
    keys = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in exact)
    mine = f"SELECT {keys} FROM {_quote(name)}"
    theirs = f"SELECT {keys} FROM read_parquet($files)"
    unmatched = con.execute(
        f"SELECT (SELECT count(*) FROM ({mine} EXCEPT ALL {theirs})) + (SELECT count(*) FROM ({theirs} EXCEPT ALL {mine}))",
        {"files": files}).fetchall()[0][0]
    if not floats:
        return unmatched
    sums = ", ".join(f"sum(CAST({c} AS DOUBLE)) AS {c}" for c in floats)
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(exact)))}" if exact else ""
    near = " AND ".join(
        f"(a.{c} IS NOT DISTINCT FROM b.{c} OR abs(a.{c} - b.{c}) <= $tol * greatest(1, abs(a.{c})))" for c in floats)
    on = " AND ".join(f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in exact) or "true"
    apart = con.execute(
        f"SELECT count(*) FROM (SELECT {keys}, {sums} FROM {_quote(name)} {group}) AS a "
        f"JOIN (SELECT {keys}, {sums} FROM read_parquet($files) {group}) AS b ON {on} WHERE NOT ({near})",
        {"files": files, "tol": rel_tol}).fetchall()[0][0]
    return unmatched + apart


def local_spark(cores: int = 2):
    """A Spark session in local mode, quiet, UTC, small shuffles: for the tests and the CLI."""
    from pyspark.sql import SparkSession  # optional heavy dependency: only for building on Spark

    spark = (SparkSession.builder.master(f"local[{int(cores)}]").appName("workforce-usage-marts")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", str(2 * int(cores)))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.driver.memory", "1g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- command line ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """`python -m etl.portable export-inputs --db DB DIR` | `spark INPUTS OUT [--cores N]` |
    `compare INPUTS OUT`: write the inputs, build the marts on Spark (local mode), compare with DuckDB."""
    parser = argparse.ArgumentParser(prog="python -m etl.portable", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export-inputs", help="write the usage marts' inputs as Parquet")
    export.add_argument("out_dir", type=Path)
    export.add_argument("--db", type=Path, required=True)
    spark_cmd = commands.add_parser("spark", help="build the usage marts on Spark (local mode) from the inputs")
    spark_cmd.add_argument("inputs_dir", type=Path)
    spark_cmd.add_argument("out_dir", type=Path)
    spark_cmd.add_argument("--cores", type=int, default=2)
    compare = commands.add_parser("compare", help="build the marts on DuckDB from the inputs and compare with OUT")
    compare.add_argument("inputs_dir", type=Path)
    compare.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "export-inputs":
        con = duckdb.connect(str(args.db), read_only=True)
        try:
            for table, path in export_inputs(con, args.out_dir).items():
                print(f"{table:32s} {path.stat().st_size:>14,d} bytes")
        finally:
            con.close()
    elif args.command == "spark":
        spark = local_spark(args.cores)
        try:
            rows = build_on_spark(spark, args.inputs_dir, args.out_dir,
                                  step=lambda name: print(f"{time.perf_counter() - started:7.1f} s  {name}", flush=True))
        finally:
            spark.stop()
        for name, n in rows.items():
            print(f"{name:32s} {n:>14,d} rows")
    else:
        con = duckdb.connect()
        build_on_duckdb(con, args.inputs_dir)
        apart = {name: differences(con, name, args.out_dir) for name in PORTABLE_MARTS}
        for name, n in apart.items():
            print(f"{name:32s} {'same' if n == 0 else f'{n:,d} rows differ'}")
        if any(apart.values()):
            return 1
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
