"""Incremental ingestion of real inputs: vendor usage exports and single contract tables.

`ingest_files(files, db, user=..., progress=...)` reads each file behind guards (size before
reading, UTF-8, complete JSON, formula-injection cells, dates in the future), detects what it is
(`etl.adapters.detect`), maps vendor exports through their adapter and the identity map, and
appends the rows to `stg_vendor_usage` / `stg_vendor_outcomes` / `stg_vendor_cost`, each row
tagged with the `load_id` that added it. A load is all or nothing: any problem in any file and
nothing is written. `app_load_history` records who loaded which files (sha256) and how many rows;
a file already held by a load in effect adds nothing ("already loaded"); `rollback_last_load`
removes exactly the rows the last load added.

A complete set of contract tables is a snapshot: it goes to the loader (`etl.load.load_folder`),
which replaces the stg_* tables whole, and is recorded in the history (it cannot be rolled back
here: load the previous folder again). A lone `token_usage` or `outcomes` contract file is
appended like a vendor export, its rows validated by the loader's pandera model.

Formula injection: a CSV cell, or a text value from any file, starting with = + - @ (or a tab /
carriage return) that is not a number is REJECTED, not neutralised: rewriting it would silently
change an identity or a model name, and no vendor export holds such a value legitimately. The
rule is `etl.loading.formula.formula_rows`, which the snapshot loader (`python -m etl load`)
applies too; contract free-text columns (survey comments...) are exempt there and here.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pandera.errors as pa_errors

from etl.adapters import ADAPTERS, members
from etl.adapters.base import AdapterError, Problem
from etl.adapters.detect import Detection, InputFile, ParsedFile, detect, parse
from etl.contract import REQUIRED_TABLES
from etl.load import LoadRejected, load_folder, rebuild_marts
from etl.loading.formula import formula_rows
from etl.loading.vendor import ensure_tables, rebuild_vendor_marts
from etl.schemas import SCHEMAS
from workforce import audit, identity
from workforce.db import default_key_path, sql, table_exists
from workforce.inert import FORMULA_RULE

SQL = Path(__file__).resolve().parent / "sql" / "ingest"
Progress = Callable[[str, float], None]

# Contract tables that can be appended on their own; any other contract table is a snapshot.
APPENDABLE = ("token_usage", "outcomes")
MAX_PROBLEM_ROWS = 20  # per file and rule; a last row says how many more
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


# --- reports -----------------------------------------------------------------------------------


@dataclass
class FileReport:
    name: str
    size: int
    sha256: str | None = None
    fmt: str | None = None
    kind: str = "unknown"  # contract | vendor | unknown
    source: str = ""  # adapter name or contract table
    reason: str = ""
    source_rows: int = 0  # records read
    rows_to_add: int = 0
    rows_added: int = 0
    status: str = "rejected"  # ready | already_loaded | rejected | loaded | snapshot
    note: str = ""
    preview: pd.DataFrame | None = field(default=None, repr=False)


@dataclass
class IngestReport:
    status: str  # validated | loaded | snapshot | rejected | nothing_to_load
    files: list[FileReport]
    problems: list[Problem]
    load_id: str | None = None
    rows_added: int = 0
    unmapped: identity.UnmappedSummary | None = None

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    @property
    def message(self) -> str:
        if self.status == "rejected":
            n = len(self.problems)
            return f"Rejected: {n} problem{'s' if n != 1 else ''} found; nothing was loaded or changed."
        if self.status == "nothing_to_load":
            return "Nothing to load: every file was already loaded (same content, sha256)."
        if self.status == "validated":
            rows = sum(f.rows_to_add for f in self.files)
            return f"Valid: {rows:,} rows ready to load from {sum(f.status == 'ready' for f in self.files)} file(s)."
        text = f"Load {self.load_id}: {self.rows_added:,} rows added."
        if self.unmapped and self.unmapped.usage_rows:
            u = self.unmapped
            text += (f" Unmapped usage (kept, attributed to nobody): {u.identities} identities, "
                     f"{u.usage_rows:,} rows, {u.total_tokens:,} tokens, ${u.cost_usd:,.2f}"
                     + (f" ({u.unpriced_rows:,} rows have no cost or list price)." if u.unpriced_rows else "."))
        return text

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=["file", "row", "column", "rule", "value"])

    def files_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"file": f.name, "format": f.fmt, "detected": f"{f.kind}: {f.source}" if f.source else f.kind,
              "records": f.source_rows, "rows": f.rows_added or f.rows_to_add, "status": f.status, "note": f.note,
              "sha256": f.sha256} for f in self.files],
            columns=["file", "format", "detected", "records", "rows", "status", "note", "sha256"],
        )


@dataclass
class RollbackReport:
    ok: bool
    message: str
    load_id: str | None = None
    rows_removed: int = 0


@dataclass(frozen=True)
class Replacement:
    """A pull that replaces what earlier pulls loaded: per source, the days [since, until) whose
    rows from the loads `load_ids` are deleted in the same transaction as the new rows go in."""

    windows: dict[str, tuple[date, date]]
    load_ids: frozenset[str]

    def covers(self, source: str, day: object, load_id: str) -> bool:
        window = self.windows.get(source)
        if window is None or load_id not in self.load_ids:
            return False
        day = pd.Timestamp(day).date()
        return window[0] <= day < window[1]


@dataclass
class _Ready:
    """One file that passed every check, with the rows it will add."""

    report: FileReport
    input: InputFile
    usage: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None


# --- tables --------------------------------------------------------------------------------------


def _connect(db: duckdb.DuckDBPyConnection | Path | str) -> tuple[duckdb.DuckDBPyConnection, bool]:
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


# --- checks ------------------------------------------------------------------------------------


def _capped(file: str, rows: Sequence[tuple[int | None, str]], column: str, rule: str) -> list[Problem]:
    problems = [Problem(file, row, column, rule, value) for row, value in rows[:MAX_PROBLEM_ROWS]]
    if len(rows) > MAX_PROBLEM_ROWS:
        problems.append(Problem(file, None, column, f"{rule} — and {len(rows) - MAX_PROBLEM_ROWS:,} more rows", ""))
    return problems


def formula_cells(file: str, frame: pd.DataFrame, *, row_offset: int | None, table: str | None = None) -> list[Problem]:
    """Text cells a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM, -2+3), by
    the loader's own rule (`formula_rows`); `table` names a contract table (its free text is exempt)."""
    problems: list[Problem] = []
    for column, cells in formula_rows(frame, table).items():
        hits = [(None if row_offset is None else int(i) + row_offset, value) for i, value in cells]
        problems += _capped(file, hits, column, FORMULA_RULE)
    return problems


