"""Finding the contract files in a folder and reading each into the scratch database, typed.

Each file becomes a scratch table `in_<table>` holding the contract columns already cast to
their DuckDB types, plus one `_bad_<column>` flag per typed column (a value was given but is
not of the type), and a view `<table>` that adds `_row`, the 1-based record number. The
record order is the file's order because the table is filled by a single CREATE TABLE AS
with DuckDB's insertion order preserved (the default), so `rowid + 1` is the record number.

CSV files are read with DuckDB's reader, every column as text (so a bad date is reported by
us rather than failing the reader), with the dialect fixed by the contract (comma, double
quote, header row) instead of sniffed. Structural faults (a row with too many or too few
fields, an unterminated quote, bytes that are not UTF-8) are collected with `store_rejects`
so all of them are reported at once.
"""

from __future__ import annotations

import csv
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.contract import FILE_FORMATS, REQUIRED_TABLES, ROWS_SHOWN, TABLES
from etl.loading.columns import TYPE_RULES, ColumnSpec, cast_sql, column_specs, plausible_sql, quote_ident
from etl.loading.problems import Problem, RowNumbers


@dataclass(frozen=True)
class SourceFile:
    table: str
    path: Path
    fmt: str  # "csv" or "parquet"

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class ReadTable:
    """The outcome of reading one contract table into the scratch database."""

    table: str
    source: SourceFile | None
    specs: list[ColumnSpec]
    rows: int = 0
    readable: bool = False  # in_<table> and the <table> view exist and hold every record
    numbers: RowNumbers | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def file_name(self) -> str | None:
        return self.source.name if self.source else None


# The loader's DuckDB may use this share of the machine's memory (WORKFORCE_LOAD_MEMORY_LIMIT,
# e.g. "12GB", overrides it). DuckDB's own default, 80%, got an 850,000-employee load killed by
# the kernel at 24 GB on a 24 GB machine: what DuckDB does not count (Python's frames in the
# derived steps, allocations outside its buffer pool) needs the rest.
LOAD_MEMORY_SHARE = 0.6
LOAD_MEMORY_ENV = "WORKFORCE_LOAD_MEMORY_LIMIT"


def load_memory_limit() -> str:
    """The loader's DuckDB memory limit: WORKFORCE_LOAD_MEMORY_LIMIT, else LOAD_MEMORY_SHARE of RAM."""
    value = os.environ.get(LOAD_MEMORY_ENV, "").strip()
    if value:
        return value
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{int(total * LOAD_MEMORY_SHARE / 2**20)}MiB"


def scratch_database(db_path: Path) -> duckdb.DuckDBPyConnection:
    """The in-memory database a load or an append reads and checks the files in (the target is
    attached to it, so its limits are the whole load's). Contract timestamps without a zone are
    UTC; memory is capped at `load_memory_limit()`, and what does not fit spills beside the target
    database (`<db>.tmp`, as the app's own connections do), not into the working directory."""
    scratch = duckdb.connect(":memory:")
    scratch.execute("SET TimeZone = 'UTC'")
    scratch.execute("SET enable_progress_bar = false")
    scratch.execute("SET temp_directory = ?", [f"{db_path}.tmp"])
    try:
        scratch.execute("SET memory_limit = ?", [load_memory_limit()])
    except duckdb.Error as exc:
        scratch.close()
        raise ValueError(f"{LOAD_MEMORY_ENV}={os.environ.get(LOAD_MEMORY_ENV)!r} is not a memory size "
                         f"(e.g. 12GB): {exc}") from exc
    return scratch


