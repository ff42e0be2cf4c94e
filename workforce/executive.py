"""The executive summary as a story: the headcount as of a stated day, the tiles a viewer can act
on, three to five findings ranked by size and certainty (`workforce.story`), each a plain sentence
with its number and interval and the page that explains it, and the teams with the most risk
signals. The page and the HTML report (`workforce.report`) both render this one result.

People and survey numbers come from `workforce.people` and `workforce.survey_results` (so every
survey figure has been through the confidentiality layer). The model findings read the estimates
the load stored (`analytics.stored`), the very ones the Drivers page reads. AI spend, forecast,
adoption and alerts belong to `workforce.usage`, `workforce.forecast` and `workforce.alerts`; the
tiles below only phrase their results, and say "not available" when their tables are missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from analytics import findings as sentences
from analytics import stored
from analytics.effects import Effect
from analytics.frames import AnalysisInputError
from analytics.mandate import MandateEffect
from analytics.privacy_gate import min_group_size
from analytics.report import company_findings
from workforce import alerts, forecast, people, story, survey_results, usage
from workforce.db import table_exists
from workforce.filters import Filters
from workforce.story import Estimate, Finding
from workforce.viewer import Viewer, allowed_orgs

# How a part of the summary is run: `run(fn, *args, **kwargs)` means `fn(con, *args, **kwargs)`.
Run = Callable[..., Any]
RISK_TEAMS = 3
MIN_TEAM_HEADCOUNT = 5  # smaller teams make every rate noise
RECENT_DAYS = 90
MORALE_SCALE = 1.0  # one point on the 1–5 morale scale counts as one unit of size (workforce.story)
ATTRITION_SCALE = 0.10  # ten percentage points of annual attrition count as one unit of size
COMPANY_WIDE = "company-wide model"


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    delta: str | None = None  # the change shown under the number
    context: str = ""  # the comparison in words
    delta_color: str = "normal"  # st.metric: "normal" (up is good), "inverse" (up is bad), "off"
    available: bool = True
    page: str = ""  # the page where the viewer acts on this figure (ui.navigation.PAGES)


@dataclass(frozen=True)
class ExecutiveSummary:
    as_of: date
    start: date
    scope: str
    span_threshold: int
    headcount: people.HeadcountAsOf
    headlines: list[Headline]  # only those whose page the viewer may open
    findings: list[Finding]  # ranked (workforce.story.rank)
    risks: pd.DataFrame  # org, team, headcount, morale_index, share_under_wide, forced_moves, voluntary_rate, score, reasons
    morale: pd.DataFrame = field(default_factory=pd.DataFrame)  # wave_id, title, opens_on, mandated, respondents, morale_index
    headcount_by_month: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, headcount


def _unavailable(key: str, label: str, why: str, page: str) -> Headline:
    return Headline(key, label, "–", None, why, "off", available=False, page=page)


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 person', '3 people': a count with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def _pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


def _pts(x: float, digits: int = 0) -> str:
    """A difference of two percentages, in percentage points: '+17 pts'."""
    return f"{100 * x:+.{digits}f} pts".replace("-", "−")


# ---------------------------------------------------------------- tiles


def headcount_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    count = people.headcount_as_of(con, viewer, filters)
    return Headline("headcount", f"Headcount {count.label()}", f"{count.people:,}", None,
                    f"People employed on {count.day:%d %b %Y} (hired on or before, not yet left).", "off",
                    page="org_changes")


def ai_spend_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """AI spend of the latest month in the data against its budget; the forecast of a period only
    while that period is still open (`forecast.open_periods`): a finished month has no forecast."""
    try:
        projection = forecast.spend_projection(con, viewer, filters)
    except duckdb.CatalogException:
        return _unavailable("ai_spend", "AI spend", "AI usage is not loaded.", "ai_usage")
    if projection.horizons.empty:
        return _unavailable("ai_spend", "AI spend", "No AI usage in the selected range.", "ai_usage")
    month = projection.horizons.set_index("horizon").loc["month"]
    is_open = month["period_end"] > projection.last_day
    label = f"AI spend, {month['period_start']:%B %Y}" + (" to date" if is_open else "")
    spent = float(month["actual_to_date_usd"])
    budget = float(month.get("budget_usd", math.nan) or math.nan)
    has_budget = not math.isnan(budget) and budget > 0
    parts = []
    if not is_open:
        parts.append(f"Month complete (data to {projection.last_day:%d %b %Y}).")
    upcoming = forecast.open_periods(projection)
    if not upcoming.empty:
        nxt = upcoming.iloc[0]
        parts.append(f"Forecast for the {nxt['horizon']} (total to {nxt['period_end']:%d %b %Y}): "
                     f"{_money(nxt['projected_usd'])} "
                     f"({int(round(100 * projection.interval))}% range {_money(nxt['lower_usd'])}–"
                     f"{_money(nxt['upper_usd'])}).")
    parts.append(f"Budget for the month {_money(budget)}." if has_budget else "No budget set for the month.")
    delta = f"{_pct(spent / budget)} of the month's budget" if has_budget else None
    over = has_budget and (month["projected_usd"] if is_open else spent) > budget
    return Headline("ai_spend", label, _money(spent), delta, " ".join(parts),
                    ("inverse" if over else "normal") if has_budget else "off", page="ai_usage")


def ai_adoption_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """How many adoption targets are met in their latest week (workforce.usage); the gap to target
    in percentage points (a difference of two percentages)."""
    label = "AI adoption targets met"
    try:
        status = usage.adoption_target_status(con, viewer, filters)
    except duckdb.CatalogException:
        return _unavailable("adoption", label, "AI usage is not loaded.", "ai_usage")
    if status.empty:
        return _unavailable("adoption", label, "No adoption target applies to the orgs in scope.", "ai_usage")
    met = int(status["latest_met"].fillna(False).astype(bool).sum())
    adoption = float(status["latest_adoption"].mean())
    target = float(status["target"].mean())
    context = (f"Latest weekly adoption averages {_pct(adoption)} against an average target of {_pct(target)} "
               f"(a gap in percentage points).")
    return Headline("adoption", label, f"{met} of {len(status)}", f"{_pts(adoption - target)} vs target", context,
                    page="ai_usage")


def open_alerts_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """Cost alerts in scope still open, whatever their date (workforce.alerts counts, no people)."""
    label = "Open cost alerts"
    if not table_exists(con, "app_alerts"):
        return _unavailable("alerts", label, "Alert detection has not run on this data yet.", "cost_alerts")
    counts = alerts.alert_counts(con, viewer, filters.with_(start=None, end=None))
    open_counts = counts[counts["status"] == "open"]
    total = int(open_counts["alerts"].sum())
    teams = int(open_counts.loc[open_counts["kind"] == "team_day", "alerts"].sum())
    return Headline("alerts", label, f"{total:,}", None,
                    f"Abnormal consumption waiting for your review ({teams:,} of them team-days).", "off",
                    page="cost_alerts")


def morale_headlines(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> list[Headline]:
    """Morale index and eNPS of everything in scope, latest wave vs the wave before."""
    trend = survey_results.company_morale(con, viewer, filters, last=2)
    if trend.empty:
        why = "No survey wave with enough respondents to show."
        return [_unavailable("morale", "Morale index (1–5)", why, "morale"),
                _unavailable("enps", "eNPS (−100 to 100)", why, "morale")]
    latest = trend.iloc[-1]
    previous = trend.iloc[-2] if len(trend) > 1 else None
    base = f"{latest['title']}, {latest['respondents_band']} respondents"
    morale_delta = (f"{story.signed(latest['morale_index'] - previous['morale_index'])} points vs last wave"
                    if previous is not None else None)
    enps_delta = (f"{story.signed(latest['enps'] - previous['enps'], 0)} vs last wave"
                  if previous is not None else None)
    return [
        Headline("morale", "Morale index (1–5)", f"{latest['morale_index']:.2f}", morale_delta, base, page="morale"),
        Headline("enps", "eNPS (−100 to 100)", story.signed(latest["enps"], 0), enps_delta, base, page="morale"),
    ]


def attrition_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    w = people.window(con, filters)
    now = people.voluntary_attrition(con, viewer, filters)
    label = "Voluntary attrition (annualised)"
    if now.rate is None:
        return _unavailable("attrition", label, "Nobody employed in scope in the selected range.", "org_changes")
    context = (f"{_n(now.exits, 'voluntary exit')} in {w.days} days over an average of {now.average_headcount:,.0f} "
               f"people employed (95% interval {_pct(now.low, 1)} to {_pct(now.high, 1)} a year).")
    delta = None
    before = previous_attrition(con, viewer, filters)
    if before is not None and before.rate is not None:
        delta = f"{_pts(now.rate - before.rate, 1)} vs previous {w.days} days"
    else:
        context += " The data has no earlier period of the same length to compare with."
    return Headline("attrition", label, _pct(now.rate, 1), delta, context, "inverse", page="org_changes")


def previous_attrition(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> people.Rate | None:
    """Voluntary attrition in the period of equal length just before the window, when the data
    covers it (before the data's first day a rate of zero would be an artefact)."""
    w = people.window(con, filters)
    if w.previous().start < people.data_start(con):
        return None
    return people.voluntary_attrition(con, viewer, filters.with_(start=w.previous().start, end=w.previous().end))


def span_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, threshold: int) -> Headline:
    w = people.window(con, filters)
    wide, total = people.share_under_wide_spans(con, viewer, filters, w.end, threshold)
    wide0, total0 = people.share_under_wide_spans(con, viewer, filters, w.start, threshold)
    label = f"Under spans over {threshold}"
    if not total:
        return _unavailable("span", label, "Nobody employed in scope on the last day.", "org_changes")
    share = wide / total
    delta = f"{_pts(share - wide0 / total0, 1)} since {w.start:%d %b %Y}" if total0 else None
    return Headline("span", label, _pct(share), delta,
                    f"{wide:,} of {total:,} people employed on {w.end:%d %b %Y} report to a manager with more than "
                    f"{threshold} direct reports.", "inverse", page="org_changes")