def _future(file: str, frame: pd.DataFrame | None, column: str, today: date, row_offset: int | None) -> list[Problem]:
    """Rows dated after today. `row_offset` None: the rows are an adapter's output (no file row)."""
    if frame is None or frame.empty or column not in frame.columns:
        return []
    days = pd.to_datetime(frame[column]).dt.date
    rows = []
    for i in range(len(frame)):
        if days.iloc[i] > today:
            who = f" ({frame['identity'].iloc[i]})" if "identity" in frame else ""
            rows.append((None if row_offset is None else int(frame["row_number"].iloc[i]) + row_offset,
                         f"{days.iloc[i]}{who}"))
    return _capped(file, rows, column, f"date in the future (after {today.isoformat()}): exports hold past usage")


def _pandera_problems(file: str, table: str, frame: pd.DataFrame, row_offset: int):
    """Validate a lone contract table with the loader's pandera model; (typed frame, problems)."""
    model = SCHEMAS[table]
    frame = frame.copy()
    for name, column in model.to_schema().columns.items():
        if column.nullable and name not in frame.columns:
            frame[name] = None  # an optional column may be absent from the file
    try:
        return model.validate(frame, lazy=True), []
    except pa_errors.SchemaErrors as errors:
        cases = errors.failure_cases
        rows = []
        for case in cases.to_dict(orient="records"):
            index = case.get("index")
            row = int(index) + row_offset if index is not None and not pd.isna(index) else None
            rows.append(Problem(file, row, str(case.get("column") or "(table)"), str(case.get("check")),
                                "" if case.get("failure_case") is None else str(case.get("failure_case"))))
        return None, rows[: MAX_PROBLEM_ROWS * 3]


