"""The confidentiality layer: every survey figure the product shows goes through here.

Two rules, both enforced on the server before a number leaves this module:

1. **Minimum group size.** No score for fewer than `min_scores` respondents (default 5), no
   comment for a group of fewer than `min_comments` respondents (default 10).
2. **No differencing.** Nobody can subtract two displayed figures, or a sum of displayed cells
   from a displayed parent, to reach a group below the minimum.

How (docs/security.md has the long version):

- `suppress(df, group_cols, ...)` is the table-level tool for any pre-aggregated table: primary
  suppression of small cells, then *complementary* suppression. Every "line" of the table (the
  cells that differ in one column only, which add up to a marginal) must have a hidden total of
  zero or at least the minimum; when it does not, the next-smallest visible cell of that line is
  hidden too, until every line holds. A single hidden cell in a line is therefore never
  derivable, and neither is a hidden set smaller than the minimum.
- `survey_groups(con, viewer, wave_id, by=..., filters)` is the query-level tool for survey pages.
  The reachable filter space of a wave is a lattice of groups: geography (company → org → team)
  × level × tenure band, each either "all" or one value. The whole lattice is suppressed from the
  wave's counts alone, viewer-independently and deterministically (the same cells are hidden
  whoever asks and whatever they filter, so a secondarily suppressed cell cannot be fetched
  directly by another filter). A requested group is then shown only when (a) it has at least the
  minimum respondents, (b) every lattice cell it is made of is visible, and (c) its difference
  with each coarser group reachable by relaxing its filters (up to the company total) is zero or
  at least the minimum. Requests outside the viewer's org scope never reach the data.
- Since the lattice depends on the wave's counts only, the load stores it
  (`store_wave_lattices`, table mart_survey_lattice) under a fingerprint of those counts, and
  each process remembers the lattices it used under the same key. A lattice is read only under
  the wave's current fingerprint: a wave that took a submission since is suppressed afresh.
  Figures are read from one row per respondent (mart_survey_responses) when that matches the
  submissions exactly, else from the answers themselves (`workforce.survey_data`).

This module never imports streamlit and never returns a respondent-level row.
"""

from __future__ import annotations

import heapq
import itertools
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from workforce import survey_data
from workforce.db import sql, table_exists
from workforce.viewer import Role, ScopeError, Viewer, allowed_orgs

DEFAULT_MIN_SCORES = 5
DEFAULT_MIN_COMMENTS = 10
# Marks "every value" in a lattice coordinate. Filter values equal to it are refused, so no input
# can address a rolled-up cell by name.
ALL = "\u2217all"
THEMES = ("morale", "manager", "ai_tools", "workload", "career", "intent_to_stay")
BY_CHOICES = ("org", "team", "level", "tenure_band")
TENURE_BANDS = ("<1y", "1-2y", "2-5y", "5y+")
SUPPRESSED_LABEL = "fewer than {n} respondents, or would reveal a smaller group"


@dataclass(frozen=True)
class PrivacyRules:
    """Minimum group sizes. Raising them is always safe; they never go below 3."""

    min_scores: int = DEFAULT_MIN_SCORES
    min_comments: int = DEFAULT_MIN_COMMENTS

    def __post_init__(self) -> None:
        if self.min_scores < 3:
            raise ValueError(f"min_scores must be at least 3, got {self.min_scores}")
        if self.min_comments < self.min_scores:
            raise ValueError(
                f"min_comments ({self.min_comments}) must be at least min_scores ({self.min_scores})"
            )


def current_rules(con: duckdb.DuckDBPyConnection | None = None) -> PrivacyRules:
    """The configured minimums: app_meta keys `privacy_min_scores` / `privacy_min_comments`
    (set by admins on the Access page), else env WORKFORCE_MIN_GROUP / WORKFORCE_MIN_COMMENT_GROUP,
    else 5 and 10."""
    scores = int(os.environ.get("WORKFORCE_MIN_GROUP", DEFAULT_MIN_SCORES))
    comments = int(os.environ.get("WORKFORCE_MIN_COMMENT_GROUP", DEFAULT_MIN_COMMENTS))
    if con is not None and table_exists(con, "app_meta"):
        stored = dict(
            con.execute(
                "SELECT key, value FROM app_meta WHERE key IN ('privacy_min_scores', 'privacy_min_comments')"
            ).fetchall()
        )
        scores = int(stored.get("privacy_min_scores", scores))
        comments = int(stored.get("privacy_min_comments", comments))
    return PrivacyRules(scores, max(comments, scores))


# ----------------------------------------------------------------------------------------------
# The suppression engine: cells with counts, lines of cells that add up to a marginal.


@dataclass(frozen=True)
class _Lines:
    """Lines of cells, compressed: line i holds `cells[ptr[i]:ptr[i + 1]]` and adds up to the cell
    `parent[i]` (-1: not a cell) plus `remainder[i]` respondents in no listed cell (always hidden)."""

    ptr: np.ndarray
    cells: np.ndarray
    remainder: np.ndarray
    parent: np.ndarray

    @classmethod
    def of(cls, groups: Sequence[np.ndarray], remainder: Sequence[int] | None = None,
           parent: Sequence[int] | None = None) -> _Lines:
        sizes = np.array([len(g) for g in groups], dtype=np.int64)
        ptr = np.zeros(len(groups) + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        cells = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups]) if groups else np.zeros(0, np.int64)
        rem = np.zeros(len(groups), np.int64) if remainder is None else np.asarray(remainder, dtype=np.int64)
        par = np.full(len(groups), -1, np.int64) if parent is None else np.asarray(parent, dtype=np.int64)
        return cls(ptr, cells, rem, par)


