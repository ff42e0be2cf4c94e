"""The release policy: every survey figure a viewer can get leaves through one of these functions.

- `survey_groups`: scores and respondent counts of one group or of each group of a breakdown,
  per wave (Morale page, Executive summary, HTML report, downloads);
- `company_cell`: the company's figures of a wave (Pulse survey page, theme comparisons);
- `visible_comments`: comment lists, at the comment minimum;
- `pooled_team_figures`: each team's morale and eNPS over several waves (Drivers team
  explorer), pooled over the waves in which that team's cell is itself released;
- `release_distribution`: answer distributions of a released group, none where one answer
  holds everyone or all but one;
- `live_participation`: an open wave's participation per org and team, as coarse bands,
  counted to the end of the previous day, only for groups of at least 5 respondents, and never
  where bands of an org and its teams (or of the company and its orgs) together would tell
  whether someone answered;
- `closed_survey_rows`: how many submissions and answers the data holds, closed waves only.

Scores and counts of a wave are released only for cells of that wave's lattice
(`workforce.privacy.lattice`) that it releases, or unions of them; so every released figure is
a sum of released cells, and the lattice guarantees that no hidden cell follows from them.
Means are rounded (`rules.round_measure`) and counts of groups under 20 banded (`rules.count_band`)
here, once. A breakdown lists released groups only: a suppressed group and an empty one look the
same (absent).

This module never imports streamlit and never returns a respondent-level row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

import duckdb
import pandas as pd

from workforce.db import query
from workforce.privacy.lattice import NOT_RELEASED, Lattice, Selection
from workforce.privacy.rules import (
    DISTRIBUTION_MINORITY,
    LIVE_MIN,
    MEASURES,
    PARTICIPATION_BANDS,
    PrivacyRules,
    count_band,
    current_rules,
    round_measure,
)
from workforce.privacy.store import wave_lattice, wave_lattices
from workforce.viewer import Role, ScopeError, Viewer, allowed_orgs

GROUP_COLUMNS = ["group", "respondents", "respondents_band", *MEASURES, "suppressed"]
# The rows of a selection, labelled by group: the relation every figure of survey answers reads.
SELECTED = {"selected": "surveys/selected_responses"}


def _scoped_selection(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    by: str | None,
    orgs: Iterable[str] | None,
    teams: Iterable[str] | Iterable[tuple[str, str]] | None,
    levels: Iterable[str] | None,
    tenure_bands: Iterable[str] | None,
) -> Selection:
    """The viewer's request narrowed to their scope. Employees get the company as a whole only
    (no breakdown `by`, no narrower group)."""
    if viewer.role == Role.EMPLOYEE and by is not None:
        raise ScopeError(f"{viewer.username} sees company-level survey results only")
    if levels or tenure_bands:
        raise ValueError(NOT_RELEASED)
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
    return Selection(orgs=chosen_orgs, teams=tuple(sorted(set(team_pairs))))


def _split(sel: Selection, by: str | None, lattice: Lattice) -> list[tuple[str, Selection]]:
    if by is None:
        return [("All", sel)]
    return lattice.split(sel, by)


def _selection_params(wave_ids: Sequence[str], sel: Selection, by: str | None) -> dict[str, object]:
    """The parameters of selected_responses.sql: these waves, the selection, labelled by `by`."""
    return {
        "wave_ids": list(wave_ids),
        "by": by or "all",
        "orgs": list(sel.orgs) or None,
        "team_keys": [f"{o}\x1f{t}" for o, t in sel.teams] or None,
        "levels": None,
        "tenure_bands": None,
    }


def _group_scores(
    con: duckdb.DuckDBPyConnection, wave_ids: Sequence[str], sel: Selection, by: str | None,
) -> pd.DataFrame:
    """Unrounded figures per wave and group label of these waves, with the respondents each
    measure rests on (n_*). Internal: callers keep released groups only, and round."""
    return query(con, "surveys/cell_scores", _selection_params(wave_ids, sel, by), relations=SELECTED).df()


def _release(frame: pd.DataFrame, rules: PrivacyRules) -> pd.DataFrame:
    """Rounded means and banded counts of rows already cleared by a lattice; a measure answered by
    fewer than the minimum (an optional question) is left out on its own."""
    out = frame.copy()
    bands = [count_band(int(n), rules.min_scores) for n in out["respondents"]]
    out["respondents"] = pd.array([b[0] for b in bands], dtype="Int64")
    out["respondents_band"] = pd.array([b[1] for b in bands], dtype=object)
    for measure in MEASURES:
        ok = (out[f"n_{measure}"] >= rules.min_scores) & out[measure].notna()
        out[measure] = pd.array(
            [round_measure(measure, v) if keep else None for v, keep in zip(out[measure], ok, strict=True)],
            dtype="Float64",
        )
    return out


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
) -> pd.DataFrame:
    """Released survey figures of one wave: one "All" row (by None) or one row per *released*
    group of `by`.

    Columns: `group`, `respondents` (exact from 20 up, else the lower edge of its band),
    `respondents_band` (text: "5–9", "10–19", "42"), `morale_index` and `score_<theme>` (1–5, 2
    decimals), `enps` (−100–100, whole points), `suppressed`. The "All" row of a group that is
    not released (too small, hidden to protect another, or empty: the same answer) has
    `suppressed` True and no figures. Filters narrow within the viewer's scope; anything outside
    it raises ScopeError. Figures by level or tenure band are not released (ValueError; see
    `workforce.privacy.lattice`): `levels`, `tenure_bands` are kept only to refuse them clearly.

    `wave_id` may be a list of waves: the rows of each, in that order, with a leading `wave_id`
    column; each wave is judged on its own lattice.
    """
    rules = rules or current_rules(con)
    sel = _scoped_selection(con, viewer, by, orgs, teams, levels, tenure_bands)
    several = not isinstance(wave_id, str)
    wave_ids = list(dict.fromkeys(wave_id)) if several else [wave_id]
    lattices = wave_lattices(con, wave_ids, rules.min_scores)
    grid = pd.DataFrame(
        [(w, label, lattices[w].visible(cell)) for w in wave_ids for label, cell in _split(sel, by, lattices[w])],
        columns=["wave_id", "group", "shown"],
    ).astype({"wave_id": object, "group": object, "shown": bool})
    if by is not None:
        grid = grid[grid["shown"]]  # a breakdown lists released groups only
    cleared = list(grid.loc[grid["shown"], "wave_id"].unique())
    scores = _group_scores(con, cleared, sel, by)
    out = grid.merge(scores, on=["wave_id", "group"], how="left")
    found = out["shown"] & out["respondents"].notna()
    released = _release(out[found], rules)
    out = pd.concat([released, out[~found].assign(respondents_band=None)], ignore_index=False).sort_index()
    out["respondents"] = out["respondents"].astype("Float64").astype("Int64")
    for measure in MEASURES:
        out[measure] = out[measure].where(found).astype("Float64")
    out["suppressed"] = ~found
    out = out[["wave_id", *GROUP_COLUMNS]].reset_index(drop=True)
    return out if several else out.drop(columns="wave_id")


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
) -> pd.DataFrame:
    """Comments of a group that the lattice at the comment minimum releases.

    Returns `question`, `comment` in an order unrelated to submission time; empty when the group
    is not released. With `by`, the comments of each released group of that breakdown, at most
    `limit` per group, under a leading `group` column. Render as plain text only.
    """
    rules = rules or current_rules(con)
    sel = _scoped_selection(con, viewer, by, orgs, teams, levels, tenure_bands)
    lattice = wave_lattice(con, wave_id, rules.min_comments)
    if by is None:
        if not lattice.visible(sel):
            return pd.DataFrame({"question": pd.Series(dtype=object), "comment": pd.Series(dtype=object)})
        return query(con, "surveys/cell_comments", {"limit": int(limit), **_selection_params([wave_id], sel, None)},
                     relations=SELECTED).df()
    shown = [label for label, cell in _split(sel, by, lattice) if lattice.visible(cell)]
    if not shown:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("group", "question", "comment")})
    return query(con, "surveys/group_comments",
                 {"groups": shown, "limit": int(limit), **_selection_params([wave_id], sel, by)}, relations=SELECTED).df()


def company_cell(
    con: duckdb.DuckDBPyConnection, wave_id: str, rules: PrivacyRules | None = None,
) -> dict[str, object] | None:
    """The company-wide released figures of a wave, or None when they are not released."""
    rules = rules or current_rules(con)
    if not wave_lattice(con, wave_id, rules.min_scores).visible(Selection()):
        return None
    frame = _group_scores(con, [wave_id], Selection(), None)
    if frame.empty:
        return None
    values = _release(frame, rules).iloc[0]
    row: dict[str, object] = {"respondents": int(values["respondents"]),
                              "respondents_band": values["respondents_band"]}
    for measure in MEASURES:
        row[measure] = None if pd.isna(values[measure]) else float(values[measure])
    return row


def pooled_team_figures(
    con: duckdb.DuckDBPyConnection, orgs: Sequence[str], wave_ids: Sequence[str] | None = None,
    rules: PrivacyRules | None = None, today: date | None = None,
) -> pd.DataFrame:
    """Each team's morale index and eNPS pooled over waves, for the teams of `orgs` (already
    checked against the viewer's scope): pooled over the waves in which the team's own cell is
    released, so the pooled figure is a function of released figures and no hidden team-wave
    can be had by subtracting visible waves from it. `wave_ids`: when None, every wave closed
    before `today` (an open wave would make the figure move with each submission).

    Columns: org, team, survey_waves (waves pooled), respondents (respondent-waves, banded as
    everywhere), morale, enps (rounded as everywhere; missing when no wave is released)."""
    rules = rules or current_rules(con)
    columns = ["org", "team", "survey_waves", "respondents", "morale", "enps"]
    empty = pd.DataFrame({"org": pd.Series(dtype=object), "team": pd.Series(dtype=object),
                          "survey_waves": pd.Series(dtype="int64"), "respondents": pd.Series(dtype="int64"),
                          "morale": pd.Series(dtype=float), "enps": pd.Series(dtype=float)})
    if wave_ids is None:
        wave_ids = [w for (w,) in query(con, "surveys/closed_waves", {"today": today or date.today()}).fetchall()]
    if not wave_ids or not orgs:
        return empty
    lattices = wave_lattices(con, wave_ids, rules.min_scores)
    sel = Selection(orgs=tuple(sorted(set(orgs))))
    released = {
        (w, label) for w, lattice in lattices.items() for label, cell in lattice.split(sel, "team")
        if lattice.visible(cell)
    }
    if not released:
        return empty
    cells = _group_scores(con, sorted({w for w, _ in released}), sel, "team")
    cells = cells[[(w, g) in released for w, g in zip(cells["wave_id"], cells["group"], strict=True)]].copy()
    cells["morale_sum"] = cells["morale_index"] * cells["n_morale_index"]
    cells["promoters_less_detractors"] = cells["enps"] * cells["n_enps"]
    pooled = cells.groupby("group", as_index=False).agg(
        survey_waves=("wave_id", "nunique"), respondents=("respondents", "sum"),
        morale_sum=("morale_sum", "sum"), n_morale=("n_morale_index", "sum"),
        enps_sum=("promoters_less_detractors", "sum"), n_enps=("n_enps", "sum"),
    )
    parts = pooled["group"].str.split(" / ", n=1, expand=True)
    rows = []
    for r, (org, team) in zip(pooled.itertuples(index=False), parts.itertuples(index=False), strict=True):
        rows.append({
            "org": org, "team": team, "survey_waves": int(r.survey_waves),
            "respondents": count_band(int(r.respondents), rules.min_scores)[0],
            "morale": round_measure("morale_index", r.morale_sum / r.n_morale) if r.n_morale else None,
            "enps": round_measure("enps", r.enps_sum / r.n_enps) if r.n_enps else None,
        })
    out = pd.DataFrame(rows, columns=columns)
    for col in ("morale", "enps"):
        out[col] = out[col].astype(float)
    return out


def release_distribution(frame: pd.DataFrame, min_n: int, wider: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """The answer distributions of a released group that may be shown: per question (`question_id`,
    `answer`, `answers`, `respondents`), only when at least `min_n` answered and at least
    DISTRIBUTION_MINORITY gave an answer other than the most common one (a unanimous answer, or
    all but one, would tell each respondent's answer). `wider`: the distributions of released
    groups that contain this one (the company, the orgs of a team filter); their difference with
    this group is a group a reader can subtract to, so it must pass the same test (or be empty).
    Returns question_id, answer, share (2 decimals) and the banded respondents; the exact answer
    counts stay here."""
    columns = ["question_id", "answer", "share", "respondents"]
    if frame.empty:
        return pd.DataFrame(columns=columns)

    def failing(dist: pd.DataFrame) -> set[str]:
        top = dist.groupby("question_id")["answers"].max()
        n = dist.groupby("question_id")["answers"].sum()
        return set(top.index[(n > 0) & ((n < min_n) | (n - top < DISTRIBUTION_MINORITY))])

    bad = failing(frame)
    for outer in wider:
        rest = outer.merge(frame[["question_id", "answer", "answers"]], on=["question_id", "answer"], how="left",
                           suffixes=("", "_inner"))
        rest["answers"] = rest["answers"] - rest["answers_inner"].fillna(0)
        bad |= failing(rest[rest["answers"] > 0])
    out = frame[~frame["question_id"].isin(bad)].copy()
    out["share"] = (out["answers"] / out["respondents"]).round(2)
    out["respondents"] = [count_band(int(n), min_n)[0] for n in out["respondents"]]
    return out.drop(columns=["answers"])


LIVE_COLUMNS = ["org", "team", "audience", "participation", "shown"]
ALL_ORGS = "All orgs"


def live_participation(
    con: duckdb.DuckDBPyConnection, wave_id: str, audience: pd.DataFrame, today: date,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Participation of a wave per org of `audience` and per team of each org, plus an "All orgs"
    row: the response rate's band (`rules.PARTICIPATION_BANDS`), counted over submissions made
    before `today` (so it moves once a day, not with each submission), and only for groups of at
    least max(5, minimum) respondents; other groups read "too few answers yet". No count of
    respondents is released.

    `audience`: (org, team, audience) people in each org (team None) and each team of it.

    Columns: org, team (None: the org's row, and the "All orgs" row), audience, participation
    (text), shown (bool)."""
    rules = rules or current_rules(con)
    floor = max(LIVE_MIN, rules.min_scores)
    counts = query(con, "surveys/respondents_by_group", {"wave_id": wave_id, "before": today}).df()
    keys = ["org", "team"]
    table = audience.merge(counts[counts["org"].notna()], on=keys, how="left").fillna({"respondents": 0})
    orgs = counts[counts["team"].isna()]
    total = pd.DataFrame({"org": [ALL_ORGS], "team": [None], "respondents": [int(orgs["respondents"].sum())],
                          "audience": [int(audience.loc[audience["team"].isna(), "audience"].sum())]})
    table = pd.concat([table, total], ignore_index=True)
    table["team"] = table["team"].astype(object).where(table["team"].notna(), None)
    table["audience"] = table["audience"].astype("int64")
    table["respondents"] = table["respondents"].astype("int64")
    enough = (table["respondents"] >= floor) & (table["audience"] > 0)
    rate = (table["respondents"] / table["audience"].where(table["audience"] > 0)).clip(upper=1.0).fillna(0.0)
    table["band"] = pd.Series([_band_index(r) if ok else None for r, ok in zip(rate, enough, strict=True)],
                              index=table.index, dtype=object)
    table["withheld"] = False
    _withhold_what_gives_away(table, floor)
    table["shown"] = enough & ~table["withheld"]
    table["participation"] = [
        LIVE_WITHHELD if w else PARTICIPATION_BANDS[b][1] if ok else f"too few answers yet (under {floor})"
        for b, ok, w in zip(table["band"], enough, table["withheld"], strict=True)]
    return table[LIVE_COLUMNS].reset_index(drop=True)


LIVE_WITHHELD = "not shown: with the other bands it would tell whether someone answered"


def _band_index(rate: float) -> int:
    return max(i for i, (low, _) in enumerate(PARTICIPATION_BANDS) if rate >= low)


def _live_ranges(table: pd.DataFrame, floor: int) -> list[list[int]]:
    """Per row, the respondent counts a reader of its released text can infer it holds."""
    out = []
    for n, band, withheld in zip(table["audience"], table["band"], table["withheld"], strict=True):
        if withheld:
            out.append([0, int(n)])
        elif band is None:
            out.append([0, min(floor - 1, int(n))])
        else:
            b = int(band)
            high = n if b + 1 == len(PARTICIPATION_BANDS) else math.ceil(PARTICIPATION_BANDS[b + 1][0] * n) - 1
            out.append([max(floor, math.ceil(PARTICIPATION_BANDS[b][0] * n)), int(high)])
    return out


def _given_away(table: pd.DataFrame, floor: int) -> list[tuple[int, int | None]]:
    """Groups whose members' answering follows from the rows as they would be released: (parent,
    member) row pairs of a line, member None for the people of the parent in none of its rows.
    The lines are the org tree's: "All orgs" = its orgs + the rest, an org = its teams + the rest;
    each row's range is narrowed by the others' until nothing moves (the rows of one day; counts
    only grow, so a later day's rows narrow nothing further: docs/security.md)."""
    ranges = _live_ranges(table, floor)
    sizes = table["audience"].tolist()
    orgs = table.index[table["team"].isna() & (table["org"] != ALL_ORGS)].tolist()
    lines = [(int(table.index[table["org"] == ALL_ORGS][0]), orgs)]
    lines += [(i, table.index[(table["org"] == table.at[i, "org"]) & table["team"].notna()].tolist()) for i in orgs]
    rest_sizes = [max(sizes[p] - sum(sizes[c] for c in kids), 0) for p, kids in lines]
    rests = [[0, n] for n in rest_sizes]
    moved = True
    while moved:
        moved = False
        for (parent, kids), rest in zip(lines, rests, strict=True):
            members, top = [ranges[c] for c in kids] + [rest], ranges[parent]
            for m in [top, *members]:
                low, high = sum(x[0] for x in members), sum(x[1] for x in members)
                new = ([max(top[0], low), min(top[1], high)] if m is top
                       else [max(m[0], top[0] - (high - m[1])), min(m[1], top[1] - (low - m[0]))])
                if new != m:
                    m[:], moved = new, True
    found = []
    for (parent, kids), rest, rest_size in zip(lines, rests, rest_sizes, strict=True):
        for member, (low, high), n in [*((c, ranges[c], sizes[c]) for c in [parent, *kids]), (None, rest, rest_size)]:
            if n >= 1 and (low >= n or high <= 0 or low > high):
                found.append((parent, member))
    return found


def _withhold_what_gives_away(table: pd.DataFrame, floor: int) -> None:
    """Withhold rows until no group's answering follows from the others (`_given_away`): a shown
    row pinned down, itself; else, for a leak within an org, its team rows; for a leak among the
    orgs, the "All orgs" row; when that is not enough, the org and its teams (or every row)."""
    company = table["org"] == ALL_ORGS
    while leaks := _given_away(table, floor):
        parent, member = leaks[0]
        if bool(company[parent]):
            line = table.index[~company].tolist()
            widen = table.index[company].tolist()
        else:
            line = table.index[table["org"] == table.at[parent, "org"]].tolist()
            widen = [i for i in line if table.at[i, "team"] is not None]
        if member is not None and member != parent and table.at[member, "band"] is not None \
                and not table.at[member, "withheld"]:
            chosen = [member]  # a shown row pinned down by the others
        elif not table.loc[widen, "withheld"].all():
            chosen = widen
        elif not table.loc[line, "withheld"].all():
            chosen = line
        else:
            chosen = table.index.tolist()  # never needed: every row withheld gives nothing away
        table.loc[chosen, "withheld"] = True


def closed_survey_rows(con: duckdb.DuckDBPyConnection, today: date) -> dict[str, int]:
    """How many submissions and answers the data holds in waves closed before `today` (an open
    wave's counters would move with each submission)."""
    submissions, answers = query(con, "surveys/closed_survey_rows", {"today": today}).fetchall()[0]
    return {"submissions": int(submissions or 0), "answers": int(answers or 0)}