# --- preparing (no writes) ---------------------------------------------------------------------


def _row_offset(parsed: ParsedFile) -> int:
    """Adapter/record numbers → rows as in the file: CSV lines count the header (record 1 is line 2)."""
    return 1 if parsed.fmt == "csv" else 0


def _contract_rows(parsed: ParsedFile, table: str, report: FileReport) -> tuple[_Ready | None, list[Problem]]:
    offset = _row_offset(parsed) + 1  # pandera's index is 0-based
    frame = parsed.obj.copy()
    typed, problems = _pandera_problems(parsed.name, table, frame, offset)
    if problems:
        return None, problems
    typed = typed.reset_index(drop=True)
    typed["row_number"] = range(1, len(typed) + 1)
    ready = _Ready(report, InputFile(parsed.name))
    if table == "token_usage":
        usage = pd.DataFrame({
            "row_number": typed["row_number"],
            "usage_date": pd.to_datetime(typed["usage_date"]).dt.date,
            "identity_kind": "employee_id",
            "identity": typed["employee_id"].astype(str),
            "tool": typed["tool"], "vendor": typed["vendor"], "model": typed["model"],
        })
        for column in ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]:
            usage[column] = (typed[column] if column in typed else pd.Series(0, index=typed.index)).fillna(0)
        for column in ["requests", "agent_seconds", "cost_usd"]:
            usage[column] = typed[column] if column in typed else None
        usage["service_tier"], usage["cache_write_1h_tokens"] = "standard", 0
        usage["cost_basis"] = usage["cost_usd"].map(lambda c: None if pd.isna(c) else "reported")
        ready.usage = usage
    else:
        outcomes = pd.DataFrame({
            "row_number": typed["row_number"],
            "week_start": pd.to_datetime(typed["week_start"]).dt.date,
            "identity_kind": "employee_id",
            "identity": typed["employee_id"].astype(str),
            "changes_landed": typed["changes_landed"],
        })
        for column in ["agent_assisted_changes", "reviews_done"]:
            outcomes[column] = typed[column] if column in typed else None
        for column in ["commits", "lines_added", "lines_removed", "tool_actions_accepted", "tool_actions_rejected",
                       "suggestions_accepted", "lines_accepted"]:
            outcomes[column] = None
        ready.outcomes = outcomes
    return ready, []


def _vendor_rows(parsed: ParsedFile, source: str, report: FileReport) -> tuple[_Ready | None, list[Problem]]:
    offset = _row_offset(parsed)
    try:
        result = ADAPTERS[source].to_contract(parsed.obj, file=parsed.name)
    except AdapterError as exc:
        return None, [Problem(parsed.name, None, "(file)", str(exc), "")]
    problems = [Problem(p.file or parsed.name, (p.row + offset) if p.row is not None else None, p.column, p.rule,
                        p.value) for p in result.problems]
    report.source_rows = result.source_rows
    ready = _Ready(report, InputFile(parsed.name))
    # Adapters aggregate to the contract grain, so their rows have no single file row: number
    # them in order for messages about the output (overlaps, future dates name the value too).
    for name in ("token_usage", "outcomes", "costs"):
        frame = getattr(result, name)
        if frame is not None and not frame.empty:
            frame = frame.reset_index(drop=True)
            frame.insert(0, "row_number", range(1, len(frame) + 1))
            setattr(ready, {"token_usage": "usage"}.get(name, name), frame)
    return ready, problems