# ---------------------------------------------------------------- findings


def _effect_estimate(effect, *, ratio: bool, scale: float = 1.0) -> Estimate | None:
    if not effect.estimated:
        return None
    return Estimate(effect.estimate, effect.ci_low, effect.ci_high, ratio=ratio, scale=scale)


MANDATE_LINK = ("drivers", "Drivers: morale after AI mandates")
ATTRITION_LINK = ("drivers", "Drivers: who leaves by choice")
LAYOFF_LINK = ("drivers", "Drivers: layoff selection audit")


def mandate_finding(con: duckdb.DuckDBPyConnection) -> Finding:
    """The mandate finding: the company-wide staggered difference-in-differences the load stored
    (`analytics.stored.read_mandate`), the very estimate the Drivers page reads."""
    try:
        m = stored.read_mandate(con)
    except AnalysisInputError as problem:
        return Finding("mandate", f"The effect of AI mandates on morale is not available: {problem}.", None,
                       *MANDATE_LINK)
    return mandate_story(m)


def mandate_story(m: MandateEffect) -> Finding:
    """The mandate estimate in one sentence, with the Drivers page's verdict: an effect only when
    the interval excludes 0, the pre-trend check passed and enough units were compared. The
    Drivers page's own sentence is kept word for word as the detail."""
    detail = sentences.mandate_sentence(m)
    if not m.estimated:
        return Finding("mandate", detail, None, *MANDATE_LINK, detail=detail, glossary=sentences.GLOSSARY)
    e = _effect_estimate(m.effect, ratio=False, scale=MORALE_SCALE)
    size, direction = abs(e.value), "lower" if e.value < 0 else "higher"
    numbers = f"{story.signed(e.value)} points on the 1–5 scale, {story.interval(e)}; {COMPANY_WIDE}"
    caveat = m.pretrends_rejected or m.precision_limited
    if m.pretrends_rejected:
        text = (f"No clear effect of AI mandates on morale can be read: mandated orgs were already moving differently "
                f"before their mandates ({numbers}).")
    elif e.spans_null:
        text = f"No clear effect of AI mandates on morale ({numbers})."
    elif m.precision_limited:
        text = (f"Morale was about {size:.2f} points {direction} (on the 1–5 scale) after AI mandates, a rough "
                f"indication only: {m.treated_units} mandated units could be compared ({story.interval(e)}; "
                f"{COMPANY_WIDE}).")
    else:
        text = (f"Morale was {size:.2f} points {direction} (on the 1–5 scale) in orgs after their AI mandate than in "
                f"orgs without one ({story.interval(e)}; {COMPANY_WIDE}).")
    return Finding("mandate", text, e, *MANDATE_LINK, caveat=caveat, detail=detail, glossary=sentences.GLOSSARY)


