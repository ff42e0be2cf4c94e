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
from etl.schema import is_stale, startup_problem
from workforce import auth, surveys
from workforce.db import SAMPLE_DATA_DIR, connect, default_db_path, default_key_path, meta

Progress = Callable[[str, float], None]


def needs_build(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the embedded default must be built from sample_data/: never loaded, or built from
    it by code of another schema version (`etl.schema`). Any other database is never rebuilt here."""
    state = meta(con)
    if not state.get("data_version"):
        return True
    return is_stale(con) and state.get("source") == str(SAMPLE_DATA_DIR.resolve())


def database_ready(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a load by this code's schema has completed into this database (or it is another
    database, which `etl.schema.startup_problem` judges)."""
    return not needs_build(con)


def ensure_demo_state(con: duckdb.DuckDBPyConnection, today: date | None = None) -> None:
    """Accounts at start and, with the bundled sample, an open pulse wave so the embedded default
    can be tried at once: demo accounts only with the sample (or WORKFORCE_DEMO), retired on other
    data, and a first admin when none is left, whose one-time password is printed in this terminal
    only (never shown in the app or logged).
    """
    first_admin = auth.ensure_start_accounts(con)
    if first_admin is not None:
        print(f"\nWorkforce impact: first admin created.\n  username: {first_admin[0]}\n"
              f"  one-time password: {first_admin[1]}\nSign in and choose a new password.\n",
              file=sys.stderr, flush=True)
    if auth.sample_loaded(con):
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
        if not needs_build(con):
            print(f"Database ready: {db_path}", flush=True)
        else:
            print(f"First start: building {db_path} from {SAMPLE_DATA_DIR} ...", flush=True)
            started = time.perf_counter()
            con.close()
            build_sample(db_path, key_path, _print_progress)
            con = connect(db_path)
            print(f"Database built in {time.perf_counter() - started:.0f} s", flush=True)
        problem = startup_problem(con, db_path, key_path)
        if problem is not None:
            print(f"The app cannot start with this database:\n{problem.message}", file=sys.stderr, flush=True)
            return 1
        ensure_demo_state(con)
    finally:
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
