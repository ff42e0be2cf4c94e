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
from datetime import date, timedelta

import duckdb
import pandas as pd

from etl.contract import THEMES
from workforce import favourability, people, privacy, sentiment
from workforce.db import query
from workforce.filters import Filters
from workforce.viewer import Role, ScopeError, Viewer, allowed_orgs

BY_CHOICES = ("all", "org", "team")
ALL_LABEL = "All"  # privacy.survey_groups' label for the whole selection
MEASURE_COLUMNS = ("respondents", "respondents_band", "morale_index", "enps")


def _by(by: str) -> str | None:
    if by not in BY_CHOICES:
        raise ValueError(f"group by must be one of {', '.join(BY_CHOICES)}; got {by!r}")
    return None if by == "all" else by


def waves(con: duckdb.DuckDBPyConnection, today: date | None = None) -> pd.DataFrame:
    """Closed waves that have submissions, oldest first (wave_id, title, opens_on, closes_on)."""
    return query(con, "survey_results/waves", {"today": today or date.today()}).df()


def min_group_sizes(con: duckdb.DuckDBPyConnection) -> privacy.PrivacyRules:
    """The minimums in force, for captions ("groups under N are not shown")."""
    return privacy.current_rules(con)


def _groups(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str | Sequence[str], by: str | None,
    *, orgs: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The one door to the confidentiality layer: visible cells, suppressed ones dropped.

    `wave_id` one wave, or a list of waves (then a leading `wave_id` column: all waves are read
    in one go, each judged on its own lattice). `orgs` replaces the filter's org choice (used to
    ask about a specific set of orgs).
    """
    several = not isinstance(wave_id, str)
    try:
        cells = privacy.survey_groups(
            con, viewer, list(wave_id) if several else wave_id, by=by,
            orgs=list(orgs) if orgs is not None else (list(filters.orgs) or None),
            teams=list(filters.teams) or None,
        )
    except ScopeError:
        return pd.DataFrame(columns=[*(["wave_id"] if several else []), "group", "respondents", "respondents_band",
                                     *privacy.MEASURES])
    visible = cells[~cells["suppressed"].astype(bool)].drop(columns="suppressed")
    return visible.reset_index(drop=True)


def morale_trend(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "org", last: int | None = None
) -> pd.DataFrame:
    """Morale index (1–5) and eNPS (−100–100) per wave and group, visible groups only; `last`
    keeps only the latest waves.

    Columns: wave_id, title, opens_on, group, respondents, respondents_band, morale_index, enps
    (as the layer releases them: counts under 20 banded, means rounded).
    """
    columns = ["wave_id", "title", "opens_on", "group", *MEASURE_COLUMNS]
    chosen = waves(con)
    chosen = chosen.tail(last) if last else chosen
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    cells = _groups(con, viewer, filters, list(chosen["wave_id"]), _by(by))
    if cells.empty:
        return pd.DataFrame(columns=columns)
    out = chosen[["wave_id", "title", "opens_on"]].merge(cells[["wave_id", "group", *MEASURE_COLUMNS]], on="wave_id")
    out = out[columns].reset_index(drop=True)
    out["respondents"] = out["respondents"].astype(int)
    for col in ("morale_index", "enps"):
        out[col] = out[col].astype(float)
    return out


def eligible_counts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str,
                    wave_ids: Sequence[str]) -> pd.DataFrame:
    """wave_id, group, eligible: people employed in each wave's audience on its opening day, per
    group of `by` within the viewer's scope (headcounts only, no survey data)."""
    _by(by)
    params = {
        "orgs": allowed_orgs(con, viewer, filters.orgs or None),
        "teams": Filters.as_list(filters.teams),
        "by": by,
        "wave_ids": list(wave_ids),
    }
    return query(con, "survey_results/eligible", params).df()


def response_rates(trend: pd.DataFrame, eligible: pd.DataFrame) -> pd.DataFrame:
    """Respondents over people employed in the wave's audience on its opening day, per wave and
    group of a `morale_trend` frame, from its `eligible_counts`.

    Respondent counts are the confidentiality layer's (under 20 a band, whose lower edge the rate
    uses: an "at least" rate); a rate above 1 (people who moved into the group after the opening
    day) is capped at 1 and flagged in `capped`. A page that shows the trend passes its frame:
    the rates need no second pass through the layer.
    """
    out = trend[["wave_id", "title", "opens_on", "group", "respondents", "respondents_band"]].merge(
        eligible, on=["wave_id", "group"], how="left"
    )
    out["eligible"] = out["eligible"].fillna(0).astype(int)
    raw = out["respondents"] / out["eligible"].where(out["eligible"] > 0)
    out["capped"] = raw > 1
    out["response_rate"] = raw.astype(float).clip(upper=1.0).round(2)
    return out