def _csr(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[list[int], list[int]]:
    """For each key in range(size), the values paired with it, in their given order."""
    by_key = np.argsort(keys, kind="stable")
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=ptr[1:])
    return ptr.tolist(), values[by_key].tolist()


def _complementary(counts: np.ndarray, order: np.ndarray, lines: _Lines, min_n: int) -> np.ndarray:
    """Hidden flags after primary and complementary suppression.

    `order` ranks cells for tie-breaking (smaller first), so the result depends on the data only.
    A parent with a single non-empty child is the same group of people as that child, so the two
    are shown or hidden together (otherwise the parent would show what the child hides).

    The rule runs in sweeps until one changes nothing. A sweep first joins every such parent and
    child, in line order, then walks the lines in order: a line whose hidden cells are one alone
    (which the parent minus the rest would give away) or total between 1 and `min_n` − 1 hides its
    smallest visible non-empty cell. Only lines that can break the rule are visited: those broken
    when the sweep reaches its lines (found for all lines at once) and those holding a cell hidden
    earlier in the same sweep. Every other line would be found intact, so the hidden set is the
    one a visit of every line in every sweep gives.
    """
    counts = np.asarray(counts, dtype=np.int64)
    n_cells = counts.size
    flags = bytearray(((counts > 0) & (counts < min_n)).astype(np.uint8).tobytes())
    hidden = np.frombuffer(flags, dtype=np.bool_)  # a view: writes to `flags` show here
    n_lines = lines.ptr.size - 1
    if n_lines == 0 or n_cells == 0:
        return hidden.copy()
    cells = lines.cells
    rem = lines.remainder
    line_of = np.repeat(np.arange(n_lines, dtype=np.int64), np.diff(lines.ptr))
    nonempty = counts[cells] > 0

    # Parent and child that are the same people, in line order.
    nonempty_per_line = np.bincount(line_of, weights=nonempty, minlength=n_lines)
    same = np.flatnonzero((lines.parent >= 0) & (nonempty_per_line == 1) & (rem == 0))
    only_child = np.full(n_lines, -1, dtype=np.int64)
    only_child[line_of[nonempty]] = cells[nonempty]
    pair_a, pair_b = lines.parent[same], only_child[same]
    pairs_ptr, pairs_of = _csr(np.concatenate([pair_a, pair_b]), np.tile(np.arange(same.size), 2), n_cells)
    pa, pb = pair_a.tolist(), pair_b.tolist()

    lines_ptr, lines_of = _csr(cells, line_of, n_cells)  # each cell's lines, ascending
    # Within each line, cells by (count, tie-break order): the first visible non-empty one is the pick.
    by_pick = cells[np.lexsort((order[cells], counts[cells], line_of))].tolist()
    ptr, members, remainder = lines.ptr.tolist(), cells.tolist(), rem.tolist()
    count = counts.tolist()

    def check(i: int) -> int:
        start, end = ptr[i], ptr[i + 1]
        total = remainder[i]
        n_hidden = 1 if total > 0 else 0
        for c in members[start:end]:
            if flags[c] and count[c] > 0:
                total += count[c]
                n_hidden += 1
        if (n_hidden == 1 and remainder[i] == 0) or 0 < total < min_n:
            for c in by_pick[start:end]:
                if not flags[c] and count[c] > 0:
                    return c
        return -1  # intact, or wholly hidden (its parent is below the minimum too)

    def join_same_groups() -> bool:
        differ = np.flatnonzero(hidden[pair_a] != hidden[pair_b]).tolist()
        queued = set(differ)
        changed = False
        while differ:
            p = heapq.heappop(differ)
            a, b = pa[p], pb[p]
            if flags[a] == flags[b]:
                continue
            cell = b if flags[a] else a
            flags[cell] = 1
            changed = True
            for q in pairs_of[pairs_ptr[cell]:pairs_ptr[cell + 1]]:
                if q > p and q not in queued:
                    queued.add(q)
                    heapq.heappush(differ, q)
        return changed

    weights = counts[cells]
    while True:
        changed = join_same_groups() if same.size else False
        h = hidden[cells] & nonempty
        total = np.bincount(line_of, weights=weights * h, minlength=n_lines) + rem
        n_hidden = np.bincount(line_of, weights=h, minlength=n_lines) + (rem > 0)
        open_cells = np.bincount(line_of, weights=nonempty & ~h, minlength=n_lines)
        broken = (((n_hidden == 1) & (rem == 0)) | ((total > 0) & (total < min_n))) & (open_cells > 0)
        todo = np.flatnonzero(broken).tolist()
        queued = bytearray(n_lines)
        for i in todo:
            queued[i] = 1
        while todo:
            i = heapq.heappop(todo)
            queued[i] = 0
            pick = check(i)
            if pick < 0:
                continue
            flags[pick] = 1
            changed = True
            for j in lines_of[lines_ptr[pick]:lines_ptr[pick + 1]]:
                if j > i and not queued[j]:  # later in this sweep; earlier ones wait for the next
                    queued[j] = 1
                    heapq.heappush(todo, j)
        if not changed:
            return hidden.copy()


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
    line adding up to a marginal someone may see; each line ends with a hidden total of 0 or ≥
    `min_n`. `parent_total` (one grouping column only) is the parent's count when the cells do not
    cover it all (e.g. people with no value): the uncovered rest counts as hidden.

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
    order = np.arange(len(out))
    # Deterministic, data-only tie-break: the cells' labels, not the row order given.
    order[np.lexsort([out[c].astype(str).to_numpy() for c in reversed(group_cols)])] = np.arange(len(out))
    line_cells: list[np.ndarray] = []
    remainders: list[int] = []
    for col in group_cols:
        others = [c for c in group_cols if c != col]
        groups = out.groupby(others, dropna=False, sort=False).indices if others else {(): np.arange(len(out))}
        for idx in groups.values():
            remainder = 0
            if parent_total is not None:
                remainder = int(parent_total) - int(counts[idx].sum())
                if remainder < 0:
                    raise ValueError(f"parent_total {parent_total} is below the sum of the cells")
            line_cells.append(np.asarray(idx))
            remainders.append(remainder)
    hidden = _complementary(counts, order, _Lines.of(line_cells, remainders), min_n)
    if value_cols is None:
        value_cols = [c for c in out.columns if c not in group_cols and c != count_col]
    out["suppressed"] = hidden
    out[count_col] = out[count_col].astype("Float64").mask(hidden).astype("Int64")
    for col in value_cols:
        out[col] = out[col].astype("Float64" if pd.api.types.is_numeric_dtype(out[col]) else object).mask(hidden)
    return out


