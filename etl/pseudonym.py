"""Keyed pseudonyms for survey data: answers are stored under HMAC-SHA256(secret, employee_id).

The secret lives in a key file outside the database (default `pseudonym.key` beside the
database, overridden by WORKFORCE_KEY_FILE or an explicit path), created on first use with
32 random bytes and mode 0600. Without the file, the database alone cannot tell whose
answers are whose; with it, the analytics can re-link answers to HR facts for the duration of
an analysis (never storing the link).

The loader and the app's survey form both use these functions, so a submission made in the
app and one loaded from a file get the same keys and the same profile.
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

from etl.contract import tenure_band

KEY_BYTES = 32
_FINGERPRINT_MESSAGE = b"workforce-impact pseudonym key fingerprint v1"


def respondent_key(employee_id: str, key: bytes) -> str:
    """The pseudonym a person's survey answers are stored under (64 hex characters)."""
    return hmac.new(key, employee_id.encode("utf-8"), hashlib.sha256).hexdigest()


def manager_key(manager_id: str, key: bytes) -> str:
    """The pseudonym of a respondent's manager. Domain-separated from `respondent_key`, so the
    key a report's answers carry for their manager never equals that manager's own respondent
    key (which would link a manager's own answers to the team they run)."""
    return hmac.new(key, b"manager:" + manager_id.encode("utf-8"), hashlib.sha256).hexdigest()


def key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of the secret, stored in app_meta to catch a swapped key file."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def load_or_create_key(path: Path) -> bytes:
    """The secret in `path`, created (32 random bytes, mode 0600) when the file does not exist."""
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
        raise ValueError(f"pseudonym key file {path} holds {len(key)} bytes; expected {KEY_BYTES}")
    return key


@dataclass(frozen=True)
class RespondentProfile:
    """What a submission stores about its respondent: a pseudonym and where they sat that day."""

    respondent_key: str
    org: str | None
    team: str | None
    manager_key: str | None
    level: str | None
    tenure_band: str | None
    manager_span: int | None


_PROFILE_SQL = """
SELECT a.org, a.team, a.manager_id, a.level, a.hire_date,
       (SELECT count(*) FROM mart_assignments AS r
        WHERE r.manager_id = a.manager_id AND r.valid_from <= $day
          AND (r.valid_to IS NULL OR $day < r.valid_to)) AS manager_span
FROM mart_assignments AS a
WHERE a.employee_id = $employee_id AND a.valid_from <= $day AND (a.valid_to IS NULL OR $day < a.valid_to)
"""


def respondent_profile(
    con: duckdb.DuckDBPyConnection, employee_id: str, at: datetime | date, key: bytes
) -> RespondentProfile:
    """The profile an in-app submission made at `at` (UTC) stores, computed like the loader's.

    Reads mart_assignments; a person without an assignment that day gets a profile with only
    the pseudonym (the caller decides whether such a person may answer).
    """
    day = at.date() if isinstance(at, datetime) else at
    rows = con.execute(_PROFILE_SQL, {"employee_id": employee_id, "day": day}).fetchall()
    if not rows:
        return RespondentProfile(respondent_key(employee_id, key), None, None, None, None, None, None)
    org, team, manager_id, level, hire_date, span = rows[0]
    return RespondentProfile(
        respondent_key=respondent_key(employee_id, key),
        org=org,
        team=team,
        manager_key=manager_key(manager_id, key) if manager_id else None,
        level=level,
        tenure_band=tenure_band(hire_date, day),
        manager_span=int(span) if manager_id else None,
    )
