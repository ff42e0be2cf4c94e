"""Sign-in that survives a reload: signed, expiring, revocable session tokens.

A successful sign-in creates a row in `app_sessions` (the account stored as a keyed digest of
the username, so the file does not say who signed in when) and gives the browser a token
`v1.<session id>.<username, base64url>.<expiry, unix seconds>.<signature>`, the signature being
HMAC-SHA256 of everything before it under a server secret that is never in the database (a file
beside it, or Streamlit secrets; see `ui.session`). A token is accepted only when its signature is
right, it has not expired, and its row is neither revoked (sign-out, `revoke_user`) nor expired;
the caller then re-reads the account, so a deactivated account is refused whatever the token says.
The token is never put in a URL. This module never imports streamlit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from etl.pseudonym import load_or_create_key
from workforce.db import SQL_DIR, default_db_path, sql

SESSIONS_SQL = SQL_DIR / "sessions"
COOKIE_NAME = "workforce_session"
SESSION_KEY_ENV = "WORKFORCE_SESSION_KEY_FILE"
DEFAULT_TTL = timedelta(hours=8)  # a working day; signing in again after that is expected
MIN_SECRET_BYTES = 32
_VERSION = "v1"


def default_secret_path(db_path: Path | None = None) -> Path:
    """The signing secret sits beside the database, never inside it (WORKFORCE_SESSION_KEY_FILE overrides)."""
    env = os.environ.get(SESSION_KEY_ENV)
    if env:
        return Path(env)
    return (db_path or default_db_path()).parent / "session.key"


def load_secret(configured: str | None = None, path: Path | None = None) -> bytes:
    """The signing secret: `configured` (e.g. from Streamlit secrets) when given, else the key file
    (created with 32 random bytes, mode 0600, on first use). ValueError when `configured` is short."""
    if configured is not None:
        secret = configured.encode("utf-8")
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"[session] secret in Streamlit secrets: at least {MIN_SECRET_BYTES} characters, "
                             f"got {len(secret)}")
        return secret
    return load_or_create_key(path or default_secret_path())


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql("create_app_sessions", SESSIONS_SQL))


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def _account(secret: bytes, username: str) -> str:
    """What the sessions table stores for an account: a keyed digest, never the username."""
    return _b64(hmac.new(secret, b"account:" + username.encode("utf-8"), hashlib.sha256).digest())


def issue(
    con: duckdb.DuckDBPyConnection,
    username: str,
    secret: bytes,
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime | None = None,
) -> str:
    """A new session for `username` (already authenticated) and its signed token."""
    ensure_table(con)
    issued = _now(now)
    expires = issued + ttl
    session_id = secrets.token_urlsafe(18)
    con.execute(sql("insert_session", SESSIONS_SQL),
                {"session_id": session_id, "account": _account(secret, username), "issued_at": issued,
                 "expires_at": expires})
    expiry = int(expires.replace(tzinfo=UTC).timestamp())
    payload = f"{_VERSION}.{session_id}.{_b64(username.encode('utf-8'))}.{expiry}"
    return f"{payload}.{_signature(secret, payload)}"


def _parse(token: str, secret: bytes) -> tuple[str, str, int] | None:
    """(session id, username, expiry) of a well-formed token with a right signature, else None."""
    parts = (token or "").split(".")
    if len(parts) != 5 or parts[0] != _VERSION:
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_signature(secret, payload), signature):
        return None
    try:
        username = _unb64(parts[2]).decode("utf-8")
        expiry = int(parts[3])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return parts[1], username, expiry


def verify(con: duckdb.DuckDBPyConnection, token: str | None, secret: bytes, *, now: datetime | None = None) -> str | None:
    """The username of a valid token (signed with `secret`, unexpired, its session live), else None.

    The caller must still load the account as active (`auth.viewer_for`)."""
    parsed = _parse(token or "", secret)
    if parsed is None:
        return None
    session_id, username, expiry = parsed
    moment = _now(now)
    if expiry <= int(moment.replace(tzinfo=UTC).timestamp()):
        return None
    ensure_table(con)
    live = con.execute(sql("live_session", SESSIONS_SQL),
                       {"session_id": session_id, "account": _account(secret, username), "now": moment}).fetchall()
    return username if live[0][0] else None


def revoke(con: duckdb.DuckDBPyConnection, token: str | None, secret: bytes, *, now: datetime | None = None) -> None:
    """End the session a (validly signed) token names, e.g. at sign-out. Other tokens are left alone."""
    parsed = _parse(token or "", secret)
    if parsed is None:
        return
    ensure_table(con)
    con.execute(sql("revoke_session", SESSIONS_SQL), {"session_id": parsed[0], "now": _now(now)})


def revoke_user(
    con: duckdb.DuckDBPyConnection, username: str, secret: bytes, *, now: datetime | None = None
) -> None:
    """End every session of an account (deactivation, password reset, a lost device)."""
    ensure_table(con)
    con.execute(sql("revoke_user_sessions", SESSIONS_SQL), {"account": _account(secret, username), "now": _now(now)})