# ----------------------------------------------------------------------------------------------
# The lattice of a wave's reachable groups.

DIMS = ("org", "team", "level", "tenure_band")


@dataclass(frozen=True)
class Selection:
    """A group of respondents: per dimension, the chosen values (empty: all)."""

    orgs: tuple[str, ...] = ()
    teams: tuple[tuple[str, str], ...] = ()  # (org, team): team names are unique within an org only
    levels: tuple[str, ...] = ()
    tenure_bands: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if ALL in self.orgs or ALL in self.levels or ALL in self.tenure_bands or any(t == ALL for _, t in self.teams):
            raise ValueError("filter value is not allowed")
        # Several orgs or teams at once are fine (geography is a tree the lattice protects), but a
        # union of levels or bands would let "IC3+IC4" minus "IC3" isolate a small group.
        if len(self.levels) > 1:
            raise ValueError(f"choose one level or all levels, not {len(self.levels)}")
        if len(self.tenure_bands) > 1:
            raise ValueError(f"choose one tenure band or all bands, not {len(self.tenure_bands)}")


_Code = tuple[int, int, int]  # (geography, level, band) of a cell; see Lattice


class Lattice:
    """Respondent counts of every reachable group of one wave, and which are hidden.

    Cells are held in dense arrays indexed by codes: geography 0 is the company, 1..O the orgs,
    O+1..O+T the teams; level 0 and band 0 mean "all", 1.. one value. A cell exists when some
    finest cell (atom) lies in it; a count of a group is then a sum of a few array entries, and
    the members' teams, levels and bands are the non-empty entries below its cells.
    """

    def __init__(self, orgs: Sequence[str], teams: Sequence[tuple[str, str]], levels: Sequence[str],
                 bands: Sequence[str], n: np.ndarray, exists: np.ndarray, hidden: np.ndarray, min_n: int) -> None:
        self.orgs, self.teams = tuple(orgs), tuple((str(o), str(t)) for o, t in teams)
        self.levels, self.bands = tuple(levels), tuple(bands)
        self.min_n = int(min_n)
        n_orgs = len(self.orgs)
        self.shape = (1 + n_orgs + len(self.teams), 1 + len(self.levels), 1 + len(self.bands))
        self._n = np.asarray(n, dtype=np.int32).reshape(self.shape)  # a wave has far fewer than 2**31 people
        self._occupied = self._n > 0
        self._exists = np.asarray(exists, dtype=bool).reshape(self.shape)
        self._hidden = np.asarray(hidden, dtype=bool).reshape(self.shape)
        self._org_code = {o: 1 + i for i, o in enumerate(self.orgs)}
        self._team_code = {t: 1 + n_orgs + i for i, t in enumerate(self.teams)}
        self._level_code = {v: 1 + i for i, v in enumerate(self.levels)}
        self._band_code = {v: 1 + i for i, v in enumerate(self.bands)}
        self._team_org = np.array([self._org_code[o] for o, _ in self.teams], dtype=np.int64)
        team_codes = np.arange(1 + n_orgs, self.shape[0], dtype=np.int64)
        self._teams_below = {0: team_codes} | {
            code: team_codes[self._team_org == code] for code in self._org_code.values()
        }
        # Pages ask about the same groups again and again; the answer depends on the lattice only.
        self._visible: dict[Selection, bool] = {}
        self._splits: dict[tuple[Selection, str], list[tuple[str, Selection]]] = {}

    # -- labels and codes

    def _parse(self, sel: Selection) -> tuple[list[int], int | None, int | None]:
        """The geography codes a selection covers (no unknown label, no repeat), and its level and
        band codes (0: all; None: a value no respondent has, so the group is empty)."""
        if sel.teams:
            wanted = [self._team_code.get(p) for p in sel.teams if not sel.orgs or p[0] in sel.orgs]
        elif sel.orgs:
            wanted = [self._org_code.get(o) for o in sel.orgs]
        else:
            wanted = [0]
        geo = [g for g in dict.fromkeys(wanted) if g is not None]
        level = self._level_code.get(sel.levels[0]) if sel.levels else 0
        band = self._band_code.get(sel.tenure_bands[0]) if sel.tenure_bands else 0
        return geo, level, band

    def _codes(self, sel: Selection) -> list[_Code]:
        """The existing cells a selection is the union of (a cell no respondent is in is left out)."""
        geo, level, band = self._parse(sel)
        if level is None or band is None:
            return []
        return [(g, level, band) for g in geo if self._exists[g, level, band]]

    def _label(self, geo: int) -> tuple[str, str]:
        if geo == 0:
            return ALL, ALL
        if geo <= len(self.orgs):
            return self.orgs[geo - 1], ALL
        return self.teams[geo - 1 - len(self.orgs)]

    @property
    def cells(self) -> pd.DataFrame:
        """Every existing cell: org, team, level, tenure_band (ALL for rolled up), n, hidden."""
        geo, lv, b = np.nonzero(self._exists)
        labels = [self._label(g) for g in geo.tolist()]
        return pd.DataFrame({
            "org": [o for o, _ in labels],
            "team": [t for _, t in labels],
            "level": [ALL if v == 0 else self.levels[v - 1] for v in lv.tolist()],
            "tenure_band": [ALL if v == 0 else self.bands[v - 1] for v in b.tolist()],
            "n": self._n[geo, lv, b],
            "hidden": self._hidden[geo, lv, b],
        })

    # -- the questions the query functions ask

    def count(self, sel: Selection) -> int:
        geo, level, band = self._parse(sel)
        return 0 if level is None or band is None else int(self._n[geo, level, band].sum())

    def _below(self, cells: Iterable[_Code], present: np.ndarray) -> tuple[set[int], set[int], set[int]]:
        """Teams, levels and bands of the finest cells below `cells` where `present` holds."""
        teams: set[int] = set()
        levels: set[int] = set()
        bands: set[int] = set()
        n_orgs = len(self.orgs)
        for geo, lv, b in cells:
            if geo > n_orgs:
                teams.add(geo)
            else:
                below = self._teams_below[geo]
                teams.update(below[present[below, lv, b]].tolist())
            levels.update([lv] if lv else (np.flatnonzero(present[geo, 1:, b]) + 1).tolist())
            bands.update([b] if b else (np.flatnonzero(present[geo, lv, 1:]) + 1).tolist())
        return teams, levels, bands

    def visible(self, sel: Selection) -> bool:
        """Whether the group may be shown: at least the minimum, no hidden cell in it, and no
        difference of 1 to minimum − 1 respondents with a wider group.

        Wider groups are of two kinds. Those reached by widening filters: each of the selection's
        geography, its orgs' whole orgs (when it names teams) or the company, crossed with its
        level or all levels and its band or all bands. And those that contain every respondent
        of the selection because of who those respondents are: if every IC3 in two teams joined
        this year, "IC3 in those teams" sits inside "IC3 with under a year", whatever the
        filters say. So those candidates are built from the respondents' own attributes: the
        teams or orgs they occupy (or all), crossed with their level or band when they share one
        (or all). Unions of further teams or orgs need no check here: each extra cell they add is
        either hidden by the lattice (so that union is not shown) or holds at least the minimum.

        The answer depends on the lattice alone, so it is remembered per selection.
        """
        shown = self._visible.get(sel)
        if shown is None:
            shown = self._visible[sel] = self._judge(sel)
        return shown

    def _total(self, geo: list[int], level: int, band: int) -> int:
        if len(geo) == 1:  # most groups asked about are one org or team: skip numpy's fancy indexing
            return int(self._n[geo[0], level, band])
        return int(self._n[geo, level, band].sum()) if geo else 0

    def _judge(self, sel: Selection) -> bool:
        geo, level, band = self._parse(sel)
        if level is None or band is None:
            return False  # nobody has that level or band: an empty group
        n = self._total(geo, level, band)
        if n < self.min_n or any(self._hidden[g, level, band] for g in geo):
            return False
        n_orgs = len(self.orgs)
        widened = [geo]
        if sel.teams:
            widened.append([c for c in map(self._org_code.get, dict.fromkeys(o for o, _ in sel.teams)) if c])
        if sel.orgs or sel.teams:
            widened.append([0])
        candidates = [(widened, [level, 0] if level else [0], [band, 0] if band else [0])]
        occupied = [(g, level, band) for g in geo if self._n[g, level, band] > 0]
        if occupied:
            teams, levels, bands = self._below(occupied, self._occupied)
            team_codes = sorted(teams)
            orgs = sorted({int(self._team_org[t - 1 - n_orgs]) for t in team_codes})
            candidates.append((
                [geo, team_codes, orgs, [0]],
                [0, *levels] if len(levels) == 1 else [0],
                [0, *bands] if len(bands) == 1 else [0],
            ))
        for geos, level_options, band_options in candidates:
            for g, lv, b in itertools.product(geos, level_options, band_options):
                gap = self._total(g, lv, b) - n
                if 0 < gap < self.min_n:
                    return False
        return True

    def split(self, sel: Selection, by: str) -> list[tuple[str, Selection]]:
        """The cells of a breakdown: one selection per value of `by` found within `sel` (remembered,
        like `visible`: a page asks for the same breakdowns again and again)."""
        key = (sel, by)
        if key not in self._splits:
            self._splits[key] = self._split(sel, by)
        return self._splits[key]

    def _split(self, sel: Selection, by: str) -> list[tuple[str, Selection]]:
        cells = self._codes(sel)
        n_orgs = len(self.orgs)
        if by == "org":
            found: set[int] = set()
            for geo, lv, b in cells:
                if geo == 0:
                    found.update((np.flatnonzero(self._exists[1:1 + n_orgs, lv, b]) + 1).tolist())
                else:
                    found.add(geo if geo <= n_orgs else int(self._team_org[geo - 1 - n_orgs]))
            return [(org, Selection((org,), tuple(p for p in sel.teams if p[0] == org), sel.levels, sel.tenure_bands))
                    for org in sorted(self.orgs[c - 1] for c in found)]
        team_codes, level_codes, band_codes = self._below(cells, self._exists)
        pairs = sorted(self.teams[t - 1 - n_orgs] for t in team_codes)
        if by == "team":
            return [(f"{o} / {t}", Selection((o,), ((o, t),), sel.levels, sel.tenure_bands)) for o, t in pairs]
        if by == "level":
            return [(v, Selection(sel.orgs, sel.teams, (v,), sel.tenure_bands))
                    for v in sorted(self.levels[c - 1] for c in level_codes)]
        present = {self.bands[c - 1] for c in band_codes}
        return [(b, Selection(sel.orgs, sel.teams, sel.levels, (b,))) for b in TENURE_BANDS if b in present]

    # -- storage

    def to_stored(self) -> tuple[str, bytes, bytes, bytes]:
        """The lattice as stored: labels (JSON), which cells exist and which are hidden (one bit per
        cell of the dense arrays), and the counts of the existing cells (little-endian int32)."""
        labels = json.dumps({"orgs": self.orgs, "teams": self.teams, "levels": self.levels, "bands": self.bands})
        exists = self._exists.ravel()
        return (labels, np.packbits(exists).tobytes(), np.packbits(self._hidden.ravel()).tobytes(),
                self._n.ravel()[exists].astype("<i4").tobytes())

    @classmethod
    def from_stored(cls, labels: str, exists_bits: bytes, hidden_bits: bytes, counts: bytes, min_n: int) -> Lattice:
        """The inverse of `to_stored`; ValueError when the parts do not fit together."""
        parts = json.loads(labels)
        orgs, teams, levels, bands = parts["orgs"], [tuple(t) for t in parts["teams"]], parts["levels"], parts["bands"]
        size = (1 + len(orgs) + len(teams)) * (1 + len(levels)) * (1 + len(bands))
        if len(exists_bits) != (size + 7) // 8 or len(hidden_bits) != len(exists_bits):
            raise ValueError("stored lattice: its cells do not fit its labels")
        exists = np.unpackbits(np.frombuffer(exists_bits, np.uint8), count=size).astype(bool)
        hidden = np.unpackbits(np.frombuffer(hidden_bits, np.uint8), count=size).astype(bool)
        n = np.frombuffer(counts, "<i4")
        if n.size != int(exists.sum()) or (n < 0).any():
            raise ValueError("stored lattice: its counts do not fit its cells")
        if (hidden & ~exists).any():
            raise ValueError("stored lattice: a hidden cell does not exist")
        dense = np.zeros(size, np.int32)
        dense[exists] = n
        return cls(orgs, teams, levels, bands, dense, exists, hidden, min_n)


