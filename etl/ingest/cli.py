"""`python -m etl load PATH`: a snapshot folder to the loader, anything else to ingestion."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from etl.contract import REQUIRED_TABLES
from etl.ingest.append import ingest_files, record_snapshot
from etl.load import LoadRejected, load_folder
from workforce import audit


def _is_snapshot_folder(folder: Path) -> bool:
    stems = {p.stem for p in folder.iterdir() if p.suffix.lower() in (".csv", ".parquet")}
    return set(REQUIRED_TABLES) <= stems


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


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

