"""Survey results for the morale page and the executive summary: response rates, morale index
and eNPS by group and wave, theme heatmap, question-level distributions, comments.

Every figure comes from, or is released by, `workforce.privacy`: scores and respondent counts
are `privacy.survey_groups` cells (minimum group size and protection against differencing);
comments are `privacy.visible_comments` (comment minimum); the few figures computed here
(answer distributions, the spread of morale behind a confidence interval) are computed only for
a group that `survey_groups` has just shown. `_groups` is the single door to the layer, so a
change in its rules reaches every figure on these pages. Suppressed groups are dropped, never
sent to a chart with an empty value.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from workforce import privacy, sentiment
from workforce.db import sql
from workforce.filters import Filters
from workforce.people import compose
from workforce.viewer import ScopeError, Viewer, allowed_orgs

BY_CHOICES = ("all", "org", "team")
ALL_LABEL = "All"  # privacy.survey_groups' label for the whole selection
THEMES = privacy.THEMES
MEASURE_COLUMNS = ("respondents", "morale_index", "enps")


def _by(by: str) -> str | None:
    if by not in BY_CHOICES:
        raise ValueError(f"group by must be one of {', '.join(BY_CHOICES)}; got {by!r}")
    return None if by == "all" else by


def waves(con: duckdb.DuckDBPyConnection, today: date | None = None) -> pd.DataFrame:
    """Closed waves that have submissions, oldest first (wave_id, title, opens_on, closes_on)."""
    return con.execute(sql("survey_results/waves"), {"today": today or date.today()}).df()


def min_group_sizes(con: duckdb.DuckDBPyConnection) -> privacy.PrivacyRules:
    """The minimums in force, for captions ("groups under N are not shown")."""
    return privacy.current_rules(con)


def _groups(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str | None,
    *, orgs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The one door to the confidentiality layer: visible cells of one wave, suppressed ones dropped.

    `orgs` replaces the filter's org choice (used to ask about a specific set of orgs).
    """
    try:
        cells = privacy.survey_groups(
            con, viewer, wave_id, by=by,
            orgs=list(orgs) if orgs is not None else (list(filters.orgs) or None),
            teams=list(filters.teams) or None,
        )
    except ScopeError:
        return pd.DataFrame(columns=["group", "respondents", *privacy.MEASURES])
    visible = cells[~cells["suppressed"].astype(bool)].drop(columns="suppressed")
    return visible.reset_index(drop=True)


