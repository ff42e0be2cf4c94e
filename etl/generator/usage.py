"""AI usage, list prices, delivery outcomes and budgets, vectorised over a person x day grid.

People are processed in fixed blocks of `BLOCK` (so memory stays flat and the output does not
depend on anything but the seed). For each block a dense grid holds each person's team on each
day of the window, from the job_history rows; mandate coverage, employment and activity are grid
operations, and each active person-day expands into one row per tool used. Nothing here loops
over usage rows in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from etl.generator import spec
from etl.planted import PLANTED

BLOCK = 4096
EPOCH = 719163  # date(1970, 1, 1).toordinal(): Arrow date32 counts days from it
N_TOOLS = len(spec.TOOLS)
TOOL_FIRST_MODEL = np.cumsum([0] + [len(t.models) for t in spec.TOOLS])[:-1]
TOOL_N_MODELS = np.array([len(t.models) for t in spec.TOOLS])
IS_AGENT = np.array([t.agent for t in spec.TOOLS])
IS_IN_HOUSE = np.array([t.vendor == "in-house" for t in spec.TOOLS])
REPORTS_COST = np.array([t.reports_cost for t in spec.TOOLS])
DISCOUNT = np.array([spec.REPORTED_COST_DISCOUNT.get(t.vendor, 1.0) for t in spec.TOOLS])
PER_REQUEST = np.array([[t.input_per_request, t.output_per_request, t.cache_read_per_request,
                         t.cache_write_per_request] for t in spec.TOOLS])
REQUESTS = np.array([t.requests for t in spec.TOOLS])
AGENT_SECONDS = np.array([t.agent_seconds_per_request for t in spec.TOOLS])
DELIVERY = np.array([f in spec.DELIVERY_FAMILIES for f in spec.FAMILIES])
OUTPUT_RATE = {"Engineering": 3.5, "Data Science": 2.0, "Product": 1.2, "Design": 1.5}

USAGE_SCHEMA = pa.schema([
    ("usage_date", pa.date32()), ("employee_id", pa.string()), ("tool", pa.string()),
    ("vendor", pa.string()), ("model", pa.string()), ("input_tokens", pa.int64()),
    ("output_tokens", pa.int64()), ("cache_read_tokens", pa.int64()), ("cache_write_tokens", pa.int64()),
    ("requests", pa.int64()), ("agent_seconds", pa.int64()), ("cost_usd", pa.float64()),
])


def model_intro(cal: spec.Calendar) -> dict[str, int]:
    """Ordinal from which each model is used (window start for models older than the window)."""
    out = {m: cal.start.toordinal() for m in spec.MODELS}
    out["claude-opus-4-5"] = cal.fraction_date(spec.MODEL_INTRO_FRACTION["claude-opus-4-5"]).toordinal()
    migration = [d for m, d in zip(cal.mandates, cal.mandate_effective, strict=True) if m.kind == "tool_migration"]
    out["devpilot-code-3"] = migration[0].toordinal()
    return out


def price_rows(cal: spec.Calendar) -> list[tuple[str, str, int, float, float, float, float]]:
    """model_prices rows: (model, vendor, effective_from ordinal, input, output, cache_read, cache_write)."""
    intro = model_intro(cal)
    before = cal.start.replace(year=cal.start.year - 1, month=1, day=1).toordinal()
    rows = []
    for model in spec.MODELS:
        for step in spec.MODEL_PRICES[model]:
            if step.at_fraction is None:
                start = before
            elif step.at_fraction < 0:
                start = intro[model]
            else:
                start = cal.fraction_date(step.at_fraction).toordinal()
            rows.append((model, spec.MODEL_VENDOR[model], start, step.input_per_mtok, step.output_per_mtok,
                         step.cache_read_per_mtok, step.cache_write_per_mtok))
    return rows


def price_grid(cal: spec.Calendar) -> np.ndarray:
    """List price per (model, window day, [input, output, cache_read, cache_write]) in USD/Mtok."""
    start, days = cal.start.toordinal(), cal.days
    grid = np.zeros((len(spec.MODELS), days, 4))
    for model, _, eff, *prices in sorted(price_rows(cal), key=lambda r: (r[0], r[2])):
        m = spec.MODELS.index(model)
        grid[m, max(0, eff - start):] = prices
    return grid


@dataclass
class People:
    """What the usage model needs per person (index = employee order)."""

    ids: pa.Array
    family: np.ndarray
    hire: np.ndarray
    exit: np.ndarray
    tokenmaxx_from: np.ndarray  # ordinal, or a far-future sentinel
    jh_person: np.ndarray  # job_history rows sorted by (person, day)
    jh_day: np.ndarray
    jh_team: np.ndarray
    team_org: np.ndarray
    kind_day: dict[str, np.ndarray]  # mandate effective ordinal per team and kind


@dataclass
class UsageResult:
    rows: int
    spend: np.ndarray  # USD per (org, month index), reported cost where present else list price
    outcomes: pa.Table
    mean_daily_tokens: np.ndarray  # per person, over employed days in the window


def _team_grid(people: People, lo: int, hi: int, start: int, days: int) -> np.ndarray:
    grid = np.full((hi - lo, days), -1, np.int32)
    a, b = np.searchsorted(people.jh_person, [lo, hi])
    for p, d, t in zip(people.jh_person[a:b], people.jh_day[a:b], people.jh_team[a:b], strict=True):
        grid[p - lo, max(0, d - start):] = t  # rows are in date order: later rows overwrite
    return grid


def generate_usage(people: People, cal: spec.Calendar, seed: int,
                   sink: Callable[[pa.Table], None]) -> UsageResult:
    """Write token_usage block by block through `sink`; return spend, outcomes and summaries."""
    n = len(people.family)
    start, days = cal.start.toordinal(), cal.days
    ordinals = start + np.arange(days)
    weekday = np.array([(o + 6) % 7 for o in ordinals])  # date.fromordinal(o).weekday()
    workday = weekday < 5
    t = np.arange(days) / max(1, days - 1)
    month_of_day = np.searchsorted([m.toordinal() for m in cal.month_starts], ordinals, side="right") - 1
    prices = price_grid(cal)
    intro = model_intro(cal)
    second_share = np.zeros((N_TOOLS, days))
    for i, tool in enumerate(spec.TOOLS):
        if len(tool.models) == 2:
            first_day = intro[tool.models[1]] - start
            ramp = np.clip((np.arange(days) - first_day + 1) / 60.0, 0, 1) * (np.arange(days) >= first_day)
            second_share[i] = {"DevPilot": 0.8, "Claude Code": 0.3, "ChatGPT Enterprise": 0.4,
                               "Gemini": 0.5}[tool.name] * (ramp if tool.name in ("DevPilot", "Claude Code") else 1)
    tool_names = pa.array([tl.name for tl in spec.TOOLS])
    vendor_names = pa.array([tl.vendor for tl in spec.TOOLS])
    model_names = pa.array(list(spec.MODELS))

    # per-person parameters drawn once for everyone (independent of the block size)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(31,)))
    fam = [spec.FAMILIES[f] for f in people.family]
    alpha = np.array([spec.USAGE_PROPENSITY[f] for f in fam]) + rng.normal(0, 1.0, n)
    pref = np.array([spec.TOOL_PREFERENCE[f] for f in fam]) * rng.gamma(2.0, 0.5, (n, N_TOOLS))
    intensity = rng.lognormal(0, 0.6, n)
    maxx_mult = rng.lognormal(np.log(PLANTED.tokenmaxxer_token_multiplier), 0.6, n)
    coding = pref[:, 0] + pref[:, 2] > 0.3
    maxx_tool = np.where(pref[:, 2] > pref[:, 0], 2, 0)  # their agent: Claude Code or DevPilot
    maxx_tool = np.where(coding, maxx_tool, 0)
    productivity = np.array([OUTPUT_RATE.get(f, 0.0) for f in fam]) * rng.lognormal(-0.06, 0.35, n)

    n_orgs, n_months = len(spec.ORG_NAMES), len(cal.month_starts)
    spend = np.zeros(n_orgs * n_months)
    total_rows = 0
    token_sum = np.zeros(n)
    employed_days = np.zeros(n)
    outcome_parts: list[tuple[np.ndarray, ...]] = []
    mondays = np.flatnonzero(weekday == 0)

    for block, lo in enumerate(range(0, n, BLOCK)):
        hi = min(n, lo + BLOCK)
        brng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(37, block)))
        team = _team_grid(people, lo, hi, start, days)
        employed = (ordinals >= people.hire[lo:hi, None]) & (ordinals < people.exit[lo:hi, None])
        safe = np.maximum(team, 0)
        cov = {k: ordinals >= v[safe] for k, v in people.kind_day.items()}
        any_cov = cov["adoption_target"] | cov["tool_migration"] | cov["usage_quota"] | cov["review_criterion"]
        logit = (alpha[lo:hi, None] - 0.6 + 1.4 * t + 1.0 * any_cov + 0.6 * cov["adoption_target"]
                 + 0.4 * cov["review_criterion"] - 3.5 * ~workday)
        genuine = employed & (brng.random(team.shape) < 1 / (1 + np.exp(-logit)))
        maxxing = employed & (ordinals >= people.tokenmaxx_from[lo:hi, None])
        active = genuine | (maxxing & (brng.random(team.shape) < 0.97))

        pi, di = np.nonzero(active)  # person-major order
        gp = pi + lo
        m_cell = maxxing[pi, di]
        u = brng.random(len(pi))
        k = 1 + (u < 0.35) + (u < 0.08) + m_cell
        w = pref[gp] * np.where(IS_IN_HOUSE[None, :] & cov["tool_migration"][pi, di][:, None],
                                PLANTED.migration_in_house_boost, 1.0)
        keys = np.log(w + 1e-12) + brng.gumbel(size=w.shape)
        keys[m_cell, maxx_tool[gp[m_cell]]] = np.inf  # tokenmaxxers always run their agent
        ranked = np.argsort(-keys, axis=1, kind="stable")
        cell = np.concatenate([np.flatnonzero(k > j) for j in range(4)])
        tool = np.concatenate([ranked[k > j, j] for j in range(4)])
        # output order: day, then person, then tool
        order = np.lexsort((tool, pi[cell], di[cell]))
        cell, tool = cell[order], tool[order]
        p_local, d = pi[cell], di[cell]
        p = p_local + lo
        r = len(cell)

        second = brng.random(r) < second_share[tool, d]
        model = TOOL_FIRST_MODEL[tool] + np.where(TOOL_N_MODELS[tool] > 1, second, 0)
        mult = (intensity[p] * (1 + 0.8 * t[d])
                * np.where(any_cov[p_local, d], PLANTED.mandate_usage_multiplier, 1.0)
                * np.where(cov["usage_quota"][p_local, d], PLANTED.quota_usage_multiplier, 1.0))
        maxx_row = m_cell[cell] & IS_AGENT[tool]
        mult = np.where(maxx_row, mult * maxx_mult[p], mult)
        requests = np.maximum(1, np.round(REQUESTS[tool] * mult * brng.lognormal(0, 0.7, r))).astype(np.int64)
        tokens = np.round(requests[:, None] * PER_REQUEST[tool] * brng.lognormal(0, 0.5, (r, 4))).astype(np.int64)
        seconds = np.round(requests * AGENT_SECONDS[tool] * brng.lognormal(0, 0.5, r))
        # idle agents left running: most of the day, whatever the request count
        seconds = np.where(maxx_row, np.maximum(seconds, 3600 * brng.lognormal(np.log(10), 0.4, r)), seconds)
        seconds = np.minimum(86_400, np.round(seconds))
        list_cost = (tokens * prices[model, d]).sum(axis=1) / 1e6
        reported = REPORTS_COST[tool]
        cost = np.round(list_cost * DISCOUNT[tool], 6)
        org = people.team_org[team[p_local, d]]
        spend += np.bincount(org * n_months + month_of_day[d], weights=np.where(reported, cost, list_cost),
                             minlength=len(spend))
        token_sum[lo:hi] += np.bincount(p_local, weights=tokens.sum(axis=1), minlength=hi - lo)
        employed_days[lo:hi] += employed.sum(axis=1)

        sink(pa.table({
            "usage_date": pa.array((ordinals[d] - EPOCH).astype(np.int32), pa.date32()),
            "employee_id": people.ids.take(pa.array(p)),
            "tool": tool_names.take(pa.array(tool)),
            "vendor": vendor_names.take(pa.array(tool)),
            "model": model_names.take(pa.array(model)),
            "input_tokens": tokens[:, 0], "output_tokens": tokens[:, 1],
            "cache_read_tokens": tokens[:, 2], "cache_write_tokens": tokens[:, 3],
            "requests": requests,
            "agent_seconds": pa.array(seconds.astype(np.int64), mask=~IS_AGENT[tool]),
            "cost_usd": pa.array(cost, mask=~reported),
        }, schema=USAGE_SCHEMA))
        total_rows += r

        outcome_parts.append(_outcomes(brng, lo, hi, people, productivity, genuine, employed, workday, mondays))

    week, person, changes, assisted, reviews = (np.concatenate(x) for x in zip(*outcome_parts, strict=True))
    order = np.lexsort((person, week))
    outcomes = pa.table({
        "week_start": pa.array((ordinals[week[order]] - EPOCH).astype(np.int32), pa.date32()),
        "employee_id": people.ids.take(pa.array(person[order])),
        "changes_landed": changes[order], "agent_assisted_changes": assisted[order],
        "reviews_done": reviews[order],
    })
    return UsageResult(total_rows, spend.reshape(n_orgs, n_months), outcomes,
                       token_sum / np.maximum(employed_days, 1))


def _outcomes(rng, lo, hi, people, productivity, genuine, employed, workday, mondays):
    """Weekly delivered work for delivery job families, for weeks whose Monday they are employed.

    The rate depends on the person's productivity and their share of *genuinely* active AI days
    that week (a small planted uplift), never on token volume: tokenmaxxing adds nothing."""
    days = genuine.shape[1]
    sel = np.flatnonzero(DELIVERY[people.family[lo:hi]])
    if len(sel) == 0 or len(mondays) == 0:
        return (np.zeros(0, np.int64),) * 5
    idx = mondays[:, None] + np.arange(5)[None, :]  # (weeks, 5) work days
    valid = idx < days
    idx = np.minimum(idx, days - 1)
    emp = employed[sel][:, idx] & valid & workday[idx]
    used = genuine[sel][:, idx] & emp
    emp_days = emp.sum(axis=2)
    share = used.sum(axis=2) / np.maximum(emp_days, 1)
    on_monday = employed[sel][:, mondays]
    away = rng.random(on_monday.shape) < 0.08  # vacation and sick weeks
    base = productivity[sel + lo][:, None] * emp_days / 5.0 * ~away
    changes = rng.poisson(base * (1 + PLANTED.ai_output_uplift * share))
    assisted = rng.binomial(changes, np.clip(0.05 + 0.6 * share, 0, 1))
    reviews = rng.poisson(0.9 * base)
    keep = on_monday & ((changes + reviews) > 0)
    pw, ww = np.nonzero(keep)
    return (mondays[ww].astype(np.int64), (sel[pw] + lo).astype(np.int64), changes[pw, ww].astype(np.int64),
            assisted[pw, ww].astype(np.int64), reviews[pw, ww].astype(np.int64))