def _text_problems(file: str, ready: _Ready, row_offset: int | None) -> list[Problem]:
    """Formula-like text in what will be stored, whatever the file format (JSON included)."""
    problems: list[Problem] = []
    for frame in (ready.usage, ready.outcomes, ready.costs):
        if frame is None:
            continue
        text = frame[[c for c in frame.columns if frame[c].dtype == object]].set_index(frame["row_number"])
        problems += formula_cells(file, text, row_offset=row_offset)
    return problems


def _overlaps(con: duckdb.DuckDBPyConnection, ready: _Ready, source: str, has_vendor: bool,
              row_offset: int = 0, replacing: Replacement | None = None) -> list[Problem]:
    """Rows a load in effect (or the loaded snapshot) already holds: they would count twice.
    Rows a pull is about to replace (`replacing`) are not overlaps."""
    name, problems = ready.report.name, []

    def kept(rows, day_at: int, load_at: int):
        if replacing is None:
            return rows
        return [r for r in rows if not replacing.covers(source, r[day_at], r[load_at])]

    cursor = con.cursor()
    try:
        if ready.usage is not None:
            incoming = ready.usage.assign(source=source)
            cursor.register("incoming_usage", incoming)
            rows = kept(cursor.execute(sql("overlap_usage", SQL)).fetchall(), 1, 4) if has_vendor else []
            problems += _capped(name, [(None, f"{r[1]} {r[2]} {r[3]} (load {r[4]})") for r in rows], "usage_date",
                                "already loaded: a load in effect holds usage of this day, identity, tool and "
                                "model from the same source (roll it back first, or load only new days)")
            if source == "contract:token_usage" and table_exists(cursor, "stg_token_usage"):
                rows = cursor.execute(sql("overlap_snapshot_usage", SQL)).fetchall()
                problems += _capped(name, [(int(r[0]) + row_offset, f"{r[1]} {r[2]} {r[3]}") for r in rows], "usage_date",
                                    "already in the loaded snapshot (stg_token_usage): same employee, day, tool "
                                    "and model")
            cursor.unregister("incoming_usage")
        if ready.outcomes is not None:
            cursor.register("incoming_outcomes", ready.outcomes.assign(source=source))
            rows = kept(cursor.execute(sql("overlap_outcomes", SQL)).fetchall(), 1, 3) if has_vendor else []
            problems += _capped(name, [(None, f"{r[1]} {r[2]} (load {r[3]})") for r in rows], "week_start",
                                "already loaded: outcomes of this week and identity from the same source")
            if source == "contract:outcomes" and table_exists(cursor, "stg_outcomes"):
                rows = cursor.execute(sql("overlap_snapshot_outcomes", SQL)).fetchall()
                problems += _capped(name, [(int(r[0]) + row_offset, f"{r[1]} {r[2]}") for r in rows], "week_start",
                                    "already in the loaded snapshot (stg_outcomes): same employee and week")
            cursor.unregister("incoming_outcomes")
        if ready.costs is not None and has_vendor:
            cursor.register("incoming_cost", ready.costs.assign(source=source))
            rows = kept(cursor.execute(sql("overlap_cost", SQL)).fetchall(), 1, 2)
            problems += _capped(name, [(None, f"{r[1]} (load {r[2]})") for r in rows], "cost_date",
                                "already loaded: cost of this day and line item from the same source")
            cursor.unregister("incoming_cost")
    finally:
        cursor.close()
    return problems


