"""The fast suppression engine against the plain one it replaced.

`workforce.privacy` suppresses a wave's lattice with integer-coded arrays and a worklist (only
lines that can break the rule are revisited). The product promises the same hidden cells whoever
computes them, so this file keeps the plain algorithm as a reference, written as the rule reads
(every line of every sweep, in order, until a sweep changes nothing; cells as a pandas table of
the 12 roll-ups), and checks on random org trees and tables that both hide exactly the same
cells, that the lattice answers the same counts, and that a lattice survives storage unchanged.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce import privacy
from workforce.privacy import ALL, DIMS, Lattice, Selection, build_lattice, suppress

# ---------------------------------------------------------------------------------------------
# The reference: the rule as written, one line at a time.


def reference_complementary(counts, order, lines, min_n):
    """lines: [(cells array, remainder, parent index or None)], visited in order every sweep."""
    hidden = (counts > 0) & (counts < min_n)
    same_group = []
    for cells, remainder, parent in lines:
        nonempty = cells[counts[cells] > 0]
        if parent is not None and nonempty.size == 1 and remainder == 0:
            same_group.append((parent, int(nonempty[0])))
    changed = True
    while changed:
        changed = False
        for a, b in same_group:
            if hidden[a] != hidden[b]:
                hidden[a] = hidden[b] = True
                changed = True
        for cells, remainder, _ in lines:
            h = hidden[cells] & (counts[cells] > 0)
            hidden_total = int(counts[cells][h].sum()) + remainder
            n_hidden = int(h.sum()) + (remainder > 0)
            if (n_hidden == 1 and remainder == 0) or 0 < hidden_total < min_n:
                candidates = cells[(~h) & (counts[cells] > 0)]
                if candidates.size == 0:
                    continue
                hidden[candidates[np.lexsort((order[candidates], counts[candidates]))[0]]] = True
                changed = True
    return hidden


def reference_lattice(atoms: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Every cell of the lattice with its count and hidden flag, computed with pandas."""
    frames = []
    for geo_depth, level_all, band_all in itertools.product((0, 1, 2), (True, False), (True, False)):
        part = atoms[list(DIMS) + ["n"]].copy()
        if geo_depth == 0:
            part["org"] = ALL
        if geo_depth <= 1:
            part["team"] = ALL
        if level_all:
            part["level"] = ALL
        if band_all:
            part["tenure_band"] = ALL
        frames.append(part.groupby(list(DIMS), as_index=False, sort=True)["n"].sum())
    cells = pd.concat(frames, ignore_index=True)
    counts = cells["n"].to_numpy(dtype=np.int64)
    order = np.empty(len(cells), dtype=np.int64)
    order[np.lexsort([cells[c].to_numpy() for c in reversed(DIMS)])] = np.arange(len(cells))
    position = {key: i for i, key in enumerate(map(tuple, cells[list(DIMS)].to_numpy()))}
    is_all = {c: (cells[c] == ALL).to_numpy() for c in DIMS}
    specs = [
        ((~is_all["org"]) & is_all["team"], ["level", "tenure_band"], lambda k: (ALL, ALL, k[0], k[1])),
        (~is_all["team"], ["org", "level", "tenure_band"], lambda k: (k[0], ALL, k[1], k[2])),
        (~is_all["level"], ["org", "team", "tenure_band"], lambda k: (k[0], k[1], ALL, k[2])),
        (~is_all["tenure_band"], ["org", "team", "level"], lambda k: (k[0], k[1], k[2], ALL)),
    ]
    lines = []
    for child_mask, key, parent_of in specs:
        sub = cells[child_mask]
        for line_key, idx in sub.groupby(key, sort=False).indices.items():
            lines.append((sub.index.to_numpy()[idx], 0, position.get(parent_of(line_key))))
    cells["hidden"] = reference_complementary(counts, order, lines, min_n)
    return cells


def reference_suppress(df, group_cols, count_col, min_n, parent_total=None):
    counts = df[count_col].fillna(0).astype(np.int64).to_numpy()
    order = np.arange(len(df))
    order[np.lexsort([df[c].astype(str).to_numpy() for c in reversed(group_cols)])] = np.arange(len(df))
    lines = []
    for col in group_cols:
        others = [c for c in group_cols if c != col]
        groups = df.groupby(others, dropna=False, sort=False).indices if others else {(): np.arange(len(df))}
        for idx in groups.values():
            remainder = 0 if parent_total is None else int(parent_total) - int(counts[idx].sum())
            lines.append((np.asarray(idx), remainder, None))
    return reference_complementary(counts, order, lines, min_n)


def _indexed(cells: pd.DataFrame) -> pd.DataFrame:
    return cells.set_index(list(DIMS))[["n", "hidden"]].astype({"n": "int64", "hidden": bool}).sort_index()


# ---------------------------------------------------------------------------------------------
# Random data: uneven org trees, team names repeated across orgs, several levels and bands.


@st.composite
def companies(draw):
    n_orgs = draw(st.integers(1, 4))
    levels = draw(st.lists(st.sampled_from(["IC3", "IC4", "IC5", "M1", "D1", "Zed"]), min_size=1, max_size=4,
                           unique=True))
    bands = draw(st.lists(st.sampled_from(["<1y", "1-2y", "2-5y", "5y+"]), min_size=1, max_size=4, unique=True))
    rows = []
    for o in range(n_orgs):
        for t in range(draw(st.integers(1, 5))):
            team = draw(st.sampled_from([f"T{t}", f"T{o}{t}"]))
            for lv, b in itertools.product(levels, bands):
                n = draw(st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 14, 40]))
                if n:
                    rows.append((f"O{o}", team, lv, b, n))
    if not rows:
        rows.append(("O0", "T0", levels[0], bands[0], 2))
    atoms = pd.DataFrame(rows, columns=["org", "team", "level", "tenure_band", "n"])
    # the atoms' row order must not matter
    return atoms.sample(frac=1, random_state=draw(st.integers(0, 1000))).reset_index(drop=True)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies(), st.integers(3, 10))
