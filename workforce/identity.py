"""Who a vendor's usage belongs to: the identity map and the report of what maps to nobody.

Vendor exports name people their own way (an email, an OpenAI user id, an Anthropic API key,
a GitHub login). `app_identity_map(identity_kind, identity, employee_id, updated_by,
updated_at)` says which employee each one is; admins edit it on the Data page. An email maps by
itself when it equals an employee's email. Usage that maps to nobody stays in
`stg_vendor_usage` with a NULL employee_id and is reported (rows, tokens, cost), never dropped;
mapping it later attributes it at once (`apply_mapping`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from workforce.db import SQL_DIR, sql, table_exists

_SQL = SQL_DIR / "identity"


def _text(name: str) -> str:
    """An identity SQL file, with the named subqueries it uses spliced in (SQL text only, no values)."""
    return sql(name, _SQL).format(
        resolved_identities=sql("resolved_identities", _SQL),
        priced_vendor_usage=sql("priced_vendor_usage", _SQL),
    ) if "{" in sql(name, _SQL) else sql(name, _SQL)


@dataclass(frozen=True)
class UnmappedSummary:
    identities: int
    usage_rows: int
    total_tokens: int
    cost_usd: float  # reported, else tokens × list price; rows with neither add nothing here
    unpriced_rows: int = 0


class IdentityError(ValueError):
    """An identity map edit that would attach usage to someone who does not exist."""


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql("ddl", _SQL))


def _has_vendor_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return all(table_exists(con, t) for t in ("stg_vendor_usage", "stg_vendor_outcomes", "stg_employees"))


def identity_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_table(con)
    return con.execute(
        "SELECT identity_kind, identity, employee_id, updated_by, updated_at FROM app_identity_map "
        "ORDER BY identity_kind, identity"
    ).df()


def set_mapping(
    con: duckdb.DuckDBPyConnection, identity_kind: str, identity: str, employee_id: str, *, user: str
) -> None:
    """Map one vendor identity to an employee (replacing any earlier mapping of it)."""
    ensure_table(con)
    identity_kind, identity, employee_id = identity_kind.strip(), identity.strip(), employee_id.strip()
    if not identity_kind or not identity or not employee_id:
        raise IdentityError("identity kind, identity and employee id are all required")
    if identity_kind == "email":
        identity = identity.lower()
    if table_exists(con, "stg_employees"):
        known = con.execute("SELECT count(*) FROM stg_employees WHERE employee_id = ?", [employee_id]).fetchall()
        if known[0][0] == 0:
            raise IdentityError(f"no employee with employee_id {employee_id!r}")
    con.execute(
        "INSERT OR REPLACE INTO app_identity_map VALUES (?, ?, ?, ?, ?)",
        [identity_kind, identity, employee_id, user, datetime.now(UTC).replace(tzinfo=None)],
    )


def remove_mapping(con: duckdb.DuckDBPyConnection, identity_kind: str, identity: str) -> None:
    ensure_table(con)
    con.execute("DELETE FROM app_identity_map WHERE identity_kind = ? AND identity = ?", [identity_kind, identity])


def replace_map(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame, *, user: str) -> int:
    """Save an edited copy of the whole map (the Data page's editor): rows added, changed, deleted.

    All-or-nothing: an unknown employee or a blank cell rejects the edit and nothing changes.
    Returns the number of identities whose mapping changed.
    """
    ensure_table(con)
    before = {(k, i): e for k, i, e in con.execute(
        "SELECT identity_kind, identity, employee_id FROM app_identity_map").fetchall()}
    after: dict[tuple[str, str], str] = {}
    for number, row in enumerate(edited.to_dict(orient="records"), start=1):
        values = [str(row.get(c) or "").strip() for c in ("identity_kind", "identity", "employee_id")]
        if not any(values):
            continue  # an empty row the editor added and left
        if not all(values):
            raise IdentityError(f"row {number}: identity kind, identity and employee id are all required")
        kind, identity, employee = values
        after[(kind, identity.lower() if kind == "email" else identity)] = employee
    if table_exists(con, "stg_employees") and after:
        known = {r[0] for r in con.execute(
            "SELECT employee_id FROM stg_employees WHERE list_contains(?, employee_id)",
            [sorted(set(after.values()))]).fetchall()}
        unknown = sorted(set(after.values()) - known)
        if unknown:
            raise IdentityError("no employee with employee_id " + ", ".join(map(repr, unknown)))
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("BEGIN TRANSACTION")
    try:
        for kind, identity in changed:
            con.execute("DELETE FROM app_identity_map WHERE identity_kind = ? AND identity = ?", [kind, identity])
            if (kind, identity) in after:
                con.execute("INSERT INTO app_identity_map VALUES (?, ?, ?, ?, ?)",
                            [kind, identity, after[(kind, identity)], user, now])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(changed)


def apply_mapping(con: duckdb.DuckDBPyConnection) -> int:
    """Re-resolve every vendor identity to its employee (after a load or a map edit).

    Returns how many usage rows changed employee. Runs inside the caller's transaction if any.
    """
    ensure_table(con)
    if not _has_vendor_tables(con):
        return 0
    before = con.execute("SELECT count(*) FROM stg_vendor_usage WHERE employee_id IS NULL").fetchall()[0][0]
    changed = con.execute(_text("apply_usage")).fetchall()
    con.execute(_text("apply_outcomes")).fetchall()
    after = con.execute("SELECT count(*) FROM stg_vendor_usage WHERE employee_id IS NULL").fetchall()[0][0]
    return int(changed[0][0]) if changed else abs(before - after)


def unmapped_usage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per identity that maps to nobody: source, kind, identity, rows, tokens, cost, days."""
    if not _has_vendor_tables(con) or not table_exists(con, "stg_model_prices"):
        return pd.DataFrame(columns=["source", "identity_kind", "identity", "usage_rows", "total_tokens",
                                     "cost_usd", "unpriced_rows", "first_day", "last_day"])
    return con.execute(_text("unmapped_usage")).df()


def unmapped_summary(con: duckdb.DuckDBPyConnection) -> UnmappedSummary:
    frame = unmapped_usage(con)
    return UnmappedSummary(
        identities=len(frame),
        usage_rows=int(frame["usage_rows"].sum()) if len(frame) else 0,
        total_tokens=int(frame["total_tokens"].sum()) if len(frame) else 0,
        cost_usd=float(frame["cost_usd"].sum()) if len(frame) else 0.0,
        unpriced_rows=int(frame["unpriced_rows"].sum()) if len(frame) else 0,
    )