def group_response_rates(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, by: str = "org") -> pd.DataFrame:
    """`response_rates` of this view's `morale_trend` (for callers without the trend at hand)."""
    trend = morale_trend(con, viewer, filters, by)
    return response_rates(trend, eligible_counts(con, viewer, filters, by, trend["wave_id"].unique()))


def _previous_wave(con: duckdb.DuckDBPyConnection, wave_id: str) -> str | None:
    ids = list(waves(con)["wave_id"])
    if wave_id not in ids:
        raise ValueError(f"unknown survey wave {wave_id!r}")
    i = ids.index(wave_id)
    return ids[i - 1] if i > 0 else None


def _theme_long(cells: pd.DataFrame) -> pd.DataFrame:
    long = cells.melt(
        id_vars=["group", "respondents", "respondents_band"], value_vars=[f"score_{t}" for t in THEMES], var_name="theme",
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

    Columns: group, theme, respondents, respondents_band, score, change_vs_previous, vs_company.
    """
    previous_id = _previous_wave(con, wave_id)
    asked = [wave_id] + ([previous_id] if previous_id is not None else [])
    both = _groups(con, viewer, filters, asked, _by(by))
    current = _theme_long(both[both["wave_id"] == wave_id].drop(columns="wave_id"))
    if previous_id is not None:
        before = _theme_long(both[both["wave_id"] == previous_id].drop(columns="wave_id"))
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


def favourability_of(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str = "org",
    kind: str = "theme",
) -> pd.DataFrame:
    """% favourable / neutral / unfavourable beside the page's means: per theme of each group of
    `by` (kind "theme", beside the heat map), or per item and theme of the selection as a whole
    (kind "item", beside the answer distributions), with the same filters and scope as the rest
    of the page, the change since the previous closed wave and the gap to the company
    (`workforce.favourability`, every count released by `workforce.privacy.items`).
    Columns: `favourability.COLUMNS`; a group, theme or item the layer does not release has no row."""
    if kind not in ("theme", "item"):
        raise ValueError(f"kind must be theme or item; got {kind!r}")
    _by(by)  # the page's groupings are favourability's
    try:
        table = favourability.favourability(con, viewer, wave_id, by=by,
                                            orgs=filters.orgs or None, teams=filters.teams or None)
    except ScopeError:
        return pd.DataFrame(columns=favourability.COLUMNS)
    if kind == "theme":
        table = table[table["kind"] == "theme"]
    return table.reset_index(drop=True)


def likert_distribution(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str
) -> pd.DataFrame:
    """Share of each answer (1–5) to each likert5 question of a wave, for the filtered group as a whole.

    Empty unless the confidentiality layer releases that group; a question answered by fewer than
    the minimum, or where one answer holds everyone or all but one, is left out
    (`privacy.release_distribution`). Columns: question_id, text, theme, position, answer,
    respondents (banded), share.
    """
    columns = ["question_id", "text", "theme", "position", "answer", "respondents", "share"]
    shown = _groups(con, viewer, filters, wave_id, None)
    if shown.empty:
        return pd.DataFrame(columns=columns)
    whole = viewer.whole_company and not filters.orgs
    orgs = None if whole else allowed_orgs(con, viewer, filters.orgs or None)
    params = {"wave_ids": [wave_id], "orgs": orgs, "teams": Filters.as_list(filters.teams)}
    frame = query(con, "survey_results/likert_distribution", params).df()
    # Released groups that contain this one: a reader of both has their difference too.
    wider = []
    if orgs is not None or params["teams"]:
        wider.append({"wave_ids": [wave_id], "orgs": None, "teams": None})
    if orgs is not None and params["teams"]:
        wider.append({"wave_ids": [wave_id], "orgs": orgs, "teams": None})
    admin = Viewer("release-check", Role.ADMIN)
    outer = [query(con, "survey_results/likert_distribution", p).df() for p in wider
             if not _groups(con, admin, Filters(orgs=tuple(p["orgs"] or ())), wave_id, None).empty]
    released = privacy.release_distribution(frame, min_group_sizes(con).min_scores, outer)
    return released[columns].sort_values(["position", "question_id", "answer"], ignore_index=True)


def comments(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, wave_id: str, by: str = "all"
) -> pd.DataFrame:
    """Comments of every group at or above the comment minimum, with theme and sentiment.

    Columns: group, theme, question, comment, sentiment (−1…1), tone. Plain text: render with
    st.dataframe / st.text only.
    """
    columns = ["group", "theme", "question", "comment", "sentiment", "tone"]
    layer_by = _by(by)
    themes = dict(query(con, "survey_results/comment_question_themes", {"wave_id": wave_id}).fetchall())
    try:
        # Every group of the breakdown in one call: each is judged on its own, read together.
        found = privacy.visible_comments(
            con, viewer, wave_id, by=layer_by, orgs=list(filters.orgs) or None, teams=list(filters.teams) or None
        )
    except ScopeError:
        return pd.DataFrame(columns=columns)
    if found.empty:
        return pd.DataFrame(columns=columns)
    out = found.copy()
    if layer_by is None:
        out.insert(0, "group", ALL_LABEL)
    out = out[["group", "question", "comment"]].reset_index(drop=True)
    out.insert(1, "theme", out["question"].map(themes).fillna("(unknown)"))
    # Scored once per distinct text: many comments repeat word for word, and scoring is the slow part.
    scores = {text: sentiment.score(text) for text in out["comment"].unique()}
    out["sentiment"] = [scores[c] for c in out["comment"]]
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
    return [o for (o,) in query(con, "survey_results/mandated_orgs", {"day": day}).fetchall()]


def morale_by_mandate(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per wave: respondents, mean and SD of the morale index in the orgs under an AI mandate by the
    latest wave's close, and in the other orgs in scope. The split is fixed at the latest wave so
    every wave compares the same two sets of orgs (a difference in differences). A wave appears
    only when the confidentiality layer releases the whole scope and the mandated orgs. Counts
    and means are released as everywhere (banded under 20, rounded).

    Columns: wave_id, title, opens_on, mandated (bool), respondents (the band's lower edge under
    20: the interval built on it is wider, never narrower), respondents_band, morale_index,
    morale_sd, orgs.
    """
    columns = ["wave_id", "title", "opens_on", "mandated", "respondents", "respondents_band", "morale_index",
               "morale_sd", "orgs"]
    all_waves = waves(con)
    if all_waves.empty:
        return pd.DataFrame(columns=columns)
    scope = allowed_orgs(con, viewer, filters.orgs or None)
    under = set(mandated_orgs(con, all_waves["closes_on"].iloc[-1]))
    sides = ((True, [o for o in scope if o in under]), (False, [o for o in scope if o not in under]))
    # A wave is compared only when the layer releases the whole scope and the mandated orgs; the
    # other orgs are then their difference: unions of released orgs, or (whole company) every
    # hidden org of the company's line, which holds at least the minimum by the line rule. Asked
    # without the team filter: the spread below is over whole orgs.
    wave_ids = list(all_waves["wave_id"])
    shown = set(_groups(con, viewer, Filters(orgs=filters.orgs), wave_ids, None)["wave_id"])
    mandated = sides[0][1]
    if mandated and shown:
        asked = [w for w in wave_ids if w in shown]
        shown &= set(_groups(con, viewer, Filters(), asked, None, orgs=mandated)["wave_id"])
    if not shown:
        return pd.DataFrame(columns=columns)
    spread = query(con, "survey_results/morale_spread",
                   {"wave_ids": [w for w in wave_ids if w in shown], "orgs": list(scope), "mandated": mandated}).df()
    spread = {(str(r.wave_id), bool(r.mandated)): r for r in spread.itertuples()}
    minimum = min_group_sizes(con).min_scores
    rows = []
    for wave in all_waves.itertuples():
        if wave.wave_id not in shown:
            continue
        for is_mandated, orgs in sides:
            found = spread.get((wave.wave_id, is_mandated)) if orgs else None
            if found is None or not found.respondents:
                continue
            sd = found.morale_sd
            released, band = privacy.count_band(int(found.respondents), minimum)
            rows.append({"wave_id": wave.wave_id, "title": wave.title, "opens_on": wave.opens_on,
                         "mandated": is_mandated, "respondents": released, "respondents_band": band,
                         "morale_index": privacy.round_measure("morale_index", found.morale_index),
                         "morale_sd": round(float(sd), 2) if sd is not None and not pd.isna(sd) else float("nan"),
                         "orgs": len(orgs)})
    return pd.DataFrame(rows, columns=columns)


def survey_events(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """AI-mandate and layoff dates from a month before the first wave to the last wave's close."""
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
