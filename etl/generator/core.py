"""`generate()`: one synthetic company, written as the 11 contract tables, with its ground truth.

The order of work: draw the org at the window start (`workforce.build_company`), walk the window
(`workforce.Simulation`), name people (Faker, seeded), pick tokenmaxxers, generate usage and
outcomes block by block (`usage`), answer the surveys from the wave snapshots (`survey`), derive
budgets from early spend, and write every table (`writer`). Each stage draws from its own
`SeedSequence` child, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from etl.generator import spec, survey, usage, writer
from etl.generator.workforce import (
    EXIT_TYPES,
    LAYOFF,
    NEVER,
    REASONS,
    VOLUNTARY,
    Simulation,
    build_company,
    job_history_arrays,
)
from etl.planted import DEFAULT_MANDATES, PLANTED, MandateScenario, PlantedEffects

TABLES = ("employees", "job_history", "exits", "token_usage", "model_prices", "ai_mandates", "budgets",
          "outcomes", "survey_waves", "survey_questions", "survey_responses")
EPOCH = usage.EPOCH
BUDGET_FACTOR = {"Core Platform": 1.05, "Ads": 1.10, "Infrastructure": 1.25, "Devices": 1.15,
                 "Reality Labs": 1.30, "Commerce": 1.0, "People & Ops": 1.40, spec.CORPORATE: 1.5,
                 spec.APPLIED_AI: 0.85}
"""Budget = early run-rate x planned growth x this factor: mandated orgs outgrow their plans."""
BUDGET_GROWTH_PER_MONTH = 0.10
"""Planned linear growth of AI spend per month, relative to the early run-rate."""


@dataclass(frozen=True)
class MandateTruth:
    mandate_id: str
    org: str
    team: str | None
    kind: str
    announced: date
    effective: date
    target: float | None


@dataclass
class PlantedTruth:
    """What the generator planted, for tests: ids, dates and the per-respondent design."""

    effects: PlantedEffects
    window_start: date
    window_end: date
    ceo_id: str
    orgs: tuple[str, ...]
    tokenmaxxer_ids: set[str]
    tokenmaxxer_start: dict[str, date]
    leaderboard_date: date
    layoff_wave: str
    layoff_date: date
    laid_off_ids: set[str]
    applied_ai_org: str
    applied_ai_created: date | None
    applied_ai_vp_id: str | None
    forced_transfer_dates: tuple[date, ...]
    reorg_org: str
    reorg_date: date
    mandates: tuple[MandateTruth, ...]
    treated_orgs: tuple[str, ...]
    """Orgs with an org-wide mandate at some point in the window."""
    untreated_orgs: tuple[str, ...]
    """Orgs never under an org-wide mandate (a team-scoped pilot may still cover one team)."""
    lagged_reassignments: tuple[tuple[str, date, date], ...]
    """(manager_id, exit_date, reports re-pointed on): their reports' rows name a manager who is
    no longer employed for those few days (the loader's data-quality warning)."""
    morale_design: pd.DataFrame = field(repr=False)
    """One row per respondent and wave, as of the wave's opening day: org, team, person_effect,
    latent_morale, mandate, manager_span, forced_recent, morale_index (mean of the 3 morale answers),
    mandate_term (the planted mandate part of latent morale: effect, pre-trend and org shock)."""
    exit_panel: pd.DataFrame = field(repr=False)
    """One row per person and month at risk: latent_morale, ever_forced, manager_span, voluntary_exit."""
    mean_daily_tokens: pd.Series = field(repr=False)
    """Mean total tokens per employed calendar day in the window, by employee_id."""
    mandate_scenario: MandateScenario = DEFAULT_MANDATES
    """The mandate rollout and effects planted (`generate(..., mandates=...)`)."""


@dataclass
class GenerationResult:
    rows: dict[str, int]
    truth: PlantedTruth
    files: tuple[Path, ...] = ()


def _names(seed: int, n: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Full names from Faker's seeded pools (drawn once, combined by numpy: fast at 100k people)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    firsts = [fake.first_name() for _ in range(1500)]
    lasts = [fake.last_name() for _ in range(1500)]
    fi = rng.integers(0, len(firsts), n)
    li = rng.integers(0, len(lasts), n)
    full, email = [], []
    for i in range(n):
        first, last = firsts[fi[i]], lasts[li[i]]
        full.append(f"{first} {last}")
        local = re.sub(r"[^a-z]", "", first.lower()) + "." + re.sub(r"[^a-z]", "", last.lower())
        email.append(f"{local}.{i + 1}@example.com")
    return full, email


def _date_array(ordinals: np.ndarray) -> pa.Array:
    return pa.array((np.asarray(ordinals) - EPOCH).astype(np.int32), pa.int32()).cast(pa.date32())


def _pick_tokenmaxxers(rng, sim: Simulation, cal: spec.Calendar) -> np.ndarray:
    """Start ordinal per person (NEVER for most): delivery-family people who start tokenmaxxing
    some weeks after the leaderboard launches and keep at it while employed."""
    n = sim.n
    fam = np.array(spec.FAMILIES)[sim.family[:n]]
    p = np.where(np.isin(fam, ["Engineering", "Data Science"]), 0.05,
                 np.where(np.isin(fam, ["Product", "Design"]), 0.02, 0.0))
    p = p * PLANTED.tokenmaxxer_share / 0.03
    begin = np.maximum(cal.leaderboard_date.toordinal(), sim.hire[:n]) + rng.integers(0, 90, n)
    last = np.minimum(sim.exit[:n], cal.end.toordinal() + 1)
    chosen = (rng.random(n) < p) & (begin < last - 21)
    return np.where(chosen, begin, NEVER).astype(np.int64)


def _stream_of(seed: int, key: int) -> np.random.Generator:
    """The random stream `key` of a generation: each part of the company draws from its own."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


def _simulated(employees: int, months: int, seed: int, end_date: date, mandates: MandateScenario
               ) -> tuple[spec.Calendar, Callable[[int], np.random.Generator], Simulation]:
    """The calendar, the generation's streams and the company simulated over the window: what
    `generate` and `simulate_survey` share, so that the same arguments give the same company."""
    cal = spec.Calendar.build(end_date, months, spec.org_wide_mandates(mandates.schedule)
                              if mandates.schedule is not None else spec.MANDATES)
    stream = partial(_stream_of, seed)
    company = build_company(stream(11), employees, cal)
    shocks = None
    if mandates.org_wave_shock_sd > 0:  # its own stream: the other draws stay as without shocks
        shocks = stream(23).normal(0, mandates.org_wave_shock_sd, (len(spec.ORG_NAMES), len(cal.wave_ids)))
    sim = Simulation(stream(13), cal, company, scenario=mandates, org_wave_shock=shocks)
    sim.run()
    return cal, stream, sim


def generate(out_dir: Path, employees: int, months: int, seed: int, fmt: str = "parquet",
             end_date: date = date(2026, 10, 31), mandates: MandateScenario = DEFAULT_MANDATES) -> GenerationResult:
    """Write the 11 contract tables for a synthetic company to `out_dir` as `fmt` files.

    `employees` is the headcount at the window's start (approximately); people hired during the
    window come on top. The window is the `months` calendar months ending with `end_date`.
    `mandates`: the mandate rollout and its planted effects (`etl.planted.MandateScenario`); the
    default is the sample's story, byte for byte.
    """
    if fmt not in writer.FORMATS:
        raise ValueError(f"fmt must be one of {writer.FORMATS}, not {fmt!r}")
    if employees < 100:
        raise ValueError("employees must be at least 100")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    writer.clear_tables(out_dir, TABLES)
    cal, stream, sim = _simulated(employees, months, seed, end_date, mandates)
    n = sim.n
    ids = pa.array([f"E{i + 1:06d}" for i in range(n)])
    id_list = ids.to_pylist()
    team_org = sim.team_org
    org_names = np.array(spec.ORG_NAMES)
    files: list[Path] = []
    rows: dict[str, int] = {}

    def put(name: str, table: pa.Table) -> None:
        files.append(writer.write_table(table, out_dir, name, fmt))
        rows[name] = table.num_rows

    # --- people --------------------------------------------------------------------------
    full, email = _names(seed, n, stream(17))
    put("employees", pa.table({
        "employee_id": ids, "full_name": full, "email": email,
        "job_family": pa.array(np.array(spec.FAMILIES)[sim.family[:n]]),
        "location": pa.array(np.array(spec.LOCATIONS)[sim.location[:n]]),
        "hire_date": _date_array(sim.hire[:n]),
    }))
    jh = job_history_arrays(sim.rows)
    team_names = np.array(sim.team_names, dtype=object)
    top = jh["manager"] < 0  # only the CEO's rows
    manager_ids = pc.if_else(pa.array(top), pa.scalar(None, pa.string()),
                             ids.take(pa.array(np.maximum(jh["manager"], 0))))
    put("job_history", pa.table({
        "employee_id": ids.take(pa.array(jh["person"])),
        "effective_date": _date_array(jh["day"]),
        "org": pa.array(org_names[team_org[jh["team"]]]),
        "team": pa.array(team_names[jh["team"]].astype(str)),
        "manager_id": manager_ids,
        "level": pa.array(np.array(spec.LEVELS)[jh["level"]]),
        "reason": pa.array(np.array(REASONS)[jh["reason"]]),
        "forced": pa.array(jh["forced"]),
    }))
    ex = sorted(sim.exits)
    put("exits", pa.table({
        "employee_id": pa.array([id_list[e[0]] for e in ex], pa.string()),
        "exit_date": _date_array(np.array([e[1] for e in ex], np.int64)),
        "exit_type": pa.array([EXIT_TYPES[e[2]] for e in ex], pa.string()),
        "layoff_wave": pa.array([_layoff_wave(cal) if e[2] == LAYOFF else None for e in ex], pa.string()),
        "regretted": pa.array([e[3] if e[2] == VOLUNTARY else None for e in ex], pa.bool_()),
    }))

    # --- AI usage, outcomes, prices, budgets -----------------------------------------------------
    maxx_from = _pick_tokenmaxxers(stream(19), sim, cal)
    people = usage.People(ids=ids, family=sim.family[:n].copy(), hire=sim.hire[:n].astype(np.int64),
                          exit=sim.exit[:n].astype(np.int64), tokenmaxx_from=maxx_from,
                          jh_person=jh["person"], jh_day=jh["day"], jh_team=jh["team"], team_org=team_org,
                          kind_day=sim.kind_day)
    sink = writer.TableSink(out_dir, "token_usage", usage.USAGE_SCHEMA, fmt)
    used = usage.generate_usage(people, cal, seed, sink.write)
    sink.close()
    files.append(sink.path)
    rows["token_usage"] = used.rows
    put("outcomes", used.outcomes)
    prices = usage.price_rows(cal)
    put("model_prices", pa.table({
        "model": [r[0] for r in prices], "vendor": [r[1] for r in prices],
        "effective_from": _date_array(np.array([r[2] for r in prices])),
        "input_per_mtok": [r[3] for r in prices], "output_per_mtok": [r[4] for r in prices],
        "cache_read_per_mtok": [r[5] for r in prices], "cache_write_per_mtok": [r[6] for r in prices],
    }))
    mandate_rows = _mandates(sim, cal)
    put("ai_mandates", pa.table({
        "mandate_id": [m.mandate_id for m in mandate_rows], "org": [m.org for m in mandate_rows],
        "team": pa.array([m.team for m in mandate_rows], pa.string()),
        "announced_date": _date_array(np.array([m.announced.toordinal() for m in mandate_rows], np.int64)),
        "effective_date": _date_array(np.array([m.effective.toordinal() for m in mandate_rows], np.int64)),
        "kind": pa.array([m.kind for m in mandate_rows], pa.string()),
        "target": pa.array([m.target for m in mandate_rows], pa.float64()),
        "description": pa.array([s.description for s in cal.mandates], pa.string()),
    }))
    put("budgets", _budgets(used.spend, cal, sim))

    # --- surveys ---------------------------------------------------------------------------------
    surveyed = survey.generate_surveys(sim.snapshots, cal, sim.exit[:n].astype(np.int64), ids,
                                       sim.manager_quality[:n], sim.person_effect[:n], team_org,
                                       sim.team_names, seed)
    put("survey_waves", surveyed.waves)
    put("survey_questions", surveyed.questions)
    put("survey_responses", surveyed.responses)

    truth = _truth(sim, cal, id_list, maxx_from, mandate_rows, surveyed.design, used.mean_daily_tokens)
    truth.mandate_scenario = mandates
    return GenerationResult({t: rows[t] for t in TABLES}, truth, tuple(files))


@dataclass
class SurveyDesign:
    """What `simulate_survey` returns: the morale design of `generate()` without writing any file."""

    design: pd.DataFrame
    """`PlantedTruth.morale_design` plus wave_seq (1, 2, ...) and ref_date (the wave's opens_on)."""
    mandates: pd.DataFrame
    """The ai_mandates rows: org, team (None: whole org), effective_date."""


def simulate_survey(employees: int, months: int, seed: int, end_date: date = date(2026, 10, 31),
                    mandates: MandateScenario = DEFAULT_MANDATES) -> SurveyDesign:
    """The org, the simulation and the survey answers of `generate()` with the same arguments (the
    same streams, so the same `morale_design`), skipping usage, outcomes and files: a morale-only
    company in about a second at 2,500 employees, for simulation studies of the mandate estimator."""
    cal, _stream, sim = _simulated(employees, months, seed, end_date, mandates)
    n = sim.n
    ids = pa.array([f"E{i + 1:06d}" for i in range(n)])
    surveyed = survey.generate_surveys(sim.snapshots, cal, sim.exit[:n].astype(np.int64), ids,
                                       sim.manager_quality[:n], sim.person_effect[:n], sim.team_org,
                                       sim.team_names, seed)
    seq = {w: i + 1 for i, w in enumerate(cal.wave_ids)}
    opens = dict(zip(cal.wave_ids, cal.wave_opens, strict=True))
    design = surveyed.design.assign(wave_seq=surveyed.design["wave_id"].map(seq),
                                    ref_date=pd.to_datetime(surveyed.design["wave_id"].map(opens)))
    rows = _mandates(sim, cal)
    table = pd.DataFrame({"org": [m.org for m in rows], "team": [m.team for m in rows],
                          "effective_date": pd.to_datetime([m.effective for m in rows])})
    return SurveyDesign(design, table)


def _layoff_wave(cal: spec.Calendar) -> str:
    return f"RIF-{cal.layoff_date.year}-{cal.layoff_date.month:02d}"


def _mandates(sim: Simulation, cal: spec.Calendar) -> tuple[MandateTruth, ...]:
    out = []
    for m, eff, (_, team) in zip(cal.mandates, cal.mandate_effective, sim.mandate_scope, strict=True):
        out.append(MandateTruth(m.mandate_id, m.org, sim.team_names[team] if team >= 0 else None, m.kind,
                                date.fromordinal(eff.toordinal() - 21), eff, m.target))
    return tuple(out)


def _budgets(spend: np.ndarray, cal: spec.Calendar, sim: Simulation) -> pa.Table:
    """Monthly budgets planned from each org's early run-rate (its first three months with spend)."""
    orgs, months, amounts = [], [], []
    for o, org in enumerate(spec.ORG_NAMES):
        live = np.flatnonzero(spend[o] > 0)
        if org == spec.APPLIED_AI and cal.applied_ai_date is not None:
            first = cal.month_starts.index(cal.applied_ai_date.replace(day=1))
        elif len(live):
            first = 0
        else:
            continue
        early = spend[o, first: first + 3]
        run_rate = float(early.mean()) if len(early) else 0.0
        for m in range(first, len(cal.month_starts)):
            plan = run_rate * (1 + BUDGET_GROWTH_PER_MONTH * (m - first)) * BUDGET_FACTOR.get(org, 1.0)
            orgs.append(org)
            months.append(cal.month_starts[m].toordinal())
            amounts.append(max(100.0, round(plan, -2)))
    return pa.table({"org": pa.array(orgs, pa.string()), "month": _date_array(np.array(months, np.int64)),
                     "budget_usd": pa.array(amounts, pa.float64())})


def _truth(sim: Simulation, cal: spec.Calendar, id_list: list[str], maxx_from: np.ndarray,
           mandates: tuple[MandateTruth, ...], design: pd.DataFrame, mean_tokens: np.ndarray) -> PlantedTruth:
    maxx = np.flatnonzero(maxx_from < NEVER)
    org_wide = sorted({m.org for m in mandates if m.team is None})
    panel = [np.concatenate(col) for col in zip(*sim.panel, strict=True)]
    exit_panel = pd.DataFrame({
        "month": np.array(cal.month_starts)[panel[0]], "employee_id": np.array(id_list)[panel[1]],
        "latent_morale": panel[2], "ever_forced": panel[3], "manager_span": panel[4],
        "voluntary_exit": panel[5],
    })
    forced_dates = tuple(d for d in (cal.applied_ai_date, cal.applied_ai_wave2_date) if d is not None)
    return PlantedTruth(
        effects=PLANTED,
        window_start=cal.start,
        window_end=cal.end,
        ceo_id=id_list[sim.ceo],
        orgs=tuple(o for o in spec.ORG_NAMES if o != spec.APPLIED_AI or cal.applied_ai_date is not None),
        tokenmaxxer_ids={id_list[p] for p in maxx},
        tokenmaxxer_start={id_list[p]: date.fromordinal(int(maxx_from[p])) for p in maxx},
        leaderboard_date=cal.leaderboard_date,
        layoff_wave=_layoff_wave(cal),
        layoff_date=cal.layoff_date,
        laid_off_ids={id_list[p] for p in sim.layoff_ids},
        applied_ai_org=spec.APPLIED_AI,
        applied_ai_created=cal.applied_ai_date,
        applied_ai_vp_id=id_list[sim.ai_vp] if sim.ai_vp >= 0 else None,
        forced_transfer_dates=forced_dates,
        reorg_org="Infrastructure",
        reorg_date=cal.reorg_date,
        mandates=mandates,
        treated_orgs=tuple(org_wide),
        untreated_orgs=tuple(o for o in spec.ORG_NAMES if o not in org_wide
                             and (o != spec.APPLIED_AI or cal.applied_ai_date is not None)),
        lagged_reassignments=tuple((id_list[m], date.fromordinal(a), date.fromordinal(b))
                                   for m, a, b in sim.lagged),
        morale_design=design,
        exit_panel=exit_panel,
        mean_daily_tokens=pd.Series(mean_tokens, index=pd.Index(id_list, name="employee_id"),
                                    name="mean_daily_tokens"),
    )


__all__ = ["GenerationResult", "MandateTruth", "PlantedTruth", "SurveyDesign", "TABLES", "generate", "simulate_survey"]
