"""The database file and its key: private files, the key checked against its fingerprint, the
schema version and what happens to a database written by other code."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import placement, pseudonym, schema
from etl.load import LoadRejected, load_folder
from tests.apptest import app_as
from workforce.db import connect


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loaded(contract_copy) -> Path:
    """A private copy of the loaded contract folder (database and key); its source folder is tmp_path/in."""
    return contract_copy


def test_the_database_its_log_and_the_key_are_private(loaded, tmp_path):
    assert _mode(loaded) == 0o600
    assert _mode(loaded.parent / "pseudonym.key") == 0o600
    loaded.chmod(0o644)  # a database written before: the app tightens it when it opens it
    con = connect(loaded)
    con.execute("CREATE TABLE app_probe AS SELECT 1 AS x")  # a write: DuckDB (re)creates its log
    wal = loaded.with_name(loaded.name + ".wal")
    assert _mode(loaded) == 0o600
    assert not wal.exists() or _mode(wal) == 0o600
    con.close()


def _app_answer(db: Path) -> None:
    """One answer given in the app, stored as the app stores it."""
    con = duckdb.connect(str(db))
    key = (db.parent / "pseudonym.key").read_bytes()
    profile = pseudonym.respondent_profile(con, "E2", "W2", datetime(2025, 3, 4), key, 5)
    con.execute("INSERT INTO stg_survey_submissions VALUES ('APP-1', 'W2', ?, ?, ?, ?, ?, ?, 'app')",
                [profile.respondent_key, datetime(2025, 3, 4), profile.org, profile.team, profile.level,
                 profile.tenure_band])
    con.close()


def test_a_database_of_another_schema_version_is_rebuilt_by_the_loader(loaded, tmp_path):
    _app_answer(loaded)
    con = duckdb.connect(str(loaded))
    con.execute("UPDATE app_meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("ALTER TABLE stg_survey_submissions ADD COLUMN manager_span INTEGER")  # the old layout
    con.execute("CREATE TABLE app_users_probe AS SELECT 1 AS kept")
    assert schema.is_stale(con)
    con.close()
    report = load_folder(tmp_path / "in", loaded)
    rebuilt = [w for w in report.warnings if w.rule == "schema_rebuilt"]
    assert rebuilt and "1 survey answers given in the app" in str(rebuilt[0])
    con = duckdb.connect(str(loaded), read_only=True)
    columns = {r[0] for r in con.execute("DESCRIBE stg_survey_submissions").fetchall()}
    assert "manager_span" not in columns
    assert con.execute("SELECT value FROM app_meta WHERE key = 'schema_version'").fetchall() == [(schema.SCHEMA_VERSION,)]
    assert con.execute("SELECT source, count(*) FROM stg_survey_submissions GROUP BY 1").fetchall() == [("file", 3)]
    assert con.execute("SELECT kept FROM app_users_probe").fetchall() == [(1,)]  # the app's tables stay
    assert not schema.is_stale(con)
    con.close()


def test_startup_refuses_a_stale_database_and_a_lost_or_wrong_key(loaded):
    key_path = loaded.parent / "pseudonym.key"
    con = duckdb.connect(str(loaded))
    assert schema.startup_problem(con, loaded, key_path) is None
    key_path.rename(loaded.parent / "moved.key")
    problem = schema.startup_problem(con, loaded, key_path)
    assert problem is not None and not problem.stale
    assert "is missing" in problem.message and "To recover" in problem.message and str(key_path) in problem.message
    assert not key_path.exists()  # never silently regenerated
    key_path.write_bytes(b"w" * 32)
    problem = schema.startup_problem(con, loaded, key_path)
    assert problem is not None and "is not the key" in problem.message
    con.execute("UPDATE app_meta SET value = '0' WHERE key = 'schema_version'")
    problem = schema.startup_problem(con, loaded, key_path)
    assert problem is not None and problem.stale and "python -m etl load" in problem.message
    con.close()


def test_the_loader_refuses_a_lost_key_while_answers_exist(loaded, tmp_path):
    (loaded.parent / "pseudonym.key").unlink()
    with pytest.raises(LoadRejected, match="is missing"):
        load_folder(tmp_path / "in", loaded)
    assert not (loaded.parent / "pseudonym.key").exists()


def test_a_new_key_only_for_a_database_without_answers(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO app_meta VALUES ('pseudonym_key_id', '0123456789abcdef')")  # a key, but no answers
    key = pseudonym.open_key(con, tmp_path / "new.key")
    assert _mode(tmp_path / "new.key") == 0o600
    assert con.execute("SELECT value FROM app_meta WHERE key = 'pseudonym_key_id'").fetchall() == [
        (pseudonym.key_fingerprint(key),)]
    con.close()


def test_the_app_stops_with_recovery_steps_when_the_key_is_lost(app_db):
    (app_db.parent / "pseudonym.key").unlink()
    at = app_as("employee")
    assert [e.value for e in at.error] == ["The app cannot start with this database."]
    assert any("is missing" in t.value and "To recover" in t.value for t in at.text)
    assert not (app_db.parent / "pseudonym.key").exists()


def test_every_stored_class_holds_the_minimum_of_the_days_workforce():
    """The generalisation, on a day's counts: level goes first, then band, then team, then org;
    every class stored holds at least the minimum."""
    counts = {
        ("A", "t1", "IC3", "1-2y"): 6,  # kept whole
        ("A", "t1", "IC5", "1-2y"): 2,  # with the next, level withheld: 5 in (A, t1, -, 1-2y)
        ("A", "t1", "VP", "1-2y"): 3,
        ("A", "t2", "IC3", "<1y"): 1,  # a 2-person team, 2 in the org's leftovers: all withheld
        ("A", "t2", "IC3", "5y+"): 1,
        ("B", "t3", "IC4", "2-5y"): 4,  # a 4-person org: all withheld, with A's 2 (6 together)
    }
    stored = placement.coarsen_day(counts, 5)
    assert stored[("A", "t1", "IC3", "1-2y")] == ("A", "t1", "IC3", "1-2y")
    assert stored[("A", "t1", "IC5", "1-2y")] == stored[("A", "t1", "VP", "1-2y")] == ("A", "t1", None, "1-2y")
    classes: dict[tuple, int] = {}
    for cell, n in counts.items():
        classes[stored[cell]] = classes.get(stored[cell], 0) + n
    assert min(classes.values()) >= 5, classes
    assert stored[("B", "t3", "IC4", "2-5y")] == stored[("A", "t2", "IC3", "<1y")] == (None, None, None, None)
    # too few left over at the end: the smallest stored class joins them
    merged = placement.coarsen_day({("A", "t1", "IC3", "1-2y"): 6, ("A", "t1", "IC4", "1-2y"): 5,
                                    ("B", "t3", "IC4", "2-5y"): 2}, 5)
    assert merged[("A", "t1", "IC4", "1-2y")] == merged[("B", "t3", "IC4", "2-5y")] == (None, None, None, None)
    assert merged[("A", "t1", "IC3", "1-2y")] == ("A", "t1", "IC3", "1-2y")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["t1", "t2", "t3"]),
                          st.sampled_from(["IC3", "IC5", "M1", "VP"]), st.sampled_from(["<1y", "1-2y", "5y+"]),
                          st.integers(1, 7)), min_size=1, max_size=30),
       st.integers(3, 10))
def test_generalisation_properties_on_random_workforces(rows, minimum):
    """Every stored class holds at least the minimum (unless the whole day has fewer); a stored
    value is the exact one or withheld; withholding follows the ladder (a kept level means
    everything else kept, a kept band means team and org kept, a kept team means org kept)."""
    counts: dict[tuple, int] = {}
    for org, team, level, band, n in rows:
        counts[(org, team, level, band)] = counts.get((org, team, level, band), 0) + n
    stored = placement.coarsen_day(counts, minimum)
    assert set(stored) == set(counts)
    classes: dict[tuple, int] = {}
    for cell, out in stored.items():
        assert all(v is None or v == c for v, c in zip(out, cell, strict=True))
        kept = [v is not None for v in out]
        assert kept in ([True] * 4, [True, True, False, True], [True, True, False, False],
                        [True, False, False, False], [False] * 4), (cell, out)
        classes[out] = classes.get(out, 0) + counts[cell]
    if sum(counts.values()) >= minimum:
        assert min(classes.values()) >= minimum, classes
    # a cell that is big enough on its own is never generalised unless merged into the last class
    for cell, n in counts.items():
        if n >= minimum:
            assert stored[cell] in (cell, (None, None, None, None))


def test_each_days_placement_depends_on_that_day_only():
    """The load coarsens a day at a time (etl/loading/write.py): the same cells as all days at once."""
    rng = np.random.default_rng(7)
    rows = [(day, f"O{rng.integers(3)}", f"t{rng.integers(6)}", f"IC{rng.integers(3, 6)}",
             ["<1y", "1-2y", "2-5y", "5y+"][rng.integers(4)], int(rng.integers(1, 9)))
            for day in pd.date_range("2026-03-02", periods=4) for _ in range(60)]
    cells = pd.DataFrame(rows, columns=["day", *placement.CELL, "n"]).groupby(
        ["day", *placement.CELL], as_index=False)["n"].sum()
    whole = placement.coarsen(cells, 5)
    by_day = pd.concat([placement.coarsen(cells[cells["day"] == day], 5) for day in cells["day"].unique()])
    pd.testing.assert_frame_equal(whole.reset_index(drop=True), by_day.reset_index(drop=True))
    assert whole["stored_team"].isna().any() and whole["stored_team"].notna().any()  # both rungs occur
