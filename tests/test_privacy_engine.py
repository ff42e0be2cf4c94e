"""The suppression engine's rule, line by line (workforce/privacy/engine.py).

Every line is an equation: parent = Σ members + remainder. After suppression, counting the
parent as a member of its equation, the unknowns (hidden cells and a non-zero remainder) are
none or at least two, and with the parent shown the hidden members hold 0 or at least the
minimum. Known-answer cases for each part of the rule, and a property over random org trees.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workforce.privacy import Line, Selection, build_lattice, complementary


def test_a_hidden_parent_takes_one_of_its_visible_children_with_it():
    # cells: 0 company (40), 1 org A (12, hidden to protect B), 2 org B (3), 3 org C (25),
    # 4 a1 (6), 5 a2 (6): A hidden with both teams shown would be a1 + a2
    counts = [40, 12, 3, 25, 6, 6]
    lines = [Line(0, (1, 2, 3)), Line(1, (4, 5))]
    hidden = complementary(counts, lines, 5)
    assert hidden[1] and hidden[2] and not hidden[3]
    assert hidden[4] != hidden[5]  # one team hidden: A − a1 = a2 and both unknown


def test_a_lone_hidden_cell_takes_its_smallest_sibling_and_more_until_the_minimum():
    counts = [30, 1, 2, 9, 18]  # company, then four orgs
    hidden = complementary(counts, [Line(0, (1, 2, 3, 4))], 5)
    assert hidden == [False, True, True, True, False]  # 1 + 2 < 5, so 9 goes too


def test_a_withheld_remainder_counts_as_hidden():
    # an org of 13: teams of 6 and 6 and one person whose team is withheld
    counts = [13, 6, 6]
    hidden = complementary(counts, [Line(0, (1, 2), remainder=1)], 5)
    assert hidden[1] or hidden[2]  # else org − teams = the withheld person
    assert not hidden[0]


def test_a_parent_with_one_child_is_that_child():
    counts = [4, 4]
    assert complementary(counts, [Line(0, (1,))], 3) == [False, False]
    assert complementary([4, 4], [Line(0, (1,))], 5) == [True, True]


def test_an_empty_wave_shows_nothing():
    lattice = build_lattice(pd.DataFrame(columns=["org", "team", "n"]), 5)
    assert lattice.count(Selection()) == 0
    assert not lattice.visible(Selection())
    assert lattice.split(Selection(), "team") == []


@st.composite
def trees(draw):
    rows = []
    for o in range(draw(st.integers(1, 5))):
        for t in range(draw(st.integers(1, 4))):
            rows.append((f"O{o}", None if draw(st.integers(0, 7)) == 0 else f"t{t}", draw(st.integers(1, 15))))
    atoms = pd.DataFrame(rows, columns=["org", "team", "n"])
    return atoms.groupby(["org", "team"], dropna=False, as_index=False)["n"].sum()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.sampled_from([3, 4, 5, 10]))
def test_every_line_holds_none_or_two_unknowns_and_no_small_hidden_union(atoms, min_n):
    atoms["team"] = atoms["team"].astype(object).where(atoms["team"].notna(), None)
    lattice = build_lattice(atoms, min_n)
    cells = lattice.cells.set_index(["org", "team"])
    company = cells.iloc[0]
    orgs = cells[cells.index.get_level_values("team") == cells.index[0][1]].iloc[1:]
    lines = [(company, orgs)]
    for org in orgs.index.get_level_values("org"):
        lines.append((cells.loc[(org, cells.index[0][1])], cells.loc[org].drop(index=cells.index[0][1], errors="ignore")))
    for parent, members in lines:
        remainder = int(parent["n"]) - int(members["n"].sum())
        hid = members[members["hidden"] & (members["n"] > 0)]
        unknowns = len(hid) + (remainder > 0) + bool(parent["hidden"])
        assert unknowns == 0 or unknowns >= 2 or (unknowns == 1 and remainder >= min_n and not parent["hidden"])
        if not parent["hidden"]:
            total = int(hid["n"].sum()) + remainder
            assert total == 0 or total >= min_n
    shown = cells[~cells["hidden"]]
    assert (shown["n"].eq(0) | shown["n"].ge(min_n)).all()
