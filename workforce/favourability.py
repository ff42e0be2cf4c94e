"""Favourability: % favourable (4–5), neutral (3) and unfavourable (1–2) of each likert5 item and
theme per group of a closed wave, the change since the previous closed wave with a 95% interval,
and the gap to the company or to the group's org.

Every count comes from `workforce.privacy.items.released_item_counts` (the lattice, the minimum
group size and the layer's rule against near-unanimous distributions, applied per item and
across the lines of the org tree); theme means and respondent bands from
`workforce.privacy.survey_groups`. This module rounds shares to whole percentages and bands
counts (`privacy.count_band`) before anything leaves it: no exact count is returned.
Definitions: docs/people.md ("Favourability"). Never imports streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from workforce import privacy
from workforce.db import query
from workforce.privacy.items import BUCKETS, COUNTS, released_item_counts
from workforce.viewer import Role, ScopeError, Viewer, allowed_orgs

BY_CHOICES = ("all", "org", "team")
AGAINST_CHOICES = ("company", "org")
COMPANY = "Company"
Z95 = 1.959963984540054
NO_CLEAR_CHANGE = "no clear change"
COLUMNS = ["group", "kind", "theme", "question_id", "text", "respondents_band", "favourable", "neutral",
           "unfavourable", "mean", "previous_favourable", "change", "change_low", "change_high", "change_label",
           "parent", "parent_favourable", "gap"]


@dataclass(frozen=True)
class Group:
    """A group a viewer asked for: its label and the lattice cells (org, team) it is the union of."""

    label: str
    cells: tuple[tuple[str, str], ...]
    parent: tuple[str, tuple[tuple[str, str], ...]] | None = None  # (label, cells) of its org, for a team


COMPANY_CELL = ((privacy.ALL, privacy.ALL),)


def closed_waves(con: duckdb.DuckDBPyConnection, today: date, viewer: Viewer | None = None) -> pd.DataFrame:
    """Waves closed before `today` that hold submissions, oldest first (wave_id, title, opens_on,
    closes_on, whole_company). An employee `viewer` gets the whole-company waves only (as on the
    company results of their survey page)."""
    waves = query(con, "favourability/closed_waves", {"today": today}).df()
    if viewer is not None and viewer.role == Role.EMPLOYEE:
        waves = waves[waves["whole_company"]]
    return waves.reset_index(drop=True)


def previous_wave(con: duckdb.DuckDBPyConnection, wave_id: str, today: date) -> str | None:
    """The closed wave before `wave_id` (by closing day) asked of the same kind of audience (the
    whole company, or chosen orgs), or None for the first."""
    waves = closed_waves(con, today)
    if wave_id not in set(waves["wave_id"]):
        raise ValueError(f"{wave_id!r} is not a closed survey wave")
    whole = bool(waves.loc[waves["wave_id"] == wave_id, "whole_company"].iloc[0])
    ids = list(waves.loc[waves["whole_company"] == whole, "wave_id"])
    i = ids.index(wave_id)
    return ids[i - 1] if i > 0 else None


def wilson(count: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of a proportion."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def newcombe_difference(x1: float, n1: float, x2: float, n2: float, z: float = Z95) -> tuple[float, float]:
    """Newcombe's hybrid score interval (his method 10) of p1 − p2, from two Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def change_label(low: float, high: float) -> str:
    if low > 0:
        return "up"
    if high < 0:
        return "down"
    return NO_CLEAR_CHANGE


