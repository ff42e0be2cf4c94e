"""The lattice of a wave: every group of respondents a viewer can ask for, and which are released.

The groups form one tree of equations a reader can write from released counts and sums:

    company = Σ orgs  + people whose org is withheld
    org     = Σ teams + people of the org whose team is withheld

On a tree, the engine's rule (none or at least two unknowns per equation, parent included)
leaves no hidden cell determined by released ones: combining two equations that share one cell
eliminates it and leaves at least two unknowns (tests/privacy_attack.py checks this exactly).
A team may be released under a hidden org, so one more rule looks across the two levels: the
company less every released org and every released team of a hidden org must leave 0 or at
least the minimum (else its smallest such cell is hidden too, and the engine runs again).

Level and tenure band cuts are not released. Any second classification beside the org tree
breaks the argument: the sets overlap through the people, and a reader who knows from the HR
tables which cells are empty can subtract across them. The attack suite found it at once
(every IC5 respondent had under a year of tenure, so "<1y" − "IC5" was one person), and crossed
cuts (org × level, level × band) are tables whose cycles let suppressed cells be solved. A safe
release of them needs an exact audit at company scale; until then they are refused.

A coordinate withheld in storage (NULL org or team in `stg_survey_submissions`) is never a cell
of its own: its people count in their line's remainder, which is never released and counts as
hidden. Withheld levels and bands change nothing here.

Suppression depends on the wave's counts only, never on who asks or which filters they set, so
the same cells are hidden for everyone and a cell hidden to protect a neighbour cannot be
fetched through another filter. Ties break on the cells' labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workforce.privacy.engine import Line, complementary

# Marks "every value" in a cell label. Filter values equal to it are refused, so no input can
# address a rolled-up cell by name.
ALL = "\u2217all"
BY_CHOICES = ("org", "team")
DIMS = ("org", "team")
NOT_RELEASED = ("survey figures by level or tenure band are not released: beside the org tree they let "
                "a small group be worked out by subtraction (docs/security.md)")


@dataclass(frozen=True)
class Selection:
    """A group of respondents: the chosen orgs and teams (empty: all). Several at once are fine:
    a union of released cells is a sum of released figures."""

    orgs: tuple[str, ...] = ()
    teams: tuple[tuple[str, str], ...] = ()  # (org, team): team names are unique within an org only

    def __post_init__(self) -> None:
        if ALL in self.orgs or any(ALL in p for p in self.teams):
            raise ValueError("filter value is not allowed")


Label = tuple[str, ...]  # ("company",), ("org", o), ("team", o, t)


class Lattice:
    """Respondent counts of one wave's cells, which are hidden, and the questions pages ask."""

    def __init__(self, labels: Sequence[Label], counts: Sequence[int], hidden: Sequence[bool], min_n: int) -> None:
        self.labels = tuple(map(tuple, labels))
        self._n = [int(c) for c in counts]
        self._hidden = [bool(h) for h in hidden]
        self.min_n = int(min_n)
        self._index = {label: i for i, label in enumerate(self.labels)}
        self.orgs = tuple(label[1] for label in self.labels if label[0] == "org")
        self.teams = tuple((label[1], label[2]) for label in self.labels if label[0] == "team")

    # -- cells of a selection

    def _cells(self, sel: Selection) -> list[int]:
        """The existing cells a selection is the union of (a cell nobody is in is left out)."""
        if sel.teams:
            wanted: list[Label] = [("team", o, t) for o, t in sel.teams if not sel.orgs or o in sel.orgs]
        elif sel.orgs:
            wanted = [("org", o) for o in sel.orgs]
        else:
            wanted = [("company",)]
        return [i for i in dict.fromkeys(self._index.get(label) for label in wanted) if i is not None]

    def count(self, sel: Selection) -> int:
        return sum(self._n[i] for i in self._cells(sel))

    def visible(self, sel: Selection) -> bool:
        """Whether the group is released: it is the union of one or more cells, every one of them
        released. (Each released cell holds at least the minimum, so the union does too, and its
        figures are sums of released ones: it adds no equation a reader did not have.)"""
        cells = self._cells(sel)
        return bool(cells) and all(self._n[i] >= self.min_n and not self._hidden[i] for i in cells)

    def split(self, sel: Selection, by: str) -> list[tuple[str, Selection]]:
        """The cells of a breakdown: one selection per value of `by` found within `sel`, whether
        released or not (callers keep the released ones)."""
        if by in ("level", "tenure_band"):
            raise ValueError(NOT_RELEASED)
        if by not in BY_CHOICES:
            raise ValueError(f"by must be one of {BY_CHOICES}, got {by!r}")
        if sel.teams:
            pairs = sorted(p for p in sel.teams if (not sel.orgs or p[0] in sel.orgs) and ("team", *p) in self._index)
        elif sel.orgs:
            pairs = sorted(p for p in self.teams if p[0] in sel.orgs)
        else:
            pairs = sorted(self.teams)
        if by == "team":
            return [(f"{o} / {t}", Selection((o,), ((o, t),))) for o, t in pairs]
        orgs = sorted({o for o, _ in pairs} if sel.teams else (
            [o for o in sel.orgs if ("org", o) in self._index] if sel.orgs else self.orgs))
        return [(o, Selection((o,), tuple(p for p in sel.teams if p[0] == o))) for o in orgs]

    @property
    def cells(self) -> pd.DataFrame:
        """Every cell: org, team (ALL for rolled up), n, hidden."""
        rows = [{"org": label[1] if len(label) > 1 else ALL, "team": label[2] if len(label) > 2 else ALL,
                 "n": n, "hidden": hidden}
                for label, n, hidden in zip(self.labels, self._n, self._hidden, strict=True)]
        return pd.DataFrame(rows, columns=["org", "team", "n", "hidden"])


