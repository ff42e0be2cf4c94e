"""Accounts and sign-in, attacked: demo accounts on real data, a first-run admin, guessing
passwords, telling known usernames from unknown ones by time, very long usernames and
passwords. Each test failed on the code before these defences."""

from __future__ import annotations

import re
import statistics
import time
from datetime import datetime, timedelta

import bcrypt
import duckdb
import pytest

from tests.apptest import app_as, assert_no_exception, query_db
from ui import session
from workforce import auth


def _sign_in(at, username: str, password: str):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()


def _messages(at) -> str:
    return " ".join(str(e.value) for kind in ("error", "warning", "info", "success") for e in at.get(kind))


def _as_real_data(path) -> None:
    """The same database as if it had been loaded from a company's own export, not sample_data/."""
    con = duckdb.connect(str(path))
    con.execute("UPDATE app_meta SET value = '/srv/hr-export/2026-11' WHERE key = 'source'")
    con.close()


# ------------------------------------------------------------------------------------ finding 6


def test_demo_accounts_retire_on_real_data_and_a_first_admin_gets_a_one_time_password(app_db, capfd):
    """The sample's demo accounts (known passwords, an employee linked to a person) stop working
    once the loaded data is not the bundled sample; the admin created in their place has a random
    password shown in the terminal only (never in the audit log), which must be changed first."""
    _as_real_data(app_db)
    at = app_as(None)
    assert_no_exception(at)
    for username, password in auth.DEMO_PASSWORDS.items():
        _sign_in(at, username, password)
        assert "username" not in at.session_state, username
    assert query_db(app_db, "SELECT username FROM app_users WHERE employee_id IS NOT NULL AND active") == []
    printed = capfd.readouterr()
    found = re.search(r"username: (\S+)\s+one-time password: (\S+)", printed.out + printed.err)
    assert found, "the first admin's one-time password is printed in the terminal"
    username, password = found.groups()
    audit = " ".join(str(r) for r in query_db(app_db, "SELECT * FROM app_audit_log"))
    assert password not in audit
    signed = _sign_in(at, username, password)
    assert_no_exception(signed)
    assert signed.session_state["username"] == username
    # the admin must choose a new password before anything else
    assert "Choose a new password" in " ".join(str(e.value) for e in signed.get("subheader")), _messages(signed)
    assert not signed.dataframe
    session._start_checked.clear()  # a second start (a new process) prints nothing new
    app_as(None)
    assert "one-time password" not in (lambda o: o.out + o.err)(capfd.readouterr())


def test_demo_accounts_on_other_data_only_when_asked_and_linked_to_nobody(app_db, monkeypatch):
    _as_real_data(app_db)
    con = duckdb.connect(str(app_db))
    con.execute("DELETE FROM app_users")
    con.execute("DELETE FROM app_user_scopes")
    con.close()
    monkeypatch.setenv(auth.DEMO_ENV, "1")  # explicitly asked for: demo accounts, linked to nobody
    assert_no_exception(app_as(None))
    con = duckdb.connect(str(app_db))
    assert auth.authenticate(con, "admin", "admin-demo") is not None
    assert auth.authenticate(con, "employee", "employee-demo") is None  # it would be a real person
    assert con.execute("SELECT count(*) FROM app_users WHERE employee_id IS NOT NULL").fetchall()[0][0] == 0
    con.close()


# ------------------------------------------------------------------------------------ finding 8


def test_guessing_a_password_is_locked_out(app_db, monkeypatch):
    monkeypatch.setattr(auth, "FREE_FAILURES_PER_USERNAME", 2)  # fewer bcrypt checks; the rule is the same
    at = app_as(None)
    for i in range(auth.FREE_FAILURES_PER_USERNAME + 1):
        _sign_in(at, "admin", f"guess-{i}")
        assert "username" not in at.session_state
    _sign_in(at, "admin", "admin-demo")  # the right password, during the lockout
    assert_no_exception(at)
    assert "username" not in at.session_state
    assert "Too many failed sign-ins" in _messages(at)
    # an unknown username is locked the same way: the lockout tells nothing about who exists
    for i in range(auth.FREE_FAILURES_PER_USERNAME + 2):
        _sign_in(at, "nobody-here", f"guess-{i}")
    assert "Too many failed sign-ins" in _messages(at)