def discover(source_dir: Path) -> tuple[dict[str, SourceFile], list[Problem], list[Problem]]:
    """The contract files of a folder; unknown entries are warnings, missing required tables errors."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    found: dict[str, SourceFile] = {}
    if not source_dir.is_dir():
        errors.append(Problem("error", "source_folder", f"{source_dir} is not a folder"))
        return found, errors, warnings
    for entry in sorted(source_dir.iterdir()):
        if entry.name.startswith("."):
            continue  # .DS_Store, editor swap files: never meant as data
        stem, _, ext = entry.name.rpartition(".")
        if entry.is_file() and stem in TABLES and ext.lower() in FILE_FORMATS:
            if stem in found:
                errors.append(Problem(
                    "error", "one_file_per_table",
                    f"both {found[stem].name} and {entry.name} are present; keep one", table=stem, file=entry.name,
                ))
                continue
            found[stem] = SourceFile(stem, entry, ext.lower())
        else:
            warnings.append(Problem(
                "warning", "unknown_file",
                f"{'folder' if entry.is_dir() else 'file'} is not a contract table (NAME.csv or NAME.parquet); ignored",
                file=entry.name,
            ))
    lower = {p.name.lower(): p.name for p in source_dir.iterdir()}
    for table in REQUIRED_TABLES:
        if table not in found:
            hint = next((lower[f"{table}.{e}"] for e in FILE_FORMATS if f"{table}.{e}" in lower), None)
            message = f"required file missing: {table}.csv or {table}.parquet"
            if hint:
                message += f" (found {hint}: file names are case-sensitive)"
            errors.append(Problem("error", "required_file", message, table=table, file=f"{table}.csv|parquet"))
    return found, errors, warnings


def read_table(con: duckdb.DuckDBPyConnection, table: str, source: SourceFile | None) -> ReadTable:
    """Reads one table into `in_<table>` (typed) and the view `<table>`; problems go into the result."""
    started = time.perf_counter()
    result = ReadTable(table, source, column_specs(table))
    if source is None:
        # an optional table that is absent loads as empty, so every later step can rely on it
        _create_empty(con, result)
        result.readable = True
    elif source.fmt == "csv":
        _read_csv(con, result, source)
    else:
        _read_parquet(con, result, source)
    if result.readable:
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT rowid + 1 AS _row, * FROM in_{table}")
        result.rows = con.execute(f"SELECT count(*) FROM in_{table}").fetchall()[0][0]
        if source is not None:
            result.numbers = RowNumbers(source.path, source.fmt, result.rows)
    result.seconds = time.perf_counter() - started
    return result


def _file_problem(result: ReadTable, rule: str, message: str, column: str | None = None) -> None:
    result.errors.append(Problem("error", rule, message, table=result.table, file=result.file_name, column=column))


def _match_columns(result: ReadTable, names: list[str]) -> bool:
    """Checks the file's column names against the contract; False when the file cannot be read."""
    ok = True
    seen: set[str] = set()
    for name in names:
        if name in seen:
            _file_problem(result, "duplicate_column", "the column appears more than once in the header", name)
            ok = False
        seen.add(name)
    known = {s.name for s in result.specs}
    by_lower = {n.lower(): n for n in names}
    for spec in result.specs:
        if spec.required and spec.name not in seen:
            hint = by_lower.get(spec.name.lower())
            message = "required column missing"
            if hint:
                message += f" (found {hint!r}: column names are case-sensitive)"
            _file_problem(result, "required_column", message, spec.name)
            ok = False
    extra = [n for n in names if n not in known]
    if extra:
        result.warnings.append(Problem(
            "warning", "extra_columns",
            "columns not in the contract were ignored: " + ", ".join(extra),
            table=result.table, file=result.file_name,
        ))
    return ok


def _typed_select(specs: list[ColumnSpec], source_types: dict[str, str], scan: str) -> str:
    """SELECT turning the scan's columns into the typed contract columns and their _bad_ flags."""
    inner, middle, outer = [], [], []
    for spec in specs:
        col = quote_ident(spec.name)
        v, g = quote_ident(spec.name + "__v"), quote_ident(spec.name + "__g")
        if spec.name in source_types:
            value, given = cast_sql(spec, col, source_types[spec.name])
        else:
            # an optional column the file leaves out: empty, and never "bad"
            value, given = f"CAST(NULL AS {spec.sql_type})", "false"
        inner += [f"{value} AS {v}", f"{given} AS {g}"]
        middle += [f"{plausible_sql(spec, v)} AS {v}", g]
        outer.append(f"{v} AS {col}")
    for spec in specs:
        if spec.typed:
            v, g = quote_ident(spec.name + "__v"), quote_ident(spec.name + "__g")
            outer.append(f"({g} AND {v} IS NULL) AS {quote_ident(spec.bad_flag)}")
    return (
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(middle)} FROM "
        f"(SELECT {', '.join(inner)} FROM {scan}))"
    )


def _create_empty(con: duckdb.DuckDBPyConnection, result: ReadTable) -> None:
    cols = [f"{quote_ident(s.name)} {s.sql_type}" for s in result.specs]
    cols += [f"{quote_ident(s.bad_flag)} BOOLEAN" for s in result.specs if s.typed]
    con.execute(f"CREATE OR REPLACE TABLE in_{result.table} ({', '.join(cols)})")


CSV_SCAN = (
    "read_csv(?, header = true, columns = ?, delim = ',', quote = '\"', escape = '\"', "
    "auto_detect = false, store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan')"
)


def _csv_header(result: ReadTable, path: Path) -> list[str] | None:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        _file_problem(result, "encoding", "the header is not UTF-8 text")
        return None
    if not header:
        _file_problem(result, "header", "the file is empty: a CSV needs a header row naming its columns")
        return None
    return [name.strip() for name in header]