def build_lattice(atoms: pd.DataFrame, min_n: int) -> Lattice:
    """Count every cell from the finest cells (columns org, team, n; None: withheld; other columns
    such as level are ignored) and suppress the lattice (see the module)."""
    n = pd.to_numeric(atoms["n"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    org, team = atoms["org"].to_numpy(dtype=object), atoms["team"].to_numpy(dtype=object)
    has_org = pd.notna(org)
    has_team = has_org & pd.notna(team)
    # Sums per org and per (org, team), in label order, on codes (a pandas group-by on the labels
    # was two thirds of the build): codes of sorted labels sort as the labels do.
    org_codes, org_names = pd.factorize(org[has_org].astype(str), sort=True)
    org_sums = np.zeros(len(org_names), dtype=np.int64)
    np.add.at(org_sums, org_codes, n[has_org])
    orgs = dict(zip(org_names.tolist(), org_sums.tolist(), strict=True))
    code_of_row = np.full(len(org), -1, dtype=np.int64)
    code_of_row[has_org] = org_codes
    team_codes, team_names = pd.factorize(team[has_team].astype(str), sort=True)
    width = max(len(team_names), 1)
    pair, of_pair = np.unique(code_of_row[has_team] * width + team_codes, return_inverse=True)
    team_sums = np.zeros(len(pair), dtype=np.int64)
    np.add.at(team_sums, of_pair.reshape(-1), n[has_team])
    pairs = zip(org_names[pair // width].tolist(), team_names[pair % width].tolist(), strict=True)
    teams = dict(zip(pairs, team_sums.tolist(), strict=True))
    teams_of: dict[str, list[str]] = {o: [] for o in orgs}
    for o, t in teams:  # sorted by org, then team
        teams_of[o].append(t)
    labels: list[Label] = [("company",), *(("org", o) for o in orgs), *(("team", o, t) for o, t in teams)]
    counts = [int(n.sum()), *orgs.values(), *teams.values()]
    index = {label: i for i, label in enumerate(labels)}

    def line(parent: Label, members: list[Label]) -> Line:
        p = index[parent]
        ids = tuple(index[m] for m in members)
        return Line(p, ids, counts[p] - sum(counts[i] for i in ids))

    lines = [line(("company",), [("org", o) for o in orgs])]
    lines += [line(("org", o), [("team", o, t) for t in teams_of[o]]) for o in orgs]
    # Cells are listed in label order: ties break on labels.
    hidden = complementary(counts, lines, min_n)
    forced: set[int] = set()
    while (pick := _company_residue_leak(labels, counts, hidden, min_n, index)) is not None:
        forced.add(pick)
        hidden = complementary(counts, lines, min_n, also_hidden=forced)
    return Lattice(labels, counts, hidden, min_n)


def _company_residue_leak(labels: list[Label], counts: list[int], hidden: list[bool], min_n: int,
                          index: dict[Label, int]) -> int | None:
    """The cell to hide when the company, less every released org and every released team of a
    hidden org, leaves a group of 1 to min_n − 1 people (a reader subtracts across two levels:
    the line rules see one level at a time); None when there is no such group."""
    if hidden[0]:
        return None
    released = [i for i, label in enumerate(labels) if not hidden[i] and counts[i] > 0 and (
        label[0] == "org" or (label[0] == "team" and hidden[index[("org", label[1])]]))]
    residue = counts[0] - sum(counts[i] for i in released)
    if not 0 < residue < min_n:
        return None
    return min(released, key=lambda i: (counts[i], i)) if released else 0

