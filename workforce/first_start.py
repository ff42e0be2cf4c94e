"""First start of the embedded default: the database built from sample_data/, the demo accounts
and an open pulse wave, before anyone signs in.

`make run` runs this (`python -m workforce.first_start`) before it starts the server, with
progress in the terminal, so the first visitor never waits for a build. Started another way, the
app does the same steps itself behind a screen that offers nothing but the build's progress
(`ui.session`). This module never imports streamlit.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from etl.load import load_folder
from workforce import auth, surveys
from workforce.db import SAMPLE_DATA_DIR, connect, default_db_path, default_key_path, meta

Progress = Callable[[str, float], None]


def database_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a load has completed into this database."""
    return bool(meta(con).get("data_version"))


def ensure_demo_state(con: duckdb.DuckDBPyConnection, today: date | None = None) -> None:
    """Demo accounts and an open pulse wave, so the embedded default can be tried at once.

    Both are created only when missing: a real deployment with its own accounts and waves is
    left as it is.
    """
    auth.ensure_demo_accounts(con)
    if meta(con).get("source") == str(SAMPLE_DATA_DIR.resolve()):
        surveys.ensure_demo_wave(con, today or date.today())


def build_sample(db_path: Path, key_path: Path, progress: Progress | None = None) -> None:
    """Load sample_data/ into `db_path` (all or nothing; see etl.load)."""
    load_folder(SAMPLE_DATA_DIR, db_path, key_path=key_path, progress=progress)


def _print_progress(step: str, fraction: float) -> None:
    print(f"  [{min(max(fraction, 0.0), 1.0):4.0%}] {step}", flush=True)


def main(db_path: Path | None = None, key_path: Path | None = None) -> int:
    """Build the database when it has never been loaded, then check the demo state."""
    db_path = db_path or default_db_path()
    key_path = key_path or default_key_path(db_path)
    con = connect(db_path)
    try:
        if database_ready(con):
            print(f"Database ready: {db_path}", flush=True)
        else:
            print(f"First start: building {db_path} from {SAMPLE_DATA_DIR} ...", flush=True)
            started = time.perf_counter()
            con.close()
            build_sample(db_path, key_path, _print_progress)
            con = connect(db_path)
            print(f"Database built in {time.perf_counter() - started:.0f} s", flush=True)
        ensure_demo_state(con)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
