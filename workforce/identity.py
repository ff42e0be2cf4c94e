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

from workforce.db import SQL_DIR, query, sql, table_exists

_SQL = SQL_DIR / "identity"
RESOLVED = {"resolved_identities": "resolved_identities"}  # each vendor identity's employee, if any
PRICED = {"priced_vendor_usage": "priced_vendor_usage"}  # vendor usage rows, priced


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


def store_directory(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, *, user: str) -> int:
    """Add or replace member-list rows (etl/adapters/members.py) in app_identity_directory.

    Runs inside the caller's transaction if any; returns the rows written."""
    ensure_table(con)
    if rows.empty:
        return 0
    staged = rows.assign(imported_by=user, imported_at=datetime.now(UTC).replace(tzinfo=None))
    con.register("_directory_rows", staged)
    try:
        con.execute("INSERT OR REPLACE INTO app_identity_directory SELECT identity_kind, identity, email, name, "
                    "owner_kind, owner_identity, source, imported_by, imported_at FROM _directory_rows")
    finally:
        con.unregister("_directory_rows")
    return len(staged)


MAP_COLUMNS = ("identity_kind", "identity", "employee_id")


def merge_map_csv(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, file: str = "upload") -> pd.DataFrame:
    """The identity map with a bulk CSV's rows (identity_kind, identity, employee_id) laid over it.

    Raises IdentityError naming the file, line and column of every blank cell, missing column or
    unknown employee; nothing is changed here (save the result with etl.ingest.save_identity_map).
    """
    missing = [c for c in MAP_COLUMNS if c not in frame.columns]
    if missing:
        raise IdentityError(f"{file}: missing column(s) {', '.join(missing)}; expected "
                            + ", ".join(MAP_COLUMNS))
    problems = []
    rows = frame[list(MAP_COLUMNS)].astype("object").where(frame[list(MAP_COLUMNS)].notna(), "")
    rows = rows.apply(lambda c: c.astype(str).str.strip())
    for index, row in rows.iterrows():
        for column in MAP_COLUMNS:
            if not row[column]:
                problems.append((index + 2, f"{file}: line {index + 2}, column {column}: empty"))
    if table_exists(con, "stg_employees"):
        known = {r[0] for r in con.execute(
            "SELECT employee_id FROM stg_employees WHERE list_contains(?, employee_id)",
            [sorted(set(rows["employee_id"]))]).fetchall()}
        for index, employee in rows["employee_id"].items():
            if employee and employee not in known:
                problems.append((index + 2, f"{file}: line {index + 2}, column employee_id: no employee with "
                                 f"this id ({employee!r})"))
    problems = [text for _line, text in sorted(problems)]
    if problems:
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise IdentityError("; ".join(problems[:20]) + more)
    rows.loc[rows["identity_kind"] == "email", "identity"] = rows["identity"].str.lower()
    current = identity_map(con)[list(MAP_COLUMNS)]
    merged = pd.concat([current, rows], ignore_index=True)
    return merged.drop_duplicates(["identity_kind", "identity"], keep="last").reset_index(drop=True)


def mapped_share(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per identity kind: identities seen, mapped, and by what (the admin's view of coverage)."""
    if not _has_vendor_tables(con):
        return pd.DataFrame(columns=["identity_kind", "identities", "mapped", "share_mapped"])
    ensure_table(con)  # the directory table arrived after the map: a database from before gets it here
    return query(con, "mapped_share", relations=RESOLVED, folder=_SQL).df()


def apply_mapping(con: duckdb.DuckDBPyConnection) -> int:
    """Re-resolve every vendor identity to its employee (after a load or a map edit).

    Returns how many usage rows changed employee. Runs inside the caller's transaction if any.
    """
    ensure_table(con)
    if not _has_vendor_tables(con):
        return 0
    before = con.execute("SELECT count(*) FROM stg_vendor_usage WHERE employee_id IS NULL").fetchall()[0][0]
    changed = query(con, "apply_usage", relations=RESOLVED, folder=_SQL).fetchall()
    query(con, "apply_outcomes", relations=RESOLVED, folder=_SQL).fetchall()
    after = con.execute("SELECT count(*) FROM stg_vendor_usage WHERE employee_id IS NULL").fetchall()[0][0]
    return int(changed[0][0]) if changed else abs(before - after)


def unmapped_usage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per identity that maps to nobody: source, kind, identity, rows, tokens, cost, days."""
    # the price book is built by every load and ingest (etl/pricing.py): without it nothing was ingested
    if not _has_vendor_tables(con) or not table_exists(con, "mart_price_book"):
        return pd.DataFrame(columns=["source", "identity_kind", "identity", "listed_name", "listed_email",
                                     "usage_rows", "total_tokens", "cost_usd", "unpriced_rows", "first_day",
                                     "last_day"])
    ensure_table(con)
    return query(con, "unmapped_usage", relations=PRICED, folder=_SQL).df()


def unmapped_summary(con: duckdb.DuckDBPyConnection) -> UnmappedSummary:
    frame = unmapped_usage(con)
    return UnmappedSummary(
        identities=len(frame),
        usage_rows=int(frame["usage_rows"].sum()) if len(frame) else 0,
        total_tokens=int(frame["total_tokens"].sum()) if len(frame) else 0,
        cost_usd=float(frame["cost_usd"].sum()) if len(frame) else 0.0,
        unpriced_rows=int(frame["unpriced_rows"].sum()) if len(frame) else 0,
    )
