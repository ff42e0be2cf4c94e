"""Local accounts for the embedded default: salted bcrypt hashes in the database.

Production sign-in goes through OIDC (`st.login`), which maps the signed-in email to an
account here; see docs/security.md. This module never imports streamlit.
"""

from __future__ import annotations

import bcrypt
import duckdb

from workforce.viewer import Role, Viewer

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
