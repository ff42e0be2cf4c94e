"""Keyed per-wave pseudonyms for survey data, and the key that makes them.

A submission is stored under `HMAC-SHA256(secret, 'respondent-wave' ‖ wave_id ‖ employee_id)`
(lengths prefixed, so no two pairs give the same message): one person gets a different
pseudonym in every wave, so a copy of the database cannot link their answers from wave to wave.
With the secret, the analytics recompute every (wave, employee) pseudonym and re-link answers to
HR facts for the duration of an analysis (never storing the link); the app recomputes the
pseudonym of the person signed in to enforce one submission per person and wave.

The secret lives in a key file outside the database (default `pseudonym.key` beside the
database, overridden by WORKFORCE_KEY_FILE or an explicit path), 32 random bytes, mode 0600.
Its fingerprint is stored in the database (`app_meta.pseudonym_key_id`). `open_key` is the one
way the loader and the app get the key: a missing or different key file for a database that
holds survey answers stops them with recovery steps (`KeyProblem`); a new key is created only
for a database without answers. A silently replaced key would let everyone answer a wave again
(their new pseudonym matches nothing) and would link no answer in the analyses.

The loader and the app's survey form both store placement through `etl.placement`, so a
submission made in the app and one loaded from a file are stored alike.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from etl import placement
from etl.contract import tenure_band
from workforce.db import table_exists

KEY_BYTES = 32
_FINGERPRINT_MESSAGE = b"workforce-impact pseudonym key fingerprint v1"
_RESPONDENT_DOMAIN = b"respondent-wave"


class KeyProblem(Exception):
    """The key file cannot serve this database; the message says what is wrong and how to recover."""


def _field(value: str) -> bytes:
    data = value.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def respondent_key(employee_id: str, wave_id: str, key: bytes) -> str:
    """The pseudonym of one person's submission to one wave (64 hex characters)."""
    message = _RESPONDENT_DOMAIN + _field(wave_id) + _field(employee_id)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of the secret, stored in app_meta to catch a swapped or lost key file."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def load_or_create_key(path: Path) -> bytes:
    """The secret in `path`, created (32 random bytes, mode 0600) when the file does not exist.
    Use `open_key`, which refuses to create one for a database that already holds answers."""
    path = Path(path)
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        # Written whole to a private temporary file, then linked into place: a concurrent reader
        # sees no file or the complete key, never a half-written one, and os.link fails if
        # another process won the race, in which case its key is the one both use.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pseudonym-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(key)
            os.chmod(tmp, 0o600)
            try:
                os.link(tmp, path)
            except FileExistsError:
                key = path.read_bytes()
        finally:
            os.unlink(tmp)
    if len(key) < 16:
        raise KeyProblem(f"pseudonym key file {path} holds {len(key)} bytes; expected {KEY_BYTES}")
    return key


def _meta_value(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    if not table_exists(con, "app_meta"):
        return None
    rows = con.execute("SELECT value FROM app_meta WHERE key = ?", [name]).fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def stored_submissions(con: duckdb.DuckDBPyConnection) -> int:
    """How many survey submissions the database holds (0 before the survey tables exist)."""
    if not table_exists(con, "stg_survey_submissions"):
        return 0
    return int(con.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0])


_RECOVERY = (
    "To recover: put the key file this database was loaded with back at {path} (from your backup; "
    "or point WORKFORCE_KEY_FILE / --key-file at it) and start again. If that key is lost for good, "
    "move this database aside and load your data folder into a new one (`python -m etl load FOLDER "
    "--db NEW.duckdb`): answers from files are pseudonymised again under a new key, answers given in "
    "the app cannot be carried over."
)


def open_key(con: duckdb.DuckDBPyConnection, key_path: Path) -> bytes:
    """The pseudonym secret for the database `con`, checked against the fingerprint it records.

    Raises `KeyProblem` (with recovery steps) when the database holds survey answers and the key
    file is missing or is not the key they were stored under. Otherwise returns the key, creating
    it when missing, and records its fingerprint in app_meta (when that table exists).
    """
    key_path = Path(key_path)
    recorded = _meta_value(con, "pseudonym_key_id")
    answers = stored_submissions(con)
    if answers and not key_path.exists():
        raise KeyProblem(
            f"The pseudonym key file {key_path} is missing, but this database holds {answers:,} survey "
            f"submissions stored under the key with fingerprint {recorded or '(not recorded)'}. Without it "
            "nobody's earlier answers can be recognised (people could answer a wave twice) and the analyses "
            "cannot link answers. A new key is not created. " + _RECOVERY.format(path=key_path)
        )
    key = load_or_create_key(key_path)
    found = key_fingerprint(key)
    if answers and recorded != found:
        raise KeyProblem(
            f"The pseudonym key file {key_path} (fingerprint {found}) is not the key this database's "
            f"{answers:,} survey submissions were stored under (fingerprint {recorded or 'not recorded'}). "
            + _RECOVERY.format(path=key_path)
        )
    if recorded != found and table_exists(con, "app_meta"):
        con.execute("INSERT OR REPLACE INTO app_meta VALUES ('pseudonym_key_id', ?)", [found])
    return key


@dataclass(frozen=True)
class RespondentProfile:
    """What a submission stores about its respondent: a per-wave pseudonym and where they sat that
    day, generalised by `etl.placement` (None: withheld, or no assignment that day)."""

    respondent_key: str
    org: str | None
    team: str | None
    level: str | None
    tenure_band: str | None
    placed: bool  # whether the person had an assignment that day (employed)


_PROFILE_SQL = """
SELECT a.org, a.team, a.level, a.hire_date
FROM int_assignments AS a
WHERE a.employee_id = $employee_id AND a.valid_from <= $day AND (a.valid_to IS NULL OR $day < a.valid_to)
"""


def exact_org(con: duckdb.DuckDBPyConnection, employee_id: str, at: datetime | date) -> str | None:
    """The org a person belongs to on a day (None when not employed): who may answer a wave."""
    day = at.date() if isinstance(at, datetime) else at
    rows = con.execute(_PROFILE_SQL, {"employee_id": employee_id, "day": day}).fetchall()
    return rows[0][0] if rows else None


def respondent_profile(
    con: duckdb.DuckDBPyConnection, employee_id: str, wave_id: str, at: datetime | date, key: bytes, minimum: int
) -> RespondentProfile:
    """What an in-app submission to `wave_id` made on day `at` stores, exactly as the loader
    stores a file row: the per-wave pseudonym and the placement of the day generalised until
    `placement.storage_minimum(minimum)` people employed that day share it.

    Reads int_assignments; a person without an assignment that day gets only the pseudonym
    (the caller decides whether such a person may answer).
    """
    day = at.date() if isinstance(at, datetime) else at
    pseudonym = respondent_key(employee_id, wave_id, key)
    rows = con.execute(_PROFILE_SQL, {"employee_id": employee_id, "day": day}).fetchall()
    if not rows:
        return RespondentProfile(pseudonym, None, None, None, None, placed=False)
    org, team, level, hire_date = rows[0]
    cell = (org, team, level, tenure_band(hire_date, day))
    stored = placement.stored_cell(con, day, cell, placement.storage_minimum(minimum))
    return RespondentProfile(pseudonym, *stored, placed=True)