def _read_csv(con: duckdb.DuckDBPyConnection, result: ReadTable, source: SourceFile) -> None:
    header = _csv_header(result, source.path)
    if header is None or not _match_columns(result, header):
        return
    rejects = f"_rejects_{result.table}"
    scan = CSV_SCAN.format(rejects=rejects)
    columns = {name: "VARCHAR" for name in header}
    sql = f"CREATE OR REPLACE TABLE in_{result.table} AS " + _typed_select(
        result.specs, dict.fromkeys(header, "VARCHAR"), scan
    )
    try:
        con.execute(sql, [str(source.path), columns])
    except duckdb.Error as exc:
        _file_problem(result, "csv_format", f"could not be read as CSV: {_first_line(exc)}")
        return
    rejected = con.execute(
        f"SELECT line, error_type::VARCHAR, error_message, csv_line FROM {rejects} ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE IF EXISTS {rejects}; DROP TABLE IF EXISTS {rejects}_scan")
    if rejected:
        by_kind: dict[str, dict[int, tuple[int, str, str]]] = {}
        for line, kind, message, text in rejected:
            # a short row is reported once per missing column: one entry per line is enough
            by_kind.setdefault(kind, {}).setdefault(int(line), (int(line), message, text))
        for kind, lines in by_kind.items():
            items = list(lines.values())
            result.errors.append(Problem(
                "error", "csv_format", f"{kind.lower()}: {items[0][1]}",
                table=result.table, file=result.file_name, n_rows=len(items),
                rows=tuple(i[0] for i in items[:ROWS_SHOWN]),
                values=tuple((i[2] or "").rstrip("\r\n") for i in items[:ROWS_SHOWN]),
            ))
        con.execute(f"DROP TABLE IF EXISTS in_{result.table}")
        return
    result.readable = True


def _read_parquet(con: duckdb.DuckDBPyConnection, result: ReadTable, source: SourceFile) -> None:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(source.path)]).fetchall()
    except duckdb.Error as exc:
        _file_problem(result, "parquet_format", f"could not be read as Parquet: {_first_line(exc)}")
        return
    types = {row[0]: row[1] for row in described}
    if not _match_columns(result, list(types)):
        return
    sql = f"CREATE OR REPLACE TABLE in_{result.table} AS " + _typed_select(result.specs, types, "read_parquet(?)")
    try:
        con.execute(sql, [str(source.path)])
    except duckdb.Error as exc:
        _file_problem(result, "parquet_format", f"could not be read as Parquet: {_first_line(exc)}")
        return
    result.readable = True


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return " ".join(lines[:3]) if lines else type(exc).__name__


def type_problems(con: duckdb.DuckDBPyConnection, result: ReadTable) -> list[Problem]:
    """Cells given but not of their column's type, with the offending text as written in the file."""
    typed = [s for s in result.specs if s.typed]
    if not result.readable or result.source is None or not typed or not result.rows:
        return []
    counts = con.execute(
        "SELECT " + ", ".join(f"count_if({quote_ident(s.bad_flag)})" for s in typed) + f" FROM in_{result.table}"
    ).fetchall()[0]
    bad = [(s, n) for s, n in zip(typed, counts, strict=True) if n]
    if not bad:
        return []
    firsts: dict[str, list[int]] = {}
    for spec, _ in bad:
        firsts[spec.name] = [r[0] for r in con.execute(
            f"SELECT rowid + 1 AS r FROM in_{result.table} WHERE {quote_ident(spec.bad_flag)} ORDER BY r LIMIT ?",
            [ROWS_SHOWN],
        ).fetchall()]
    raw = _raw_values(con, result, firsts)
    problems = []
    for spec, n in bad:
        rule, message = TYPE_RULES[spec.sql_type]
        records = firsts[spec.name]
        assert result.numbers is not None
        problems.append(Problem(
            "error", rule, message, table=result.table, file=result.file_name, column=spec.name, n_rows=n,
            rows=tuple(result.numbers.file_rows(records)),
            values=tuple(raw.get((spec.name, r), "") for r in records),
        ))
    return problems


def _raw_values(
    con: duckdb.DuckDBPyConnection, result: ReadTable, records: dict[str, list[int]]
) -> dict[tuple[str, int], str]:
    """The cells as written in the file, for the records named (only read when there is an error)."""
    assert result.source is not None
    wanted = sorted({r for rs in records.values() for r in rs})
    cols = ", ".join(f"CAST({quote_ident(c)} AS VARCHAR) AS {quote_ident(c)}" for c in records)
    if result.source.fmt == "csv":
        header = _csv_header(result, result.source.path) or []
        scan = (
            "read_csv(?, header = true, columns = ?, delim = ',', quote = '\"', escape = '\"', auto_detect = false)"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT {cols} FROM {scan}",
                    [str(result.source.path), {n: "VARCHAR" for n in header}])
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _raw AS SELECT {cols} FROM read_parquet(?)",
                    [str(result.source.path)])
    rows = con.execute(
        "SELECT rowid + 1 AS r, * FROM _raw WHERE list_contains(?, rowid + 1)", [wanted]
    ).fetchall()
    con.execute("DROP TABLE _raw")
    out: dict[tuple[str, int], str] = {}
    names = list(records)
    for row in rows:
        for i, name in enumerate(names):
            out[(name, row[0])] = "" if row[i + 1] is None else str(row[i + 1])
    return out
