"""What every vendor adapter returns, and the small parsing helpers they share.

An adapter turns one vendor export (already parsed: a dict/list for JSON, a DataFrame for
tables) into rows shaped like the contract's `token_usage` table, except that the person is
not yet known: each row carries the vendor's `identity` (an email, a vendor user id, an API
key, a workspace) and its `identity_kind`. The identity map (workforce/identity.py) turns
those into employee ids; rows that map to nobody are kept and reported, never dropped.

Adapters are pure: no database, no files, no clock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

# The contract's token_usage columns, minus employee_id (not known yet), plus who it was.
USAGE_COLUMNS = [
    "usage_date",
    "identity_kind",
    "identity",
    "tool",
    "vendor",
    "model",
    "service_tier",  # standard | batch | priority | flex ...: the vendor's billing tier of the tokens
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",  # the part of cache_write_tokens written to the 1-hour cache
    "requests",
    "agent_seconds",
    "cost_usd",
    "cost_basis",  # what cost_usd is: "reported" (billed) or "estimated" (the vendor's estimate); NULL: none
]
OUTCOME_COLUMNS = [
    "week_start",
    "identity_kind",
    "identity",
    "changes_landed",
    "agent_assisted_changes",
    "reviews_done",
    "commits",
    "lines_added",
    "lines_removed",
    "tool_actions_accepted",
    "tool_actions_rejected",
    "suggestions_accepted",
    "lines_accepted",
]
COST_COLUMNS = [
    "cost_date",
    "vendor",
    "workspace_id",
    "model",
    "cost_type",
    "token_type",
    "description",
    "amount_usd",
    "service_tier",
]
INT_COLUMNS = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens"]
GRAIN = ["usage_date", "identity_kind", "identity", "tool", "vendor", "model", "service_tier", "cost_basis"]
STANDARD_TIER = "standard"
# The vendors' names of their full-price tier (OpenAI's "default"/"auto", Anthropic's "standard").
_STANDARD_NAMES = {"", "standard", "default", "auto", "on_demand", "none"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, shown to admins as a table row."""

    file: str
    row: int | None  # 1-based record number in the file (data rows, header excluded); None: whole file
    column: str
    rule: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "rule": self.rule, "value": self.value}

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        value = f" (value: {self.value!r})" if self.value != "" else ""
        return f"{self.file}: {where}column {self.column}: {self.rule}{value}"


@dataclass
class AdapterResult:
    source: str  # adapter name, e.g. "openai_usage"
    token_usage: pd.DataFrame  # USAGE_COLUMNS, one row per day × identity × tool × model
    outcomes: pd.DataFrame | None = None  # OUTCOME_COLUMNS, one row per week × identity
    costs: pd.DataFrame | None = None  # COST_COLUMNS (cost reports: no person dimension)
    problems: list[Problem] = field(default_factory=list)
    source_rows: int = 0  # records read from the export (results, log lines, user-days)

    @property
    def rows(self) -> int:
        return sum(len(f) for f in (self.token_usage, self.outcomes, self.costs) if f is not None)


class AdapterError(ValueError):
    """The export is not of the shape the adapter reads (named field missing, wrong type).

    `column`: the field the problem is about (None: the reader's default for the record);
    `value`: the offending value, shown beside the rule."""

    def __init__(self, message: str, *, column: str | None = None, value: str = ""):
        super().__init__(message)
        self.column = column
        self.value = value


@dataclass
class Rows:
    """What one record of an export reads as: rows of each contract-shaped table."""

    usage: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    costs: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def reading(column: str) -> Iterator[None]:
    """An AdapterError raised in the block is about `column`, unless it names its own."""
    try:
        yield
    except AdapterError as exc:
        if exc.column is None:
            exc.column = column
        raise


def read_records(source: str, numbered: Iterable[tuple[int, Any]], read: Callable[[Any], Rows], *, file: str,
                 column: str, source_rows: int, tables: Collection[str] = ("token_usage",),
                 problems: list[Problem] | None = None) -> AdapterResult:
    """An adapter's result: `read(record)` for each (number, record); a record whose reading raises
    AdapterError adds no rows and becomes a problem on its number (on the error's column, else
    `column`), and the reading goes on. `tables`: the tables the export holds (token_usage,
    outcomes, costs); the result carries a frame for each, usage always (empty when not held)."""
    problems = [] if problems is None else problems
    out = Rows()
    for n, record in numbered:
        try:
            rows = read(record)
        except AdapterError as exc:
            problems.append(Problem(file, n, exc.column or column, str(exc), exc.value))
            continue
        out.usage += rows.usage
        out.outcomes += rows.outcomes
        out.costs += rows.costs
    return AdapterResult(
        source,
        usage_frame(out.usage) if "token_usage" in tables else empty_usage(),
        outcomes=outcomes_frame(out.outcomes) if "outcomes" in tables else None,
        costs=cost_frame(out.costs) if "costs" in tables else None,
        problems=problems,
        source_rows=source_rows,
    )


