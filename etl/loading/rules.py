"""Row-level rules of one table, from its pandera model, run by pandera or compiled to SQL.

`compile_rules(table)` turns the model into a list of `Rule`s: not-null for each required
column, every column check, every dataframe-level check and every unique key. Each rule
carries the SQL that finds the rows breaking it, so a table too big for pandas (token_usage
at company scale) is checked by DuckDB over the scan with the very same rules. Small tables
are validated by `Model.validate(df, lazy=True)` and pandera's failure cases are mapped back
onto the same rules, so both engines produce identical problems (tests run every bad-file
fixture through both).

A check this module cannot compile raises at compile time: a new rule added to a model
without its SQL twin cannot silently go unchecked on big tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
import pandera.pandas as pa
from pandera.api.checks import Check

from etl.contract import ROWS_SHOWN
from etl.loading.columns import column_specs, quote_ident
from etl.loading.problems import Problem
from etl.loading.read import ReadTable
from etl.schemas import SCHEMAS

# Tables with more rows than this are checked in SQL; pandera holds a table this size in
# pandas comfortably (about a second per 100k rows of a wide table here).
PANDERA_MAX_ROWS = 200_000


@dataclass(frozen=True)
class Rule:
    rule_id: str  # as shown in messages, e.g. "greater_than_or_equal_to(0)"
    column: str | None
    message: str
    failing_sql: str  # a predicate over the table's view: true on a row that breaks the rule
    params: tuple[Any, ...] = ()
    value_sql: str | None = None  # what to show of a failing row
    key: tuple[str, ...] = ()  # for unique rules: the key columns (checked with a GROUP BY)
    pandera_key: tuple[Any, ...] = ()  # how pandera's failure cases name this rule


def _q(name: str) -> str:
    return quote_ident(name)


def _fmt(value: Any) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


# Column checks: check name -> (rule id, message, failing SQL template, params) from statistics.
def _column_check(check: Check, column: str) -> tuple[str, str, str, tuple[Any, ...]]:
    stats = check.statistics or {}
    c = _q(column)
    name = check.name
    if name == "greater_than_or_equal_to":
        v = stats["min_value"]
        return f"{name}({_fmt(v)})", f"must be ≥ {_fmt(v)}", f"{c} < ?", (v,)
    if name == "greater_than":
        v = stats["min_value"]
        return f"{name}({_fmt(v)})", f"must be > {_fmt(v)}", f"{c} <= ?", (v,)
    if name == "less_than_or_equal_to":
        v = stats["max_value"]
        return f"{name}({_fmt(v)})", f"must be ≤ {_fmt(v)}", f"{c} > ?", (v,)
    if name == "in_range":
        lo, hi = stats["min_value"], stats["max_value"]
        lo_op = "<" if stats.get("include_min", True) else "<="
        hi_op = ">" if stats.get("include_max", True) else ">="
        return (f"in_range({_fmt(lo)}, {_fmt(hi)})", f"must be between {_fmt(lo)} and {_fmt(hi)}",
                f"({c} {lo_op} ? OR {c} {hi_op} ?)", (lo, hi))
    if name == "isin":
        allowed = tuple(stats["allowed_values"])
        return "isin", "must be one of " + ", ".join(allowed), f"NOT list_contains(?, {c})", (allowed,)
    if name == "str_contains":
        pattern = stats["pattern"]
        return f"str_contains({pattern!r})", f"must contain {pattern!r}", f"NOT regexp_matches({c}, ?)", (pattern,)
    if name == "str_length":
        hi = stats.get("max_value")
        lo = stats.get("min_value")
        if lo is None and hi is not None:
            return f"str_length(max={hi})", f"must be at most {hi:,} characters", f"length({c}) > ?", (hi,)
    if name == "is_monday":
        return "is_monday", "must be a Monday (the first day of an ISO week)", f"isodow({c}) <> 1", ()
    if name == "is_month_start":
        return "is_month_start", "must be the first day of a month", f"day({c}) <> 1", ()
    raise NotImplementedError(f"no SQL for pandera check {name!r} on column {column!r}: add it to etl.loading.rules")


def _frame_check(check: Check) -> Rule:
    stats = check.statistics or {}
    name = check.name
    if name == "not_before":
        col, ref = stats["column"], stats["reference"]
        return Rule(f"not_before({ref})", col, f"must not be before {ref}", f"{_q(col)} < {_q(ref)}",
                    value_sql=f"CAST({_q(col)} AS VARCHAR) || ' < ' || CAST({_q(ref)} AS VARCHAR)")
    if name == "not_greater_than":
        col, bound = stats["column"], stats["bound"]
        return Rule(f"not_greater_than({bound})", col, f"must not exceed {bound}", f"{_q(col)} > {_q(bound)}",
                    value_sql=f"CAST({_q(col)} AS VARCHAR) || ' > ' || CAST({_q(bound)} AS VARCHAR)")
    if name == "true_only_when":
        col, when, allowed = stats["column"], stats["when_column"], tuple(stats["allowed"])
        return Rule(
            f"true_only_when({when})", col,
            f"may be true only when {when} is " + " or ".join(allowed),
            f"{_q(col)} AND {_q(when)} IS NOT NULL AND NOT list_contains(?, {_q(when)})", (allowed,),
            value_sql=f"'{col}=' || CAST({_q(col)} AS VARCHAR) || ', {when}=' || {_q(when)}",
        )
    raise NotImplementedError(f"no SQL for dataframe check {name!r}: add it to etl.loading.rules")


def compile_rules(table: str) -> list[Rule]:
    schema = SCHEMAS[table].to_schema()
    specs = {s.name: s for s in column_specs(table)}
    rules: list[Rule] = []
    for name, column in schema.columns.items():
        spec = specs[name]
        c = _q(name)
        if not column.nullable:
            bad = f" AND NOT {_q(spec.bad_flag)}" if spec.typed else ""
            rules.append(Rule("not_null", name, "required: must not be empty", f"{c} IS NULL{bad}",
                              value_sql="NULL", pandera_key=("not_nullable", name)))
        for i, check in enumerate(column.checks):
            rule_id, message, failing, params = _column_check(check, name)
            rules.append(Rule(rule_id, name, message, f"{c} IS NOT NULL AND {failing}", params,
                              value_sql=f"CAST({c} AS VARCHAR)", pandera_key=("column_check", name, i)))
        if column.unique:
            rules.append(Rule("unique", name, "must be unique: the value appears on more than one row",
                              "", value_sql=f"CAST({c} AS VARCHAR)", key=(name,),
                              pandera_key=("field_uniqueness", name)))
    for i, check in enumerate(schema.checks):
        rule = _frame_check(check)
        rules.append(Rule(rule.rule_id, rule.column, rule.message,
                          " AND ".join(f"{_q(c)} IS NOT NULL" for c in _frame_columns(check)) + " AND " + rule.failing_sql,
                          rule.params, rule.value_sql, pandera_key=("frame_check", i)))
    if schema.unique:
        key = tuple(schema.unique)
        shown = " || ' / ' || ".join(f"CAST({_q(k)} AS VARCHAR)" for k in key)
        rules.append(Rule(f"unique({', '.join(key)})", key[0],
                          f"({', '.join(key)}) must be unique: the combination appears on more than one row",
                          "", value_sql=shown, key=key, pandera_key=("multiple_fields_uniqueness",)))
    return rules


def _frame_columns(check: Check) -> list[str]:
    stats = check.statistics or {}
    return [v for k, v in stats.items() if k in ("column", "reference", "bound", "when_column")]


def _bind(params: tuple[Any, ...]) -> list[Any]:
    """Rules keep value sets as tuples (so rules can be dict keys); DuckDB binds lists as LISTs."""
    return [list(p) if isinstance(p, tuple) else p for p in params]


# --- engines -------------------------------------------------------------------------------

Failures = dict[Rule, tuple[int, list[int]]]  # rule -> (number of failing rows, first record numbers)


def run_sql(con: duckdb.DuckDBPyConnection, read: ReadTable, rules: list[Rule]) -> Failures:
    """Every rule as SQL over the typed scratch table: one scan counts all row rules at once."""
    view = read.table
    out: Failures = {}
    row_rules = [r for r in rules if not r.key]
    if row_rules and read.rows:
        params: list[Any] = []
        for r in row_rules:
            params.extend(_bind(r.params))
        counts = con.execute(
            "SELECT " + ", ".join(f"count_if({r.failing_sql})" for r in row_rules) + f" FROM {view}", params
        ).fetchall()[0]
        for rule, n in zip(row_rules, counts, strict=True):
            if n:
                first = con.execute(
                    f"SELECT _row FROM {view} WHERE {rule.failing_sql} ORDER BY _row LIMIT ?",
                    [*_bind(rule.params), ROWS_SHOWN],
                ).fetchall()
                out[rule] = (n, [f[0] for f in first])
    for rule in (r for r in rules if r.key):
        keys = ", ".join(_q(k) for k in rule.key)
        not_null = " AND ".join(f"{_q(k)} IS NOT NULL" for k in rule.key)
        # one GROUP BY tells whether any key repeats; only then are the rows looked up
        repeated = f"SELECT {keys} FROM in_{view} WHERE {not_null} GROUP BY ALL HAVING count(*) > 1"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _dup_keys AS {repeated}")
        if con.execute("SELECT count(*) FROM _dup_keys").fetchall()[0][0]:
            con.execute(f"CREATE OR REPLACE TEMP TABLE _dups AS SELECT _row FROM {view} SEMI JOIN _dup_keys USING ({keys})")
            n = con.execute("SELECT count(*) FROM _dups").fetchall()[0][0]
            first = con.execute("SELECT _row FROM _dups ORDER BY _row LIMIT ?", [ROWS_SHOWN]).fetchall()
            out[rule] = (n, [f[0] for f in first])
            con.execute("DROP TABLE _dups")
        con.execute("DROP TABLE _dup_keys")
    return out


def run_pandera(con: duckdb.DuckDBPyConnection, read: ReadTable, rules: list[Rule]) -> tuple[Failures, list[Problem]]:
    """`Model.validate(df, lazy=True)` on the typed rows (index = record number).

    Returns the failures mapped onto `rules`, and problems for any failure case that maps to
    no rule (so nothing pandera finds is ever dropped).
    """
    model = SCHEMAS[read.table]
    specs = column_specs(read.table)
    cols = [quote_ident(s.name) for s in specs] + [quote_ident(s.bad_flag) for s in specs if s.typed]
    df = con.execute(f"SELECT _row, {', '.join(cols)} FROM {read.table}").df().set_index("_row")
    try:
        model.validate(df, lazy=True)
        return {}, []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    by_key = {r.pandera_key: r for r in rules}
    typed_bad = {s.name: s.bad_flag for s in specs if s.typed}
    rows: dict[Rule, set[int]] = {}
    unmapped: list[Problem] = []
    for case in cases.itertuples(index=False):
        index = case.index
        if pd.isna(index):
            continue
        record = int(index)
        rule = _rule_for_case(case, by_key, model)
        if rule is None:
            if str(case.check).startswith(("coerce_dtype", "dtype(")):
                continue  # the SQL typing step has reported these cells already
            unmapped.append(Problem("error", str(case.check), "pandera check failed", table=read.table,
                                    file=read.file_name, column=case.column, n_rows=1, rows=(record,)))
            continue
        if rule.rule_id == "not_null" and rule.column in typed_bad and bool(df.at[record, typed_bad[rule.column]]):
            continue  # given but unparseable: a type error, not an empty cell
        rows.setdefault(rule, set()).add(record)
    failures = {rule: (len(rs), sorted(rs)[:ROWS_SHOWN]) for rule, rs in rows.items()}
    return failures, unmapped


def _rule_for_case(case: Any, by_key: dict[tuple[Any, ...], Rule], model: type[pa.DataFrameModel]) -> Rule | None:
    check = str(case.check)
    if check == "not_nullable":
        return by_key.get(("not_nullable", case.column))
    if check == "field_uniqueness":
        return by_key.get(("field_uniqueness", case.column))
    if check == "multiple_fields_uniqueness":
        return by_key.get(("multiple_fields_uniqueness",))
    if case.check_number is None or pd.isna(case.check_number):
        return None
    if case.schema_context == "Column":
        return by_key.get(("column_check", case.column, int(case.check_number)))
    return by_key.get(("frame_check", int(case.check_number)))


def validate_table(
    con: duckdb.DuckDBPyConnection, read: ReadTable, engine: str = "auto"
) -> tuple[str, list[Problem]]:
    """Runs the table's rules with the engine chosen (auto: pandera up to PANDERA_MAX_ROWS rows)."""
    rules = compile_rules(read.table)
    chosen = engine if engine != "auto" else ("pandera" if read.rows <= PANDERA_MAX_ROWS else "sql")
    extra: list[Problem] = []
    if chosen == "pandera":
        failures, extra = run_pandera(con, read, rules)
    else:
        failures = run_sql(con, read, rules)
    problems = [to_problem(con, read, rule, *failures[rule]) for rule in rules if rule in failures]
    return chosen, problems + extra


def to_problem(con: duckdb.DuckDBPyConnection, read: ReadTable, rule: Rule, n: int, records: list[int]) -> Problem:
    values: tuple[str, ...] = ()
    if rule.value_sql and rule.value_sql != "NULL" and records:
        got = dict(con.execute(
            f"SELECT _row, {rule.value_sql} FROM {read.table} WHERE list_contains(?, _row)", [records]
        ).fetchall())
        values = tuple("" if got.get(r) is None else str(got[r]) for r in records)
    rows = read.numbers.file_rows(records) if read.numbers else records
    return Problem("error", rule.rule_id, rule.message, table=read.table, file=read.file_name,
                   column=rule.column, n_rows=n, rows=tuple(rows), values=values)


__all__ = ["PANDERA_MAX_ROWS", "Rule", "compile_rules", "run_pandera", "run_sql", "validate_table"]
