"""How every table reads: column labels in words, numbers in the format of what they count, dates
without a time of day, missing values as "–", details as text, and column widths that fit a page.

Pure pandas, so tests call it directly; `ui.tables.show_table` is the one place a page draws a
table. The frame keeps its values (a click on a header sorts numbers as numbers); only what is
shown is formatted, through a pandas Styler that Streamlit draws.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from pandas.io.formats.style import Styler

MISSING = "–"
KINDS = ("text", "count", "number", "percent", "currency", "date", "datetime", "details", "yesno")

# Labels of column names that words alone would not get right; the rest are spelled out by
# `label_for` ("first_day" -> "First day", "cost_usd" -> "Cost (USD)").
LABELS: dict[str, str] = {
    "morale_index": "Morale index (1–5)",
    "enps": "eNPS (−100 to 100)",
    "wave_id": "Wave",
    "median_token_ratio": "Tokens vs peers (median, ×)",
    "respondents_band": "Respondents (band)",
    "mean_sentiment": "Mean sentiment (−1 to 1)",
    "sentiment": "Sentiment (−1 to 1)",
    "opens_on": "Opens on",
    "closes_on": "Closes on",
    "n": "Count",
    "hr": "Hazard ratio",
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "p_value": "p-value",
    "pearson_r": "Pearson r",
    "org": "Org",
    "team": "Team",
    "display_name": "Name",
    "employee_id": "Employee",
    "username": "User",
    "at": "At (UTC)",
    "details": "Details",
    "local_password": "Local password",
}
ACRONYMS = {"usd": "(USD)", "id": "ID", "ai": "AI", "hr": "HR", "enps": "eNPS", "pct": "%", "ci": "CI",
            "sd": "SD", "sha256": "SHA-256", "csv": "CSV", "url": "URL", "mom": "month on month"}

_PERCENT_WORDS = re.compile(r"(^|_)(share|rate|pct|percent|adoption|participation)(_|$)")
_CURRENCY_WORDS = re.compile(r"(_usd$|^usd_|(^|_)(cost|spend|budget|price)(_|$))")
_DATE_WORDS = re.compile(r"(_on$|_date$|^date$|^day$|_day$|^month$|^week$|^period$)")

# Widths in pixels of a column by what it holds: about 7.5 px a character in Streamlit's grid.
CHAR_PX = 7.5
PADDING_PX = 18
MIN_COLUMN_PX = 64
MAX_TEXT_PX = 420
PAGE_WIDTH_PX = 930  # the main area of a page at a 1,400 px window (sidebar open)
HALF_PAGE_PX = 450  # a table in one of two columns


def label_for(column: str) -> str:
    """The column's name in words."""
    if column in LABELS:
        return LABELS[column]
    if not re.fullmatch(r"[A-Za-z0-9]+(_[A-Za-z0-9]+)*", column) or column != column.lower():
        return column  # already written for people
    words = [ACRONYMS.get(w, w) for w in column.split("_")]
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, dicts
        return False