def _unknown_employees(con: duckdb.DuckDBPyConnection, ready: _Ready, offset: int) -> list[Problem]:
    """A contract file's employee_id must name an employee (the contract's reference rule)."""
    frame = ready.usage if ready.usage is not None else ready.outcomes
    if frame is None or frame.empty:
        return []
    if not table_exists(con, "stg_employees"):
        return [Problem(ready.report.name, None, "employee_id",
                        "references employees: load the contract folder (employees) first", "")]
    known = {r[0] for r in con.execute(
        "SELECT employee_id FROM stg_employees WHERE list_contains(?, employee_id)",
        [sorted(set(frame["identity"]))]).fetchall()}
    rows = [(int(n) + offset, e) for n, e in zip(frame["row_number"], frame["identity"], strict=True) if e not in known]
    return _capped(ready.report.name, rows, "employee_id", "references employees: no employee with this id")


def _key_duplicates(file: str, frame: pd.DataFrame | None, keys: list[str], offset: int) -> list[Problem]:
    if frame is None or frame.empty:
        return []
    dup = frame.duplicated(keys, keep="first")
    rows = [(int(n) + offset, " ".join(str(frame[k].iloc[i]) for k in keys))
            for i, n in enumerate(frame["row_number"]) if dup.iloc[i]]
    return _capped(file, rows, ",".join(keys), "duplicate row key: one row per " + ", ".join(keys))


def _check_rows(con, file: InputFile, parsed: ParsedFile, report: FileReport, found: Detection, today: date,
                has_vendor: bool, replacing: Replacement | None = None) -> tuple[_Ready | None, list[Problem]]:
    """Adapt (vendor) or validate (lone contract table) one file, then every row-level check."""
    offset = _row_offset(parsed)
    if found.kind == "contract":
        report.source_rows = len(parsed.obj)
        item, problems = _contract_rows(parsed, found.source, report)
        source = f"contract:{found.source}"
    else:
        item, problems = _vendor_rows(parsed, found.source, report)
        source = found.source
    if item is None:
        return None, problems
    item.input = file
    # contract rows are file records (row as in the file); adapter rows are aggregates
    rows_at = offset if found.kind == "contract" else None
    if parsed.fmt != "csv":  # CSV cells were all checked on the raw file
        problems += _text_problems(file.name, item, rows_at)
    problems += _future(file.name, item.usage, "usage_date", today, rows_at)
    problems += _future(file.name, item.outcomes, "week_start", today, rows_at)
    problems += _future(file.name, item.costs, "cost_date", today, rows_at)
    if found.kind == "contract":
        problems += _unknown_employees(con, item, offset)
        frame = item.usage if item.usage is not None else item.outcomes
        keys = ["usage_date", "identity", "tool", "model"] if item.usage is not None else ["week_start", "identity"]
        problems += _key_duplicates(file.name, frame, keys, offset)
    if not problems:
        problems += _overlaps(con, item, source, has_vendor, offset, replacing)
    return item, problems


