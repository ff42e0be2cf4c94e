"""Sign-in tokens: a token lets its own account back in after a reload, and nothing else does —
not a forged, altered, expired, revoked or foreign-secret token, nor one of a deactivated account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from workforce import auth, sessions
from workforce.viewer import Role, Viewer

SECRET = b"s" * 32
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
ADMIN = Viewer("root", Role.ADMIN)


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    auth.create_user(con, "root", role=Role.ADMIN, password=None, display_name="Root")
    auth.create_user(con, "ann", role=Role.EXECUTIVE, password=None, display_name="Ann")
    yield con
    con.close()


def _signed_in(con, token, now=NOW):
    username = sessions.verify(con, token, SECRET, now=now)
    return None if username is None else auth.viewer_for(con, username)


def test_a_token_brings_its_account_back_until_it_expires(con):
    token = sessions.issue(con, "ann", SECRET, ttl=timedelta(hours=8), now=NOW)
    assert _signed_in(con, token).username == "ann"
    assert _signed_in(con, token, NOW + timedelta(hours=7, minutes=59)).username == "ann"
    assert _signed_in(con, token, NOW + timedelta(hours=8)) is None


def test_forged_or_altered_tokens_are_refused(con):
    token = sessions.issue(con, "ann", SECRET, now=NOW)
    version, session_id, user, expiry, signature = token.split(".")
    as_root = ".".join([version, session_id, sessions._b64(b"root"), expiry, signature])
    later = ".".join([version, session_id, user, str(int(expiry) + 86_400), signature])
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    for bad in (as_root, later, flipped, "", "v1.x.y.z", token + ".extra", None):
        assert sessions.verify(con, bad, SECRET, now=NOW) is None, bad
    assert sessions.verify(con, token, b"another secret of 32 bytes......", now=NOW) is None


def test_a_re_signed_token_for_another_account_has_no_session(con):
    """Even with the secret, a token naming a session of another account is refused."""
    token = sessions.issue(con, "ann", SECRET, now=NOW)
    _, session_id, _, expiry, _ = token.split(".")
    payload = f"v1.{session_id}.{sessions._b64(b'root')}.{expiry}"
    assert sessions.verify(con, f"{payload}.{sessions._signature(SECRET, payload)}", SECRET, now=NOW) is None


def test_sign_out_revokes_that_session_only(con):
    phone = sessions.issue(con, "ann", SECRET, now=NOW)
    laptop = sessions.issue(con, "ann", SECRET, now=NOW)
    sessions.revoke(con, phone, SECRET, now=NOW)
    assert _signed_in(con, phone) is None
    assert _signed_in(con, laptop).username == "ann"
    sessions.revoke_user(con, "ann", SECRET, now=NOW)
    assert _signed_in(con, laptop) is None


def test_a_deactivated_account_is_refused_with_a_valid_token(con):
    token = sessions.issue(con, "ann", SECRET, now=NOW)
    auth.update_access(con, ADMIN, "ann", role="executive", orgs=[], active=False)
    assert sessions.verify(con, token, SECRET, now=NOW) == "ann"  # the token itself is fine ...
    assert _signed_in(con, token) is None  # ... the account is not


def test_secret_comes_from_a_private_file_or_a_long_configured_value(tmp_path):
    path = tmp_path / "session.key"
    first = sessions.load_secret(path=path)
    assert len(first) == 32 and sessions.load_secret(path=path) == first
    assert path.stat().st_mode & 0o077 == 0
    assert sessions.load_secret("x" * 40) == b"x" * 40
    with pytest.raises(ValueError, match="at least 32"):
        sessions.load_secret("short")