def morale_trend(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "org", last: int | None = None
) -> pd.DataFrame:
    """Morale index (1–5) and eNPS (−100–100) per wave and group, visible groups only; `last`
    keeps only the latest waves.

    Columns: wave_id, title, opens_on, group, respondents, morale_index, enps.
    """
    frames = []
    chosen = waves(con)
    for wave in (chosen.tail(last) if last else chosen).itertuples():
        cells = _groups(con, viewer, filters, wave.wave_id, _by(by))
        if cells.empty:
            continue
        cells = cells[["group", *MEASURE_COLUMNS]].copy()
        cells.insert(0, "opens_on", wave.opens_on)
        cells.insert(0, "title", wave.title)
        cells.insert(0, "wave_id", wave.wave_id)
        frames.append(cells)
    if not frames:
        return pd.DataFrame(columns=["wave_id", "title", "opens_on", "group", *MEASURE_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out["respondents"] = out["respondents"].astype(int)
    for col in ("morale_index", "enps"):
        out[col] = out[col].astype(float)
    return out


def response_rates(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "org") -> pd.DataFrame:
    """Respondents over people employed in the wave's audience on its opening day, per wave and group.

    Respondent counts are the confidentiality layer's; a rate above 1 (people who moved into the
    group after the opening day) is capped at 1 and flagged in `capped`.
    """
    trend = morale_trend(con, viewer, filters, by)
    params = {
        "orgs": allowed_orgs(con, viewer, filters.orgs or None),
        "teams": Filters.as_list(filters.teams),
        "by": by,
    }
    eligible = con.execute(
        compose("survey_results/eligible", (("assignments", "people/assignments"),)), params
    ).df()
    out = trend[["wave_id", "title", "opens_on", "group", "respondents"]].merge(
        eligible, on=["wave_id", "group"], how="left"
    )
    out["eligible"] = out["eligible"].fillna(0).astype(int)
    raw = out["respondents"] / out["eligible"].where(out["eligible"] > 0)
    out["capped"] = raw > 1
    out["response_rate"] = raw.clip(upper=1.0)
    return out


def _previous_wave(con: duckdb.DuckDBPyConnection, wave_id: str) -> str | None:
    ids = list(waves(con)["wave_id"])
    if wave_id not in ids:
        raise ValueError(f"unknown survey wave {wave_id!r}")
    i = ids.index(wave_id)
    return ids[i - 1] if i > 0 else None


def _theme_long(cells: pd.DataFrame) -> pd.DataFrame:
    long = cells.melt(
        id_vars=["group", "respondents"], value_vars=[f"score_{t}" for t in THEMES], var_name="theme",
        value_name="score",
    )
    long["theme"] = long["theme"].str.removeprefix("score_")
    long["score"] = long["score"].astype(float)
    return long.dropna(subset=["score"])


def theme_heatmap(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str = "org"
) -> pd.DataFrame:
    """Mean theme scores (1–5) per group of one wave, with the change since the previous wave (same
    group, when it was visible then) and the difference from the company figure of the wave.

    Columns: group, theme, respondents, score, change_vs_previous, vs_company.
    """
    current = _theme_long(_groups(con, viewer, filters, wave_id, _by(by)))
    previous_id = _previous_wave(con, wave_id)
    if previous_id is not None:
        before = _theme_long(_groups(con, viewer, filters, previous_id, _by(by)))
        before = before.rename(columns={"score": "previous"})[["group", "theme", "previous"]]
        current = current.merge(before, on=["group", "theme"], how="left")
    else:
        current["previous"] = float("nan")
    current["change_vs_previous"] = current["score"] - current["previous"]
    company = privacy.company_cell(con, wave_id)
    company_scores = {t: (company or {}).get(f"score_{t}") for t in THEMES}
    current["vs_company"] = current["score"] - current["theme"].map(
        lambda t: float(company_scores[t]) if company_scores.get(t) is not None else float("nan")
    )
    current["respondents"] = current["respondents"].astype(int)
    return current.drop(columns="previous").sort_values(["group", "theme"], ignore_index=True)


def likert_distribution(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str
) -> pd.DataFrame:
    """Share of each answer (1–5) to each likert5 question of a wave, for the filtered group as a whole.

    Empty unless the confidentiality layer shows that group; a question answered by fewer than
    the minimum is left out. Columns: question_id, text, theme, position, answer, answers,
    respondents, share.
    """
    shown = _groups(con, viewer, filters, wave_id, None)
    if shown.empty:
        return pd.DataFrame(columns=["question_id", "text", "theme", "position", "answer", "answers",
                                     "respondents", "share"])
    whole = viewer.whole_company and not filters.orgs
    params = {
        "wave_id": wave_id,
        "orgs": None if whole else allowed_orgs(con, viewer, filters.orgs or None),
        "teams": Filters.as_list(filters.teams),
    }
    frame = con.execute(sql("survey_results/likert_distribution"), params).df()
    frame = frame[frame["respondents"] >= min_group_sizes(con).min_scores].copy()
    frame["share"] = frame["answers"] / frame["respondents"]
    return frame.sort_values(["position", "question_id", "answer"], ignore_index=True)


def _comment_groups(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str
) -> list[tuple[str, list[str] | None, list[tuple[str, str]] | None]]:
    """(label, orgs, teams) of every group to ask the layer about."""
    if by == "all":
        return [(ALL_LABEL, list(filters.orgs) or None, None)]
    orgs = allowed_orgs(con, viewer, filters.orgs or None)
    if by == "org":
        return [(org, [org], None) for org in orgs]
    pairs = con.execute(
        "SELECT DISTINCT org, team FROM stg_survey_submissions WHERE wave_id = ? AND list_contains(?, org) "
        "AND (? IS NULL OR list_contains(?, team)) ORDER BY org, team",
        [wave_id, orgs, Filters.as_list(filters.teams), Filters.as_list(filters.teams)],
    ).fetchall()
    return [(f"{o} / {t}", [o], [(o, t)]) for o, t in pairs]


def comments(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str = "all"
) -> pd.DataFrame:
    """Comments of every group at or above the comment minimum, with theme and sentiment.

    Columns: group, theme, question, comment, sentiment (−1…1), tone. Plain text: render with
    st.dataframe / st.text only.
    """
    _by(by)
    themes = dict(
        con.execute("SELECT text, theme FROM stg_survey_questions WHERE wave_id = ? AND kind = 'text'",
                    [wave_id]).fetchall()
    )
    frames = []
    for label, orgs, teams in _comment_groups(con, viewer, filters, wave_id, by):
        try:
            found = privacy.visible_comments(
                con, viewer, wave_id, orgs=orgs, teams=teams if teams is not None else (list(filters.teams) or None)
            )
        except ScopeError:
            continue
        if found.empty:
            continue
        found = found.copy()
        found.insert(0, "group", label)
        frames.append(found)
    if not frames:
        return pd.DataFrame(columns=["group", "theme", "question", "comment", "sentiment", "tone"])
    out = pd.concat(frames, ignore_index=True)
    out.insert(1, "theme", out["question"].map(themes).fillna("(unknown)"))
    out["sentiment"] = [sentiment.score(c) for c in out["comment"]]
    out["tone"] = [sentiment.label(s) for s in out["sentiment"]]
    return out


def comment_keywords(found: pd.DataFrame, limit: int = 15) -> pd.DataFrame:
    """Keywords shared by several of the (already released) comments, with their mean sentiment."""
    rows = []
    for word, n in sentiment.top_keywords(found["comment"], limit=limit):
        mask = found["comment"].map(lambda c, w=word: w in sentiment.keywords(c))
        rows.append({"keyword": word, "comments": n, "mean_sentiment": float(found.loc[mask, "sentiment"].mean())})
    return pd.DataFrame(rows, columns=["keyword", "comments", "mean_sentiment"])


def theme_sentiment(found: pd.DataFrame) -> pd.DataFrame:
    """Comments and mean sentiment per theme of already released comments."""
    if found.empty:
        return pd.DataFrame(columns=["theme", "comments", "mean_sentiment"])
    return (
        found.groupby("theme", as_index=False)
        .agg(comments=("comment", "size"), mean_sentiment=("sentiment", "mean"))
        .sort_values("theme", ignore_index=True)
    )


# ---------------------------------------------------------------- for the executive summary


def company_morale(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, last: int | None = None
) -> pd.DataFrame:
    """Morale index and eNPS of everything in scope, per wave (visible waves only)."""
    return morale_trend(con, viewer, filters, by="all", last=last)


def mandated_orgs(con: duckdb.DuckDBPyConnection, day: date) -> list[str]:
    return [o for (o,) in con.execute(sql("survey_results/mandated_orgs"), {"day": day}).fetchall()]


def morale_by_mandate(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per wave: respondents, mean and SD of the morale index in the orgs under an AI mandate by the
    latest wave's close, and in the other orgs in scope. The split is fixed at the latest wave so
    every wave compares the same two sets of orgs (a difference in differences). A wave appears
    only when the confidentiality layer shows both the whole scope and the mandated orgs.

    Columns: wave_id, title, opens_on, mandated (bool), respondents, morale_index, morale_sd, orgs.
    """
    columns = ["wave_id", "title", "opens_on", "mandated", "respondents", "morale_index", "morale_sd", "orgs"]
    all_waves = waves(con)
    if all_waves.empty:
        return pd.DataFrame(columns=columns)
    scope = allowed_orgs(con, viewer, filters.orgs or None)
    under = set(mandated_orgs(con, all_waves["closes_on"].iloc[-1]))
    sides = ((True, [o for o in scope if o in under]), (False, [o for o in scope if o not in under]))
    rows = []
    for wave in all_waves.itertuples():
        # The whole scope and the mandated orgs must both be shown by the layer; the other orgs'
        # figure is then their difference, which the layer has checked is not a small group.
        # Asked without the team filter: the spread below is over whole orgs.
        if _groups(con, viewer, Filters(orgs=filters.orgs), wave.wave_id, None).empty:
            continue
        mandated = sides[0][1]
        if mandated and _groups(con, viewer, Filters(), wave.wave_id, None, orgs=mandated).empty:
            continue
        for is_mandated, orgs in sides:
            if not orgs:
                continue
            n, mean, sd = con.execute(
                sql("survey_results/morale_spread"), {"wave_id": wave.wave_id, "orgs": orgs}
            ).fetchall()[0]
            if not n:
                continue
            rows.append({"wave_id": wave.wave_id, "title": wave.title, "opens_on": wave.opens_on,
                         "mandated": is_mandated, "respondents": int(n), "morale_index": float(mean),
                         "morale_sd": float(sd) if sd is not None else float("nan"), "orgs": len(orgs)})
    return pd.DataFrame(rows, columns=columns)


def survey_events(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """AI-mandate and layoff dates from a month before the first wave to the last wave's close."""
    from datetime import timedelta

    from workforce import people

    all_waves = waves(con)
    if all_waves.empty:
        return pd.DataFrame(columns=["day", "kind", "label"])
    start = all_waves["opens_on"].min() - timedelta(days=31)
    end = all_waves["closes_on"].max()
    return people.events(con, viewer, filters.with_(start=pd.Timestamp(start).date(), end=pd.Timestamp(end).date()))


def comments_with_keyword(found: pd.DataFrame, keyword: str) -> pd.DataFrame:
    """The released comments that use `keyword`."""
    mask = found["comment"].map(lambda c: keyword in sentiment.keywords(c))
    return found[mask].reset_index(drop=True)
