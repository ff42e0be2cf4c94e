"""Focus areas: for each likert5 item of a closed wave, how strongly it goes with an outcome
(its *relation*) against how favourably a group answers it, on a 2×2 grid with plain labels.

Relations are computed where the confidentiality layer allows, once for the whole company, and
are the same for every group (docs/people.md, "Focus areas", says why):

- morale index, intent to stay: Pearson's correlation, across the company's respondents of the
  wave, of the item's answer with the respondent's morale index (intent-to-stay score) *without
  that item*; only when the company's cell of the wave is released. One coefficient per item
  leaves the database.
- voluntary exits: Spearman's correlation, across the teams whose item favourability the layer
  releases, of the team's % favourable with its observed voluntary exits per person-year as the
  load stored them for the attrition model (`mart_drivers_team_metrics`), negated so that a
  higher relation means fewer exits. Needs at least MIN_TEAMS teams.

Favourability of the chosen group comes from `workforce.favourability` (through
`workforce.privacy.items`); an item the layer does not release for a team falls back to the
team's org, then to the company, and says so. Never imports streamlit.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from workforce import favourability, privacy
from workforce.db import query, table_exists
from workforce.favourability import COMPANY, COMPANY_CELL
from workforce.privacy.items import released_item_counts
from workforce.viewer import Role, ScopeError, Viewer, allowed_orgs

OUTCOMES = {
    "morale_index": "Morale index",
    "intent_to_stay": "Intent to stay",
    "voluntary_exits": "Fewer voluntary exits (teams)",
}
MIN_TEAMS = 8
STRENGTH, FOCUS, MONITOR, LOWER = "strength to keep", "focus here", "monitor", "lower priority"
QUADRANTS = (STRENGTH, FOCUS, MONITOR, LOWER)
COLUMNS = ["question_id", "text", "theme", "favourable", "relation", "quadrant", "shown_for", "note"]
EXITS_TABLE = "mart_drivers_team_metrics"


def quadrant(relation_high: bool, favourable_high: bool) -> str:
    """Plain label of a cell of the grid."""
    if relation_high:
        return STRENGTH if favourable_high else FOCUS
    return LOWER if favourable_high else MONITOR


def focus_groups(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[str]:
    """Groups the viewer may pick: the company, then each org and team of their scope (from the HR
    data, so a team without answers is listed like any other)."""
    if viewer.role == Role.EMPLOYEE:
        return [COMPANY]
    scope = allowed_orgs(con, viewer)
    teams = query(con, "favourability/teams_in_scope", {"orgs": scope}).fetchall()
    return [COMPANY, *scope, *(f"{o} / {t}" for o, t in teams)]


def _chain(con: duckdb.DuckDBPyConnection, viewer: Viewer, group: str) -> list[tuple[str, tuple]]:
    """The group, then its parents up to the company: (label, cells) each."""
    if group == COMPANY:
        return [(COMPANY, COMPANY_CELL)]
    if group not in focus_groups(con, viewer):
        raise ScopeError(f"{viewer.username} may not see survey results of {group!r}")
    if " / " in group:
        org, team = group.split(" / ", 1)
        return [(group, ((org, team),)), (org, ((org, privacy.ALL),)), (COMPANY, COMPANY_CELL)]
    return [(group, ((group, privacy.ALL),)), (COMPANY, COMPANY_CELL)]


def item_relations(
    con: duckdb.DuckDBPyConnection, wave_id: str, outcome: str, rules: privacy.PrivacyRules | None = None,
) -> tuple[pd.DataFrame, str]:
    """Each item's relation to the outcome for the wave: (question_id, relation, n) and a sentence
    on how it was computed (or why it could not be)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}; got {outcome!r}")
    rules = rules or privacy.current_rules(con)
    empty = pd.DataFrame({"question_id": pd.Series(dtype=object), "relation": pd.Series(dtype=float),
                          "n": pd.Series(dtype="int64")})
    if outcome != "voluntary_exits":
        if privacy.company_cell(con, wave_id, rules) is None:
            return empty, "The company's results of this wave are not released, so no relation is shown."
        frame = query(con, "favourability/item_relations", {"wave_ids": [wave_id]}).df()
        out = frame.rename(columns={outcome: "relation", f"n_{outcome}": "n"})[["question_id", "relation", "n"]]
        out = out[(out["n"] >= rules.min_scores) & out["relation"].notna()]
        return out.reset_index(drop=True), (
            f"Correlation, across the company's respondents of this wave, of each item's answer with the "
            f"respondent's {OUTCOMES[outcome].lower()} without that item.")
    if not table_exists(con, EXITS_TABLE):
        return empty, "The attrition model's stored team results are not available (see the Drivers page)."
    exits = query(con, "favourability/team_attrition").df()
    released = released_item_counts(con, [wave_id], rules)
    teams = released[released["team"] != privacy.ALL].copy()
    teams["share"] = teams["favourable"] / teams["answers"]
    joined = teams.merge(exits, on=["org", "team"], how="inner")
    rows = []
    for question_id, item in joined.groupby("question_id", sort=True):
        if len(item) >= MIN_TEAMS and item["share"].nunique() > 1 and item["attrition"].nunique() > 1:
            rho = item["share"].corr(item["attrition"], method="spearman")
            rows.append({"question_id": question_id, "relation": -float(rho), "n": len(item)})
    out = pd.DataFrame(rows, columns=["question_id", "relation", "n"]) if rows else empty
    return out, (f"Rank correlation, across the teams whose results are shown (at least {MIN_TEAMS}), of each "
                 "item's % favourable with the team's observed voluntary exits per person-year from the attrition "
                 "model's stored results, sign reversed: higher means the item goes with fewer exits.")


