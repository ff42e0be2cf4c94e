"""Local accounts for the embedded default: salted bcrypt hashes in the database.

Production sign-in goes through OIDC (`st.login`), which maps the signed-in email to an
account here; see docs/security.md. This module never imports streamlit.
"""

from __future__ import annotations

import bcrypt
import duckdb

from workforce import audit
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
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS app_user_scopes (
        username VARCHAR NOT NULL,
        org VARCHAR NOT NULL,
        PRIMARY KEY (username, org)
    )
    """,
]

# Demo accounts of the embedded default, documented in the README. Never used when an
# [auth] section configures single sign-on.
DEMO_PASSWORDS = {
    "admin": "admin-demo",
    "exec": "exec-demo",
    "hr": "hr-demo",
    "employee": "employee-demo",
}


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))


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
    ensure_tables(con)
    rows = con.execute(
        "SELECT password_hash FROM app_users WHERE username = ? AND active", [username.strip()]
    ).fetchall()
    if not rows or not verify_password(password, rows[0][0]):
        return None
    return viewer_for(con, username.strip())


def ensure_demo_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """Create the documented demo accounts once, after the first load.

    The HR partner supports the largest org; the employee is a person employed on the data's
    last day, so the survey form has someone real to submit as.
    """
    ensure_tables(con)
    if con.execute("SELECT count(*) FROM app_users").fetchall()[0][0] > 0:
        return
    largest_org = con.execute(
        "SELECT org FROM mart_employee_month WHERE month = (SELECT max(month) FROM mart_employee_month) "
        "GROUP BY org ORDER BY count(*) DESC, org LIMIT 1"
    ).fetchall()[0][0]
    person = con.execute(
        "SELECT e.employee_id, e.full_name, e.email FROM stg_employees e "
        "JOIN mart_employee_month m USING (employee_id) "
        "WHERE m.month = (SELECT max(month) FROM mart_employee_month) AND m.exit_date IS NULL "
        "AND m.level LIKE 'IC%' ORDER BY e.employee_id LIMIT 1"
    ).fetchall()[0]
    create_user(con, "admin", role=Role.ADMIN, password=DEMO_PASSWORDS["admin"], display_name="Demo Admin")
    create_user(con, "exec", role=Role.EXECUTIVE, password=DEMO_PASSWORDS["exec"], display_name="Demo Executive")
    create_user(
        con, "hr", role=Role.HR_PARTNER, password=DEMO_PASSWORDS["hr"],
        display_name=f"Demo HR partner ({largest_org})", orgs=[largest_org],
    )
    create_user(
        con, "employee", role=Role.EMPLOYEE, password=DEMO_PASSWORDS["employee"],
        display_name=person[1], email=person[2], employee_id=person[0],
    )


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
    if not 2 <= len(username) <= 64 or set(username) - USERNAME_CHARS:
        raise AccessChangeError("username", "Username: 2–64 characters, letters, digits and . _ - @ only.")
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
    con.execute("UPDATE app_users SET password_hash = ? WHERE username = ?", [hash_password(new_password), username])
    audit.record(con, username, "password_change", username)


def _audit(con: duckdb.DuckDBPyConnection, actor: Viewer, target: str, detail: dict) -> None:
    audit.record(con, actor.username, "admin_change", target, detail)