def test_back_off_doubles_then_expires_and_counts_per_address(writable_db, monkeypatch):
    monkeypatch.setattr(auth, "FREE_FAILURES_PER_USERNAME", 2)  # fewer bcrypt checks; the rule is the same
    monkeypatch.setattr(auth, "FREE_FAILURES_PER_ADDRESS", 3)
    con = duckdb.connect(str(writable_db))
    t0 = datetime(2026, 11, 1, 9, 0, 0)
    free = auth.FREE_FAILURES_PER_USERNAME
    for i in range(free):
        assert auth.sign_in(con, "exec", "wrong", now=t0 + timedelta(seconds=i)).status == "failed"
    first = auth.sign_in(con, "exec", "wrong", now=t0 + timedelta(seconds=free))
    second_try = auth.sign_in(con, "exec", "exec-demo", now=t0 + timedelta(seconds=free + 1))
    assert first.status == "failed" and second_try.status == "locked"
    wait = second_try.retry_after
    later = t0 + timedelta(seconds=free + 1) + wait
    assert auth.sign_in(con, "exec", "wrong", now=later).status == "failed"  # back-off over, one more failure
    locked_again = auth.sign_in(con, "exec", "exec-demo", now=later + timedelta(seconds=1))
    assert locked_again.status == "locked" and locked_again.retry_after > wait  # doubled
    ok = auth.sign_in(con, "exec", "exec-demo", now=later + timedelta(hours=2))
    assert ok.status == "ok" and ok.viewer.username == "exec"
    # one address trying many usernames is slowed down too
    for i in range(auth.FREE_FAILURES_PER_ADDRESS + 1):
        auth.sign_in(con, f"user{i}", "wrong", address="203.0.113.9", now=t0)
    assert auth.sign_in(con, "hr", "hr-demo", address="203.0.113.9", now=t0).status == "locked"
    assert auth.sign_in(con, "hr", "hr-demo", address="198.51.100.4", now=t0).status == "ok"
    con.close()


def _seconds(con, username: str, password: str) -> float:
    started = time.perf_counter()
    auth.authenticate(con, username, password)
    return time.perf_counter() - started


def test_sign_in_time_does_not_tell_whether_a_username_exists(writable_db, monkeypatch):
    con = duckdb.connect(str(writable_db))
    auth.authenticate(con, "admin", "warm-up")
    # The same work either way: one bcrypt check against a hash of the same cost.
    checks: list[bytes] = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        checks.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
    auth.authenticate(con, "admin", "not-the-password")
    known_checks = list(checks)
    checks.clear()
    auth.authenticate(con, "no-such-user-x", "not-the-password")
    assert len(known_checks) == len(checks) == 1
    assert known_checks[0][:7] == checks[0][:7]  # the same algorithm and cost ($2b$12$)
    monkeypatch.undo()
    # And in time: medians of interleaved checks (a busy machine slows both alike). Before the
    # dummy hash an unknown name answered ~200 times faster; the bounds leave room for a loaded CI.
    known, unknown = [], []
    for i in range(5):
        known.append(_seconds(con, "admin", f"not-the-password-{i}"))
        unknown.append(_seconds(con, "no-such-user-x", f"not-the-password-{i}"))
    con.close()
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert known_median > 0.01  # a real password hash was checked
    assert 0.5 < unknown_median / known_median < 2.0, (known, unknown)


def test_long_usernames_and_passwords(app_db):
    at = _sign_in(app_as(None), "u" * 10_000, "x")
    assert_no_exception(at)
    stored = query_db(app_db, "SELECT max(length(username)) FROM app_audit_log WHERE action = 'sign_in_failed'")[0][0]
    assert stored <= auth.MAX_USERNAME + 1
    at = _sign_in(app_as(None), "admin", "p" * 100)  # over bcrypt's 72 bytes: a failure, not a crash
    assert_no_exception(at)
    assert "username" not in at.session_state
    assert _sign_in(app_as(None), "admin", "p" * (auth.MAX_PASSWORD + 1)).exception == []
    con = duckdb.connect(str(app_db))
    admin = auth.viewer_for(con, "admin")
    long_password = "correct horse battery staple " * 4  # 116 bytes: every byte counts
    auth.reset_password(con, admin, "exec", long_password)
    assert auth.authenticate(con, "exec", long_password) is not None
    assert auth.authenticate(con, "exec", long_password[:72]) is None
    assert auth.authenticate(con, "hr", "hr-demo") is not None  # hashes made before still verify
    with pytest.raises(auth.AccessChangeError, match="at most"):
        auth.reset_password(con, admin, "exec", "p" * (auth.MAX_PASSWORD + 1))
    con.close()
