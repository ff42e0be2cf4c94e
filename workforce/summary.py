"""The executive summary: a few headline numbers with their trend, written findings with their
uncertainty in plain words, and the three teams with the most risk signals.

People and survey numbers come from `workforce.people` and `workforce.survey_results` (so every
survey figure has been through the confidentiality layer). AI spend, forecast, adoption and
alerts belong to `workforce.usage`, `workforce.forecast` and `workforce.alerts`; the `ai_*`
functions below only call them and phrase the result, and show "not available" when those
modules or their tables are missing, rather than re-computing anything.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from analytics import findings, stored
from analytics.frames import AnalysisInputError
from analytics.report import stored_findings
from workforce import alerts, forecast, people, survey_results, usage
from workforce.db import table_exists
from workforce.filters import Filters
from workforce.viewer import Viewer, allowed_orgs

# How a part of the summary is run: `run(fn, *args, **kwargs)` means `fn(con, *args, **kwargs)`.
Run = Callable[..., Any]
RISK_TEAMS = 3
MIN_TEAM_HEADCOUNT = 5  # smaller teams make every rate noise
RECENT_DAYS = 90


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str
    delta: str | None = None  # the change shown under the number
    context: str = ""  # the comparison in words
    delta_color: str = "normal"  # st.metric: "normal" (up is good), "inverse" (up is bad), "off"
    available: bool = True


@dataclass(frozen=True)
class Finding:
    title: str
    text: str
    glossary: tuple[tuple[str, str], ...] = ()  # terms the text uses, with short definitions


@dataclass(frozen=True)
class ExecutiveSummary:
    as_of: date
    start: date
    scope: str
    span_threshold: int
    headlines: list[Headline]
    findings: list[Finding]
    risks: pd.DataFrame  # org, team, headcount, morale_index, share_under_wide, forced_moves, voluntary_rate, score, reasons
    morale: pd.DataFrame = field(default_factory=pd.DataFrame)  # wave_id, title, opens_on, mandated, respondents, morale_index
    headcount: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, headcount


def _unavailable(key: str, label: str, why: str) -> Headline:
    return Headline(key, label, "–", None, why, "off", available=False)


def _money(x: float) -> str:
    return f"${x:,.0f}"


def _n(count: int, singular: str, plural: str | None = None) -> str:
    """'1 person', '3 people': a count with its noun in the right number."""
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def _pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f}%"


# ---------------------------------------------------------------- AI figures (owned elsewhere)


def ai_spend_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """Month-to-date AI spend against the month's budget and the month's forecast (workforce.forecast)."""
    label = "AI spend, month to date"
    try:
        projection = forecast.spend_projection(con, viewer, filters)
    except (ImportError, AttributeError, duckdb.CatalogException) as missing:
        return _unavailable("ai_spend", label, f"AI spend is not available yet ({type(missing).__name__}).")
    month = projection.horizons[projection.horizons["horizon"] == "month"] if not projection.horizons.empty else None
    if month is None or month.empty:
        return _unavailable("ai_spend", label, "No AI usage in the selected range.")
    row = month.iloc[0]
    budget = float(row.get("budget_usd", math.nan) or math.nan)
    spent = float(row["actual_to_date_usd"])
    context = (
        f"Forecast for the month {_money(row['projected_usd'])} "
        f"({int(round(100 * projection.interval))}% range {_money(row['lower_usd'])}–{_money(row['upper_usd'])})"
    )
    if budget and not math.isnan(budget) and budget > 0:
        context += f" against a budget of {_money(budget)}."
        delta = f"{_pct(spent / budget)} of budget"
        over = row["projected_usd"] > budget
        return Headline("ai_spend", label, _money(spent), delta, context, "inverse" if over else "normal")
    return Headline("ai_spend", label, _money(spent), None, context + "; no budget set.", "off")


def ai_adoption_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """How many adoption targets are met in their latest week (workforce.usage)."""
    label = "AI adoption targets met"
    try:
        status = usage.adoption_target_status(con, viewer, filters)
    except (ImportError, AttributeError, duckdb.CatalogException) as missing:
        return _unavailable("adoption", label, f"Adoption is not available yet ({type(missing).__name__}).")
    if status.empty:
        return _unavailable("adoption", label, "No adoption target applies to the orgs in scope.")
    met = int(status["latest_met"].fillna(False).astype(bool).sum())
    total = len(status)
    adoption = float(status["latest_adoption"].mean())
    target = float(status["target"].mean())
    context = f"Latest weekly adoption averages {_pct(adoption)} against an average target of {_pct(target)}."
    return Headline("adoption", label, f"{met} of {total}", f"{_pct(adoption - target)} vs target", context)


def open_alerts_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    """Cost alerts in scope still open, whatever their date (workforce.alerts counts, no people)."""
    label = "Open cost alerts"
    try:
        if not table_exists(con, "app_alerts"):
            return _unavailable("alerts", label, "Alert detection has not run on this data yet.")
        counts = alerts.alert_counts(con, viewer, filters.with_(start=None, end=None))
    except (ImportError, AttributeError, duckdb.CatalogException) as missing:
        return _unavailable("alerts", label, f"Cost alerts are not available yet ({type(missing).__name__}).")
    open_counts = counts[counts["status"] == "open"]
    total = int(open_counts["alerts"].sum())
    teams = int(open_counts.loc[open_counts["kind"] == "team_day", "alerts"].sum())
    return Headline("alerts", label, f"{total:,}", None,
                    f"Abnormal consumption waiting for an admin's review ({teams:,} of them team-days).", "off")


# ---------------------------------------------------------------- people and survey figures


def morale_headlines(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> list[Headline]:
    """Morale index and eNPS of everything in scope, latest wave vs the wave before."""
    trend = survey_results.company_morale(con, viewer, filters, last=2)
    if trend.empty:
        why = "No survey wave with enough respondents to show."
        return [_unavailable("morale", "Morale index", why), _unavailable("enps", "eNPS", why)]
    latest = trend.iloc[-1]
    previous = trend.iloc[-2] if len(trend) > 1 else None
    base = f"{latest['title']}, {latest['respondents_band']} respondents"
    morale_delta = f"{latest['morale_index'] - previous['morale_index']:+.2f} vs last wave" if previous is not None else None
    enps_delta = f"{latest['enps'] - previous['enps']:+.0f} vs last wave" if previous is not None else None
    return [
        Headline("morale", "Morale index (1–5)", f"{latest['morale_index']:.2f}", morale_delta, base),
        Headline("enps", "eNPS (−100 to 100)", f"{latest['enps']:+.0f}", enps_delta, base),
    ]


def attrition_headline(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Headline:
    w = people.window(con, filters)
    now = people.voluntary_attrition(con, viewer, filters)
    label = "Voluntary attrition (annualised)"
    if now.rate is None:
        return _unavailable("attrition", label, "Nobody employed in scope in the selected range.")
    context = f"{_n(now.exits, 'voluntary exit')} over an average headcount of {now.average_headcount:,.0f} in {w.days} days."
    delta = None
    # Exits are only known inside the data's window: before it, a rate of zero would be an artefact.
    if w.previous().start >= people.data_start(con):
        before = people.voluntary_attrition(con, viewer, filters.with_(start=w.previous().start, end=w.previous().end))
        if before.rate is not None:
            delta = f"{100 * (now.rate - before.rate):+.1f} pts vs previous {w.days} days"
    else:
        context += " The data has no earlier period of the same length to compare with."
    return Headline("attrition", label, _pct(now.rate, 1), delta, context, "inverse")


def span_headline(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, threshold: int
) -> Headline:
    w = people.window(con, filters)
    wide, total = people.share_under_wide_spans(con, viewer, filters, w.end, threshold)
    wide0, total0 = people.share_under_wide_spans(con, viewer, filters, w.start, threshold)
    label = f"People under managers with more than {threshold} reports"
    if not total:
        return _unavailable("span", label, "Nobody employed in scope on the last day.")
    share = wide / total
    delta = f"{100 * (share - wide0 / total0):+.1f} pts since {w.start:%d %b %Y}" if total0 else None
    return Headline("span", label, _pct(share), delta, f"{wide:,} of {total:,} people on {w.end:%d %b %Y}.", "inverse")


# ---------------------------------------------------------------- findings


def mandate_finding(con: duckdb.DuckDBPyConnection) -> Finding:
    """The mandate finding: the company-wide staggered difference-in-differences fitted at load
    (`analytics.stored.read_mandate`), worded by `analytics.findings.mandate_sentence` -- the same
    estimate, interval and sentence as the Drivers page, the HTML report and
    `python -m analytics summary`. A model that could not be fitted says why."""
    try:
        result = stored.read_mandate(con)
    except AnalysisInputError as problem:
        return Finding(findings.MANDATE_TITLE, f"The effect of AI mandates on morale is not available: {problem}.")
    return Finding(findings.MANDATE_TITLE, f"{findings.mandate_sentence(result)} (A company-wide model: "
                                           f"it does not change with the orgs selected.)", findings.GLOSSARY)


def attrition_finding(rate: people.Rate, regretted: float | None) -> Finding:
    title = "Voluntary attrition"
    if rate.rate is None:
        return Finding(title, "Nobody was employed in scope in the selected range.")
    regret = (f" HR judged {_pct(regretted)} of these exits regretted." if regretted is not None and
              not math.isnan(regretted) else "")
    return Finding(
        title,
        f"{_n(rate.exits, 'person', 'people')} left by choice over {rate.days} days, against an average headcount of "
        f"{rate.average_headcount:,.0f}: {_pct(rate.rate, 1)} a year, with a 95% interval of {_pct(rate.low, 1)} to "
        f"{_pct(rate.high, 1)} (treating exits as independent events).{regret}",
    )


def span_finding(spans: pd.DataFrame, threshold: int, day: date) -> Finding:
    title = "Spans of control"
    if spans.empty or spans["people"].sum() == 0:
        return Finding(title, "Nobody was employed in scope on the last day.")
    above = int(spans["managers_above"].sum())
    managers = int(spans["managers"].sum())
    wide = int(spans["people_under_wide"].sum())
    people_n = int(spans["people"].sum())
    widest = spans.sort_values("max_span", ascending=False).iloc[0]
    return Finding(
        title,
        f"On {day:%d %b %Y}, {above} of {managers} managers had more than {threshold} direct reports; "
        f"{wide:,} of {people_n:,} people ({_pct(wide / people_n)}) report to one of them. The widest span is "
        f"{int(widest['max_span'])} reports, in {widest['org']}. These are counts of everyone, not samples.",
    )


def moves_finding(totals: pd.DataFrame, layoffs: pd.DataFrame, w: people.Window) -> Finding:
    def count(kind: str) -> int:
        return int(totals.loc[totals["kind"] == kind, "people"].sum())

    forced = count("transfer (forced)") + count("reorg (forced)")
    chosen = count("transfer (chosen)") + count("reorg (chosen)")
    laid_off = int(layoffs["people"].sum()) if not layoffs.empty else 0
    wave_count = layoffs["layoff_wave"].nunique() if not layoffs.empty else 0
    return Finding(
        "Reorganisations and layoffs",
        f"From {w.start:%d %b %Y} to {w.end:%d %b %Y}: {_n(forced, 'forced move')} (transfers and reorgs the "
        f"person did not choose), {_n(chosen, 'chosen move')}, and {_n(laid_off, 'person', 'people')} laid off "
        f"in {_n(wave_count, 'wave')}.",
    )


def model_findings(con: duckdb.DuckDBPyConnection) -> list[Finding]:
    """What goes with leaving by choice, and whether layoffs followed AI usage: the company-wide
    models fitted at load, in the very sentences of the Drivers page (one answer everywhere)."""
    try:
        sentences = stored_findings(con)
    except AnalysisInputError as problem:
        why = f"The statistical models are not available: {problem}."
        return [Finding("Who leaves by choice (company-wide model)", why)]
    attrition = [text for key, text in sentences.items() if key.startswith("attrition.")]
    return [
        Finding("Who leaves by choice (company-wide model)", " ".join(attrition)),
        Finding("Layoff selection and AI use (company-wide model)", sentences["layoffs"]),
    ]


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
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters,
    threshold: int = people.DEFAULT_SPAN_THRESHOLD, run: Run | None = None,
) -> ExecutiveSummary:
    """The whole summary, assembled from parts that each run as `run(fn, *args)`: `fn(con, *args)`
    by default; the page passes its cache, so each part is cached (and timed) on its own and a
    change of one filter only recomputes the parts that depend on it."""
    run = run or direct(con)
    w = people.window(con, filters)
    scope_orgs = allowed_orgs(con, viewer, filters.orgs or None)
    scope = "the whole company" if viewer.whole_company and not filters.orgs else ", ".join(scope_orgs) or "no org"
    headlines = [
        run(ai_spend_headline, viewer, filters),
        run(ai_adoption_headline, viewer, filters),
        *run(morale_headlines, viewer, filters),
        run(attrition_headline, viewer, filters),
        run(span_headline, viewer, filters, threshold),
        run(open_alerts_headline, viewer, filters),
    ]
    morale = run(survey_results.morale_by_mandate, viewer, filters)
    attrition = run(people.attrition, viewer, filters)
    total = attrition[attrition["org"] == people.ALL_IN_SCOPE]
    regretted = float(total["regretted_share"].iloc[0]) if not total.empty else None
    findings = [
        run(mandate_finding),
        attrition_finding(run(people.voluntary_attrition, viewer, filters), regretted),
        *run(model_findings),
        span_finding(run(people.span_on, viewer, filters, w.end, threshold), threshold, w.end),
        moves_finding(run(people.movement_totals, viewer, filters), run(people.layoffs_by_wave, viewer, filters), w),
    ]
    headcount = run(people.headcount_monthly, viewer, filters).groupby("month", as_index=False)["headcount"].sum()
    return ExecutiveSummary(
        as_of=w.end, start=w.start, scope=scope, span_threshold=threshold, headlines=headlines, findings=findings,
        risks=risk_teams(con, viewer, filters, w.end, threshold, run=run), morale=morale, headcount=headcount,
    )