def groups_for(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, by: str, orgs: Sequence[str] | None = None,
    teams: Sequence[str] | None = None,
) -> list[Group]:
    """The groups of a request within the viewer's scope: the selection as a whole ("all"), or each
    org or team of it. `teams` (team names, as the page filters give them: that team in every org
    of the selection) narrows each group to those teams' cells. Employees get the company only."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}; got {by!r}")
    if viewer.role == Role.EMPLOYEE:
        if by != "all" or orgs or teams:
            raise ScopeError(f"{viewer.username} sees company-level survey results only")
        return [Group(COMPANY, COMPANY_CELL)]
    orgs = list(orgs) if orgs else None
    scope = allowed_orgs(con, viewer, orgs)
    if not scope:
        raise ScopeError(f"{viewer.username} may not see survey results of {orgs or 'any org'}")
    if teams:
        lattice = privacy.wave_lattices(con, [wave_id], privacy.current_rules(con).min_scores)[wave_id]
        chosen = [(o, t) for o, t in lattice.teams if o in set(scope) and t in set(teams)]
        if by == "all":
            return [Group(", ".join(f"{o} / {t}" for o, t in chosen), tuple(chosen))] if chosen else []
        if by == "org":
            return [Group(o, tuple(p for p in chosen if p[0] == o)) for o in scope if any(p[0] == o for p in chosen)]
        return [Group(f"{o} / {t}", ((o, t),), (o, ((o, privacy.ALL),))) for o, t in chosen]
    if by == "all":
        if viewer.whole_company and not orgs:
            return [Group(COMPANY, COMPANY_CELL)]
        return [Group(", ".join(scope), tuple((o, privacy.ALL) for o in scope))]
    if by == "org":
        return [Group(o, ((o, privacy.ALL),)) for o in scope]
    lattice = privacy.wave_lattices(con, [wave_id], privacy.current_rules(con).min_scores)[wave_id]
    return [Group(f"{o} / {t}", ((o, t),), (o, ((o, privacy.ALL),))) for o, t in lattice.teams if o in set(scope)]


def group_figures(released: pd.DataFrame, members: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Counts per group (label) and item, and per group and theme, from released cells.

    `members`: (group, org, team) rows, a group being the union of its cells. An item counts for a
    group only when it is released in every one of its cells; a theme only when all its items
    count (answers pooled over its items, `n_items` of them). Exact counts: internal."""
    size = members.groupby("group").size().rename("cells")
    joined = members.merge(released, on=["org", "team"], how="inner")
    items = joined.groupby(["group", "question_id"], as_index=False).agg(
        found=("org", "size"), **{c: (c, "sum") for c in COUNTS})
    items = items[items["found"] == items["group"].map(size)].drop(columns="found")
    items = items.merge(questions, on="question_id", how="inner")
    per_theme = questions.groupby("theme")["question_id"].nunique()
    themes = items.groupby(["group", "theme"], as_index=False).agg(
        n_items=("question_id", "nunique"), position=("position", "min"), **{c: (c, "sum") for c in COUNTS})
    themes = themes[themes["n_items"] == themes["theme"].map(per_theme)]
    # a theme's row heads its items
    themes = themes.assign(question_id=None, key="theme:" + themes["theme"], kind="theme",
                           text=themes["theme"].str.replace("_", " ").str.capitalize(),
                           position=themes["position"] - 0.5)
    items = items.assign(kind="item", n_items=1, key="item:" + items["question_id"])
    out = pd.concat([items, themes], ignore_index=True)
    out["favourable_count"] = out["favourable"]
    for b in BUCKETS:  # whole percentages; the exact favourable count stays for the interval only
        out[b] = (100 * out[b] / out["answers"]).round().astype("int64")
    return out


def _members(groups: list[Group], extra: dict[str, tuple[tuple[str, str], ...]]) -> pd.DataFrame:
    cells = {g.label: g.cells for g in groups} | extra
    return pd.DataFrame([(label, o, t) for label, cs in cells.items() for o, t in cs], columns=["group", "org", "team"])