def prepare(
    files: Sequence[InputFile],
    con: duckdb.DuckDBPyConnection,
    *,
    today: date | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    replacing: Replacement | None = None,
) -> tuple[IngestReport, list[_Ready], list[tuple[InputFile, str]]]:
    """Read, detect, adapt and check every file; write nothing.

    Returns the report, the vendor/appendable files ready to append, and the contract files that
    form a snapshot (input, table). Contract files are a snapshot as soon as the upload holds a
    contract table other than token_usage and outcomes; then those two belong to it too.
    """
    today = today or datetime.now(UTC).date()
    # Validation writes nothing, not even empty tables: before the first load there is no history.
    has_history = table_exists(con, "app_load_files") and table_exists(con, "app_load_history")
    has_vendor = all(table_exists(con, t) for t in ("stg_vendor_usage", "stg_vendor_outcomes", "stg_vendor_cost"))
    reports: list[FileReport] = []
    problems: list[Problem] = []
    found_files: list[tuple[InputFile, ParsedFile, FileReport, Detection]] = []
    seen: dict[str, str] = {}
    for index, file in enumerate(files):
        if progress:
            progress(f"Checking {file.name}", index / max(len(files), 1) * 0.5)
        report = FileReport(file.name, file.size)
        reports.append(report)
        parsed, file_problems = parse(file, limit=limit)
        if parsed is None:
            problems += file_problems
            continue
        report.fmt, report.sha256 = parsed.fmt, file.sha256
        if file.sha256 in seen:
            report.status, report.note = "already_loaded", f"same content as {seen[file.sha256]} in this upload"
            continue
        seen[file.sha256] = file.name
        found = detect(parsed)
        report.kind, report.source, report.reason = found.kind, found.source, found.reason
        loaded = con.execute(sql("already_loaded", SQL), [[file.sha256]]).fetchall() if has_history else []
        if loaded:
            _sha, name, load_id, by, at = loaded[0]
            report.status = "already_loaded"
            report.note = f"already loaded as {name} in load {load_id} by {by} at {at:%Y-%m-%d %H:%M}"
            continue
        if found.kind == "unknown":
            problems.append(Problem(file.name, None, "(file)", "not recognised: " + found.reason, ""))
            continue
        # CSV cells as read; a contract table whatever its format (the snapshot loader's rule)
        if isinstance(parsed.obj, pd.DataFrame) and (parsed.fmt == "csv" or found.kind == "contract"):
            formula = formula_cells(file.name, parsed.obj, row_offset=1 + _row_offset(parsed),
                                    table=found.source if found.kind == "contract" else None)
            if formula:
                problems += formula
                continue
        found_files.append((file, parsed, report, found))

    is_snapshot = any(f.kind == "contract" and f.source not in APPENDABLE for *_, f in found_files)
    ready: list[_Ready] = []
    snapshot: list[tuple[InputFile, str]] = []
    for file, parsed, report, found in found_files:
        if found.kind == "contract" and is_snapshot:
            report.rows_to_add = report.source_rows = len(parsed.obj)
            report.status, report.note = "ready", "contract table: loaded as part of a full snapshot"
            report.preview = parsed.obj.head(20)
            snapshot.append((file, found.source))
            continue
        item, file_problems = _check_rows(con, file, parsed, report, found, today, has_vendor, replacing)
        if file_problems or item is None:
            problems += file_problems
            continue
        report.rows_to_add = sum(len(f) for f in (item.usage, item.outcomes, item.costs) if f is not None)
        report.status = "ready"
        report.preview = next((f.drop(columns=["row_number"]).head(20) for f in (item.usage, item.outcomes, item.costs)
                               if f is not None), None)
        ready.append(item)
    if snapshot and ready:
        problems.append(Problem(", ".join(r.report.name for r in ready), None, "(upload)",
                                "a full contract snapshot must be loaded on its own: load the contract files "
                                "first, then the vendor exports", ""))
    if problems:
        status = "rejected"
    elif not ready and not snapshot:
        status = "nothing_to_load"
    else:
        status = "validated"
    for report in reports:
        if status == "rejected" and report.status == "ready":
            mine = any(p.file == report.name for p in problems)
            report.status = "rejected"
            report.note = (report.note + "; " if report.note else "") + (
                "see the problems" if mine else "not loaded: another file was rejected")
    return IngestReport(status, reports, problems), ready, snapshot


# --- loading -------------------------------------------------------------------------------------


def _bump_data_version(con: duckdb.DuckDBPyConnection, user: str) -> None:
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


def _rebuild(con: duckdb.DuckDBPyConnection) -> None:
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


