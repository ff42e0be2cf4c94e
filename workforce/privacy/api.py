"""The release policy: every survey figure a viewer can get leaves through one of these functions.

- `survey_groups`: scores and respondent counts of one group or of each group of a breakdown,
  per wave (Morale page, Executive summary, HTML report, downloads);
- `company_cell`: the company's figures of a wave (Pulse survey page, theme comparisons);
- `visible_comments`: comment lists, at the comment minimum;
- `pooled_team_figures`: each team's morale and eNPS over several waves (Drivers team
  explorer), pooled over the waves in which that team's cell is itself released;
- `release_distribution`: answer distributions of a released group, none where one answer
  holds everyone or all but one;
- `live_participation`: an open wave's participation per org, as coarse bands, counted to the
  end of the previous day, only for groups of at least 5 respondents;
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
    PrivacyRules,
    count_band,
    current_rules,
    participation_band,
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


def live_participation(
    con: duckdb.DuckDBPyConnection, wave_id: str, audience: pd.DataFrame, today: date,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Participation of a wave per org of `audience` (org, audience: people in it), plus an "All
    orgs" row: the response rate's band (`rules.PARTICIPATION_BANDS`), counted over submissions
    made before `today` (so it moves once a day, not with each submission), and only for groups
    of at least max(5, minimum) respondents; other groups read "too few answers yet". No count
    of respondents is released.

    Columns: org, audience, participation (text), shown (bool)."""
    rules = rules or current_rules(con)
    floor = max(LIVE_MIN, rules.min_scores)
    counts = query(con, "surveys/respondents_by_org", {"wave_id": wave_id, "before": today}).df()
    table = audience.merge(counts, on="org", how="left").fillna({"respondents": 0})
    total = pd.DataFrame({"org": ["All orgs"], "audience": [int(table["audience"].sum())],
                          "respondents": [int(counts["respondents"].sum())]})
    table = pd.concat([table, total], ignore_index=True)
    shown = (table["respondents"] >= floor) & (table["audience"] > 0)
    rate = (table["respondents"] / table["audience"].where(table["audience"] > 0)).clip(upper=1.0)
    table["participation"] = [participation_band(r) if s else f"too few answers yet (under {floor})"
                              for r, s in zip(rate.fillna(0.0), shown, strict=True)]
    table["shown"] = shown
    table["audience"] = table["audience"].astype("int64")
    return table[["org", "audience", "participation", "shown"]].reset_index(drop=True)


def closed_survey_rows(con: duckdb.DuckDBPyConnection, today: date) -> dict[str, int]:
    """How many submissions and answers the data holds in waves closed before `today` (an open
    wave's counters would move with each submission)."""
    submissions, answers = query(con, "surveys/closed_survey_rows", {"today": today}).fetchall()[0]
    return {"submissions": int(submissions or 0), "answers": int(answers or 0)}
