"""Preparing an upload (writes nothing): read, detect, adapt or validate, and guard every file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.adapters import ADAPTERS
from etl.adapters.base import AdapterError, Problem
from etl.adapters.detect import Detection, InputFile, ParsedFile, detect, parse
from etl.ingest.guards import (
    formula_cells,
    future_dates,
    key_duplicates,
    overlaps,
    pandera_problems,
    text_problems,
    unknown_employees,
)
from etl.ingest.reports import APPENDABLE, FileReport, IngestReport, Ready, Replacement
from workforce.db import sql, table_exists

SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"
Progress = Callable[[str, float], None]


def row_offset(parsed: ParsedFile) -> int:
    """Adapter/record numbers → rows as in the file: CSV lines count the header (record 1 is line 2)."""
    return 1 if parsed.fmt == "csv" else 0


def _contract_rows(parsed: ParsedFile, table: str, report: FileReport) -> tuple[Ready | None, list[Problem]]:
    offset = row_offset(parsed) + 1  # pandera's index is 0-based
    frame = parsed.obj.copy()
    typed, problems = pandera_problems(parsed.name, table, frame, offset)
    if problems:
        return None, problems
    typed = typed.reset_index(drop=True)
    typed["row_number"] = range(1, len(typed) + 1)
    ready = Ready(report, InputFile(parsed.name))
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


def _vendor_rows(parsed: ParsedFile, source: str, report: FileReport) -> tuple[Ready | None, list[Problem]]:
    offset = row_offset(parsed)
    try:
        result = ADAPTERS[source].to_contract(parsed.obj, file=parsed.name)
    except AdapterError as exc:
        return None, [Problem(parsed.name, None, "(file)", str(exc), "")]
    problems = [Problem(p.file or parsed.name, (p.row + offset) if p.row is not None else None, p.column, p.rule,
                        p.value) for p in result.problems]
    report.source_rows = result.source_rows
    ready = Ready(report, InputFile(parsed.name))
    # Adapters aggregate to the contract grain, so their rows have no single file row: number
    # them in order for messages about the output (overlaps, future dates name the value too).
    for name in ("token_usage", "outcomes", "costs"):
        frame = getattr(result, name)
        if frame is not None and not frame.empty:
            frame = frame.reset_index(drop=True)
            frame.insert(0, "row_number", range(1, len(frame) + 1))
            setattr(ready, {"token_usage": "usage"}.get(name, name), frame)
    return ready, problems


def _check_rows(con, file: InputFile, parsed: ParsedFile, report: FileReport, found: Detection, today: date,
                has_vendor: bool, replacing: Replacement | None = None) -> tuple[Ready | None, list[Problem]]:
    """Adapt (vendor) or validate (lone contract table) one file, then every row-level check."""
    offset = row_offset(parsed)
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
        problems += text_problems(file.name, item, rows_at)
    problems += future_dates(file.name, item.usage, "usage_date", today, rows_at)
    problems += future_dates(file.name, item.outcomes, "week_start", today, rows_at)
    problems += future_dates(file.name, item.costs, "cost_date", today, rows_at)
    if found.kind == "contract":
        problems += unknown_employees(con, item, offset)
        frame = item.usage if item.usage is not None else item.outcomes
        keys = ["usage_date", "identity", "tool", "model"] if item.usage is not None else ["week_start", "identity"]
        problems += key_duplicates(file.name, frame, keys, offset)
    if not problems:
        problems += overlaps(con, item, source, has_vendor, offset, replacing)
    return item, problems


def prepare(
    files: Sequence[InputFile],
    con: duckdb.DuckDBPyConnection,
    *,
    today: date | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    replacing: Replacement | None = None,
) -> tuple[IngestReport, list[Ready], list[tuple[InputFile, str]]]:
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
            formula = formula_cells(file.name, parsed.obj, row_offset=1 + row_offset(parsed),
                                    table=found.source if found.kind == "contract" else None)
            if formula:
                problems += formula
                continue
        found_files.append((file, parsed, report, found))

    is_snapshot = any(f.kind == "contract" and f.source not in APPENDABLE for *_, f in found_files)
    ready: list[Ready] = []
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