def _append(con: duckdb.DuckDBPyConnection, ready: list[_Ready], user: str, progress: Progress | None,
            replacing: Replacement | None = None) -> tuple[str, int]:
    ensure_tables(con)
    load_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    total = 0
    con.execute("BEGIN TRANSACTION")
    try:
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
        _bump_data_version(con, user)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
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
    con.execute("BEGIN TRANSACTION")
    try:
        for name, sha, table, rows in files:
            con.execute("INSERT INTO app_load_files VALUES (?, ?, ?, 'contract', ?, ?)", [load_id, name, sha, table, rows])
        listed = [{"name": n, "sha256": h, "kind": "contract", "source": t, "rows_added": r} for n, h, t, r in files]
        con.execute("INSERT INTO app_load_history (load_id, loaded_by, loaded_at, files, rows_added, status) "
                    "VALUES (?, ?, ?, ?, ?, 'snapshot')",
                    [load_id, user, datetime.now(UTC).replace(tzinfo=None), json.dumps(listed),
                     sum(f[3] for f in files)])
        identity.apply_mapping(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
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


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


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
    con, owned = _connect(db)
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
        _rebuild(con)
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


# --- history and rollback ------------------------------------------------------------------------


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_tables(con)
    return con.execute(sql("load_history", SQL)).df()


def rollback_last_load(con: duckdb.DuckDBPyConnection, user: str) -> RollbackReport:
    """Remove exactly the rows the latest load in effect added; a snapshot cannot be undone here."""
    ensure_tables(con)
    rows = con.execute(
        "SELECT load_id, status FROM app_load_history WHERE status IN ('loaded', 'snapshot') "
        "ORDER BY loaded_at DESC, load_id DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return RollbackReport(False, "Nothing to roll back: no load is in effect.")
    load_id, status = rows[0]
    if status == "snapshot":
        return RollbackReport(False, f"The last load ({load_id}) replaced the whole contract snapshot; it cannot be "
                              "rolled back here. Load the previous folder again with `python -m etl load`.", load_id)
    con.execute("BEGIN TRANSACTION")
    try:
        removed = 0
        for table in ("stg_vendor_usage", "stg_vendor_outcomes", "stg_vendor_cost"):
            removed += con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id]).fetchall()[0][0]
        con.execute("UPDATE app_load_history SET status = 'rolled_back', rolled_back_by = ?, rolled_back_at = ? "
                    "WHERE load_id = ?", [user, datetime.now(UTC).replace(tzinfo=None), load_id])
        _bump_data_version(con, user)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    _rebuild(con)
    audit.record(con, user, "load_rollback", load_id, {"rows_removed": removed})
    return RollbackReport(True, f"Load {load_id} rolled back: {removed:,} rows removed.", load_id, removed)


# --- command line ------------------------------------------------------------------------------


def _is_snapshot_folder(folder: Path) -> bool:
    stems = {p.stem for p in folder.iterdir() if p.suffix.lower() in (".csv", ".parquet")}
    return set(REQUIRED_TABLES) <= stems


def cli_load(path: Path | str, db: Path | str, key: Path | str | None = None, *, user: str | None = None,
             quiet: bool = False, print_fn: Callable[[str], None] = print) -> int:
    """`python -m etl load PATH`: a folder of contract tables → the loader (snapshot); a vendor
    export, a lone contract table, or a folder of those → incremental ingestion. Exit code 0/1."""
    path, db = Path(path), Path(db)
    user = user or os.environ.get("USER") or "cli"

    def progress(step: str, fraction: float) -> None:
        if not quiet:
            print(f"[{fraction:5.0%}] {step}", file=sys.stderr)

    if path.is_dir() and _is_snapshot_folder(path):
        try:
            result = load_folder(path, db, key_path=Path(key) if key else None, progress=progress)
        except LoadRejected as rejected:
            print(f"Load rejected: nothing was changed in {db}.", file=sys.stderr)
            for problem in rejected.problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        files = [(t.file, _sha256_of(path / t.file), t.table, t.rows) for t in result.tables.values() if t.file]
        con = duckdb.connect(str(db))
        try:
            record_snapshot(con, files, user)
            audit.record(con, user, "load", str(path), {"status": "snapshot", "rows": result.rows_read})
        finally:
            con.close()
        print_fn(str(result))
        return 0
    if not path.exists():
        print(f"No such file or folder: {path}", file=sys.stderr)
        return 1
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")) if path.is_dir() else [path]
    report = ingest_files(files, db, user=user, progress=progress, key_path=Path(key) if key else None)
    for f in report.files:
        print_fn(f"{f.name}: {f.kind} {f.source} — {f.status}"
                 + (f", {f.rows_added or f.rows_to_add:,} rows" if f.rows_added or f.rows_to_add else "")
                 + (f" ({f.note})" if f.note else ""))
    if not report.ok:
        print(f"{report.message} ({db})", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print_fn(report.message)
    return 0


def save_identity_map(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame, user: str) -> int:
    """Save the admins' edited identity map, re-attribute vendor usage and rebuild what reads it.

    Returns how many identities changed mapping; raises `identity.IdentityError` (nothing saved)
    when a row is incomplete or names an unknown employee.
    """
    changed = identity.replace_map(con, edited, user=user)
    if changed:
        ensure_tables(con)
        identity.apply_mapping(con)
        _bump_data_version(con, user)
        _rebuild(con)
        audit.record(con, user, "admin_change", "app_identity_map", {"identities_changed": changed})
    return changed


@dataclass
class MembersReport:
    ok: bool
    message: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=["file", "row", "column", "rule", "value"])