def service_tier(value: Any, *, batch: Any = False) -> str:
    """The billing tier of a usage result: "batch" when the vendor flags batch, else the vendor's
    tier name lower-cased, with every name of the full-price tier read as "standard"."""
    if batch is True or str(batch).strip().lower() == "true":
        return "batch"
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip().lower()
    return STANDARD_TIER if text in _STANDARD_NAMES else text


def empty_usage() -> pd.DataFrame:
    return _typed(pd.DataFrame({c: [] for c in USAGE_COLUMNS}))


def usage_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Records → USAGE_COLUMNS, summed to the contract grain (day, identity, tool, model)."""
    frame = pd.DataFrame(list(records), columns=USAGE_COLUMNS)
    if frame.empty:
        return empty_usage()
    frame["service_tier"] = frame["service_tier"].fillna(STANDARD_TIER)
    frame["cost_basis"] = frame["cost_basis"].where(frame["cost_usd"].notna(), None)
    frame = _typed(frame)
    grouped = frame.groupby(GRAIN, dropna=False)
    # min_count=1 keeps "not reported" (NULL) apart from a reported zero after summing.
    out = pd.concat(
        [grouped[INT_COLUMNS].sum(), grouped[["requests", "agent_seconds", "cost_usd"]].sum(min_count=1)], axis=1
    ).reset_index()
    return _typed(out[USAGE_COLUMNS]).sort_values(GRAIN, ignore_index=True)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["usage_date"] = pd.to_datetime(frame["usage_date"]).dt.date
    for column in ["identity_kind", "identity", "tool", "vendor", "model", "service_tier", "cost_basis"]:
        frame[column] = frame[column].astype("object")
    for column in INT_COLUMNS:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    for column in ["requests", "agent_seconds"]:
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    frame["cost_usd"] = pd.to_numeric(frame["cost_usd"]).astype("float64")
    return frame


def cost_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Records → COST_COLUMNS, one row per line of the vendor's cost report."""
    costs = pd.DataFrame(list(records), columns=COST_COLUMNS)
    if not costs.empty:
        costs["cost_date"] = pd.to_datetime(costs["cost_date"]).dt.date
        costs["amount_usd"] = costs["amount_usd"].astype("float64")
    return costs


def outcomes_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(records), columns=OUTCOME_COLUMNS)
    if frame.empty:
        return frame
    keys = ["week_start", "identity_kind", "identity"]
    values = [c for c in OUTCOME_COLUMNS if c not in keys]
    for column in values:
        frame[column] = pd.to_numeric(frame[column]).astype("Int64")
    out = frame.groupby(keys)[values].sum(min_count=1).reset_index()
    for column in values:
        out[column] = out[column].astype("Int64")
    return out.sort_values(keys, ignore_index=True)


# --- parsing helpers -------------------------------------------------------------------------


def get(record: Mapping[str, Any], dotted: str, default: Any = None) -> Any:
    """`record["a"]["b"]` for "a.b"; also accepts a flattened "a.b" key (CSV/Parquet exports)."""
    if dotted in record:
        return record[dotted]
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return default
        value = value[part]
    return default if value is None else value


