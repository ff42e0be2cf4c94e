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
  × level × tenure band, each either "all" or one value. The whole lattice is suppressed once per
  call, viewer-independently and deterministically (the same cells are hidden whoever asks and
  whatever they filter, so a secondarily suppressed cell cannot be fetched directly by another
  filter). A requested group is then shown only when (a) it has at least the minimum respondents,
  (b) every lattice cell it is made of is visible, and (c) its difference with each coarser
  group reachable by relaxing its filters (up to the company total) is zero or at least the
  minimum. Requests outside the viewer's org scope never reach the data.

This module never imports streamlit and never returns a respondent-level row.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

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


@dataclass
class _Line:
    cells: np.ndarray  # indices of the cells in this line
    remainder: int = 0  # respondents of the parent in no listed cell: always hidden
    parent: int | None = None  # index of the cell the line adds up to, when it is a cell too


def _complementary(counts: np.ndarray, order: np.ndarray, lines: list[_Line], min_n: int) -> np.ndarray:
    """Hidden flags after primary and complementary suppression.

    `order` ranks cells for tie-breaking (smaller first), so the result depends on the data only.
    A parent with a single non-empty child is the same group of people as that child, so the two
    are shown or hidden together (otherwise the parent would show what the child hides).
    """
    hidden = (counts > 0) & (counts < min_n)
    same_group = []
    for line in lines:
        nonempty = line.cells[counts[line.cells] > 0]
        if line.parent is not None and nonempty.size == 1 and line.remainder == 0:
            same_group.append((line.parent, int(nonempty[0])))
    changed = True
    while changed:
        changed = False
        for a, b in same_group:
            if hidden[a] != hidden[b]:
                hidden[a] = hidden[b] = True
                changed = True
        for line in lines:
            cells = line.cells
            h = hidden[cells] & (counts[cells] > 0)
            hidden_total = int(counts[cells][h].sum()) + line.remainder
            n_hidden = int(h.sum()) + (line.remainder > 0)
            # A lone hidden cell is derivable (parent minus the rest) whatever its size, and a
            # hidden set below the minimum gives those people away: widen the hidden set.
            if (n_hidden == 1 and line.remainder == 0) or 0 < hidden_total < min_n:
                candidates = cells[(~h) & (counts[cells] > 0)]
                if candidates.size == 0:
                    continue  # the whole line is hidden: its parent is below the minimum too
                pick = candidates[np.lexsort((order[candidates], counts[candidates]))[0]]
                hidden[pick] = True
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
    lines: list[_Line] = []
    for col in group_cols:
        others = [c for c in group_cols if c != col]
        groups = out.groupby(others, dropna=False, sort=False).indices if others else {(): np.arange(len(out))}
        for idx in groups.values():
            remainder = 0
            if parent_total is not None:
                remainder = int(parent_total) - int(counts[idx].sum())
                if remainder < 0:
                    raise ValueError(f"parent_total {parent_total} is below the sum of the cells")
            lines.append(_Line(np.asarray(idx), remainder))
    hidden = _complementary(counts, order, lines, min_n)
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
        for values in (self.orgs, self.levels, self.tenure_bands, tuple(t for _, t in self.teams)):
            if any(v == ALL for v in values):
                raise ValueError("filter value is not allowed")
        # Several orgs or teams at once are fine (geography is a tree the lattice protects), but a
        # union of levels or bands would let "IC3+IC4" minus "IC3" isolate a small group.
        if len(self.levels) > 1:
            raise ValueError(f"choose one level or all levels, not {len(self.levels)}")
        if len(self.tenure_bands) > 1:
            raise ValueError(f"choose one tenure band or all bands, not {len(self.tenure_bands)}")


