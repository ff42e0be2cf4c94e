"""Incremental ingestion of real inputs: vendor usage exports and single contract tables.

Split by responsibility: `guards` (row-level checks), `prepare` (read, detect, adapt, check;
no writes), `append` (write a prepared upload, or hand a snapshot to the loader), `history`
(load history and rollback), `identities` (the identity map and member lists), `cli`.
The vendor tables and their mart are the loader's (`etl.loading.vendor`).

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

from etl.ingest.append import bump_data_version, current_version, ingest_files, record_snapshot
from etl.ingest.cli import cli_load
from etl.ingest.guards import formula_cells
from etl.ingest.history import load_history, rollback_last_load
from etl.ingest.identities import (
    MembersReport,
    import_identity_map_csv,
    import_member_lists,
    save_identity_map,
)
from etl.ingest.prepare import prepare
from etl.ingest.reports import APPENDABLE, FileReport, IngestReport, Replacement, RollbackReport
from etl.loading.vendor import ensure_tables, rebuild_vendor_marts

__all__ = [
    "APPENDABLE",
    "FileReport",
    "IngestReport",
    "MembersReport",
    "Replacement",
    "RollbackReport",
    "bump_data_version",
    "cli_load",
    "current_version",
    "ensure_tables",
    "formula_cells",
    "import_identity_map_csv",
    "import_member_lists",
    "ingest_files",
    "load_history",
    "prepare",
    "rebuild_vendor_marts",
    "record_snapshot",
    "rollback_last_load",
    "save_identity_map",
]
