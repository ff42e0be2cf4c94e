"""Shared fixtures: a database built from the committed sample, one load of the hand-made
contract folder, and AppTest as a given user.

Each database is built once per test process (each xdist worker builds its own copy), then
copied per test that needs to write to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load import load_folder
from tests.apptest import copy_db, point_app
from tests.fixtures.contract_folder import write_folder
from workforce import auth
from workforce.db import SAMPLE_DATA_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory) -> Path:
    """A loaded database of sample_data/ with the demo accounts. Treat as read-only."""
    folder = tmp_path_factory.mktemp("sample_db")
    db_path = folder / "workforce.duckdb"
    load_folder(SAMPLE_DATA_DIR, db_path, key_path=folder / "pseudonym.key")
    con = duckdb.connect(str(db_path))
    auth.ensure_demo_accounts(con)
    con.close()
    return db_path


@pytest.fixture(scope="session")
def contract_db(tmp_path_factory) -> Path:
    """One load of the valid contract folder of tests/fixtures/contract_folder.py, built once per
    test process; its source folder is `contract_db.parent.parent / "in"`. Treat as read-only."""
    root = tmp_path_factory.mktemp("contract_db")
    db = root / "db" / "workforce.duckdb"
    load_folder(write_folder(root / "in"), db)
    return db


@pytest.fixture
def contract_copy(contract_db, tmp_path) -> Path:
    """A private copy of that load (database and key, in tmp_path/db) a test may change; its
    source folder is copied to tmp_path/in."""
    (tmp_path / "db").mkdir()
    shutil.copytree(contract_db.parent.parent / "in", tmp_path / "in")
    return copy_db(contract_db, tmp_path / "db")


@pytest.fixture
def writable_db(sample_db_path, tmp_path) -> Path:
    """A private copy of the sample database (and its key) a test may change."""
    return copy_db(sample_db_path, tmp_path)


@pytest.fixture
def sample_con(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True)
    yield con
    con.close()


@pytest.fixture
def app_db(monkeypatch, writable_db) -> Path:
    """Point the app (AppTest runs in this process) at a private copy of the sample database."""
    return point_app(writable_db, monkeypatch)


@pytest.fixture
def company(tmp_path, monkeypatch):
    """The small hand-made company of tests/survey_helpers.py with its accounts, in a private
    database and key file."""
    from tests.survey_helpers import add_accounts, build_company

    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "pseudonym.key"))
    con = build_company(tmp_path / "workforce.duckdb")
    add_accounts(con)
    yield con
    con.close()
