"""Writing a prepared upload: vendor rows appended with their load_id (or a contract snapshot
handed to the loader), the history recorded, data_version bumped, the marts rebuilt."""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.adapters.base import Problem
from etl.adapters.detect import InputFile
from etl.ingest.prepare import prepare
from etl.ingest.reports import IngestReport, Ready, Replacement
from etl.load import load_folder, rebuild_marts
from etl.loading.problems import LoadRejected
from etl.loading.vendor import ensure_tables, rebuild_vendor_marts
from workforce import audit, identity
from workforce.db import default_key_path, table_exists, transaction

Progress = Callable[[str, float], None]


USAGE_COLUMNS = ["load_id", "source", "file_name", "usage_date", "employee_id", "identity_kind", "identity",
                 "tool", "vendor", "model", "service_tier", "input_tokens", "output_tokens", "cache_read_tokens",
                 "cache_write_tokens", "cache_write_1h_tokens", "requests", "agent_seconds", "cost_usd",
                 "cost_basis"]


OUTCOME_COLUMNS = ["load_id", "source", "file_name", "week_start", "employee_id", "identity_kind", "identity",
                   "changes_landed", "agent_assisted_changes", "reviews_done", "commits", "lines_added",
                   "lines_removed", "tool_actions_accepted", "tool_actions_rejected", "suggestions_accepted",
                   "lines_accepted"]


COST_COLUMNS = ["load_id", "source", "file_name", "cost_date", "vendor", "workspace_id", "model", "cost_type",
                "token_type", "description", "amount_usd", "service_tier"]


def connect(db: duckdb.DuckDBPyConnection | Path | str) -> tuple[duckdb.DuckDBPyConnection, bool]:
    if isinstance(db, duckdb.DuckDBPyConnection):
        return db, False
    path = Path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path)), True


def _db_path(con: duckdb.DuckDBPyConnection) -> Path:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    if not rows or not rows[0][0]:
        raise ValueError("a snapshot load needs a database file, not an in-memory database")
    return Path(rows[0][0])


def bump_data_version(con: duckdb.DuckDBPyConnection, user: str) -> None:
    if not table_exists(con, "app_meta"):
        return
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for key, value in (("data_version", uuid.uuid4().hex), ("loaded_at", now)):
        con.execute("DELETE FROM app_meta WHERE key = ?", [key])
        con.execute("INSERT INTO app_meta (key, value) VALUES (?, ?)", [key, value])


def current_version(con: duckdb.DuckDBPyConnection) -> str:
    """The data version plus the load history's state: changes whenever a load or rollback lands."""
    version = ""
    if table_exists(con, "app_meta"):
        rows = con.execute("SELECT value FROM app_meta WHERE key = 'data_version'").fetchall()
        version = rows[0][0] if rows else ""
    if table_exists(con, "app_load_history"):
        rows = con.execute("SELECT count(*), count(rolled_back_at) FROM app_load_history").fetchall()
        version += f":{rows[0][0]}:{rows[0][1]}"
    return version


def rebuild_after_change(con: duckdb.DuckDBPyConnection) -> None:
    """After vendor rows or the identity map changed: the vendor mart, then (in a loaded database,
    whose marts read vendor usage) every mart."""
    rebuild_vendor_marts(con)
    if table_exists(con, "mart_usage_daily"):  # a loaded database: its marts may read vendor usage
        rebuild_marts(con)


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], frame: pd.DataFrame) -> int:
    if frame is None or frame.empty:
        return 0
    staged = frame.reindex(columns=columns)
    con.register("_ingest_rows", staged)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _ingest_rows")
        return len(staged)
    finally:
        con.unregister("_ingest_rows")


def _append(con: duckdb.DuckDBPyConnection, ready: list[Ready], user: str, progress: Progress | None,
            replacing: Replacement | None = None) -> tuple[str, int]:
    ensure_tables(con)
    load_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    total = 0
    try:
        with transaction(con):
            if replacing is not None:
                _delete_replaced(con, replacing)
            for index, item in enumerate(ready):
                if progress:
                    progress(f"Loading {item.report.name}", 0.5 + 0.4 * index / max(len(ready), 1))
                source = item.report.source if item.report.kind == "vendor" else f"contract:{item.report.source}"
                common = {"load_id": load_id, "source": source, "file_name": item.report.name, "employee_id": None}
                added = _insert(con, "stg_vendor_usage", USAGE_COLUMNS,
                                item.usage.assign(**common) if item.usage is not None else None)
                added += _insert(con, "stg_vendor_outcomes", OUTCOME_COLUMNS,
                                 item.outcomes.assign(**common) if item.outcomes is not None else None)
                added += _insert(con, "stg_vendor_cost", COST_COLUMNS,
                                 item.costs.assign(**{k: v for k, v in common.items() if k != "employee_id"})
                                 if item.costs is not None else None)
                item.report.rows_added, item.report.status = added, "loaded"
                total += added
                con.execute("INSERT INTO app_load_files VALUES (?, ?, ?, ?, ?, ?)",
                            [load_id, item.report.name, item.input.sha256, item.report.kind, source, added])
            identity.apply_mapping(con)
            files = [{"name": i.report.name, "sha256": i.input.sha256, "kind": i.report.kind, "source": i.report.source,
                      "rows_added": i.report.rows_added} for i in ready]
            con.execute("INSERT INTO app_load_history (load_id, loaded_by, loaded_at, files, rows_added, status) "
                        "VALUES (?, ?, ?, ?, ?, 'loaded')",
                        [load_id, user, datetime.now(UTC).replace(tzinfo=None), json.dumps(files), total])
            bump_data_version(con, user)
    except Exception:
        for item in ready:
            item.report.rows_added, item.report.status = 0, "rejected"
        raise
    return load_id, total


