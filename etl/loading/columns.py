"""What the loader needs to know about a contract column, read from its pandera model: the DuckDB
type it is stored as, whether it is required, and how a cell of the source becomes that type.

Typing is done in SQL, once, for both validation engines, so that a value the database would
store differently from what pandas would parse can never slip through: the cast that
validates is the cast that loads.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

from etl.schemas import SCHEMAS

# Dates outside this window are almost always typos (0202 for 2020) and would also overflow
# pandas' nanosecond timestamps, so both engines reject them as "not a date".
FIRST_PLAUSIBLE_DAY = "1900-01-01"
LAST_PLAUSIBLE_DAY = "2199-12-31"

TYPE_RULES: dict[str, tuple[str, str]] = {
    # sql type: (rule id, what the cell must be)
    "DATE": ("type(date)", "must be a date written YYYY-MM-DD (years 1900-2199)"),
    "TIMESTAMP": (
        "type(timestamp)",
        "must be an ISO 8601 timestamp, e.g. 2026-03-04T09:30:00 or with an offset (+02:00); no offset means UTC",
    ),
    "BIGINT": ("type(integer)", "must be a whole number"),
    "DOUBLE": ("type(decimal)", "must be a finite number"),
    "BOOLEAN": ("type(boolean)", "must be true or false"),
}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    sql_type: str  # VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE or TIMESTAMP
    required: bool

    @property
    def typed(self) -> bool:
        """A column whose cells can fail to parse (everything but text)."""
        return self.sql_type != "VARCHAR"

    @property
    def bad_flag(self) -> str:
        """Name of the scratch column that marks cells given but not parseable as this type."""
        return f"_bad_{self.name}"


def _sql_type(column: pa.Column) -> str:
    dtype = str(column.dtype)
    if dtype.startswith("datetime64"):
        return (column.metadata or {}).get("sql_type", "TIMESTAMP")
    return {"str": "VARCHAR", "Int64": "BIGINT", "float64": "DOUBLE", "boolean": "BOOLEAN"}[dtype]


def column_specs(table: str) -> list[ColumnSpec]:
    schema = SCHEMAS[table].to_schema()
    return [ColumnSpec(name, _sql_type(col), not col.nullable) for name, col in schema.columns.items()]


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_text(source_type: str) -> bool:
    return source_type.upper() in ("VARCHAR", "TEXT", "STRING") or source_type.upper().startswith("VARCHAR")


def cast_sql(spec: ColumnSpec, source: str, source_type: str) -> tuple[str, str]:
    """(typed value, "a value was given") SQL expressions for one source column.

    Blank text cells count as empty. Integers accept "12" and "12.0" (exports from pandas write
    nullable integers as floats) but never round "12.5"; booleans accept true/false, t/f, 1/0
    and yes/no in any case; timestamps with an offset are converted to UTC.
    """
    c = source
    if _is_text(source_type):
        given = f"coalesce(trim({c}) <> '', false)"
        t = f"trim({c})"
        if spec.sql_type == "VARCHAR":
            return f"CASE WHEN trim({c}) = '' THEN NULL ELSE {c} END", given
        if spec.sql_type == "BIGINT":
            value = f"CASE WHEN regexp_full_match({t}, '[+-]?[0-9]+(\\.0*)?') THEN TRY_CAST({t} AS BIGINT) END"
        elif spec.sql_type == "DOUBLE":
            value = f"CASE WHEN isfinite(TRY_CAST({t} AS DOUBLE)) THEN TRY_CAST({t} AS DOUBLE) END"
        elif spec.sql_type == "BOOLEAN":
            value = (
                f"CASE WHEN lower({t}) IN ('true', 't', '1', 'yes', 'y') THEN true "
                f"WHEN lower({t}) IN ('false', 'f', '0', 'no', 'n') THEN false END"
            )
        elif spec.sql_type == "DATE":
            value = f"CASE WHEN regexp_full_match({t}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN TRY_CAST({t} AS DATE) END"
        else:  # TIMESTAMP: parsed with its offset, kept as UTC wall time (the session runs in UTC)
            value = f"TRY_CAST(TRY_CAST({t} AS TIMESTAMPTZ) AS TIMESTAMP)"
    else:
        given = f"({c} IS NOT NULL)"
        st = source_type.upper()
        floating = st in ("FLOAT", "DOUBLE", "REAL") or st.startswith("DECIMAL")
        if spec.sql_type == "VARCHAR":
            value = f"CAST({c} AS VARCHAR)"
        elif spec.sql_type == "BIGINT" and floating:
            value = f"CASE WHEN {c} = trunc({c}) THEN TRY_CAST({c} AS BIGINT) END"
        elif spec.sql_type == "BOOLEAN" and st != "BOOLEAN":
            value = f"CASE WHEN {c} = 1 THEN true WHEN {c} = 0 THEN false END"
        elif spec.sql_type == "DATE" and st.startswith("TIMESTAMP"):
            # a date exported as a timestamp is fine at midnight; a time of day means it is not a date
            ts = f"CAST({c} AS TIMESTAMP)"
            value = f"CASE WHEN CAST({ts} AS TIME) = TIME '00:00:00' THEN CAST({ts} AS DATE) END"
        elif spec.sql_type == "DOUBLE":
            value = f"CASE WHEN isfinite(TRY_CAST({c} AS DOUBLE)) THEN TRY_CAST({c} AS DOUBLE) END"
        else:
            value = f"TRY_CAST({c} AS {spec.sql_type})"
    return value, given


def plausible_sql(spec: ColumnSpec, typed: str) -> str:
    """Keeps a parsed date or timestamp only inside the plausible window (see FIRST_PLAUSIBLE_DAY)."""
    if spec.sql_type not in ("DATE", "TIMESTAMP"):
        return typed
    return (
        f"CASE WHEN {typed} >= DATE '{FIRST_PLAUSIBLE_DAY}' AND {typed} < DATE '{LAST_PLAUSIBLE_DAY}' + 1 "
        f"THEN {typed} END"
    )