def _geo_key(atoms: pd.DataFrame) -> pd.Series:
    """org and team as one key: team names are unique within an org only."""
    return atoms["org"].astype(str) + "\x1f" + atoms["team"].astype(str)


def _mask(atoms: pd.DataFrame, sel: Selection) -> pd.Series:
    """Rows of a frame with org, team, level and tenure_band columns that fall in `sel`."""
    mask = pd.Series(True, index=atoms.index)
    if sel.orgs:
        mask &= atoms["org"].isin(sel.orgs)
    if sel.teams:
        keys = atoms["geo"] if "geo" in atoms else _geo_key(atoms)
        mask &= keys.isin([f"{o}\x1f{t}" for o, t in sel.teams])
    if sel.levels:
        mask &= atoms["level"].isin(sel.levels)
    if sel.tenure_bands:
        mask &= atoms["tenure_band"].isin(sel.tenure_bands)
    return mask


def _ranks(values: Sequence[str]) -> dict[str, int]:
    """Each value's place in sorted order, ALL included: the cells' tie-break is by their labels."""
    return {v: i for i, v in enumerate(sorted({*values, ALL}))}


def _first_seen(values: np.ndarray) -> np.ndarray:
    """Codes numbering distinct values in order of first appearance."""
    return pd.factorize(values, sort=False)[0]