def favourability(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, *, by: str = "all",
    orgs: Sequence[str] | None = None, teams: Sequence[str] | None = None, against: str = "company",
    today: date | None = None,
) -> pd.DataFrame:
    """Favourability of every likert5 item and theme of a closed wave, per group of the request.

    Columns (`COLUMNS`): group, kind ("theme" or "item"), theme, question_id, text,
    respondents_band (answers to the item, or the theme's respondents, banded), favourable,
    neutral, unfavourable (whole %), mean (1–5: the item's mean answer; a theme's released theme
    score), previous_favourable, change (points since the previous closed wave, for the same
    group when it was released then), change_low / change_high (Newcombe 95% interval, points),
    change_label ("up", "down", "no clear change"), parent (the group compared with),
    parent_favourable and gap (points). A group, item or theme the layer does not release has no row.
    """
    if against not in AGAINST_CHOICES:
        raise ValueError(f"against must be one of {', '.join(AGAINST_CHOICES)}; got {against!r}")
    today = today or date.today()
    if wave_id not in set(closed_waves(con, today, viewer)["wave_id"]):
        raise ScopeError(f"{viewer.username} may not see results of wave {wave_id!r}")
    rules = privacy.current_rules(con)
    before = previous_wave(con, wave_id, today)
    wave_ids = [wave_id] + ([before] if before else [])
    orgs, teams = (list(orgs) if orgs else None), (list(teams) if teams else None)
    groups = groups_for(con, viewer, wave_id, by, orgs, teams)
    released = released_item_counts(con, wave_ids, rules)
    questions = query(con, "favourability/wave_items", {"wave_ids": wave_ids}).df()
    parents = {g.parent[0]: g.parent[1] for g in groups if g.parent is not None and against == "org"}
    members = _members(groups, {COMPANY: COMPANY_CELL, **parents})

    def figures(w: str) -> pd.DataFrame:
        return group_figures(released[released["wave_id"] == w].drop(columns="wave_id"), members,
                              questions[questions["wave_id"] == w].drop(columns="wave_id"))

    now = figures(wave_id)
    order = {g.label: i for i, g in enumerate(groups)}
    out = now[now["group"].isin(order)].copy()
    out["order"] = out["group"].map(order)
    # the previous wave: the same group, when it was released then too
    if before:
        old = figures(before)[["group", "key", "favourable", "favourable_count", "answers", "n_items"]]
        out = out.merge(old, on=["group", "key"], how="left", suffixes=("", "_old"))
    else:
        out = out.assign(favourable_old=pd.NA, favourable_count_old=pd.NA, answers_old=pd.NA, n_items_old=pd.NA)
    changes = [_change(r) for r in out.itertuples(index=False)]
    out = pd.concat([out.reset_index(drop=True), pd.DataFrame(changes, columns=list(CHANGE_COLUMNS))], axis=1)
    # the parent: the company, or a team's org
    out["parent"] = pd.Series([g.parent[0] if against == "org" and g.parent is not None else COMPANY
                               for g in (groups[i] for i in out["order"])], index=out.index, dtype=object)
    parent_figures = now[["group", "key", "favourable"]].rename(
        columns={"group": "parent", "favourable": "parent_favourable"})
    out = out.merge(parent_figures, on=["parent", "key"], how="left")
    out.loc[out["parent"] == out["group"], ["parent", "parent_favourable"]] = [None, pd.NA]
    out["gap"] = out["favourable"] - out["parent_favourable"]
    out.loc[out["parent_favourable"].isna(), "parent"] = None
    # respondents and means: an item's answers and mean; a theme's released respondents and score
    scores = _theme_scores(con, viewer, wave_id, by, orgs, teams, groups, rules)
    item = out["kind"] == "item"
    out["respondents_band"] = [privacy.count_band(int(n), rules.min_scores)[1] if i else scores.get((g, t), (None, None))[0]
                               for n, i, g, t in zip(out["answers"], item, out["group"], out["theme"], strict=True)]
    out["mean"] = [privacy.round_measure("mean", s / n) if i else scores.get((g, t), (None, None))[1]
                   for s, n, i, g, t in zip(out["answer_sum"], out["answers"], item, out["group"], out["theme"],
                                            strict=True)]
    out = out.rename(columns={"favourable_old": "previous_favourable"})
    for c in ("favourable", "neutral", "unfavourable", "previous_favourable", "change", "change_low", "change_high",
              "parent_favourable", "gap"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    out["mean"] = pd.to_numeric(out["mean"], errors="coerce").astype("Float64")
    for c in ("group", "kind", "theme", "question_id", "text", "respondents_band", "change_label", "parent"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    out = out.sort_values(["order", "position"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


CHANGE_COLUMNS = ("change", "change_low", "change_high", "change_label")


def _change(r) -> dict[str, object]:
    """Change in % favourable since the previous wave, with Newcombe's interval on the exact counts
    (a theme's pooled answers are divided by its number of items, so each respondent counts once)."""
    if pd.isna(r.favourable_old):
        return {"change_label": "not shown in the previous wave"}
    k_now, k_old = float(r.n_items), float(r.n_items_old)
    low, high = newcombe_difference(r.favourable_count / k_now, r.answers / k_now,
                                    r.favourable_count_old / k_old, r.answers_old / k_old)
    return {"change": int(r.favourable) - int(r.favourable_old), "change_low": round(100 * low),
            "change_high": round(100 * high), "change_label": change_label(low, high)}


def _theme_scores(con, viewer, wave_id, by, orgs, teams, groups,
                  rules) -> dict[tuple[str, str], tuple[str | None, float | None]]:
    """(group label, theme) → (respondents band, released theme score) from `privacy.survey_groups`."""
    if viewer.role == Role.EMPLOYEE:
        cell = privacy.company_cell(con, wave_id, rules)
        if cell is None:
            return {}
        return {(COMPANY, t): (cell["respondents_band"], cell[f"score_{t}"]) for t in privacy.THEMES}
    layer_by = None if by == "all" else by
    whole = viewer.whole_company and not orgs
    frame = privacy.survey_groups(con, viewer, wave_id, by=layer_by, orgs=None if whole else orgs, teams=teams,
                                  rules=rules)
    frame = frame[~frame["suppressed"]]
    out = {}
    for r in frame.to_dict("records"):
        label = r["group"]
        if label == "All":
            label = groups[0].label if groups else COMPANY
        for t in privacy.THEMES:
            score = r[f"score_{t}"]
            out[(label, t)] = (r["respondents_band"], None if pd.isna(score) else float(score))
    return out
