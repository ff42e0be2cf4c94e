"""Item-level release: which (cell, likert5 item) pairs of a wave may show favourability.

Favourability splits an item's answers into favourable (4–5), neutral (3) and unfavourable (1–2).
Such a three-way split tells each respondent's answer when nearly everyone gave the same one, so
an item of a cell is released only when:

1. the cell is released by the wave's lattice (`workforce.privacy.lattice`: the minimum group
   size and complementary suppression, exactly as for means);
2. at least the minimum answered the item, and at least DISTRIBUTION_MINORITY of them are outside
   its most common bucket (the layer's rule for answer distributions, `rules.DISTRIBUTION_MINORITY`);
3. on every line of the lattice (company = orgs + rest, org = teams + rest) whose parent is
   released for the item, what a reader gets by subtracting the released children from the
   parent (the hidden children and the withheld rest together) is empty or passes rule 2 too;
   and so is the company less its released orgs and the released teams of unreleased orgs (a
   team can be released under a hidden org: a difference across two levels).
   A line that fails hides its smallest released child for that item (ties on the label), and
   this runs to a fixed point; with no child left to hide, the parent is hidden.

Like the lattice, the outcome depends on the wave's answers only, never on who asks or which
filter is set: a union of cells (several orgs) is released for an item when each of its cells is,
and its counts are then sums of released cells'. Waves are independent (different submissions):
a change between waves is a difference of two released figures.

`released_item_counts` returns exact counts of released (cell, item) pairs. They are internal:
its one caller (`workforce.favourability`) rounds shares and bands counts before anything leaves.
Never imports streamlit; never returns a respondent-level row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import duckdb
import numpy as np
import pandas as pd

from workforce.db import query
from workforce.privacy.lattice import ALL
from workforce.privacy.rules import DISTRIBUTION_MINORITY, PrivacyRules, current_rules
from workforce.privacy.store import wave_lattices

BUCKETS = ("favourable", "neutral", "unfavourable")
COUNTS = ("answers", *BUCKETS, "answer_sum")
COLUMNS = ["wave_id", "org", "team", "question_id", *COUNTS]


def fails(counts: Mapping[str, float] | pd.Series, min_n: int) -> bool:
    """Rule 2 on a non-empty set of answers: too few, or all (or all but one) in one bucket."""
    return bool(_failing(np.array([[counts[c] for c in ("answers", *BUCKETS)]], dtype=np.int64), min_n)[0])


def _failing(values: np.ndarray, min_n: int) -> np.ndarray:
    """Rule 2 per row of an array whose columns start with answers and the BUCKETS (as COUNTS)."""
    answers, top = values[:, 0], values[:, 1:1 + len(BUCKETS)].max(axis=1)
    return (answers < min_n) | (answers - top < DISTRIBUTION_MINORITY)


def _cells(atoms: pd.DataFrame) -> pd.DataFrame:
    """Company, org and team sums of the finest cells (a withheld coordinate counts upward only)."""
    company = atoms.groupby("question_id", as_index=False)[list(COUNTS)].sum().assign(org=ALL, team=ALL)
    known_org = atoms[atoms["org"].notna()]
    orgs = known_org.groupby(["org", "question_id"], as_index=False)[list(COUNTS)].sum().assign(team=ALL)
    known_team = known_org[known_org["team"].notna()]
    teams = known_team.groupby(["org", "team", "question_id"], as_index=False)[list(COUNTS)].sum()
    return pd.concat([company, orgs, teams], ignore_index=True)[["org", "team", "question_id", *COUNTS]]


class _Tree:
    """A wave's cells (company, orgs, teams) as arrays, and the lines rule 3 checks: built once per
    wave, then run for each item on that item's counts (a cell without answers to it: zeros)."""

    def __init__(self, keys: Iterable[tuple[str, str]]) -> None:
        self.keys = list(keys)
        self.index = {key: i for i, key in enumerate(self.keys)}
        index = self.index
        orgs = sorted({o for o, _ in self.keys if o != ALL})
        teams = sorted(k for k in self.keys if k[0] != ALL and k[1] != ALL)
        org_cells = np.array([index[(o, ALL)] for o in orgs], dtype=np.int64)
        team_cells = np.array([index[k] for k in teams], dtype=np.int64)
        team_org = np.array([index[(o, ALL)] for o, _ in teams], dtype=np.int64)
        self.company = index[(ALL, ALL)]
        # Each line as (parent, members in label order): ties on the count break on the label.
        self.lines = [(self.company, org_cells)]
        self.lines += [(index[(o, ALL)], team_cells[team_org == index[(o, ALL)]]) for o in orgs]
        labels = [*((o, ALL) for o in orgs), *teams]  # orgs and teams together, in label order
        order = np.array(sorted(range(len(labels)), key=labels.__getitem__), dtype=np.int64)
        self.across_cells = np.concatenate([org_cells, team_cells])[order]
        self.across_is_org = np.concatenate([np.ones(len(orgs), bool), np.zeros(len(teams), bool)])[order]
        self.across_org = np.concatenate([org_cells, team_org])[order]

    def release(self, values: np.ndarray, visible: np.ndarray, min_n: int) -> np.ndarray:
        """Which cells are released for one item (rules 1–3 of the module), as a mask over `keys`;
        `values` holds the item's COUNTS per cell, `visible` the lattice's released cells."""
        shown = visible & (values[:, 0] > 0) & ~_failing(values, min_n)
        changed = True
        while changed:
            changed = False
            # and across two levels: the company less its shown orgs and the shown teams of hidden orgs
            across = self.across_cells[self.across_is_org | ~shown[self.across_org]]
            for parent, members in [*self.lines, (self.company, across)]:
                if not shown[parent]:
                    continue
                released = members[shown[members]]
                rest = values[parent] - values[released].sum(axis=0)
                if rest[0] == 0 or not _failing(rest[None, :], min_n)[0]:
                    continue
                # the smallest released child (first in label order among equals), else the parent
                shown[released[np.argmin(values[released, 0])] if len(released) else parent] = False
                changed = True
        return shown


