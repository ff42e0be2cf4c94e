"""The admins' identity work: the edited identity map, vendors' member lists, a bulk mapping CSV."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.adapters import members
from etl.adapters.base import AdapterError, Problem
from etl.adapters.detect import InputFile, parse
from etl.ingest.append import bump_data_version, connect, rebuild_after_change
from etl.ingest.guards import formula_cells
from etl.loading.vendor import ensure_tables
from workforce import audit, identity
from workforce.db import transaction


def save_identity_map(con: duckdb.DuckDBPyConnection, edited: pd.DataFrame, user: str) -> int:
    """Save the admins' edited identity map, re-attribute vendor usage and rebuild what reads it.

    Returns how many identities changed mapping; raises `identity.IdentityError` (nothing saved)
    when a row is incomplete or names an unknown employee.
    """
    changed = identity.replace_map(con, edited, user=user)
    if changed:
        ensure_tables(con)
        identity.apply_mapping(con)
        bump_data_version(con, user)
        rebuild_after_change(con)
        audit.record(con, user, "admin_change", "app_identity_map", {"identities_changed": changed})
    return changed


@dataclass
class MembersReport:
    ok: bool
    message: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=["file", "row", "column", "rule", "value"])


def import_member_lists(files: Iterable[InputFile | Path | str], db: duckdb.DuckDBPyConnection | Path | str, *,
                        user: str) -> MembersReport:
    """Import vendors' member lists (etl/adapters/members.py) into the identity directory, then
    map every vendor id whose listed email (or its owner's) is an employee's. All or nothing."""
    inputs = [f if isinstance(f, InputFile) else InputFile.from_path(f) for f in files]
    con, owned = connect(db)
    try:
        frames, problems = [], []
        for file in inputs:
            parsed, file_problems = parse(file)
            if parsed is None:
                problems += file_problems
                continue
            try:
                frame = members.to_directory(parsed.obj, file=file.name)
            except (AdapterError, KeyError) as exc:
                problems.append(Problem(file.name, None, "(file)", str(exc).strip("'"), ""))
                continue
            problems += formula_cells(file.name, frame.select_dtypes("object"), row_offset=None)
            frames.append(frame)
        if problems:
            return MembersReport(False, f"Rejected: {len(problems)} problem(s); nothing was imported.",
                                 problems=problems)
        ensure_tables(con)
        with transaction(con):
            rows = sum(identity.store_directory(con, frame, user=user) for frame in frames)
            identity.apply_mapping(con)
            bump_data_version(con, user)
        rebuild_after_change(con)
        audit.record(con, user, "admin_change", "app_identity_directory",
                     {"files": [f.name for f in inputs], "rows": rows})
        share = identity.mapped_share(con)
        mapped, seen = int(share["mapped"].sum()), int(share["identities"].sum())
        return MembersReport(True, f"{rows:,} member-list entries imported; {mapped:,} of {seen:,} vendor "
                             "identities now map to an employee.", rows)
    finally:
        if owned:
            con.close()


def import_identity_map_csv(con: duckdb.DuckDBPyConnection, data: bytes, user: str, *, file: str = "upload") -> int:
    """Bulk mapping: a CSV of identity_kind, identity, employee_id laid over the identity map,
    all or nothing (identity.IdentityError names every bad line). Returns identities changed."""
    parsed, problems = parse(InputFile(file, data))
    if parsed is None or not isinstance(parsed.obj, pd.DataFrame):
        raise identity.IdentityError("; ".join(map(str, problems)) or f"{file}: not a CSV file")
    formula = formula_cells(file, parsed.obj, row_offset=2)
    if formula:
        raise identity.IdentityError("; ".join(map(str, formula[:5])))
    return save_identity_map(con, identity.merge_map_csv(con, parsed.obj, file=file), user)