def import_member_lists(files: Iterable[InputFile | Path | str], db: duckdb.DuckDBPyConnection | Path | str, *,
                        user: str) -> MembersReport:
    """Import vendors' member lists (etl/adapters/members.py) into the identity directory, then
    map every vendor id whose listed email (or its owner's) is an employee's. All or nothing."""
    inputs = [f if isinstance(f, InputFile) else InputFile.from_path(f) for f in files]
    con, owned = _connect(db)
    try:
        frames, problems = [], []
        for file in inputs:
            parsed, file_problems = parse(file)
            if parsed is None:
                problems += file_problems
                continue
            try:
                frame = members.to_directory(parsed.obj, file=file.name)
            except (AdapterError, KeyError) as exc:
                problems.append(Problem(file.name, None, "(file)", str(exc).strip("'"), ""))
                continue
            problems += formula_cells(file.name, frame.select_dtypes("object"), row_offset=None)
            frames.append(frame)
        if problems:
            return MembersReport(False, f"Rejected: {len(problems)} problem(s); nothing was imported.",
                                 problems=problems)
        ensure_tables(con)
        con.execute("BEGIN TRANSACTION")
        try:
            rows = sum(identity.store_directory(con, frame, user=user) for frame in frames)
            identity.apply_mapping(con)
            _bump_data_version(con, user)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        _rebuild(con)
        audit.record(con, user, "admin_change", "app_identity_directory",
                     {"files": [f.name for f in inputs], "rows": rows})
        share = identity.mapped_share(con)
        mapped, seen = int(share["mapped"].sum()), int(share["identities"].sum())
        return MembersReport(True, f"{rows:,} member-list entries imported; {mapped:,} of {seen:,} vendor "
                             "identities now map to an employee.", rows)
    finally:
        if owned:
            con.close()


def import_identity_map_csv(con: duckdb.DuckDBPyConnection, data: bytes, user: str, *, file: str = "upload") -> int:
    """Bulk mapping: a CSV of identity_kind, identity, employee_id laid over the identity map,
    all or nothing (identity.IdentityError names every bad line). Returns identities changed."""
    parsed, problems = parse(InputFile(file, data))
    if parsed is None or not isinstance(parsed.obj, pd.DataFrame):
        raise identity.IdentityError("; ".join(map(str, problems)) or f"{file}: not a CSV file")
    formula = formula_cells(file, parsed.obj, row_offset=2)
    if formula:
        raise identity.IdentityError("; ".join(map(str, formula[:5])))
    return save_identity_map(con, identity.merge_map_csv(con, parsed.obj, file=file), user)