def _delete_replaced(con: duckdb.DuckDBPyConnection, replacing: Replacement) -> None:
    """Inside the load's transaction: the rows earlier pulls loaded for the days pulled again."""
    loads = sorted(replacing.load_ids)
    for source, (since, until) in replacing.windows.items():
        for table, day in (("stg_vendor_usage", "usage_date"), ("stg_vendor_outcomes", "week_start"),
                           ("stg_vendor_cost", "cost_date")):
            con.execute(f"DELETE FROM {table} WHERE source = ? AND {day} >= ? AND {day} < ? "
                        "AND list_contains(?, load_id)", [source, since, until, loads])


def record_snapshot(con: duckdb.DuckDBPyConnection, files: Sequence[tuple[str, str, str, int]], user: str) -> str:
    """Record a snapshot load (files as (name, sha256, table, rows)) in the history; re-map identities
    (new employees may now match vendor emails) and rebuild the vendor mart. Returns its load_id."""
    ensure_tables(con)
    load_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with transaction(con):
        for name, sha, table, rows in files:
            con.execute("INSERT INTO app_load_files VALUES (?, ?, ?, 'contract', ?, ?)", [load_id, name, sha, table, rows])
        listed = [{"name": n, "sha256": h, "kind": "contract", "source": t, "rows_added": r} for n, h, t, r in files]
        con.execute("INSERT INTO app_load_history (load_id, loaded_by, loaded_at, files, rows_added, status) "
                    "VALUES (?, ?, ?, ?, ?, 'snapshot')",
                    [load_id, user, datetime.now(UTC).replace(tzinfo=None), json.dumps(listed),
                     sum(f[3] for f in files)])
        identity.apply_mapping(con)
    rebuild_vendor_marts(con)
    return load_id


def _snapshot(con: duckdb.DuckDBPyConnection, snapshot: list[tuple[InputFile, str]], user: str,
              key_path: Path | None, progress: Progress | None) -> tuple[str, int]:
    db_path = _db_path(con)
    with tempfile.TemporaryDirectory(prefix="ingest-snapshot-") as folder:
        for file, table in snapshot:
            suffix = Path(file.name).suffix.lower()
            suffix = ".parquet" if suffix in (".parquet", ".pq") else ".csv"
            (Path(folder) / f"{table}{suffix}").write_bytes(file.read())

        def step(text: str, fraction: float) -> None:
            if progress:
                progress(text, 0.5 + 0.4 * fraction)

        result = load_folder(Path(folder), db_path, key_path=key_path or default_key_path(db_path), progress=step)
    rows = {name: t.rows for name, t in result.tables.items()}
    files = [(f.name, f.sha256, table, rows.get(table, 0)) for f, table in snapshot]
    return record_snapshot(con, files, user), sum(f[3] for f in files)


def ingest_files(
    files: Iterable[InputFile | Path | str],
    db: duckdb.DuckDBPyConnection | Path | str,
    *,
    user: str,
    progress: Progress | None = None,
    dry_run: bool = False,
    today: date | None = None,
    limit: int | None = None,
    key_path: Path | None = None,
    replacing: Replacement | None = None,
) -> IngestReport:
    """Check, then (unless `dry_run`) load the files as one all-or-nothing load by `user`.
    `replacing`: a pull's rows replace what earlier pulls loaded for the same days (etl/pull.py)."""
    inputs = [f if isinstance(f, InputFile) else InputFile.from_path(f) for f in files]
    con, owned = connect(db)
    try:
        report, ready, snapshot = prepare(inputs, con, today=today, limit=limit, progress=progress,
                                          replacing=replacing)
        if dry_run or report.status in ("rejected", "nothing_to_load"):
            return report
        if snapshot:
            try:
                report.load_id, report.rows_added = _snapshot(con, snapshot, user, key_path, progress)
            except LoadRejected as rejected:
                report.status = "rejected"
                report.problems = [_from_loader(p) for p in rejected.problems]
                return report
            report.status = "snapshot"
            for r in report.files:
                if r.status == "ready":
                    r.status = "snapshot"
        else:
            report.load_id, report.rows_added = _append(con, ready, user, progress, replacing)
            report.status = "loaded"
        if progress:
            progress("Rebuilding marts", 0.95)
        rebuild_after_change(con)
        report.unmapped = identity.unmapped_summary(con)
        audit.record(con, user, "load", ", ".join(f.name for f in inputs),
                     {"load_id": report.load_id, "rows_added": report.rows_added, "status": report.status})
        if progress:
            progress("Done", 1.0)
        return report
    finally:
        if owned:
            con.close()


def _from_loader(problem) -> Problem:
    """The loader's problem (one rule, several rows) as one row of the admin's table."""
    row = problem.rows[0] if getattr(problem, "rows", ()) else None
    value = problem.values[0] if getattr(problem, "values", ()) else ""
    more = f" ({problem.n_rows:,} rows)" if getattr(problem, "n_rows", 0) > 1 else ""
    return Problem(problem.file or problem.table or "(folder)", row, problem.column or "(file)",
                   f"{problem.rule}: {problem.message}{more}", value)