def count(value: Any, *, what: str) -> int:
    """A token/request count: a non-negative whole number (int, or a string/float holding one)."""
    if type(value) is int:  # the common case, kept fast for logs of millions of requests
        if value < 0:
            raise AdapterError(f"{what} must be ≥ 0, got {value!r}")
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return 0
    if isinstance(value, bool):
        raise AdapterError(f"{what} must be a whole number, got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise AdapterError(f"{what} must be a whole number, got {value!r}") from exc
    if number != number.to_integral_value():
        raise AdapterError(f"{what} must be a whole number, got {value!r}")
    if number < 0:
        raise AdapterError(f"{what} must be ≥ 0, got {value!r}")
    return int(number)


def money(value: Any, *, what: str, cents: bool = False) -> float | None:
    """USD as float; `cents=True` for amounts the vendor gives in cents (decimal strings included).

    Parsed with Decimal so "1234.5678" cents becomes exactly 12.345678 USD before the float.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise AdapterError(f"{what} must be a number, got {value!r}", value=str(value)) from exc
    if not number.is_finite():
        raise AdapterError(f"{what} must be a number, got {value!r}", value=str(value))
    if number < 0:
        raise AdapterError(f"{what} must be ≥ 0, got {value!r}", value=str(value))
    return float(number / 100 if cents else number)


def utc_date(value: Any, *, what: str) -> date:
    """The UTC calendar day of an RFC 3339 timestamp, a unix time in seconds, or a plain date."""
    if value is None or value == "":
        raise AdapterError(f"{what} is missing")
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(float(value), tz=UTC).date()
        if isinstance(value, datetime):
            stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
            return stamp.astimezone(UTC).date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return date.fromisoformat(text)
        if text.endswith("Z") and "T" in text:  # RFC 3339 in UTC, as every vendor API writes it
            return datetime.fromisoformat(text[:-1]).date()
        if text.isdigit():
            return datetime.fromtimestamp(int(text), tz=UTC).date()
        stamp = pd.Timestamp(text.replace("Z", "+00:00"))
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC")
        return stamp.date()
    except (ValueError, OverflowError, OSError) as exc:
        raise AdapterError(f"{what} is not a date or timestamp: {value!r}") from exc


def week_start(day: date) -> date:
    return (pd.Timestamp(day) - pd.Timedelta(days=day.weekday())).date()


def pages(obj: Any) -> list[Any]:
    """A JSON export is one API page (`{"data": [...]}`), a list of pages, or a bare list of records."""
    if isinstance(obj, Mapping):
        return [obj]
    if isinstance(obj, list) and obj and all(isinstance(p, Mapping) and "data" in p for p in obj):
        return list(obj)
    return [{"data": obj}] if isinstance(obj, list) else []


def data_items(obj: Any) -> list[Any]:
    items: list[Any] = []
    for page in pages(obj):
        data = page.get("data") if isinstance(page, Mapping) else None
        if isinstance(data, list):
            items.extend(data)
    return items


def bucket_results(obj: Any):
    """(bucket, result) pairs of the Admin-API report shape that Anthropic and OpenAI share:
    pages of time buckets, each holding a list of grouped results."""
    for page in pages(obj):
        for bucket in page.get("data") or []:
            if isinstance(bucket, Mapping) and isinstance(bucket.get("results"), list):
                for result in bucket["results"]:
                    yield bucket, result


def read_usage_report(source: str, obj: Any, row: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]],
                      *, file: str) -> AdapterResult:
    """A usage report of the Admin-API shape (Anthropic's and OpenAI's): `row(bucket, result)` is the
    token_usage row of each result that names its model (see `model_results`)."""
    problems: list[Problem] = []
    return read_records(source, model_results(obj, file, problems), lambda item: Rows(usage=[row(*item)]),
                        file=file, column="result", source_rows=sum(1 for _ in bucket_results(obj)),
                        problems=problems)


def read_cost_report(source: str, obj: Any, row: Callable[[Mapping[str, Any], Any], dict[str, Any]],
                     *, file: str) -> AdapterResult:
    """A cost report of the Admin-API shape: `row(bucket, result)` is the cost row of each result."""
    return read_records(source, enumerate(bucket_results(obj), start=1), lambda item: Rows(costs=[row(*item)]), file=file,
                        column="amount", source_rows=sum(1 for _ in bucket_results(obj)), tables=("costs",))


def first_identity(result: Mapping[str, Any], fields: Iterable[str], vendor: str) -> tuple[str, str]:
    """The first group-by dimension present, as (kind, value); the whole organization when none is."""
    for name in fields:
        if result.get(name):
            return f"{vendor}:{name}", str(result[name])
    return f"{vendor}:organization", "(whole organization)"


def model_results(obj: Any, file: str, problems: list[Problem]):
    """(n, (bucket, result)) for each usage result of an Admin-API report that names its model.

    Results that are not objects, or carry no model (the export was not grouped by model),
    become problems on their result number instead.
    """
    for n, (bucket, result) in enumerate(bucket_results(obj), start=1):
        if not isinstance(result, Mapping):
            problems.append(Problem(file, n, "result", "each result must be an object", ""))
        elif not result.get("model"):
            problems.append(Problem(file, n, "model", "model is required: export with group_by=model", ""))
        else:
            yield n, (bucket, result)