# What each hazard ratio of the attrition model is about, for "X left by choice N% more often".
HAZARD_WORDS = {
    "morale_per_point": ("People with each point higher morale", "morale"),
    "forced_transfer": ("People who had been force-transferred", "a forced transfer"),
    "span_per_10_reports": ("People whose manager had 10 more direct reports", "a wider manager span"),
    "token_intensity_per_sd": ("Heavier AI users (one standard deviation more tokens)", "heavier AI use"),
}


def hazard_story(key: str, effect: Effect, detail: str = "") -> Finding:
    """One hazard ratio of the attrition model as a finding: 'left by choice N% more often' only
    when its interval excludes 1, else 'no clear link'."""
    who, factor = HAZARD_WORDS[key]
    e = _effect_estimate(effect, ratio=True)
    if e is None:
        return Finding(f"attrition.{key}", f"No estimate of how {factor} relates to leaving by choice "
                       f"({effect.reason or 'not enough data'}).", None, *ATTRITION_LINK, detail=detail)
    numbers = f"hazard ratio {e.value:.2f}, {story.interval(e, signs=False)}; {COMPANY_WIDE}"
    text = (f"{who} left by choice {story.percent_change(e.value)} often ({numbers})." if not e.spans_null else
            f"No clear link between {factor} and leaving by choice ({numbers}).")
    return Finding(f"attrition.{key}", text, e, *ATTRITION_LINK, detail=detail)