def test_fast_lattice_hides_exactly_the_cells_the_plain_rule_hides(atoms, min_n):
    fast = _indexed(build_lattice(atoms, min_n).cells)
    plain = _indexed(reference_lattice(atoms, min_n))
    pd.testing.assert_frame_equal(fast, plain)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies(), st.sampled_from([3, 5, 10]))
def test_counts_of_any_selection_are_sums_of_its_members(atoms, min_n):
    lattice = build_lattice(atoms, min_n)
    orgs = sorted(atoms["org"].unique())
    teams = sorted(set(zip(atoms["org"], atoms["team"], strict=True)))
    selections = [Selection(), Selection(levels=("nobody",)), Selection(orgs=("nowhere",))]
    selections += [Selection(orgs=(o,), levels=(lv,)) for o in orgs for lv in atoms["level"].unique()]
    selections += [Selection(teams=pair, tenure_bands=(b,)) for pair in itertools.combinations(teams, 2)
                   for b in atoms["tenure_band"].unique()[:1]]
    selections += [Selection(orgs=(orgs[0],), teams=(teams[-1],))]  # a team outside the orgs: nobody
    for sel in selections:
        assert lattice.count(sel) == int(atoms.loc[privacy._mask(atoms, sel), "n"].sum()), sel


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 8), st.data())
def test_fast_suppress_matches_the_plain_rule_on_tables(n_rows, n_cols, uncovered, data):
    df = pd.DataFrame([
        {"org": f"r{i}", "level": f"c{j}", "n": data.draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 20]))}
        for i in range(n_rows) for j in range(n_cols)
    ])
    out = suppress(df, ["org", "level"], "n", 5)
    assert out["suppressed"].tolist() == reference_suppress(df, ["org", "level"], "n", 5).tolist()
    one = df.groupby("org", as_index=False)["n"].sum()
    total = int(one["n"].sum()) + uncovered
    out = suppress(one, ["org"], "n", 5, parent_total=total)
    assert out["suppressed"].tolist() == reference_suppress(one, ["org"], "n", 5, parent_total=total).tolist()


def test_a_cascade_is_followed_to_its_end():
    """One person in a band of their own: hiding them spreads through band, level and geography
    lines, each hide possibly breaking a line already checked."""
    atoms = pd.DataFrame(
        [("A", "a1", "IC3", "<1y", 1), ("A", "a1", "IC3", "5y+", 30), ("A", "a1", "IC4", "5y+", 30),
         ("A", "a2", "IC3", "5y+", 30), ("B", "b1", "IC3", "5y+", 40)],
        columns=["org", "team", "level", "tenure_band", "n"],
    )
    fast = _indexed(build_lattice(atoms, 5).cells)
    pd.testing.assert_frame_equal(fast, _indexed(reference_lattice(atoms, 5)))
    # the one person is never derivable: their cell and a partner in each of its lines are hidden
    assert fast.loc[("A", "a1", "IC3", "<1y"), "hidden"]
    assert fast.loc[("A", "a1", "IC3", "5y+"), "hidden"]  # IC3 in a1 minus this = the one person
    assert fast.loc[("A", "a1", ALL, "<1y"), "hidden"]  # the same person as the IC3 <1y cell


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies(), st.sampled_from([3, 5, 10]))
def test_a_lattice_survives_storage_unchanged(atoms, min_n):
    lattice = build_lattice(atoms, min_n)
    restored = Lattice.from_stored(*lattice.to_stored(), min_n)
    pd.testing.assert_frame_equal(_indexed(restored.cells), _indexed(lattice.cells))
    teams = sorted(set(zip(atoms["org"], atoms["team"], strict=True)))
    for sel in [Selection(), *(Selection(teams=(t,)) for t in teams), Selection(levels=(atoms["level"][0],))]:
        assert restored.visible(sel) == lattice.visible(sel)


def test_parts_that_do_not_fit_together_are_refused():
    atoms = pd.DataFrame([("A", "a", "IC3", "<1y", 6), ("A", "b", "IC4", "<1y", 2)], columns=[*DIMS, "n"])
    labels, exists, hidden, counts = build_lattice(atoms, 5).to_stored()
    with pytest.raises(ValueError, match="do not fit its labels"):
        Lattice.from_stored(labels, exists + b"\x00", hidden + b"\x00", counts, 5)
    with pytest.raises(ValueError, match="counts do not fit"):
        Lattice.from_stored(labels, exists, hidden, counts[:-4], 5)
    with pytest.raises(ValueError, match="does not exist"):
        Lattice.from_stored(labels, exists, bytes(b ^ 0xFF for b in exists), counts, 5)


def test_an_empty_wave_shows_nothing():
    lattice = build_lattice(pd.DataFrame(columns=[*DIMS, "n"]), 5)
    assert lattice.count(Selection()) == 0
    assert not lattice.visible(Selection())
    assert lattice.cells.empty
    assert lattice.split(Selection(), "team") == []