def focus_areas(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, group: str = COMPANY,
    outcome: str = "morale_index", today: date | None = None,
) -> tuple[pd.DataFrame, str]:
    """The grid's items for one group: question_id, text, theme, favourable (whole %), relation,
    quadrant, shown_for (the group whose favourability is shown), note (why, on a fallback).
    Returns it with the relation's sentence. Items without a relation, or not released even for
    the company, are left out. Split lines: the median relation and the median favourability of
    the items shown."""
    today = today or date.today()
    if viewer.role == Role.EMPLOYEE and group != COMPANY:
        raise ScopeError(f"{viewer.username} sees company-level survey results only")
    favourability.previous_wave(con, wave_id, today)  # refuses a wave that has not closed
    rules = privacy.current_rules(con)
    chain = _chain(con, viewer, group)
    released = released_item_counts(con, [wave_id], rules).drop(columns="wave_id")
    questions = query(con, "favourability/wave_items", {"wave_ids": [wave_id]}).df().drop(columns="wave_id")
    members = pd.DataFrame([(label, o, t) for label, cells in chain for o, t in cells], columns=["group", "org", "team"])
    figures = favourability.group_figures(released, members, questions)
    figures = figures[figures["kind"] == "item"]
    level = {label: i for i, (label, _) in enumerate(chain)}
    figures = figures.assign(level=figures["group"].map(level)).sort_values("level")
    best = figures.drop_duplicates("question_id", keep="first")
    relations, sentence = item_relations(con, wave_id, outcome, rules)
    out = best.merge(relations, on="question_id", how="inner")
    if out.empty:
        return pd.DataFrame(columns=COLUMNS), sentence
    out = out.rename(columns={"group": "shown_for"})
    out["note"] = [None if shown == group else f"too few answers in {group} to show; figures of {shown}"
                   for shown in out["shown_for"]]
    rel_mid, fav_mid = out["relation"].median(), out["favourable"].median()
    out["quadrant"] = [quadrant(r >= rel_mid, f >= fav_mid) for r, f in zip(out["relation"], out["favourable"],
                                                                           strict=True)]
    out["relation"] = out["relation"].round(2)
    out["favourable"] = out["favourable"].astype("int64")
    return out.sort_values("position")[COLUMNS].reset_index(drop=True), sentence