def build_lattice(atoms: pd.DataFrame, min_n: int) -> Lattice:
    """Count every lattice cell from the finest cells and suppress the lattice.

    Lines: a company/org cell with its orgs/teams (geography is a tree), and any cell with
    "all levels" (or "all tenure bands") with its per-level (per-band) cells.

    Cells are listed, and lines ordered, as a table of the 12 roll-ups (geography depth × level all
    or not × band all or not), each sorted by its labels, grouped line by line. That order decides
    ties between equally small cells, so it is kept exactly (`_complementary` is deterministic).
    """
    org = atoms["org"].astype(str).to_numpy(object)
    team = atoms["team"].astype(str).to_numpy(object)
    level = atoms["level"].astype(str).to_numpy(object)
    band = atoms["tenure_band"].astype(str).to_numpy(object)
    weights = atoms["n"].fillna(0).to_numpy(dtype=np.int64)
    orgs = sorted(set(org))
    pairs = sorted(set(zip(org, team, strict=True)))
    levels, bands = sorted(set(level)), sorted(set(band))
    n_orgs, n_teams, n_levels, n_bands = len(orgs), len(pairs), len(levels), len(bands)
    shape = (1 + n_orgs + n_teams, 1 + n_levels, 1 + n_bands)
    org_code = {o: 1 + i for i, o in enumerate(orgs)}
    team_code = {p: 1 + n_orgs + i for i, p in enumerate(pairs)}
    a_org = np.array([org_code[o] for o in org], dtype=np.int64)
    a_team = np.array([team_code[p] for p in zip(org, team, strict=True)], dtype=np.int64)
    level_code = {v: 1 + i for i, v in enumerate(levels)}
    band_code = {v: 1 + i for i, v in enumerate(bands)}
    a_level = np.array([level_code[v] for v in level], dtype=np.int64)
    a_band = np.array([band_code[v] for v in band], dtype=np.int64)
    zeros = np.zeros(len(weights), np.int64)

    def flat(geo: np.ndarray, lv: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (geo * shape[1] + lv) * shape[2] + b

    # Per-code ranks of the labels, for sorting cells as their label strings sort.
    org_rank, team_rank, level_rank, band_rank = _ranks(orgs), _ranks([t for _, t in pairs]), _ranks(levels), _ranks(bands)
    geo_org_rank = np.array([org_rank[ALL]] + [org_rank[o] for o in orgs] + [org_rank[o] for o, _ in pairs])
    geo_team_rank = np.array([team_rank[ALL]] * (1 + n_orgs) + [team_rank[t] for _, t in pairs])
    lv_rank = np.array([level_rank[ALL]] + [level_rank[v] for v in levels])
    b_rank = np.array([band_rank[ALL]] + [band_rank[v] for v in bands])

    size = shape[0] * shape[1] * shape[2]
    blocks = []
    n_dense = np.zeros(size, np.int64)
    for geo, lv, b in itertools.product((zeros, a_org, a_team), (zeros, a_level), (zeros, a_band)):
        keys = flat(geo, lv, b)
        n_dense += np.bincount(keys, weights=weights, minlength=size).astype(np.int64)
        unique = np.unique(keys)
        g, v, t = unique // (shape[1] * shape[2]), unique // shape[2] % shape[1], unique % shape[2]
        blocks.append(unique[np.lexsort((b_rank[t], lv_rank[v], geo_team_rank[g], geo_org_rank[g]))])
    cell_keys = np.concatenate(blocks)
    n_cells = cell_keys.size
    position = np.full(size, -1, np.int64)
    position[cell_keys] = np.arange(n_cells)
    g = cell_keys // (shape[1] * shape[2])
    v = cell_keys // shape[2] % shape[1]
    t = cell_keys % shape[2]
    counts = n_dense[cell_keys]
    order = np.empty(n_cells, np.int64)
    order[np.lexsort((b_rank[t], lv_rank[v], geo_team_rank[g], geo_org_rank[g]))] = np.arange(n_cells)

    # The lines, as pandas' groupby(key columns, sort=False) lists them: ordered by each key
    # column's values numbered in order of first appearance, column by column.
    team_org = np.array([org_code[o] for o, _ in pairs], dtype=np.int64)
    geo_org = np.concatenate([np.zeros(1 + n_orgs, np.int64), team_org])
    specs = [
        ((g >= 1) & (g <= n_orgs), [v, t], flat(np.zeros_like(g), v, t)),  # orgs of the company
        (g > n_orgs, [geo_org_rank[g], v, t], flat(geo_org[g], v, t)),  # teams of an org
        (v > 0, [geo_org_rank[g], geo_team_rank[g], t], flat(g, np.zeros_like(v), t)),  # levels
        (t > 0, [geo_org_rank[g], geo_team_rank[g], v], flat(g, v, np.zeros_like(t))),  # bands
    ]
    line_cells, line_starts, line_parents = [], [], []
    offset = 0
    for mask, key_columns, parent_keys in specs:
        members = np.flatnonzero(mask)
        if not members.size:
            continue
        ordered = members[np.lexsort([_first_seen(col[members]) for col in reversed(key_columns)])]
        parent_of = parent_keys[ordered]
        starts = np.flatnonzero(np.r_[True, parent_of[1:] != parent_of[:-1]])
        line_cells.append(ordered)
        line_starts.append(starts + offset)
        line_parents.append(position[parent_of[starts]])
        offset += ordered.size
    if line_cells:
        lines = _Lines(np.r_[np.concatenate(line_starts), offset], np.concatenate(line_cells),
                       np.zeros(sum(s.size for s in line_starts), np.int64), np.concatenate(line_parents))
    else:
        lines = _Lines.of([])
    hidden = _complementary(counts, order, lines, min_n)
    exists = np.zeros(size, bool)
    exists[cell_keys] = True
    hidden_dense = np.zeros(size, bool)
    hidden_dense[cell_keys] = hidden
    return Lattice(orgs, pairs, levels, bands, n_dense, exists, hidden_dense, min_n)


# ----------------------------------------------------------------------------------------------
# Lattices of waves: stored at load, remembered in the process, built when neither fits.

LATTICE_TABLE = "mart_survey_lattice"
_LATTICES: OrderedDict[tuple[str, int], Lattice] = OrderedDict()
_LATTICE_CACHE_SIZE = 64  # about 1 MB each at 85,000 employees
_LATTICES_LOCK = threading.Lock()


def _atoms(con: duckdb.DuckDBPyConnection, wave_id: str) -> pd.DataFrame:
    return con.execute(sql("surveys/wave_atoms"), {"wave_id": wave_id}).df()


def _stored_lattices(
    con: duckdb.DuckDBPyConnection, states: Mapping[str, survey_data.WaveState], min_n: int
) -> dict[str, Lattice]:
    """The stored lattices of these waves at this minimum, only those built for the wave's current
    fingerprint (a wave that took a submission since is rebuilt, never read stale)."""
    if not states or not table_exists(con, LATTICE_TABLE):
        return {}
    rows = con.execute(
        sql("surveys/stored_lattices"), {"min_n": int(min_n), "wave_ids": list(states)}
    ).fetchall()
    out = {}
    for wave_id, fingerprint, labels, exists, hidden, counts in rows:
        state = states[wave_id]
        if fingerprint != state.fingerprint:
            continue
        try:
            lattice = Lattice.from_stored(labels, exists, hidden, counts, min_n)
        except (ValueError, KeyError, TypeError):
            continue  # unreadable: build it instead
        if lattice.count(Selection()) == state.submissions:
            out[wave_id] = lattice
    return out


def wave_lattices(
    con: duckdb.DuckDBPyConnection, wave_ids: Sequence[str], min_n: int,
    states: Mapping[str, survey_data.WaveState] | None = None,
) -> dict[str, Lattice]:
    """The suppressed lattice of each wave, keyed by the content of its counts (a new submission
    changes the fingerprint and so the key), never by wave id alone: from this process's cache,
    else the table stored at load, else built from the wave's counts."""
    states = survey_data.wave_states(con, wave_ids, states)
    out: dict[str, Lattice] = {}
    missing = {}
    with _LATTICES_LOCK:  # Streamlit sessions share this cache from several threads
        for wave_id in wave_ids:
            key = (states[wave_id].fingerprint, int(min_n))
            if key in _LATTICES:
                _LATTICES.move_to_end(key)
                out[wave_id] = _LATTICES[key]
            else:
                missing[wave_id] = states[wave_id]
    stored = _stored_lattices(con, missing, min_n)
    for wave_id, state in missing.items():
        out[wave_id] = stored.get(wave_id) or build_lattice(_atoms(con, wave_id), min_n)
        with _LATTICES_LOCK:
            _LATTICES[(state.fingerprint, int(min_n))] = out[wave_id]
            while len(_LATTICES) > _LATTICE_CACHE_SIZE:
                _LATTICES.popitem(last=False)
    return out


def wave_lattice(con: duckdb.DuckDBPyConnection, wave_id: str, min_n: int) -> Lattice:
    """The suppressed lattice of one wave (see `wave_lattices`)."""
    return wave_lattices(con, [wave_id], min_n)[wave_id]


def store_wave_lattices(con: duckdb.DuckDBPyConnection) -> int:
    """Derived step of the load: build and store the lattice of every wave with submissions, at the
    minimums in force and the defaults, under the wave's fingerprint. Returns rows written.

    Runs inside the load's transaction, after the survey marts. Waves that take submissions
    afterwards (in the app) no longer match their fingerprint and are built per process instead.
    """
    rules = current_rules(con)
    minimums = sorted({rules.min_scores, rules.min_comments, DEFAULT_MIN_SCORES, DEFAULT_MIN_COMMENTS})
    con.execute(sql("surveys/ddl_lattice_table"))
    rows = []
    for wave_id, state in survey_data.wave_states(con).items():
        atoms = _atoms(con, wave_id)
        for min_n in minimums:
            rows.append([wave_id, min_n, state.fingerprint, *build_lattice(atoms, min_n).to_stored()])
    if rows:
        con.executemany(f"INSERT INTO {LATTICE_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


# ----------------------------------------------------------------------------------------------
# Survey queries through the lattice.


def _scoped_selection(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    orgs: Iterable[str] | None,
    teams: Iterable[str] | Iterable[tuple[str, str]] | None,
    levels: Iterable[str] | None,
    tenure_bands: Iterable[str] | None,
) -> Selection:
    """The viewer's request narrowed to their scope. Employees get the company as a whole only."""
    if viewer.role == Role.EMPLOYEE:
        if orgs or teams or levels or tenure_bands:
            raise ScopeError(f"{viewer.username} sees company-level survey results only")
        return Selection()
    requested = list(orgs) if orgs else None
    scope = allowed_orgs(con, viewer, requested)
    if not scope:
        raise ScopeError(f"{viewer.username} may not see survey results of {requested or 'any org'}")
    whole = viewer.whole_company and requested is None
    chosen_orgs: tuple[str, ...] = () if whole else tuple(scope)
    team_pairs: list[tuple[str, str]] = []
    for t in teams or ():
        if isinstance(t, tuple):
            team_pairs.append((str(t[0]), str(t[1])))
        else:  # a bare team name: that team in every org of the selection
            team_pairs.extend((o, str(t)) for o in scope)
    team_pairs = [(o, t) for o, t in team_pairs if o in set(scope)]
    if teams and not team_pairs:
        raise ScopeError(f"{viewer.username} may not see those teams")
    return Selection(
        orgs=chosen_orgs,
        teams=tuple(sorted(set(team_pairs))),
        levels=tuple(sorted(set(levels or ()))),
        tenure_bands=tuple(sorted(set(tenure_bands or ()))),
    )


def _split(sel: Selection, by: str | None, lattice: Lattice) -> list[tuple[str, Selection]]:
    """The cells of a breakdown: one selection per value of `by` within `sel`."""
    if by is None:
        return [("All", sel)]
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}, got {by!r}")
    return lattice.split(sel, by)


MEASURES = ("morale_index", "enps", *(f"score_{t}" for t in THEMES))


def survey_groups(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    wave_id: str | Sequence[str],
    *,
    by: str | None = None,
    orgs: Iterable[str] | None = None,
    teams: Iterable[str] | Iterable[tuple[str, str]] | None = None,
    levels: Iterable[str] | None = None,
    tenure_bands: Iterable[str] | None = None,
    rules: PrivacyRules | None = None,
    states: Mapping[str, survey_data.WaveState] | None = None,
) -> pd.DataFrame:
    """Survey figures of one wave, one row per group of `by` (or one "All" row), through the rules.

    Columns: `group`, `respondents` (missing when suppressed), `morale_index` (1–5), `enps`
    (−100–100), `score_<theme>` (1–5 mean of respondents' theme means), `suppressed`.
    The filters narrow within the viewer's scope; anything outside it raises ScopeError. A level
    or tenure band filter takes one value (see `Selection`).

    `wave_id` may be a list of waves: the rows of each, in that order, with a leading `wave_id`
    column; each wave is judged on its own lattice, exactly as if asked alone, but the counts and
    figures of all of them are read in one go. `states`: the waves' states
    (`survey_data.wave_states`) when the caller has just read them.
    """
    rules = rules or current_rules(con)
    if viewer.role == Role.EMPLOYEE and by is not None:
        raise ScopeError(f"{viewer.username} sees company-level survey results only")
    sel = _scoped_selection(con, viewer, orgs, teams, levels, tenure_bands)
    several = not isinstance(wave_id, str)
    wave_ids = list(dict.fromkeys(wave_id)) if several else [wave_id]
    states = survey_data.wave_states(con, wave_ids, states)
    lattices = wave_lattices(con, wave_ids, rules.min_scores, states)
    grid = pd.DataFrame(
        [(w, label, lattices[w].visible(cell)) for w in wave_ids for label, cell in _split(sel, by, lattices[w])],
        columns=["wave_id", "group", "shown"],
    ).astype({"wave_id": object, "group": object, "shown": bool})
    cleared = {w: states[w] for w in grid.loc[grid["shown"], "wave_id"].unique()}
    out = grid.merge(_group_scores(con, cleared, sel, by), on=["wave_id", "group"], how="left")
    found = out["shown"] & out["respondents"].notna()
    out["respondents"] = out["respondents"].where(found).astype("Float64").astype("Int64")
    for measure in MEASURES:
        # A measure answered by fewer than the minimum (an optional question) is hidden on its own.
        ok = found & (out[f"n_{measure}"] >= rules.min_scores) & out[measure].notna()
        out[measure] = out[measure].where(ok).astype("Float64")
    out["suppressed"] = ~found
    out = out[["wave_id", "group", "respondents", *MEASURES, "suppressed"]]
    return out if several else out.drop(columns="wave_id")


def _selection_params(sel: Selection) -> dict[str, object]:
    return {
        "orgs": list(sel.orgs) or None,
        "team_keys": [f"{o}\x1f{t}" for o, t in sel.teams] or None,
        "levels": list(sel.levels) or None,
        "tenure_bands": list(sel.tenure_bands) or None,
    }


def _group_scores(
    con: duckdb.DuckDBPyConnection, states: Mapping[str, survey_data.WaveState], sel: Selection, by: str | None,
) -> pd.DataFrame:
    """Figures per wave and group label of these waves, with the respondents each measure rests on
    (n_*), in one query per source. Called for waves where some group was cleared; the caller
    keeps the cleared groups only."""
    if not states:
        columns = ["wave_id", "group", "respondents", *MEASURES, *(f"n_{m}" for m in MEASURES)]
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("wave_id", "group") else float) for c in columns})
    return survey_data.read_responses(
        con, "surveys/cell_scores", {"by": by or "all", **_selection_params(sel)}, states
    )


