"""The suppression engine: cells with respondent counts, lines of cells that add up to a parent.

A *line* is one equation a reader can write from released figures: a parent cell (or a margin
that is not a cell of its own) equals the sum of its child cells plus a `remainder` of people
in none of them (e.g. people whose team is withheld in storage). The remainder is never released
but is part of the equation, so it counts as hidden.

Suppression runs to a fixed point:

- primary: every cell of 1 to min_n − 1 respondents is hidden;
- a parent whose only non-empty child holds all its people (no remainder) *is* that child:
  the two are hidden together;
- in every line, counting the parent as a member of the equation, the hidden members must be
  none or at least two: a parent hidden while all its children are visible is their sum, and a
  single hidden child is the parent minus the rest;
- with the parent visible, the hidden children (remainder included) must hold 0 or at least
  min_n respondents together, so their union is not a small group either.

A line that breaks a rule hides its smallest visible non-empty child (ties: the caller's order);
when none is left it hides the parent. On a hierarchy of lines that share at most one cell with
each other (a tree: company → orgs → teams, and one-way cuts under the company), "none or at
least two unknowns per equation" means that no combination of equations leaves a single unknown,
so no hidden cell follows from released ones (tests/privacy_attack.py checks this exactly).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workforce.privacy.rules import DEFAULT_MIN_SCORES


@dataclass(frozen=True)
class Line:
    parent: int  # the parent cell, or -1 when the margin is not a cell (then taken as released)
    members: tuple[int, ...]
    remainder: int = 0  # respondents of the parent in no member cell: never released


def complementary(counts: Sequence[int], lines: Sequence[Line], min_n: int, order: Sequence[int] | None = None,
                  also_hidden: Collection[int] = ()) -> list[bool]:
    """Hidden flags of the cells after primary and complementary suppression (see the module).

    `order` ranks cells for tie-breaking (smaller first), so the result depends on the data only.
    `also_hidden`: cells hidden from the start, whatever their count (a caller's own rule).
    """
    counts = [int(c) for c in counts]
    rank = list(range(len(counts))) if order is None else [int(o) for o in order]
    forced = set(also_hidden)
    hidden = [0 < c < min_n or i in forced for i, c in enumerate(counts)]
    same = [(ln.parent, nonempty[0]) for ln in lines if ln.parent >= 0 and ln.remainder == 0
            for nonempty in [[m for m in ln.members if counts[m] > 0]] if len(nonempty) == 1]
    changed = True
    while changed:
        changed = False
        for a, b in same:
            if hidden[a] != hidden[b]:
                hidden[a] = hidden[b] = True
                changed = True
        for line in lines:
            members = [m for m in line.members if counts[m] > 0]
            hid = [m for m in members if hidden[m]]
            total = sum(counts[m] for m in hid) + line.remainder
            unknown = len(hid) + (line.remainder > 0)
            if line.parent >= 0 and hidden[line.parent]:
                broken = unknown == 0 and bool(members)
            else:
                broken = (unknown == 1 and line.remainder == 0) or 0 < total < min_n
            if not broken:
                continue
            visible = [m for m in members if not hidden[m]]
            if visible:
                pick = min(visible, key=lambda m: (counts[m], rank[m]))
                hidden[pick] = True
                changed = True
            elif line.parent >= 0 and not hidden[line.parent]:
                hidden[line.parent] = True
                changed = True
    return hidden


def suppress(
    df: pd.DataFrame,
    group_cols: Sequence[str],
    count_col: str = "n",
    min_n: int = DEFAULT_MIN_SCORES,
    *,
    parent_total: int | None = None,
    value_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Primary and complementary suppression of a table of cells.

    `df` has one row per cell (the finest groups, e.g. org × level) with its respondent count in
    `count_col`. For every column in `group_cols`, the cells that share the other columns form a
    line adding up to a margin someone may see; each line ends with a hidden total of 0 or ≥
    `min_n`, never a single hidden cell. `parent_total` (one grouping column only) is the parent's
    count when the cells do not cover it all (e.g. people with no value): the uncovered rest
    counts as hidden.

    Returns a copy with a boolean `suppressed` column; on suppressed rows `count_col` and every
    `value_cols` column (default: every other non-grouping column) are set to missing.
    """
    group_cols = list(group_cols)
    if parent_total is not None and len(group_cols) != 1:
        raise ValueError("parent_total applies to a table with a single grouping column")
    out = df.reset_index(drop=True).copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    counts = out[count_col].fillna(0).astype(np.int64).to_numpy()
    order = np.empty(len(out), np.int64)
    # Deterministic, data-only tie-break: the cells' labels, not the row order given.
    order[np.lexsort([out[c].astype(str).to_numpy() for c in reversed(group_cols)])] = np.arange(len(out))
    lines = []
    for col in group_cols:
        others = [c for c in group_cols if c != col]
        groups = out.groupby(others, dropna=False, sort=False).indices if others else {(): np.arange(len(out))}
        for idx in groups.values():
            remainder = 0
            if parent_total is not None:
                remainder = int(parent_total) - int(counts[idx].sum())
                if remainder < 0:
                    raise ValueError(f"parent_total {parent_total} is below the sum of the cells")
            lines.append(Line(-1, tuple(int(i) for i in idx), remainder))
    hidden = np.array(complementary(counts, lines, min_n, order), dtype=bool)
    if value_cols is None:
        value_cols = [c for c in out.columns if c not in group_cols and c != count_col]
    out["suppressed"] = hidden
    out[count_col] = out[count_col].astype("Float64").mask(hidden).astype("Int64")
    for col in value_cols:
        out[col] = out[col].astype("Float64" if pd.api.types.is_numeric_dtype(out[col]) else object).mask(hidden)
    return out
