"""How a fitted result stores and reads itself: the drivers tables and their rows.

Every result a model returns (`morale.MoraleResult`, `attrition.CoxResult`, ...) is a
`StoredResult`: `to_frames()` gives the rows it adds to each drivers table, and
`from_frames(frames)` rebuilds it from those tables as read back (`frames`: table → DataFrame).
Several results share the three long tables (`mart_drivers_effects`, `mart_drivers_notes`,
`mart_drivers_model_stats`), each under its own `model` label; the helpers below write and
read those rows, so a result module only says which rows are its own.

`analytics.fit.MODELS` registers the models; `analytics.stored` writes what they return at load
and reads it back per view. Nothing here knows a particular model.
"""

from __future__ import annotations

from typing import Protocol, Self

import pandas as pd

from analytics.effects import Effect

# Column types of every table a result writes; identifiers are constants of this module, never input.
SCHEMA: dict[str, dict[str, str]] = {
    "mart_drivers_effects": {
        "model": "VARCHAR", "position": "INTEGER", "key": "VARCHAR", "label": "VARCHAR", "unit": "VARCHAR",
        "null_value": "DOUBLE", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
        "reason": "VARCHAR",
    },
    "mart_drivers_notes": {"model": "VARCHAR", "position": "INTEGER", "note": "VARCHAR"},
    "mart_drivers_model_stats": {"model": "VARCHAR", "stat": "VARCHAR", "value": "DOUBLE"},
    "mart_drivers_event_study": {
        "event_time": "INTEGER", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
    },
    # the mandate question (analytics.mandate): one row, and one row per mandated unit
    "mart_drivers_mandate": {
        "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT", "label": "VARCHAR",
        "p_value": "DOUBLE", "pretrend_p": "DOUBLE", "treated_units": "INTEGER", "control_units": "INTEGER",
        "method": "VARCHAR", "reason": "VARCHAR", "permutations": "INTEGER",
    },
    "mart_drivers_mandate_by_org": {
        "position": "INTEGER", "org": "VARCHAR", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
    },
    "mart_drivers_ph_test": {"position": "INTEGER", "covariate": "VARCHAR", "test_statistic": "DOUBLE", "p": "DOUBLE"},
    "mart_drivers_km": {
        "grouping": "VARCHAR", "position": "INTEGER", "group": "VARCHAR", "day": "DOUBLE", "survival": "DOUBLE",
        "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT", "events": "BIGINT",
    },
    # the layoff audit's counts per wave and org (summed per viewer's scope at view time)
    "mart_drivers_layoff_groups": {
        "layoff_wave": "VARCHAR", "org": "VARCHAR", "dimension": "VARCHAR", "group": "VARCHAR",
        "group_order": "INTEGER", "n": "BIGINT", "selected": "BIGINT",
    },
    "mart_drivers_layoff_totals": {"layoff_wave": "VARCHAR", "org": "VARCHAR", "n": "BIGINT", "selected": "BIGINT"},
}

# How each table is read back: in the order its rows were written.
ORDER = {
    "mart_drivers_effects": "model, position", "mart_drivers_notes": "model, position",
    "mart_drivers_model_stats": "model, stat", "mart_drivers_event_study": "event_time",
    "mart_drivers_mandate": "estimate", "mart_drivers_mandate_by_org": "position",
    "mart_drivers_ph_test": "position", "mart_drivers_km": "grouping, position",
}
# Read whole at every view; the layoff counts are summed per scope in SQL instead.
READ_TABLES = tuple(ORDER)


class StoredResult(Protocol):
    """A model's result that writes and reads itself as rows of the drivers tables."""

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """Table name → the rows this result adds to it (columns of `SCHEMA[table]`)."""
        ...

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> Self:
        """The result again, from the tables of `READ_TABLES` as read back (ordered by `ORDER`)."""
        ...


def effect_rows(model: str, effects: dict[str, Effect]) -> pd.DataFrame:
    """`effects` as rows of mart_drivers_effects under `model`, in their order."""
    return pd.DataFrame(
        [{"model": model, "position": i, "key": k, "label": e.label, "unit": e.unit, "null_value": e.null,
          "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n, "reason": e.reason}
         for i, (k, e) in enumerate(effects.items())],
        columns=list(SCHEMA["mart_drivers_effects"]),
    )


def effects_of(frames: dict[str, pd.DataFrame], model: str) -> dict[str, Effect]:
    """The effects stored under `model`, in their order."""
    rows = _rows(frames, "mart_drivers_effects", model)
    return {
        row.key: Effect(number(row.estimate), number(row.ci_low), number(row.ci_high), int(row.n), row.label,
                        row.unit, number(row.null_value), text(row.reason))
        for row in rows.itertuples(index=False)
    }


def note_rows(model: str, notes: list[str] | tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"model": model, "position": i, "note": note} for i, note in enumerate(notes)],
                        columns=list(SCHEMA["mart_drivers_notes"]))


def notes_of(frames: dict[str, pd.DataFrame], model: str) -> list[str]:
    return [text(note) for note in _rows(frames, "mart_drivers_notes", model)["note"]]


def stat_rows(model: str, stats: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"model": model, "stat": s, "value": v} for s, v in stats.items()],
                        columns=list(SCHEMA["mart_drivers_model_stats"]))


def stats_of(frames: dict[str, pd.DataFrame], model: str) -> dict[str, float]:
    """The statistics stored under `model` (floats: a count is `int(...)` of its value)."""
    rows = _rows(frames, "mart_drivers_model_stats", model)
    return {stat: number(value) for stat, value in zip(rows["stat"], rows["value"], strict=True)}


def concat(*parts: pd.DataFrame) -> pd.DataFrame:
    """The rows of `parts` in order (empty parts left out: pandas warns on concatenating them)."""
    kept = [part for part in parts if not part.empty]
    return pd.concat(kept, ignore_index=True) if kept else parts[0].iloc[0:0]


def table(frames: dict[str, pd.DataFrame], name: str, columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """`columns` of a stored table, typed as `dtypes` (an empty table as it is)."""
    frame = frames[name][columns].reset_index(drop=True)
    return frame.astype(dtypes) if not frame.empty else frame


def number(value) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def text(value) -> str:
    return value if isinstance(value, str) else ""


def _rows(frames: dict[str, pd.DataFrame], name: str, model: str) -> pd.DataFrame:
    frame = frames[name]
    return frame[frame["model"] == model]