def layoff_story(effect: Effect, detail: str = "") -> Finding:
    """The layoff model's odds ratio per standard deviation of token use as a finding."""
    e = _effect_estimate(effect, ratio=True)
    if e is None:
        return Finding("layoffs", f"No estimate of how AI use relates to layoff selection "
                       f"({effect.reason or 'not enough data'}).", None, *LAYOFF_LINK, detail=detail)
    numbers = (f"odds ratio {e.value:.2f} per standard deviation of token use, {story.interval(e, signs=False)}; "
               f"{COMPANY_WIDE}")
    text = (f"People who used AI more were {'more' if e.value > 1 else 'less'} likely to be laid off than "
            f"colleagues at the same tenure, level, job family, location and org ({numbers})." if not e.spans_null
            else f"No clear link between AI use and being laid off ({numbers}).")
    return Finding("layoffs", text, e, *LAYOFF_LINK, detail=detail)


def model_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """What goes with leaving by choice (the attrition model's hazard ratios) and whether layoffs
    followed AI usage (the layoff model's odds ratio): the company-wide models the load stored, the
    same estimates the Drivers page reads, its sentences kept as each finding's detail."""
    try:
        models = stored.with_company_audit(stored.read_models(con), min_group_size(con), con)
    except AnalysisInputError as problem:
        return [Finding("models", f"The statistical models of attrition and layoffs are not available: {problem}.",
                        None, "drivers", "Drivers of morale & attrition")]
    page = company_findings(models)
    out = [hazard_story(key, effect, page[f"attrition.{key}"]) for key, effect in models.cox.hazard_ratios.items()]
    out.append(layoff_story(models.layoffs.odds_ratio_per_sd_tokens, page["layoffs"]))
    return out


def attrition_change_finding(now: people.Rate, before: people.Rate | None, days: int) -> Finding | None:
    """Voluntary attrition against the period just before, in percentage points, with a 95%
    interval for the difference of two Poisson rates (normal approximation). None without an
    earlier period in the data."""
    if before is None or now.rate is None or before.rate is None:
        return None
    years_now = now.average_headcount * now.days / 365
    years_before = before.average_headcount * before.days / 365
    diff = now.rate - before.rate
    se = math.sqrt(now.exits / years_now ** 2 + before.exits / years_before ** 2)
    e = Estimate(diff, diff - 1.96 * se, diff + 1.96 * se, scale=ATTRITION_SCALE)
    numbers = (f"{_pct(now.rate, 1)} a year against {_pct(before.rate, 1)} in the {days} days before: "
               f"{_pts(diff, 1)}, 95% interval {_pts(e.low, 1)} to {_pts(e.high, 1)}")
    text = (f"Voluntary attrition {'rose' if diff > 0 else 'fell'} ({numbers})." if not e.spans_null else
            f"No clear change in voluntary attrition ({numbers}).")
    return Finding("attrition.change", text, e, "org_changes", "Org changes: attrition")


def ranked_findings(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, run: Run) -> list[Finding]:
    """Every candidate finding, ranked (`workforce.story.rank`), the top MAX_FINDINGS kept."""
    w = people.window(con, filters)
    candidates = [run(mandate_finding), *run(model_findings)]
    change = attrition_change_finding(run(people.voluntary_attrition, viewer, filters),
                                      run(previous_attrition, viewer, filters), w.days)
    if change is not None:
        candidates.append(change)
    return story.rank(candidates)


# ---------------------------------------------------------------- risk teams