def _plain(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def format_number(value: float) -> str:
    """Two decimals for ordinary sizes, none for large ones, two significant digits for small."""
    if value == 0:
        return "0"
    size = abs(value)
    if size >= 100:
        return _plain(value, 0)
    if size >= 0.01:
        return _plain(value, 2)
    return _plain(value, min(-math.floor(math.log10(size)) + 1, 8))


def format_details(value: object) -> str:
    """A JSON object (as stored in the audit log) as "Key: value · Key: value"."""
    data = value
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except ValueError:
            return value
    if isinstance(data, Mapping):
        if not data:
            return MISSING
        return " · ".join(f"{label_for(str(k))}: {format_details(v)}" for k, v in data.items())
    if isinstance(data, list | tuple):
        return ", ".join(format_details(v) for v in data) or MISSING
    if _missing(data):
        return MISSING
    return str(data)


def format_value(value: object, kind: str) -> str:
    """One cell as shown. `kind` is one of KINDS."""
    if kind == "details":
        return format_details(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or MISSING
    if _missing(value):
        return MISSING
    if kind == "count":
        return f"{round(float(value)):,}"
    if kind == "number":
        return format_number(float(value))
    if kind == "percent":
        share = float(value)
        return f"{share:.0%}" if share in (0.0, 1.0) else f"{share:.1%}"
    if kind == "currency":
        amount = float(value)
        sign = "−" if amount < 0 else ""
        return f"{sign}${abs(amount):,.0f}" if abs(amount) >= 1000 else f"{sign}${abs(amount):,.2f}"
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "datetime":
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    if kind == "yesno":
        return "Yes" if bool(value) else "No"
    return str(value)


def _looks_like_json(values: pd.Series) -> bool:
    sample = values.dropna().head(20)
    if sample.empty:
        return False
    if all(isinstance(v, Mapping) for v in sample):
        return True
    return all(isinstance(v, str) and v.startswith("{") and v.endswith("}") for v in sample)


def infer_kind(name: str, values: pd.Series) -> str:
    """What a column holds, from its type and its name."""
    lowered = name.lower()
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values):
        return "yesno"
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = pd.to_datetime(present)
        midnight = (stamps == stamps.dt.normalize()).all() if len(stamps) else True
        return "date" if midnight or _DATE_WORDS.search(lowered) else "datetime"
    if pd.api.types.is_numeric_dtype(values):
        numbers = pd.to_numeric(present, errors="coerce").astype(float)
        if _CURRENCY_WORDS.search(lowered):
            return "currency"
        if _PERCENT_WORDS.search(lowered) and (numbers.abs() <= 1.0 + 1e-9).all():
            return "percent"
        if pd.api.types.is_integer_dtype(values) or (len(numbers) and (numbers == numbers.round()).all()):
            return "count"
        return "number"
    if len(present) and all(isinstance(v, datetime | date) for v in present.head(50)):
        stamps = pd.to_datetime(present)
        return "date" if (stamps == stamps.dt.normalize()).all() else "datetime"
    if _looks_like_json(values):
        return "details"
    return "text"


@dataclass(frozen=True)
class TableView:
    """A frame ready to show: labelled columns, a formatter and a width per column."""

    frame: pd.DataFrame  # the values, columns relabelled
    kinds: dict[str, str]  # label -> kind
    widths: dict[str, int]  # label -> pixels

    def formatters(self) -> dict[str, Callable[[object], str]]:
        return {label: (lambda v, k=kind: format_value(v, k)) for label, kind in self.kinds.items()}

    def text(self) -> pd.DataFrame:
        """Every cell as the reader sees it."""
        shown = {label: [format_value(v, self.kinds[label]) for v in self.frame[label]] for label in self.frame.columns}
        return pd.DataFrame(shown, columns=list(self.frame.columns), index=self.frame.index)

    def styler(self) -> Styler:
        return self.frame.style.format(self.formatters(), na_rep=MISSING)


def _chars_px(chars: int) -> int:
    return int(chars * CHAR_PX + PADDING_PX)


def _column_widths(label: str, shown: pd.Series, kind: str) -> tuple[int, int]:
    """(wanted, least) pixels: wanted shows the whole header and nearly every value; least keeps
    short values whole and the header's first eight characters (the whole label is in the header's
    tooltip, a long text value in the cell's)."""
    content = int(shown.str.len().quantile(0.9)) if len(shown) else 0
    cap = MAX_TEXT_PX if kind in ("text", "details") else 220
    wanted = min(max(_chars_px(max(len(label), content)), MIN_COLUMN_PX), cap)
    least = min(max(_chars_px(max(min(len(label), 8), min(content, 12))), MIN_COLUMN_PX), wanted)
    return wanted, least


def fit_widths(widths: dict[str, int], budget: int, least: dict[str, int] | None = None) -> dict[str, int]:
    """Narrow the widest columns, evenly, until the table fits `budget` pixels or every column is
    at its least width (`least`, default MIN_COLUMN_PX)."""
    floor = {k: (least or {}).get(k, MIN_COLUMN_PX) for k in widths}
    fitted = dict(widths)
    while sum(fitted.values()) > budget:
        movable = [k for k in fitted if fitted[k] > floor[k]]
        if not movable:
            break
        over = sum(fitted.values()) - budget
        widest = max(fitted[k] for k in movable)
        wide = [k for k in movable if fitted[k] == widest]
        second = max([fitted[k] for k in movable if fitted[k] < widest], default=0)
        cut = max(1, min(math.ceil(over / len(wide)), widest - second if second else widest))
        for k in wide:
            fitted[k] = max(fitted[k] - cut, floor[k])
    return fitted


def table_view(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    hide: tuple[str, ...] = (),
    width: int = PAGE_WIDTH_PX,
) -> TableView:
    """Label, format and size `frame` for a page `width` pixels wide.

    `labels` and `kinds` override what is inferred per original column name; `hide` drops columns
    a reader does not need (ids kept for joins)."""
    labels = dict(labels or {})
    chosen = dict(kinds or {})
    unknown = set(chosen.values()) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown column kinds {sorted(unknown)}; use {KINDS}")
    absent = (set(chosen) | set(labels) | set(hide)) - set(frame.columns)
    if absent:
        raise ValueError(f"no such columns: {sorted(absent)}")
    kept = frame.drop(columns=[c for c in hide if c in frame.columns])
    names = {c: labels.get(c) or label_for(str(c)) for c in kept.columns}
    if len(set(names.values())) != len(names):
        raise ValueError(f"two columns would share a label: {names}")
    column_kinds = {names[c]: chosen.get(c) or infer_kind(str(c), kept[c]) for c in kept.columns}
    relabelled = kept.rename(columns=names)
    for label, kind in column_kinds.items():
        if kind == "details":  # text, not sortable values: shown (and read by screen readers) as text
            relabelled[label] = [format_details(v) for v in relabelled[label]]
    view = TableView(relabelled, column_kinds, {})
    shown = view.text().head(200)
    sizes = {label: _column_widths(label, shown[label], column_kinds[label]) for label in relabelled.columns}
    widths = fit_widths({k: w for k, (w, _) in sizes.items()}, width, {k: least for k, (_, least) in sizes.items()})
    return TableView(relabelled, column_kinds, widths)


# ---------------------------------------------------------------------------------------------
# Favourability (workforce.favourability) in few columns: every figure of a row, none hidden, in a
# table that fits a page at 1,400 px (Survey waves, Morale and Pulse survey pages).

FAVOURABILITY_LABELS = {
    "group": "Group",
    "item": "Item",
    "respondents_band": "Answers",
    "split": "Fav / neutral / unfav %",
    "mean": "Mean (1–5)",
    "change_text": "Change (points, 95% interval)",
    "gap_text": "Gap (points)",
}


def _signed(points: object) -> str:
    value = int(points)  # type: ignore[arg-type]
    return f"+{value}" if value > 0 else f"−{-value}" if value < 0 else "0"


def _change_text(row: Mapping[str, object]) -> str:
    """"+4 (−2 to +10) no clear change", or why there is none (the previous figure is the current one
    less the change)."""
    if _missing(row["change"]):
        return str(row["change_label"]) if not _missing(row["change_label"]) else MISSING
    return f"{_signed(row['change'])} ({_signed(row['change_low'])} to {_signed(row['change_high'])}) {row['change_label']}"


def _gap_text(row: Mapping[str, object]) -> str:
    """"−3 vs Company" (the company's figure is this one less the gap)."""
    if _missing(row["gap"]) or _missing(row["parent"]):
        return MISSING
    return f"{_signed(row['gap'])} vs {row['parent']}"


def compact_favourability(table: pd.DataFrame, *, groups: bool | None = None) -> dict[str, object]:
    """The arguments of `ui.tables.show_table` for a favourability frame (`favourability.COLUMNS`):
    the three shares as "62 / 21 / 17", the change as "+4 (−2 to +10) no clear change" and the gap
    as "−3 vs Company", so every figure shows within a page's width (the previous and the compared
    group's % favourable are the current one less the change or the gap). `groups`: keep the
    group column (default: when the frame holds more than one group)."""
    rows = table.to_dict("records")
    keep_groups = table["group"].nunique() > 1 if groups is None else groups
    frame = pd.DataFrame({
        "group": table["group"],
        "item": [f"Theme: {r['text']}" if r["kind"] == "theme" else r["text"] for r in rows],
        "respondents_band": table["respondents_band"],
        "split": [f"{int(r['favourable'])} / {int(r['neutral'])} / {int(r['unfavourable'])}" for r in rows],
        "mean": table["mean"],
        "change_text": [_change_text(r) for r in rows],
        "gap_text": [_gap_text(r) for r in rows],
    }, index=table.index)
    if not keep_groups:
        frame = frame.drop(columns="group")
    if frame["gap_text"].eq(MISSING).all():
        frame = frame.drop(columns="gap_text")  # compared with nothing (the company itself)
    labels = {c: FAVOURABILITY_LABELS[c] for c in frame.columns}
    return {"frame": frame.reset_index(drop=True), "labels": labels,
            "kinds": {"mean": "number", **{c: "text" for c in frame.columns if c != "mean"}}}