def _release_item(cells: pd.DataFrame, visible: set[tuple[str, str]], min_n: int) -> set[tuple[str, str]]:
    """The (org, team) cells of one item's rows (`_cells`) released for it."""
    tree = _Tree(zip(cells["org"], cells["team"], strict=True))
    shown = tree.release(cells[list(COUNTS)].to_numpy(dtype=np.int64),
                         np.array([key in visible for key in tree.keys], dtype=bool), min_n)
    return {key for key, ok in zip(tree.keys, shown, strict=True) if ok}


def _release_wave(cells: pd.DataFrame, visible: set[tuple[str, str]], min_n: int) -> pd.DataFrame:
    """The rows of one wave's `_cells` released for their item: the wave's tree built once, then
    each item run on it (a cell nobody answered the item in counts zeros for it)."""
    if cells.empty:
        return cells
    rows, keys = pd.MultiIndex.from_frame(cells[["org", "team"]]).factorize()
    tree = _Tree(keys.tolist())
    seen = np.array([key in visible for key in tree.keys], dtype=bool)
    counts = cells[list(COUNTS)].to_numpy(dtype=np.int64)
    kept = []
    for _question_id, positions in sorted(cells.groupby("question_id").indices.items()):
        values = np.zeros((len(tree.keys), len(COUNTS)), dtype=np.int64)
        values[rows[positions]] = counts[positions]
        kept.append(positions[tree.release(values, seen, min_n)[rows[positions]]])
    return cells.iloc[np.concatenate(kept)]


def released_item_counts(
    con: duckdb.DuckDBPyConnection, wave_ids: Sequence[str], rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Exact answer counts of every (cell, likert5 item) of these waves that the rules release.

    One row per wave, cell and item: org and team (`ALL` for the company or an org as a whole),
    answers, favourable, neutral, unfavourable, answer_sum. Cells not released for an item have
    no row. Internal counts: round and band before showing (see the module)."""
    rules = rules or current_rules(con)
    wave_ids = list(dict.fromkeys(wave_ids))
    if not wave_ids:
        return pd.DataFrame({c: pd.Series(dtype=object if c in COLUMNS[:4] else "int64") for c in COLUMNS})
    lattices = wave_lattices(con, wave_ids, rules.min_scores)
    atoms = query(con, "favourability/item_atoms", {"wave_ids": wave_ids}).df()
    frames = []
    for wave_id in wave_ids:
        grid = lattices[wave_id].cells
        visible = {(o, t) for o, t, n, hidden in grid[["org", "team", "n", "hidden"]].itertuples(index=False)
                   if n >= rules.min_scores and not hidden}
        released = _release_wave(_cells(atoms[atoms["wave_id"] == wave_id]), visible, rules.min_scores)
        if not released.empty:
            frames.append(released.assign(wave_id=wave_id))
    if not frames:
        return released_item_counts(con, [], rules)
    out = pd.concat(frames, ignore_index=True)[COLUMNS]
    for c in COUNTS:
        out[c] = out[c].astype("int64")
    return out.reset_index(drop=True)