def risk_teams(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date, threshold: int,
    limit: int = RISK_TEAMS, run: Run | None = None,
) -> pd.DataFrame:
    """The teams combining the most risk signals: low morale (latest wave, only where the
    confidentiality layer shows the team), wide spans, recent forced transfers in, high voluntary
    attrition. Each signal is ranked as a percentile among the teams in scope (higher = riskier);
    the score is the mean of the percentiles the team has. Teams under MIN_TEAM_HEADCOUNT are left
    out. A signal is named as a reason when the team is in the top third on it and the signal is
    not zero."""
    run = run or direct(con)
    factors = run(people.team_risk_factors, viewer, filters, day, threshold, recent_days=RECENT_DAYS)
    factors = factors[factors["headcount"] >= MIN_TEAM_HEADCOUNT].copy()
    columns = ["org", "team", "headcount", "morale_index", "share_under_wide", "forced_moves", "voluntary_rate",
               "score", "reasons"]
    if factors.empty:
        return pd.DataFrame(columns=columns)
    trend = run(survey_results.morale_trend, viewer, filters, by="team", last=1)
    if not trend.empty:
        latest = trend[trend["wave_id"] == trend["wave_id"].iloc[-1]]
        morale = dict(zip(latest["group"], latest["morale_index"], strict=True))
    else:
        morale = {}
    factors["morale_index"] = [morale.get(f"{o} / {t}", math.nan) for o, t in zip(factors["org"], factors["team"],
                                                                                    strict=True)]
    signals = {
        "low morale": -factors["morale_index"],
        "wide spans": factors["share_under_wide"],
        "recent forced transfers": factors["forced_share"],
        "high voluntary attrition": factors["voluntary_rate"],
    }
    ranks = pd.DataFrame({name: s.rank(pct=True) for name, s in signals.items()})
    factors["score"] = ranks.mean(axis=1, skipna=True)
    raw = pd.DataFrame(signals)
    reasons = []
    for i in factors.index:
        named = [name for name in signals if ranks.at[i, name] >= 2 / 3 and pd.notna(raw.at[i, name])
                 and (name == "low morale" or raw.at[i, name] > 0)]
        reasons.append(", ".join(named) if named else "no single signal stands out")
    factors["reasons"] = reasons
    top = factors.sort_values(["score", "headcount", "org", "team"], ascending=[False, False, True, True]).head(limit)
    return top[columns].reset_index(drop=True)


# ---------------------------------------------------------------- the whole summary


def direct(con: duckdb.DuckDBPyConnection) -> Run:
    """Runs each part straight on `con` (the command line, the HTML report, tests)."""
    return lambda fn, *args, **kwargs: fn(con, *args, **kwargs)


def executive_summary(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, *, pages: Collection[str],
    threshold: int = people.DEFAULT_SPAN_THRESHOLD, run: Run | None = None,
) -> ExecutiveSummary:
    """The whole summary, assembled from parts that each run as `run(fn, *args)`: `fn(con, *args)`
    by default; the page passes its cache, so each part is cached (and timed) on its own and a
    change of one filter only recomputes the parts that depend on it.

    `pages`: the keys of the pages the viewer may open. A tile is shown only when its page is one
    of them (no "open cost alerts" to someone who cannot open the alert review)."""
    run = run or direct(con)
    w = people.window(con, filters)
    scope_orgs = allowed_orgs(con, viewer, filters.orgs or None)
    scope = "the whole company" if viewer.whole_company and not filters.orgs else ", ".join(scope_orgs) or "no org"
    if filters.teams:
        scope += " › " + ", ".join(filters.teams)
    tiles = (("org_changes", lambda: [run(headcount_headline, viewer, filters)]),
             ("ai_usage", lambda: [run(ai_spend_headline, viewer, filters), run(ai_adoption_headline, viewer, filters)]),
             ("morale", lambda: run(morale_headlines, viewer, filters)),
             ("org_changes", lambda: [run(attrition_headline, viewer, filters),
                                      run(span_headline, viewer, filters, threshold)]),
             ("cost_alerts", lambda: [run(open_alerts_headline, viewer, filters)]))
    headlines = [h for page, make in tiles if page in pages for h in make()]
    headcount = run(people.headcount_monthly, viewer, filters).groupby("month", as_index=False)["headcount"].sum()
    return ExecutiveSummary(
        as_of=w.end, start=w.start, scope=scope, span_threshold=threshold,
        headcount=run(people.headcount_as_of, viewer, filters), headlines=headlines,
        findings=ranked_findings(con, viewer, filters, run),
        risks=risk_teams(con, viewer, filters, w.end, threshold, run=run),
        morale=run(survey_results.morale_by_mandate, viewer, filters), headcount_by_month=headcount,
    )