def visible_comments(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    wave_id: str,
    *,
    by: str | None = None,
    orgs: Iterable[str] | None = None,
    teams: Iterable[str] | Iterable[tuple[str, str]] | None = None,
    levels: Iterable[str] | None = None,
    tenure_bands: Iterable[str] | None = None,
    rules: PrivacyRules | None = None,
    limit: int = 500,
    states: Mapping[str, survey_data.WaveState] | None = None,
) -> pd.DataFrame:
    """Comments of a group that clears the comment minimum (lattice suppressed at that minimum).

    Returns `question`, `comment` in an order unrelated to submission time; empty when the group
    is too small or would reveal a smaller one. With `by`, the comments of each group of that
    breakdown within the selection that clears it, at most `limit` per group, under a leading
    `group` column (groups in `survey_groups` order), read in one query. Render as plain text only.
    """
    rules = rules or current_rules(con)
    if viewer.role == Role.EMPLOYEE and by is not None:
        raise ScopeError(f"{viewer.username} sees company-level survey results only")
    sel = _scoped_selection(con, viewer, orgs, teams, levels, tenure_bands)
    states = survey_data.wave_states(con, [wave_id], states)
    lattice = wave_lattices(con, [wave_id], rules.min_comments, states)[wave_id]
    if by is None:
        if not lattice.visible(sel):
            return pd.DataFrame({"question": pd.Series(dtype=object), "comment": pd.Series(dtype=object)})
        return survey_data.read_responses(
            con, "surveys/cell_comments", {"limit": int(limit), **_selection_params(sel)}, states
        )
    shown = [label for label, cell in _split(sel, by, lattice) if lattice.visible(cell)]
    if not shown:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("group", "question", "comment")})
    return survey_data.read_responses(
        con, "surveys/group_comments",
        {"by": by, "groups": shown, "limit": int(limit), **_selection_params(sel)}, states,
    )


def company_cell(
    con: duckdb.DuckDBPyConnection, wave_id: str, rules: PrivacyRules | None = None,
    states: Mapping[str, survey_data.WaveState] | None = None,
) -> dict[str, object] | None:
    """The company-wide figures of a wave, or None when they may not be shown."""
    rules = rules or current_rules(con)
    states = survey_data.wave_states(con, [wave_id], states)
    lattice = wave_lattices(con, [wave_id], rules.min_scores, states)[wave_id]
    if not lattice.visible(Selection()):
        return None
    frame = _group_scores(con, {wave_id: states[wave_id]}, Selection(), None)
    if frame.empty:
        return None
    values = frame.iloc[0]
    row: dict[str, object] = {"respondents": int(values["respondents"])}
    for measure in MEASURES:
        ok = int(values[f"n_{measure}"]) >= rules.min_scores and not pd.isna(values[measure])
        row[measure] = float(values[measure]) if ok else None
    return row
