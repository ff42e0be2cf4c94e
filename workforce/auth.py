"""Local accounts for the embedded default: salted bcrypt hashes in the database.

Production sign-in goes through OIDC (`st.login`), which maps the signed-in email to an
account here; see docs/security.md. This module never imports streamlit.

Sign-in (`sign_in`) is throttled per username and per client address with exponential
back-off, checks a dummy hash for unknown usernames so that the time taken does not tell
whether an account exists, and caps the length of what it reads. Passwords are hashed as
bcrypt over base64(SHA-256(password)) (marked `sha256$`), so every byte of a long password
counts; hashes made before (plain bcrypt) still verify and are upgraded at the next sign-in.

Demo accounts exist only with the bundled sample data (or when `WORKFORCE_DEMO=1` asks for
them); on any other data they are retired, and a first admin gets a one-time random password
that the caller prints in the terminal (`ensure_start_accounts`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
import duckdb

from workforce import audit
from workforce.db import SAMPLE_DATA_DIR, meta
from workforce.viewer import Role, Viewer, all_orgs, require_role

DDL = [
    """
    CREATE TABLE IF NOT EXISTS app_users (
        username VARCHAR PRIMARY KEY,
        email VARCHAR,
        display_name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        password_hash VARCHAR,        -- NULL for accounts that sign in through OIDC only
        employee_id VARCHAR,          -- links an account to a person (survey form, own scope)
        active BOOLEAN NOT NULL DEFAULT true,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        must_change_password BOOLEAN NOT NULL DEFAULT false  -- a one-time password was handed out
    )
    """,
    # accounts tables made before the column existed
    "ALTER TABLE app_users ADD COLUMN IF NOT EXISTS must_change_password BOOLEAN DEFAULT false",
    """
    CREATE TABLE IF NOT EXISTS app_user_scopes (
        username VARCHAR NOT NULL,
        org VARCHAR NOT NULL,
        PRIMARY KEY (username, org)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS app_sign_in_throttle (
        kind VARCHAR NOT NULL,          -- 'username' or 'address'
        "key" VARCHAR NOT NULL,         -- the username (lower case, at most MAX_USERNAME) or client address
        failures INTEGER NOT NULL,      -- consecutive failures (a success resets a username's count)
        last_failure_at TIMESTAMP NOT NULL,
        locked_until TIMESTAMP,
        PRIMARY KEY (kind, "key")
    )
    """,
]

# Length limits of what sign-in reads. Usernames are created with at most 64 characters.
MAX_USERNAME = 64
MAX_PASSWORD = 256
# Back-off: this many failures are free, then each failure locks for twice as long as the one
# before (BACKOFF_BASE, 2×, 4×, ... at most BACKOFF_MAX). An address (many users may share one
# behind a proxy) gets more free failures. Counts are forgotten FORGET_AFTER after the last failure.
FREE_FAILURES_PER_USERNAME = 5
FREE_FAILURES_PER_ADDRESS = 20
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
FORGET_AFTER = timedelta(hours=24)
_PREHASH = "sha256$"  # marks a hash of base64(sha256(password)); plain bcrypt hashes have no prefix

# Demo accounts of the embedded default, documented in the README. Never used when an
# [auth] section configures single sign-on.
DEMO_ENV = "WORKFORCE_DEMO"
DEMO_PASSWORDS = {
    "admin": "admin-demo",
    "exec": "exec-demo",
    "hr": "hr-demo",
    "employee": "employee-demo",
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def _prehash(password: str) -> bytes:
    """44 bytes whatever the password's length: bcrypt reads at most 72."""
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    return _PREHASH + bcrypt.hashpw(_prehash(password), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    if password_hash.startswith(_PREHASH):
        return bcrypt.checkpw(_prehash(password), password_hash[len(_PREHASH):].encode("ascii"))
    raw = password.encode("utf-8")
    if len(raw) > 72:  # a plain bcrypt hash was made from at most 72 bytes: it cannot match
        bcrypt.checkpw(raw[:72], password_hash.encode("ascii"))  # the same work as a real check
        return False
    return bcrypt.checkpw(raw, password_hash.encode("ascii"))


@functools.cache
def _dummy_hash() -> str:
    """Checked for unknown usernames so that they take as long as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def create_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    *,
    role: Role,
    password: str | None,
    display_name: str,
    email: str | None = None,
    employee_id: str | None = None,
    orgs: list[str] | None = None,
) -> None:
    ensure_tables(con)
    con.execute(
        "INSERT INTO app_users (username, email, display_name, role, password_hash, employee_id) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [username, email, display_name, str(role), hash_password(password) if password else None, employee_id],
    )
    for org in orgs or []:
        con.execute("INSERT INTO app_user_scopes VALUES (?, ?)", [username, org])


def viewer_for(con: duckdb.DuckDBPyConnection, username: str) -> Viewer | None:
    """The Viewer of an active account, with its scope read from the database."""
    rows = con.execute(
        "SELECT username, role, employee_id, display_name FROM app_users WHERE username = ? AND active",
        [username],
    ).fetchall()
    if not rows:
        return None
    name, role, employee_id, display_name = rows[0]
    orgs = con.execute("SELECT org FROM app_user_scopes WHERE username = ?", [name]).fetchall()
    return Viewer(
        username=name,
        role=Role(role),
        orgs=frozenset(o for (o,) in orgs),
        employee_id=employee_id,
        display_name=display_name,
    )


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str) -> Viewer | None:
    """The Viewer when the password matches an active account with a local password, else None.

    An unknown, inactive or single-sign-on-only username checks a dummy hash, so all failures
    take the time of one bcrypt check. Over-long input fails without reading the database.
    No throttling or audit here: `sign_in` adds both.
    """
    ensure_tables(con)
    username = (username or "").strip()
    password = password or ""
    if len(username) > MAX_USERNAME or len(password) > MAX_PASSWORD:
        verify_password("", _dummy_hash())
        return None
    rows = con.execute(
        "SELECT password_hash FROM app_users WHERE username = ? AND active", [username]
    ).fetchall()
    stored = rows[0][0] if rows and rows[0][0] else None
    if not verify_password(password, stored or _dummy_hash()) or stored is None:
        return None
    if not stored.startswith(_PREHASH):  # upgrade a hash made before the SHA-256 step
        con.execute("UPDATE app_users SET password_hash = ? WHERE username = ?", [hash_password(password), username])
    return viewer_for(con, username)


def audit_username(username: str | None) -> str:
    """What the audit log keeps of a typed username: one line, at most MAX_USERNAME characters."""
    text = " ".join((username or "").split()) or "(blank)"
    return text if len(text) <= MAX_USERNAME else text[:MAX_USERNAME] + "…"


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: `status` ok, failed or locked; `message` for the form."""

    status: str
    viewer: Viewer | None = None
    retry_after: timedelta = timedelta(0)

    @property
    def message(self) -> str:
        if self.status == "ok":
            return "Signed in."
        if self.status == "locked":
            seconds = max(1, int(self.retry_after.total_seconds() + 0.999))
            return f"Too many failed sign-ins: try again in {seconds} seconds."
        return "Unknown username or wrong password."


def _throttle_keys(username: str, address: str | None) -> list[tuple[str, str, int]]:
    keys = [("username", audit_username(username).lower(), FREE_FAILURES_PER_USERNAME)]
    if address:  # None: a local connection (Streamlit gives no address for localhost)
        keys.append(("address", address[:64], FREE_FAILURES_PER_ADDRESS))
    return keys


def _locked_until(con: duckdb.DuckDBPyConnection, keys, now: datetime) -> datetime | None:
    latest = None
    for kind, key, _free in keys:
        rows = con.execute(
            'SELECT locked_until, last_failure_at FROM app_sign_in_throttle WHERE kind = ? AND "key" = ?', [kind, key]
        ).fetchall()
        if rows and rows[0][0] is not None and rows[0][0] > now and now - rows[0][1] < FORGET_AFTER:
            latest = max(latest or rows[0][0], rows[0][0])
    return latest


def _record_failure(con: duckdb.DuckDBPyConnection, keys, now: datetime) -> None:
    for kind, key, free in keys:
        rows = con.execute(
            'SELECT failures, last_failure_at FROM app_sign_in_throttle WHERE kind = ? AND "key" = ?', [kind, key]
        ).fetchall()
        failures = 1 if not rows or now - rows[0][1] >= FORGET_AFTER else rows[0][0] + 1
        locked = None
        if failures > free:
            locked = now + min(BACKOFF_BASE * 2 ** min(failures - free - 1, 20), BACKOFF_MAX)
        con.execute(
            'INSERT OR REPLACE INTO app_sign_in_throttle (kind, "key", failures, last_failure_at, locked_until) '
            "VALUES (?, ?, ?, ?, ?)", [kind, key, failures, now, locked],
        )


def sign_in(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> SignIn:
    """Check a local sign-in with back-off per username and per address; audited.

    While a username or an address is locked, no password is checked (the right one neither),
    and the answer is the same for known and unknown usernames.
    """
    ensure_tables(con)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    keys = _throttle_keys(username, address)
    detail = {"address": address} if address else None
    locked = _locked_until(con, keys, now)
    if locked is not None:
        audit.record(con, audit_username(username), "sign_in_locked", None, detail)
        return SignIn("locked", retry_after=locked - now)
    viewer = authenticate(con, username, password)
    if viewer is None:
        _record_failure(con, keys, now)
        audit.record(con, audit_username(username), "sign_in_failed", None, detail)
        return SignIn("failed")
    con.execute("DELETE FROM app_sign_in_throttle WHERE kind = 'username' AND \"key\" = ?", [keys[0][1]])
    audit.record(con, audit.actor(viewer), "sign_in", None, detail)
    return SignIn("ok", viewer)


def sample_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the loaded data is the bundled sample: the loader records the folder it read
    (`app_meta.source`), and only sample_data/ of this checkout counts."""
    return meta(con).get("source") == str(SAMPLE_DATA_DIR.resolve())


def demo_requested() -> bool:
    """Demo accounts asked for explicitly (`WORKFORCE_DEMO=1`), e.g. to show the app on other data."""
    return os.environ.get(DEMO_ENV, "").strip().lower() in ("1", "true", "yes")


def ensure_demo_accounts(con: duckdb.DuckDBPyConnection, *, synthetic_data: bool = False) -> None:
    """Create the documented demo accounts once, on an empty accounts table, and only with the
    bundled sample, when `WORKFORCE_DEMO=1` asks for them, or when the caller states that the
    data are generated (`synthetic_data`, e.g. the company-scale benchmark).

    The HR partner supports the largest org. With the sample (or stated synthetic data), the
    employee is a generated person employed on the data's last day, so the survey form has
    someone to submit as; on other data there is no employee account: it would be a real person.
    """
    ensure_tables(con)
    sample = sample_loaded(con) or synthetic_data
    if not (sample or demo_requested()):
        return
    if con.execute("SELECT count(*) FROM app_users").fetchall()[0][0] > 0:
        return
    largest_org = con.execute(
        "SELECT org FROM mart_employee_month WHERE month = (SELECT max(month) FROM mart_employee_month) "
        "GROUP BY org ORDER BY count(*) DESC, org LIMIT 1"
    ).fetchall()[0][0]
    create_user(con, "admin", role=Role.ADMIN, password=DEMO_PASSWORDS["admin"], display_name="Demo Admin")
    create_user(con, "exec", role=Role.EXECUTIVE, password=DEMO_PASSWORDS["exec"], display_name="Demo Executive")
    create_user(
        con, "hr", role=Role.HR_PARTNER, password=DEMO_PASSWORDS["hr"],
        display_name=f"Demo HR partner ({largest_org})", orgs=[largest_org],
    )
    if not sample:
        return
    person = con.execute(
        "SELECT e.employee_id, e.full_name, e.email FROM stg_employees e "
        "JOIN mart_employee_month m USING (employee_id) "
        "WHERE m.month = (SELECT max(month) FROM mart_employee_month) AND m.exit_date IS NULL "
        "AND m.level LIKE 'IC%' ORDER BY e.employee_id LIMIT 1"
    ).fetchall()[0]
    create_user(
        con, "employee", role=Role.EMPLOYEE, password=DEMO_PASSWORDS["employee"],
        display_name=person[1], email=person[2], employee_id=person[0],
    )


def retire_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """On data other than the sample (and without WORKFORCE_DEMO=1): every account that still
    signs in with its documented demo password is deactivated, loses that password and its link
    to a person. Returns the usernames retired (audited)."""
    ensure_tables(con)
    if sample_loaded(con) or demo_requested():
        return []
    rows = con.execute(
        "SELECT username, password_hash FROM app_users WHERE list_contains(?, username) AND password_hash IS NOT NULL",
        [sorted(DEMO_PASSWORDS)],
    ).fetchall()
    retired = [u for u, h in rows if verify_password(DEMO_PASSWORDS[u], h)]
    for username in retired:
        con.execute("UPDATE app_users SET active = false, password_hash = NULL, employee_id = NULL WHERE username = ?",
                    [username])
        audit.record(con, "system", "admin_change", username,
                     {"change": "demo account retired: the loaded data is not the bundled sample"})
    return retired


def ensure_first_admin(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """When no active admin exists (real data, first start): an admin with a one-time random
    password that must be changed at the first sign-in. Returns (username, password) for the
    caller to print in the terminal; the password is never stored in clear nor audited."""
    ensure_tables(con)
    if _active_admins(con):
        return None
    password = secrets.token_urlsafe(15)
    taken = {u for (u,) in con.execute("SELECT username FROM app_users").fetchall()}
    username = next(u for u in ("admin", *(f"admin{i}" for i in range(2, 1000))) if u not in taken)
    create_user(con, username, role=Role.ADMIN, password=password, display_name="First admin")
    con.execute("UPDATE app_users SET must_change_password = true WHERE username = ?", [username])
    audit.record(con, "system", "admin_change", username,
                 {"change": "first admin created with a one-time password (shown in the terminal)"})
    return username, password


def ensure_start_accounts(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """What the app runs at start for each loaded data version: demo accounts with the sample,
    demo accounts retired on other data, and a first admin if none is left. Returns the first
    admin's (username, one-time password) when one was just created, else None."""
    ensure_demo_accounts(con)
    retire_demo_accounts(con)
    if sample_loaded(con) or demo_requested():
        return None
    return ensure_first_admin(con)


def must_change_password(con: duckdb.DuckDBPyConnection, username: str) -> bool:
    ensure_tables(con)
    rows = con.execute("SELECT must_change_password FROM app_users WHERE username = ?", [username]).fetchall()
    return bool(rows and rows[0][0])


# ---------------------------------------------------------------------------------------------
# Single sign-on: the signed-in email names an account (or a person, who gets an employee account)

EMPLOYEE_LINK_SQL = (
    "SELECT e.employee_id, e.full_name, e.email FROM stg_employees e "
    "WHERE lower(e.email) = lower(?) "
    "AND NOT EXISTS (SELECT 1 FROM stg_exits x WHERE x.employee_id = e.employee_id AND x.exit_date <= current_date)"
)


def viewer_for_email(con: duckdb.DuckDBPyConnection, email: str | None) -> Viewer | None:
    """The Viewer for an OIDC-verified email: the active account with that email, else a new
    employee account for the current employee with that email, else None (no access).

    Roles other than employee are never granted by sign-in: an admin grants them on the Access page.
    """
    ensure_tables(con)
    email = (email or "").strip()
    if "@" not in email:
        return None
    rows = con.execute(
        "SELECT username, active FROM app_users WHERE lower(email) = lower(?) ORDER BY username", [email]
    ).fetchall()
    if rows:
        username, active = rows[0]
        return viewer_for(con, username) if active else None
    person = con.execute(EMPLOYEE_LINK_SQL, [email]).fetchall() if _has_employees(con) else []
    if not person:
        return None
    employee_id, full_name, person_email = person[0]
    username = person_email.lower()
    create_user(con, username, role=Role.EMPLOYEE, password=None, display_name=full_name,
                email=person_email, employee_id=employee_id)
    audit.record(con, "system", "admin_change", username, {"change": "account created at first sign-in",
                                                          "role": str(Role.EMPLOYEE)})
    return viewer_for(con, username)


def _has_employees(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('stg_employees', 'stg_exits')"
    ).fetchall()[0][0] == 2)


# ---------------------------------------------------------------------------------------------
# Administration: accounts, roles, scopes, passwords. Every change is checked and audited here,
# on the server, whatever page calls it.

MIN_PASSWORD = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class AccessChangeError(ValueError):
    """An account change that was refused; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _require_admin(actor: Viewer) -> None:
    require_role(actor, Role.ADMIN)


def list_accounts(con: duckdb.DuckDBPyConnection, actor: Viewer):
    """Every account with its role, scope and whether it has a local password (never the hash)."""
    _require_admin(actor)
    ensure_tables(con)
    return con.execute(
        "SELECT u.username, u.display_name, u.email, u.role, "
        "coalesce(list_sort(list(s.org) FILTER (WHERE s.org IS NOT NULL)), []) AS orgs, "
        "u.employee_id, u.active, u.password_hash IS NOT NULL AS local_password "
        "FROM app_users u LEFT JOIN app_user_scopes s USING (username) "
        "GROUP BY ALL ORDER BY u.username"
    ).df()


def _check_password(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccessChangeError(field, f"Password: at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccessChangeError(field, f"Password: at most {MAX_PASSWORD} characters.")


def _known_orgs(con: duckdb.DuckDBPyConnection) -> set[str]:
    try:
        return set(all_orgs(con))
    except duckdb.CatalogException:
        return set()


def _check_role_scope(con: duckdb.DuckDBPyConnection, role: str, orgs: list[str]) -> Role:
    try:
        parsed = Role(role)
    except ValueError:
        raise AccessChangeError("role", f"Role: {role!r} is not one of {', '.join(r.value for r in Role)}.") from None
    if parsed == Role.HR_PARTNER and not orgs:
        raise AccessChangeError("orgs", "Orgs: an HR partner needs at least one org.")
    unknown = sorted(set(orgs) - _known_orgs(con))
    if unknown:
        raise AccessChangeError("orgs", f"Orgs: unknown org(s): {', '.join(unknown)}.")
    return parsed


def create_account(
    con: duckdb.DuckDBPyConnection,
    actor: Viewer,
    *,
    username: str,
    display_name: str,
    role: str,
    password: str | None,
    email: str | None = None,
    employee_id: str | None = None,
    orgs: list[str] | None = None,
) -> None:
    """A new account. Without a password it signs in through single sign-on only."""
    _require_admin(actor)
    ensure_tables(con)
    username = (username or "").strip().lower()
    if not 2 <= len(username) <= MAX_USERNAME or set(username) - USERNAME_CHARS:
        raise AccessChangeError("username", f"Username: 2–{MAX_USERNAME} characters, letters, digits and . _ - @ only.")
    if con.execute("SELECT count(*) FROM app_users WHERE username = ?", [username]).fetchall()[0][0]:
        raise AccessChangeError("username", f"Username: {username!r} is taken.")
    if not (display_name or "").strip():
        raise AccessChangeError("display_name", "Display name: enter a name.")
    email = (email or "").strip() or None
    if email is not None and "@" not in email:
        raise AccessChangeError("email", "Email: must contain @.")
    if password:
        _check_password(password)
    orgs = sorted(set(orgs or []))
    parsed = _check_role_scope(con, role, orgs)
    employee_id = (employee_id or "").strip() or None
    if employee_id is not None and _has_employees(con):
        if not con.execute("SELECT count(*) FROM stg_employees WHERE employee_id = ?", [employee_id]).fetchall()[0][0]:
            raise AccessChangeError("employee_id", f"Employee id: {employee_id!r} is not in the employee data.")
    create_user(con, username, role=parsed, password=password or None, display_name=display_name.strip(),
                email=email, employee_id=employee_id, orgs=orgs if parsed == Role.HR_PARTNER else [])
    _audit(con, actor, username, {"change": "account created", "role": parsed.value, "orgs": orgs})


def _active_admins(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {u for (u,) in con.execute("SELECT username FROM app_users WHERE role = 'admin' AND active").fetchall()}


def update_access(
    con: duckdb.DuckDBPyConnection,
    actor: Viewer,
    username: str,
    *,
    role: str,
    orgs: list[str],
    active: bool,
) -> None:
    """Set an account's role, org scope and whether it may sign in. The last active admin
    cannot be demoted or deactivated (nobody could manage access afterwards)."""
    _require_admin(actor)
    ensure_tables(con)
    before = viewer_for(con, username)
    row = con.execute("SELECT role, active FROM app_users WHERE username = ?", [username]).fetchall()
    if not row:
        raise AccessChangeError("username", f"Username: no account {username!r}.")
    orgs = sorted(set(orgs))
    parsed = _check_role_scope(con, role, orgs)
    admins = _active_admins(con)
    if username in admins and admins == {username} and (parsed != Role.ADMIN or not active):
        raise AccessChangeError("role", "Role: this is the last active admin; make another admin first.")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE app_users SET role = ?, active = ? WHERE username = ?", [parsed.value, bool(active), username])
        con.execute("DELETE FROM app_user_scopes WHERE username = ?", [username])
        if parsed == Role.HR_PARTNER:
            con.executemany("INSERT INTO app_user_scopes VALUES (?, ?)", [[username, o] for o in orgs])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    _audit(con, actor, username, {
        "change": "access updated",
        "before": {"role": row[0][0], "active": row[0][1], "orgs": sorted(before.orgs) if before else []},
        "after": {"role": parsed.value, "active": bool(active), "orgs": orgs if parsed == Role.HR_PARTNER else []},
    })


def reset_password(con: duckdb.DuckDBPyConnection, actor: Viewer, username: str, new_password: str) -> None:
    """An admin sets a new local password (e.g. a temporary one to hand over)."""
    _require_admin(actor)
    _check_password(new_password)
    if not con.execute("SELECT count(*) FROM app_users WHERE username = ?", [username]).fetchall()[0][0]:
        raise AccessChangeError("username", f"Username: no account {username!r}.")
    con.execute("UPDATE app_users SET password_hash = ? WHERE username = ?", [hash_password(new_password), username])
    _audit(con, actor, username, {"change": "password reset"})


def change_password(con: duckdb.DuckDBPyConnection, username: str, old_password: str, new_password: str) -> None:
    """A signed-in person changes their own local password."""
    ensure_tables(con)
    rows = con.execute("SELECT password_hash FROM app_users WHERE username = ? AND active", [username]).fetchall()
    if not rows or not verify_password(old_password, rows[0][0]):
        raise AccessChangeError("old_password", "Current password: does not match.")
    _check_password(new_password, "new_password")
    if new_password == old_password:
        raise AccessChangeError("new_password", "New password: must differ from the current one.")
    con.execute("UPDATE app_users SET password_hash = ?, must_change_password = false WHERE username = ?",
                [hash_password(new_password), username])
    changed_by = viewer_for(con, username)
    who = audit.actor(changed_by) if changed_by is not None else username
    audit.record(con, who, "password_change", None if who == audit.EMPLOYEE_ACTOR else username)


def _audit(con: duckdb.DuckDBPyConnection, actor: Viewer, target: str, detail: dict) -> None:
    audit.record(con, actor.username, "admin_change", target, detail)