@dataclass
class Lattice:
    """Respondent counts of every reachable group of one wave, and which are hidden."""

    atoms: pd.DataFrame  # org, team, level, tenure_band, n: the finest cells
    cells: pd.DataFrame  # org, team, level, tenure_band (ALL for rolled up), n, hidden
    min_n: int
    _hidden: dict[tuple[str, str, str, str], bool] = field(default_factory=dict)
    # A page asks about the same groups many times (each visibility check counts its wider
    # groups), so counts are remembered per lattice; the lattice itself is per wave content.
    _counts: dict[Selection, int] = field(default_factory=dict)

    def is_hidden(self, key: tuple[str, str, str, str]) -> bool:
        return self._hidden.get(key, False)  # an absent cell has no respondents: nothing to hide

    def count(self, sel: Selection) -> int:
        n = self._counts.get(sel)
        if n is None:
            n = self._counts[sel] = int(self.atoms.loc[_mask(self.atoms, sel), "n"].sum())
        return n

    def components(self, sel: Selection) -> list[tuple[str, str, str, str]]:
        """The lattice cells a selection is the union of."""
        if sel.teams:
            geo = [(o, t) for o, t in sel.teams if not sel.orgs or o in sel.orgs]
        elif sel.orgs:
            geo = [(o, ALL) for o in sel.orgs]
        else:
            geo = [(ALL, ALL)]
        levels = list(sel.levels) or [ALL]
        bands = list(sel.tenure_bands) or [ALL]
        return [(o, t, lv, b) for (o, t), lv, b in itertools.product(geo, levels, bands)]

    def relaxations(self, sel: Selection) -> list[Selection]:
        """Every coarser group reachable from `sel` by widening filters, up to the company."""
        geo_options: list[tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = [(sel.orgs, sel.teams)]
        if sel.teams:
            geo_options.append((tuple(sorted({o for o, _ in sel.teams})), ()))
        if sel.orgs or sel.teams:
            geo_options.append(((), ()))
        level_options = [sel.levels] + ([()] if sel.levels else [])
        band_options = [sel.tenure_bands] + ([()] if sel.tenure_bands else [])
        out = []
        for (orgs, teams), levels, bands in itertools.product(geo_options, level_options, band_options):
            relaxed = Selection(orgs, teams, levels, bands)
            if relaxed != sel:
                out.append(relaxed)
        return out

    def supersets(self, sel: Selection) -> list[Selection]:
        """Groups that contain every respondent of `sel` because of who those respondents are.

        Widening a filter is not the only way to reach a superset: if every IC3 in two teams
        joined this year, "IC3 in those teams" sits inside "IC3 with under a year", whatever
        the filters say. So the candidates are built from the respondents' own attributes: the
        teams or orgs they occupy (or all), and their level or band when they share one.
        Unions of further teams or orgs need no check here: each extra cell they add is either
        hidden by the lattice (so that union is not shown) or holds at least the minimum.
        """
        members = self.atoms[_mask(self.atoms, sel) & (self.atoms["n"] > 0)]
        if members.empty:
            return []
        teams = tuple(sorted(set(zip(members["org"], members["team"], strict=True))))
        orgs = tuple(sorted(set(members["org"])))
        geo_options = {(sel.orgs, sel.teams), ((), teams), (orgs, ()), ((), ())}
        levels, bands = set(members["level"]), set(members["tenure_band"])
        level_options = {()} | ({(levels.pop(),)} if len(levels) == 1 else set())
        band_options = {()} | ({(bands.pop(),)} if len(bands) == 1 else set())
        out = []
        for (o, t), lv, b in itertools.product(sorted(geo_options), sorted(level_options), sorted(band_options)):
            wider = Selection(o, t, lv, b)
            if wider != sel:
                out.append(wider)
        return out

    def visible(self, sel: Selection) -> bool:
        n = self.count(sel)
        if n < self.min_n:
            return False
        if any(self.is_hidden(c) for c in self.components(sel)):
            return False
        for wider in self.relaxations(sel) + self.supersets(sel):
            gap = self.count(wider) - n
            if 0 < gap < self.min_n:
                return False
        return True


def _geo_key(atoms: pd.DataFrame) -> pd.Series:
    """org and team as one key: team names are unique within an org only."""
    return atoms["org"].astype(str) + "\x1f" + atoms["team"].astype(str)


def _mask(atoms: pd.DataFrame, sel: Selection) -> pd.Series:
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


def build_lattice(atoms: pd.DataFrame, min_n: int) -> Lattice:
    """Count every lattice cell from the finest cells and suppress the lattice.

    Lines: a company/org cell with its orgs/teams (geography is a tree), and any cell with
    "all levels" (or "all tenure bands") with its per-level (per-band) cells.
    """
    atoms = atoms[list(DIMS) + ["n"]].copy()
    frames = []
    for geo_depth, level_all, band_all in itertools.product((0, 1, 2), (True, False), (True, False)):
        keys = []
        part = atoms.copy()
        if geo_depth == 0:
            part["org"] = ALL
        if geo_depth <= 1:
            part["team"] = ALL
        if level_all:
            part["level"] = ALL
        if band_all:
            part["tenure_band"] = ALL
        keys = list(DIMS)
        frames.append(part.groupby(keys, as_index=False, sort=True)["n"].sum())
    cells = pd.concat(frames, ignore_index=True)
    counts = cells["n"].to_numpy(dtype=np.int64)
    order = np.empty(len(cells), dtype=np.int64)
    order[np.lexsort([cells[c].to_numpy() for c in reversed(DIMS)])] = np.arange(len(cells))

    lines: list[_Line] = []
    position = {key: i for i, key in enumerate(map(tuple, cells[list(DIMS)].to_numpy()))}
    is_all = {c: (cells[c] == ALL).to_numpy() for c in DIMS}
    # Geography: children of the company are orgs, children of an org are its teams.
    org_level = (~is_all["org"]) & is_all["team"]
    team_level = ~is_all["team"]
    line_specs = [
        (org_level, ["level", "tenure_band"], lambda k: (ALL, ALL, k[0], k[1])),
        (team_level, ["org", "level", "tenure_band"], lambda k: (k[0], ALL, k[1], k[2])),
        (~is_all["level"], ["org", "team", "tenure_band"], lambda k: (k[0], k[1], ALL, k[2])),
        (~is_all["tenure_band"], ["org", "team", "level"], lambda k: (k[0], k[1], k[2], ALL)),
    ]
    for child_mask, key, parent_of in line_specs:
        sub = cells[child_mask]
        for line_key, idx in sub.groupby(key, sort=False).indices.items():
            lines.append(_Line(sub.index.to_numpy()[idx], parent=position.get(parent_of(line_key))))
    hidden = _complementary(counts, order, lines, min_n)
    cells["hidden"] = hidden
    lookup = dict(zip(map(tuple, cells[list(DIMS)].to_numpy()), hidden.tolist(), strict=True))
    atoms["geo"] = _geo_key(atoms)  # computed once: every team filter of this lattice reads it
    return Lattice(atoms=atoms, cells=cells, min_n=min_n, _hidden=lookup)


# ----------------------------------------------------------------------------------------------
# Survey queries through the lattice.


def _atoms(con: duckdb.DuckDBPyConnection, wave_id: str) -> pd.DataFrame:
    return con.execute(sql("surveys/wave_atoms"), {"wave_id": wave_id}).df()


_LATTICES: OrderedDict[tuple[str, int], Lattice] = OrderedDict()
_LATTICE_CACHE_SIZE = 128


def wave_lattice(con: duckdb.DuckDBPyConnection, wave_id: str, min_n: int) -> Lattice:
    """The suppressed lattice of a wave. Cached by the content of its counts (a new submission
    changes the counts and so the key), never by wave id alone."""
    atoms = _atoms(con, wave_id)
    key = (hashlib.sha256(pd.util.hash_pandas_object(atoms, index=False).to_numpy().tobytes()).hexdigest(), min_n)
    lattice = _LATTICES.get(key)
    if lattice is None:
        lattice = build_lattice(atoms, min_n)
        _LATTICES[key] = lattice
        while len(_LATTICES) > _LATTICE_CACHE_SIZE:
            _LATTICES.popitem(last=False)
    return lattice


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
    atoms = lattice.atoms.loc[_mask(lattice.atoms, sel)]
    if by is None:
        return [("All", sel)]
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {BY_CHOICES}, got {by!r}")
    out = []
    if by == "org":
        for org in sorted(atoms["org"].unique()):
            out.append((org, Selection((org,), tuple(p for p in sel.teams if p[0] == org), sel.levels, sel.tenure_bands)))
    elif by == "team":
        for org, team in sorted(set(zip(atoms["org"], atoms["team"], strict=True))):
            out.append((f"{org} / {team}", Selection((org,), ((org, team),), sel.levels, sel.tenure_bands)))
    elif by == "level":
        for level in sorted(atoms["level"].unique()):
            out.append((level, Selection(sel.orgs, sel.teams, (level,), sel.tenure_bands)))
    else:
        for band in [b for b in TENURE_BANDS if b in set(atoms["tenure_band"])]:
            out.append((band, Selection(sel.orgs, sel.teams, sel.levels, (band,))))
    return out


MEASURES = ("morale_index", "enps", *(f"score_{t}" for t in THEMES))


def survey_groups(
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
) -> pd.DataFrame:
    """Survey figures of one wave, one row per group of `by` (or one "All" row), through the rules.

    Columns: `group`, `respondents` (missing when suppressed), `morale_index` (1–5), `enps`
    (−100–100), `score_<theme>` (1–5 mean of respondents' theme means), `suppressed`.
    The filters narrow within the viewer's scope; anything outside it raises ScopeError. A level
    or tenure band filter takes one value (see `Selection`).
    """
    rules = rules or current_rules(con)
    if viewer.role == Role.EMPLOYEE and by is not None:
        raise ScopeError(f"{viewer.username} sees company-level survey results only")
    sel = _scoped_selection(con, viewer, orgs, teams, levels, tenure_bands)
    lattice = wave_lattice(con, wave_id, rules.min_scores)
    cells = _split(sel, by, lattice)
    shown = {label: lattice.visible(cell) for label, cell in cells}
    scores = _group_scores(con, wave_id, sel, by, rules.min_scores) if any(shown.values()) else {}
    rows = []
    for label, _ in cells:
        values = scores.get(label) if shown[label] else None
        row: dict[str, object] = {"group": label, "suppressed": values is None}
        row.update(values or dict.fromkeys(("respondents", *MEASURES)))
        rows.append(row)
    out = pd.DataFrame(rows, columns=["group", "respondents", *MEASURES, "suppressed"])
    out["respondents"] = out["respondents"].astype("Int64")
    for col in MEASURES:
        out[col] = out[col].astype("Float64")
    out["suppressed"] = out["suppressed"].astype(bool)
    return out


def _selection_params(sel: Selection) -> dict[str, object]:
    return {
        "orgs": list(sel.orgs) or None,
        "team_keys": [f"{o}\x1f{t}" for o, t in sel.teams] or None,
        "levels": list(sel.levels) or None,
        "tenure_bands": list(sel.tenure_bands) or None,
    }


def _group_scores(
    con: duckdb.DuckDBPyConnection, wave_id: str, sel: Selection, by: str | None, min_n: int
) -> dict[str, dict[str, object]]:
    """Figures per group label, in one query; called only when some group was cleared. A measure
    answered by fewer than the minimum (e.g. an optional question) is hidden on its own."""
    frame = con.execute(
        sql("surveys/cell_scores"), {"wave_id": wave_id, "by": by or "all", **_selection_params(sel)}
    ).df()
    out = {}
    for values in frame.to_dict("records"):
        row: dict[str, object] = {"respondents": int(values["respondents"])}
        for measure in MEASURES:
            ok = int(values[f"n_{measure}"]) >= min_n and not pd.isna(values[measure])
            row[measure] = float(values[measure]) if ok else None
        out[str(values["group"])] = row
    return out


def visible_comments(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    wave_id: str,
    *,
    orgs: Iterable[str] | None = None,
    teams: Iterable[str] | Iterable[tuple[str, str]] | None = None,
    levels: Iterable[str] | None = None,
    tenure_bands: Iterable[str] | None = None,
    rules: PrivacyRules | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Comments of a group that clears the comment minimum (lattice suppressed at that minimum).

    Returns `question`, `comment` in an order unrelated to submission time; empty when the group
    is too small or would reveal a smaller one. Render as plain text only.
    """
    rules = rules or current_rules(con)
    sel = _scoped_selection(con, viewer, orgs, teams, levels, tenure_bands)
    lattice = wave_lattice(con, wave_id, rules.min_comments)
    if not lattice.visible(sel):
        return pd.DataFrame({"question": pd.Series(dtype=object), "comment": pd.Series(dtype=object)})
    return con.execute(
        sql("surveys/cell_comments"), {"wave_id": wave_id, "limit": int(limit), **_selection_params(sel)}
    ).df()


def company_cell(
    con: duckdb.DuckDBPyConnection, wave_id: str, rules: PrivacyRules | None = None
) -> dict[str, object] | None:
    """The company-wide figures of a wave, or None when they may not be shown."""
    rules = rules or current_rules(con)
    lattice = wave_lattice(con, wave_id, rules.min_scores)
    if not lattice.visible(Selection()):
        return None
    return _group_scores(con, wave_id, Selection(), None, rules.min_scores).get("All")
