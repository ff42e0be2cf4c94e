"""`append_folder`: new days of usage (and weeks of outcomes) added to a loaded database,
without a full rebuild (`python -m etl load --append FOLDER`).

The folder holds `token_usage` and/or `outcomes` files in the contract's format, for people the
database already has. They are checked exactly as a full load checks them (the same reading and
typing, the same pandera models, the same cross-table rules of etl/sql/checks/ against the
loaded employees, exits and prices), and refused when any row's key (person, day, tool, model;
person, week) is already loaded. A refused append changes nothing. Otherwise, in one transaction:

1. the rows are inserted into `stg_token_usage` / `stg_outcomes` and the price book is rebuilt
   (a model name seen for the first time is priced like in a full load);
2. the marts that grow with the data (`INCREMENTAL`) are updated for the affected periods only:
   the rows of the affected days, weeks or months are deleted and built again by the mart's own
   SQL file, its inputs restricted to those periods (`etl/sql/ingest/period_*.sql` as common
   table expressions of the same name, so the SQL that runs is the file `db.render` prints);
3. every other model that reads the new rows (the month grid, headcount weeks, the usage
   cohorts: company-wide, small) is rebuilt whole; every table is checked against its
   declared columns;
4. the derived steps marked `on_append` rerun, cost alerts are detected for the new days only
   (the trailing baselines of earlier days do not change when a later day arrives), and
   app_meta gets a new data_version (pages refresh) and as_of.

The drivers models, fitted over the whole history, keep the state of the last full load
(`app_meta.models_as_of`) until the next one: see etl/loading/derived.py. Tokenmaxxing flags are
not stored: the rule reads `mart_tokenmaxxing_person_week`, which the append updates by week.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from etl import schema
from etl.loading import derived
from etl.loading.checks import run_checks
from etl.loading.formula import scratch_formula_problems
from etl.loading.models import check_columns
from etl.loading.problems import LoadRejected, MartBuildError, Problem
from etl.loading.read import discover, read_table, scratch_database, type_problems
from etl.loading.rules import validate_table
from etl.loading.sqlfiles import MARTS_DIR, build_order, mentions, model_files, read_sql, staging_sql
from etl.loading.write import PLAIN_STAGING, build_model
from etl.pricing import build_price_book
from workforce.db import query, render, transaction

INGEST_SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"
APPENDABLE = {"token_usage": "stg_token_usage", "outcomes": "stg_outcomes"}
# the column of each appendable table that says which period a row belongs to
DATE_COLUMN = {"token_usage": "usage_date", "outcomes": "week_start"}
ALERTS_STEP = "workforce.alerts:detect_at_load"

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Incremental:
    """A mart updated period by period: `grain` is its period column, `period` its length,
    `sources` the appended tables whose dates name the affected periods (those of every one
    appended), `reads` the inputs its SQL is given restricted to those periods (each has
    etl/sql/ingest/period_<name>.sql)."""

    grain: str
    period: str  # "day", "week" or "month"
    sources: tuple[str, ...]
    reads: tuple[str, ...]


USAGE, OUTCOMES = ("token_usage",), ("outcomes",)
INCREMENTAL: dict[str, Incremental] = {
    "mart_usage_daily": Incremental("usage_date", "day", USAGE, ("stg_token_usage", "mart_vendor_usage_daily")),
    "mart_usage_day": Incremental("usage_date", "day", USAGE, ("mart_usage_daily",)),
    "mart_usage_team_day_people": Incremental("usage_date", "day", USAGE, ("mart_usage_daily",)),
    "mart_usage_person_week": Incremental("week", "week", USAGE, ("mart_usage_daily",)),
    "mart_usage_person_month": Incremental("month", "month", USAGE, ("mart_usage_daily",)),
    "mart_usage_active_week": Incremental("week", "week", USAGE, ("mart_usage_person_week",)),
    "mart_outcomes_week": Incremental("week_start", "week", OUTCOMES, ("stg_outcomes", "stg_vendor_outcomes")),
    # peers are per week: the weeks of new usage or new outcomes are all that change (3.8 million
    # rows at 85,000 people, rebuilt whole, were half of a day's append)
    "mart_tokenmaxxing_person_week": Incremental("week", "week", USAGE + OUTCOMES,
                                                 ("mart_usage_person_week", "mart_outcomes_week")),
}


@dataclass
class AppendReport:
    source_dir: Path
    db_path: Path
    rows: dict[str, int]  # appendable table -> rows appended
    days: tuple[date, date] | None  # first and last usage day appended
    updated: dict[str, int]  # mart -> rows rebuilt (incremental) or built (whole)
    alerts_added: int
    data_version: str
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        days = f"{self.days[0]} to {self.days[1]}" if self.days else "no usage days"
        lines = [
            f"Appended {self.source_dir} to {self.db_path} in {self.seconds:.1f} s: "
            + ", ".join(f"{table} {rows:,} rows" for table, rows in self.rows.items()) + f" ({days})",
            "Updated: " + ", ".join(f"{name} {rows:,}" for name, rows in self.updated.items()),
            f"Cost alerts added for the new days: {self.alerts_added}; data_version {self.data_version[:16]}",
            "Stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()),
        ]
        lines.extend(f"  - {w}" for w in self.warnings)
        return "\n".join(lines)


def period_bounds(period: str, first: date, last: date) -> tuple[date, date]:
    """[lo, hi) covering every day, ISO week (Monday) or month from `first` to `last`."""
    if period == "day":
        return first, last + timedelta(days=1)
    if period == "week":
        return first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday()) + timedelta(days=7)
    if period == "month":
        following = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
        return first.replace(day=1), following
    raise ValueError(f"unknown period {period!r}")


def affected_models(appended: set[str]) -> list[str]:
    """The int_/mart_ models that read any of the `appended` stg tables, directly or through
    another model, in build order."""
    texts = {name: read_sql(path) for name, path in model_files().items()}
    reached = set(appended)
    order = build_order(texts)
    for name in order:
        if (mentions(texts[name], set(texts) | reached) - {name}) & reached:
            reached.add(name)
    return [name for name in order if name in reached]


def append_folder(source_dir: Path, db_path: Path, *, progress: Progress | None = None,
                  engine: str = "auto") -> AppendReport:
    """Checks the folder's token_usage/outcomes files and appends them (see the module doc).
    Raises `LoadRejected` naming every problem, with the database unchanged."""
    started = time.perf_counter()
    source_dir, db_path = Path(source_dir), Path(db_path)
    step = progress or (lambda _msg, _frac: None)
    timings: dict[str, float] = {}
    found, _missing, warnings = discover(source_dir)  # a partial folder: required tables are not
    errors: list[Problem] = [Problem("error", "append_only", f"{table} is a snapshot table: load the whole "
                                     "folder with `python -m etl load FOLDER` (without --append)",
                                     table=table, file=source.name)
                             for table, source in found.items() if table not in APPENDABLE]
    found = {table: source for table, source in found.items() if table in APPENDABLE}
    if not found and not errors:
        errors.append(Problem("error", "append_nothing", f"{source_dir} holds no token_usage or outcomes file"))
    if not db_path.exists():
        errors.append(Problem("error", "append_not_loaded", f"{db_path} does not exist: load a full folder first"))
    if errors:
        raise LoadRejected(errors, warnings)

    scratch = scratch_database(db_path)
    try:
        step("reading", 0.0)
        t = time.perf_counter()
        reads = {}
        for table, source in found.items():
            read = read_table(scratch, table, source)
            reads[table] = read
            errors.extend(read.errors)
            warnings.extend(read.warnings)
            if read.readable:
                errors.extend(type_problems(scratch, read))
                errors.extend(validate_table(scratch, read, engine)[1])
                errors.extend(scratch_formula_problems(scratch, read))
        timings["read and row rules"] = time.perf_counter() - t
        if errors:
            raise LoadRejected(errors, warnings)
        _attach(scratch, db_path)
        try:
            step("cross-table checks", 0.2)
            t = time.perf_counter()
            _check_against_target(scratch, reads, errors, warnings)
            timings["cross-table checks"] = time.perf_counter() - t
            if errors:
                raise LoadRejected(errors, warnings)
            for table in found:
                scratch.execute(f"CREATE OR REPLACE VIEW new_{table} AS {staging_sql(APPENDABLE[table])}")
            spans = {table: scratch.execute(
                f"SELECT min({DATE_COLUMN[table]}), max({DATE_COLUMN[table]}), count(*) FROM {table}").fetchone()
                for table in found}
            scratch.execute("USE target")
            report = _write(scratch, spans, _content_hash(found), step, timings)
        finally:
            scratch.execute("USE memory")
            scratch.execute("DETACH target")
    finally:
        scratch.close()
    report.source_dir, report.db_path, report.warnings = source_dir, db_path, warnings
    report.seconds = time.perf_counter() - started
    step("done", 1.0)
    return report


def _attach(scratch: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    path = str(db_path).replace("'", "''")  # a path, not a value: ATTACH takes no parameter
    try:
        scratch.execute(f"ATTACH '{path}' AS target")
    except duckdb.Error as exc:
        raise LoadRejected([Problem("error", "database_unavailable", f"cannot open {db_path}: {exc}",
                                    file=db_path.name)]) from exc
    con = scratch.cursor()
    try:
        con.execute("USE target")
        problem = None
        if not schema.is_loaded(con):
            problem = "the database holds no loaded data: load a full folder first"
        elif schema.is_stale(con):
            problem = (f"the database was written by schema version {schema.stored_version(con)} and this code "
                       f"writes {schema.SCHEMA_VERSION}: load the full folder again first")
    finally:
        con.close()
    if problem:
        scratch.execute("DETACH target")
        raise LoadRejected([Problem("error", "append_not_loaded", f"{db_path}: {problem}")])


def _check_against_target(scratch: duckdb.DuckDBPyConnection, reads: dict, errors: list[Problem],
                          warnings: list[Problem]) -> None:
    """The loader's cross-table rules for the appended rows, the other contract tables being the
    loaded ones; then the rows the database already holds (overlaps)."""
    for stg, table in PLAIN_STAGING.items():
        if table not in reads:
            scratch.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM target.main.{stg}")
    for problem in run_checks(scratch, reads, tables=set(reads)):
        (errors if problem.severity == "error" else warnings).append(problem)
    for table, read in reads.items():
        rows = query(scratch, f"append_overlap_{table}", folder=INGEST_SQL).fetchall()
        if rows:
            key = "person, day, tool and model" if table == "token_usage" else "person and week"
            numbers = [r[0] for r in rows[:5]]
            errors.append(Problem(
                "error", "already_loaded",
                f"{len(rows):,} rows are already in the database (same {key}): an append adds only new "
                "days; nothing was changed", table=table, file=read.file_name, column=DATE_COLUMN[table],
                n_rows=len(rows), rows=tuple(read.numbers.file_rows(numbers) if read.numbers else numbers),
                values=tuple(r[1] for r in rows[:5]),
            ))


def _content_hash(found: dict) -> str:
    digest = hashlib.sha256()
    for table, source in sorted(found.items()):
        digest.update(f"{table}:{source.fmt}\n".encode())
        with source.path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                digest.update(chunk)
    return digest.hexdigest()


def _write(con: duckdb.DuckDBPyConnection, spans: dict[str, tuple], content: str, step: Progress,
           timings: dict[str, float]) -> AppendReport:
    """Inside one transaction on the target (`USE target`): rows, marts, steps, alerts, meta."""
    with transaction(con):
        t = time.perf_counter()
        step("appending rows", 0.3)
        for table in spans:
            con.execute(f"INSERT INTO {APPENDABLE[table]} BY NAME SELECT * FROM memory.main.new_{table}")
        build_price_book(con)
        timings["append rows"] = time.perf_counter() - t
        t = time.perf_counter()
        step("updating marts", 0.4)
        con.execute("SET preserve_insertion_order = false")
        updated = _update_models(con, spans)
        timings["update marts"] = time.perf_counter() - t
        t = time.perf_counter()
        step("derived steps (cost alerts for the new days)", 0.8)
        usage = spans.get("token_usage")
        steps = derived.run_steps(con, list(updated), appending=True, since=usage[0] if usage is not None else None)
        added = steps.pop(ALERTS_STEP, 0)
        updated.update(steps)
        timings["derived steps"] = time.perf_counter() - t
        version = _meta(con, spans, content)
        t = time.perf_counter()
    timings["commit"] = time.perf_counter() - t
    return AppendReport(
        source_dir=Path(), db_path=Path(), rows={table: int(span[2]) for table, span in spans.items()},
        days=(usage[0], usage[1]) if usage is not None else None, updated=updated, alerts_added=added,
        data_version=version, seconds=0.0, timings=timings,
    )


def _update_models(con: duckdb.DuckDBPyConnection, spans: dict[str, tuple]) -> dict[str, int]:
    """Incremental marts period by period, every other affected model whole, in build order."""
    files = model_files()
    updated: dict[str, int] = {}
    for name in affected_models({APPENDABLE[table] for table in spans}):
        spec = INCREMENTAL.get(name)
        if spec is None:
            updated[name] = build_model(con, name, files[name])
            continue
        bounds = [period_bounds(spec.period, *spans[source][:2]) for source in spec.sources if source in spans]
        if not bounds:
            raise MartBuildError(f"{name} is updated by period of {', '.join(spec.sources)} but reads another "
                                 "appended table")
        lo, hi = min(b[0] for b in bounds), max(b[1] for b in bounds)
        params = {"lo": lo, "hi": hi}
        # identifiers from the INCREMENTAL whitelist; values bound
        con.execute(f"DELETE FROM {name} WHERE {spec.grain} >= $lo AND {spec.grain} < $hi", params)
        text = render(name, folder=MARTS_DIR,
                      relations={table: INGEST_SQL / f"period_{table}.sql" for table in spec.reads})
        try:
            con.execute(f"INSERT INTO {name} BY NAME {text}", params)
        except duckdb.Error as exc:
            raise MartBuildError(f"{name}.sql (append): {exc}") from exc
        check_columns(con, name)
        updated[name] = con.execute(f"SELECT count(*) FROM {name} WHERE {spec.grain} >= $lo AND {spec.grain} < $hi",
                                    params).fetchone()[0]
    return updated


def _meta(con: duckdb.DuckDBPyConnection, spans: dict[str, tuple], content: str) -> str:
    """A new data_version (a hash of the previous one and the appended files' content),
    loaded_at and as_of."""
    before = dict(con.execute("SELECT key, value FROM app_meta").fetchall())
    version = hashlib.sha256(f"{before.get('data_version', '')}\nappend {content}".encode()).hexdigest()
    as_of = max([before.get("as_of") or "", *(str(span[1]) for span in spans.values())])
    values = {
        "data_version": version,
        "loaded_at": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "as_of": as_of,
        # the whole-history models were fitted at the last full load (etl/loading/derived.py)
        "models_as_of": before.get("models_as_of", ""),
    }
    con.executemany("INSERT OR REPLACE INTO app_meta VALUES (?, ?)", [[k, v] for k, v in values.items()])
    return version
