"""The people side of the synthetic company: org tree, careers, reorganisations, exits.

`build_company` draws the organisation at the window's start (one CEO, orgs, directors, team
leads, front-line managers, ICs) with hire dates and the job history that led there.
`Simulation` then walks the window month by month through an event queue: voluntary exits from
the planted hazard, involuntary exits, retirements, promotions, transfers, hires, the
Infrastructure reorg, the layoff, and the creation of Applied AI by forced transfers. Every change
of assignment is recorded as a job_history row at the moment it happens, so spans computed from
the rows equal the spans the simulation used. At each survey wave's opening day it takes a
snapshot of everyone's assignment and latent morale; the survey module answers from those.

State lives in numpy arrays indexed by person (index order = employee_id order); the loops are
over events (tens of thousands at 85k people), never over person-days.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from etl.generator import spec
from etl.planted import DAYS_PER_MONTH, DEFAULT_MANDATES, PLANTED, MandateScenario, layoff_weight, org_effect

NEVER = date(9999, 12, 31).toordinal()
"""Exit ordinal of someone still employed (far future)."""
NO_FORCED = -(10**7)

REASONS = ("hire", "transfer", "reorg", "promotion", "manager_change")
HIRE, TRANSFER, REORG, PROMOTION, MANAGER_CHANGE = range(5)
# when several changes land on one day for one person, the row keeps the weightiest reason
REASON_PRIORITY = {HIRE: 5, REORG: 4, TRANSFER: 4, PROMOTION: 3, MANAGER_CHANGE: 2}
EXIT_TYPES = ("voluntary", "layoff", "involuntary", "retirement")
VOLUNTARY, LAYOFF, INVOLUNTARY, RETIREMENT = range(4)

M1 = spec.LEVEL_RANK["M1"]
ORG_INDEX = {name: i for i, name in enumerate(spec.ORG_NAMES)}
CORP = ORG_INDEX[spec.CORPORATE]
AI_ORG = ORG_INDEX[spec.APPLIED_AI]
FAMILY_INDEX = {name: i for i, name in enumerate(spec.FAMILIES)}
PREVIOUS_LEVEL = {"IC4": "IC3", "IC5": "IC4", "IC6": "IC5", "IC7": "IC6", "IC8": "IC7", "M1": "IC6",
                  "M2": "M1", "M3": "M2", "D1": "M2", "D2": "D1", "VP": "D2"}
REPORT_LAG_SHARE = 0.04
"""Share of voluntary manager exits whose reports HR re-points only 1-5 days later (realistic
HRIS lag): the only rows that name a manager who is not employed on the row's dates."""

# event kinds, in the order they apply within one day
EV_EXIT, EV_LAYOFF, EV_REASSIGN, EV_REORG, EV_AI_CREATE, EV_AI_WAVE2, EV_AI_TOPUP, EV_AI_VOLUNTEER, \
    EV_PROMOTE, EV_TRANSFER, EV_HIRE, EV_SNAPSHOT = range(12)


@dataclass
class Company:
    """The organisation at the window's start, before any in-window change."""

    org_of_team: list[int]
    team_names: list[str]
    team_location: list[int]
    team: np.ndarray
    manager: np.ndarray
    level: np.ndarray
    family: np.ndarray
    location: np.ndarray
    hire: np.ndarray  # ordinal
    history: list[tuple[int, int, int, int, int, int, bool]]  # pre-window job rows


def _draw_spans(rng: np.random.Generator, n: int) -> np.ndarray:
    """Front-line spans: mostly 4-10 reports, a long tail to 25, a few tiny teams."""
    u = rng.random(n)
    return np.where(u < 0.03, rng.integers(1, 4, n),
                    np.where(u < 0.83, rng.integers(4, 11, n),
                             np.where(u < 0.95, rng.integers(11, 17, n), rng.integers(17, 26, n))))


def _team_name(topics: tuple[str, ...], i: int) -> str:
    t, s = len(topics), len(spec.TEAM_SUFFIXES)
    name = f"{topics[i % t]} {spec.TEAM_SUFFIXES[(i // t) % s]}"
    return name if i < t * s else f"{name} {i // (t * s) + 1}"


def build_company(rng: np.random.Generator, employees: int, cal: spec.Calendar) -> Company:
    """Draw the org tree at the window's start, hire dates, and the job history before it."""
    org_of_team: list[int] = []
    team_names: list[str] = []
    team_location: list[int] = []
    p_team: list[int] = []
    p_mgr: list[int] = []
    p_level: list[int] = []
    p_family: list[int] = []
    loc_p = np.array(spec.LOCATION_MIX) / sum(spec.LOCATION_MIX)

    def new_team(org: int, name: str) -> int:
        org_of_team.append(org)
        team_names.append(name)
        team_location.append(int(rng.choice(len(spec.LOCATIONS), p=loc_p)))
        return len(team_names) - 1

    def family_for(org: int) -> int:
        mix = np.array(spec.FAMILY_MIX[spec.ORG_NAMES[org]])
        return int(rng.choice(len(mix), p=mix / mix.sum()))

    def person(team: int, manager: int, level: str) -> int:
        p_team.append(team)
        p_mgr.append(manager)
        p_level.append(spec.LEVEL_RANK[level])
        p_family.append(family_for(org_of_team[team]))
        return len(p_team) - 1

    def ic_level() -> str:
        return spec.LEVELS[int(rng.choice(6, p=spec.IC_LEVEL_MIX))]

    office = new_team(CORP, "Office of the CEO")
    # the CEO carries level VP: the contract's level vocabulary has nothing above it
    ceo = person(office, -1, "VP")
    n_staff = int(min(8, max(2, round(employees * 0.0008))))
    for _ in range(n_staff):
        person(office, ceo, str(rng.choice(["IC6", "IC7", "IC8", "D1"])))
    remaining = employees - 1 - n_staff
    for org_name, share, topics in spec.ORGS:
        org = ORG_INDEX[org_name]
        size = max(12, round(share * remaining))
        lead_team = new_team(org, spec.LEADERSHIP_TEAM)
        vp = person(lead_team, ceo, "VP")
        for _ in range(int(rng.integers(1, 3))):
            person(lead_team, vp, str(rng.choice(["IC7", "IC8"])))
        n_front = max(2, round(size / 10.0))
        spans = _draw_spans(rng, n_front)
        groups: list[int] = []
        while sum(groups) < n_front:
            groups.append(int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.2, 0.2, 0.25, 0.17, 0.12, 0.06])))
        groups[-1] -= sum(groups) - n_front
        teams = [new_team(org, _team_name(topics, k)) for k in range(len(groups))]
        # directors over teams, senior directors over directors when there are many
        if len(teams) <= 3:
            team_parent = [vp] * len(teams)
        else:
            n_d1 = max(1, math.ceil(len(teams) / int(rng.integers(4, 7))))
            if n_d1 > 6:
                n_d2 = math.ceil(n_d1 / 4)
                d2s = [person(lead_team, vp, "D2") for _ in range(n_d2)]
                d1s = [person(lead_team, d2s[k % n_d2], "D1") for k in range(n_d1)]
            else:
                d1s = [person(lead_team, vp, "D1") for _ in range(n_d1)]
            team_parent = [d1s[k * n_d1 // len(teams)] for k in range(len(teams))]
        front = 0
        for k, (team, g) in enumerate(zip(teams, groups, strict=True)):
            if g == 1:
                leads = [person(team, team_parent[k], "M1")]
            else:
                lead = person(team, team_parent[k], "M3" if g >= 5 else "M2")
                for _ in range(int(rng.integers(0, 3))):
                    person(team, lead, str(rng.choice(["IC7", "IC8"])))
                leads = [person(team, lead, "M1") for _ in range(g)]
            for m1 in leads:
                for _ in range(int(spans[front])):
                    person(team, m1, ic_level())
                front += 1

    n = len(p_team)
    team = np.array(p_team, dtype=np.int32)
    manager = np.array(p_mgr, dtype=np.int32)
    level = np.array(p_level, dtype=np.int8)
    family = np.array(p_family, dtype=np.int8)
    tl = np.array(team_location, dtype=np.int8)
    location = np.where(rng.random(n) < 0.75, tl[team],
                        rng.choice(len(spec.LOCATIONS), size=n, p=loc_p)).astype(np.int8)
    base = np.array([spec.TENURE_BASE_SCALE[spec.LEVELS[x]][0] for x in level])
    scale = np.array([spec.TENURE_BASE_SCALE[spec.LEVELS[x]][1] for x in level])
    years = np.minimum(base + rng.exponential(scale), spec.MAX_TENURE_YEARS)
    years[ceo] = spec.CEO_TENURE_YEARS
    start = cal.start.toordinal()
    hire = (start - 1 - np.round(years * 365.25)).astype(np.int32)

    # employee ids follow hire order, as HRIS ids do
    order = np.lexsort((np.arange(n), hire))
    rank = np.empty(n, dtype=np.int32)
    rank[order] = np.arange(n, dtype=np.int32)
    manager = np.where(manager >= 0, rank[np.maximum(manager, 0)], -1).astype(np.int32)[order]
    team, level, family, location, hire = team[order], level[order], family[order], location[order], hire[order]

    history = _pre_window_history(rng, manager, level, team, hire, start)
    return Company(org_of_team, team_names, team_location, team, manager, level, family, location,
                   hire, history)


def _pre_window_history(rng, manager, level, team, hire, start) -> list[tuple]:
    """Job rows from each hire date to the window start.

    A person's manager on a past date is their nearest ancestor (in the window-start tree) already
    hired then, so no row names someone not yet employed and rows only point up the tree (no
    cycles); each later-hired ancestor shows up as a `manager_change` row. Some people also have
    a pre-window promotion to their current level.
    """
    rows: list[tuple] = []
    n = len(manager)
    promo_u = rng.random(n)
    promo_at = rng.random(n)
    for p in range(n):
        h = int(hire[p])
        chain = []
        a = int(manager[p])
        while a >= 0:
            chain.append(a)
            a = int(manager[a])
        dates = {h}
        for a in chain:
            if h < hire[a] < start:
                dates.add(int(hire[a]))
        lvl_now = spec.LEVELS[level[p]]
        promo = None
        if lvl_now in PREVIOUS_LEVEL and start - h > 550 and promo_u[p] < 0.6:
            lo, hi = h + 365, start - 30
            promo = int(lo + promo_at[p] * (hi - lo))
            dates.add(promo)
        prev = None
        for d in sorted(dates):
            mgr = -1
            for a in chain:
                if hire[a] <= d:
                    mgr = a
                    break
            lvl = spec.LEVEL_RANK[PREVIOUS_LEVEL[lvl_now]] if promo is not None and d < promo else int(level[p])
            state = (mgr, lvl)
            if prev is None:
                reason = HIRE
            elif state == prev:
                continue
            else:
                reason = PROMOTION if lvl != prev[1] else MANAGER_CHANGE
            rows.append((p, d, int(team[p]), mgr, lvl, reason, False))
            prev = state
    return rows


@dataclass
class Snapshot:
    """Everyone employed on a wave's opening day, with what their latent morale is made of."""

    wave: int
    day: int
    person: np.ndarray
    team: np.ndarray
    manager: np.ndarray
    span: np.ndarray
    mandate: np.ndarray
    quota: np.ndarray
    forced: np.ndarray
    latent: np.ndarray
    mandate_term: np.ndarray | None = None  # the planted mandate part of `latent` (scenario)


@dataclass
class Simulation:
    """Month-by-month walk through the window; see the module docstring."""

    rng: np.random.Generator
    cal: spec.Calendar
    company: Company
    # filled in __post_init__
    n: int = 0
    rows: list[tuple] = field(default_factory=list)
    exits: list[tuple] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    panel: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    lagged: list[tuple[int, int, int]] = field(default_factory=list)
    layoff_ids: list[int] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    scenario: MandateScenario = DEFAULT_MANDATES
    org_wave_shock: np.ndarray | None = None  # (orgs, waves) shocks to latent morale, scenario option

    def __post_init__(self) -> None:
        c = self.company
        self.n = len(c.team)
        cap = self.n * 2 + 64
        self.team = np.full(cap, -1, np.int32)
        self.manager = np.full(cap, -1, np.int32)
        self.level = np.zeros(cap, np.int8)
        self.family = np.zeros(cap, np.int8)
        self.location = np.zeros(cap, np.int8)
        self.hire = np.zeros(cap, np.int32)
        self.exit = np.full(cap, NEVER, np.int32)
        self.active = np.zeros(cap, bool)
        self.span = np.zeros(cap, np.int32)
        self.last_forced = np.full(cap, NO_FORCED, np.int32)
        self.ever_forced = np.zeros(cap, bool)
        self.person_effect = np.zeros(cap)
        self.manager_quality = np.zeros(cap)
        self.ai_capacity = np.zeros(cap, np.int32)
        n = self.n
        self.team[:n], self.manager[:n], self.level[:n] = c.team, c.manager, c.level
        self.family[:n], self.location[:n], self.hire[:n] = c.family, c.location, c.hire
        self.active[:n] = True
        self.person_effect[:n] = self.rng.normal(0, PLANTED.person_sd, n)
        self.manager_quality[:n] = self.rng.normal(0, 0.3, n)
        np.add.at(self.span, c.manager[c.manager >= 0], 1)
        self.org_of_team = list(c.org_of_team)
        self.team_names = list(c.team_names)
        self.team_location = list(c.team_location)
        self.ceo = int(np.flatnonzero(c.manager[:n] < 0)[0])
        self.rows = list(c.history)
        self.seq = 0
        self.org_effect = np.array([org_effect(o) for o in spec.ORG_NAMES])
        self.layoff_weight = np.array([layoff_weight(o) for o in spec.ORG_NAMES])
        self.mandate_teams: list[tuple[int, ...]] = []
        self.ai_teams: list[int] = []
        self.ai_vp = -1
        self._refresh_team_arrays()
        n_waves = len(self.cal.wave_ids)
        layoff = self.cal.layoff_date
        self.wave_effect = np.array([PLANTED.wave_drift_per_month * w
                                     + (PLANTED.layoff_shock if self.cal.wave_opens[w] > layoff else 0.0)
                                     for w in range(n_waves)])

    # --- bookkeeping ---------------------------------------------------------------------

    def _refresh_team_arrays(self) -> None:
        """Per-team lookups (org, mandate dates); called whenever teams are added."""
        self.team_org = np.array(self.org_of_team, dtype=np.int16)
        n_teams = len(self.team_names)
        self.kind_day = {k: np.full(n_teams, NEVER, np.int32)
                         for k in ("adoption_target", "tool_migration", "usage_quota", "review_criterion")}
        self.mandate_scope: list[tuple[int, int]] = []  # (org, team or -1)
        for m, eff in zip(self.cal.mandates, self.cal.mandate_effective, strict=True):
            org = ORG_INDEX[m.org]
            scoped = -1
            if m.team_topic_index is not None:
                topics = dict((o[0], o[2]) for o in spec.ORGS)[m.org]
                scoped = self.team_names.index(_team_name(topics, m.team_topic_index))
            self.mandate_scope.append((org, scoped))
            covered = (self.team_org == org) if scoped < 0 else (np.arange(n_teams) == scoped)
            arr = self.kind_day[m.kind]
            arr[covered] = np.minimum(arr[covered], eff.toordinal())
        self.mandate_day = np.minimum.reduce(list(self.kind_day.values()))

    def _grow(self, extra: int) -> None:
        cap = len(self.team)
        if self.n + extra <= cap:
            return
        new = max(cap * 2, self.n + extra + 64)
        for name in ("team", "manager", "level", "family", "location", "hire", "exit", "active", "span",
                     "last_forced", "ever_forced", "person_effect", "manager_quality", "ai_capacity"):
            old = getattr(self, name)
            fill = {"team": -1, "manager": -1, "exit": NEVER, "last_forced": NO_FORCED}.get(name, 0)
            arr = np.full(new, fill, old.dtype)
            arr[:cap] = old
            setattr(self, name, arr)

    def push(self, day: int, kind: int, *payload) -> None:
        self.seq += 1
        heapq.heappush(self.events, (day, kind, self.seq, payload))

    def assign(self, p: int, day: int, reason: int, team: int | None = None, manager: int | None = None,
               level: int | None = None, forced: bool = False) -> bool:
        """Change a person's assignment from `day` and record the job_history row."""
        assert not forced or reason in (TRANSFER, REORG), "only transfers and reorgs can be forced"
        changed = False
        if team is not None and team != self.team[p]:
            self.team[p] = team
            changed = True
        if manager is not None and manager != self.manager[p]:
            old = self.manager[p]
            if self.active[p]:
                if old >= 0:
                    self.span[old] -= 1
                self.span[manager] += 1
            self.manager[p] = manager
            changed = True
        if level is not None and level != self.level[p]:
            self.level[p] = level
            changed = True
        if not changed:
            return False
        if forced:
            self.last_forced[p] = day
            self.ever_forced[p] = True
        self.rows.append((p, day, int(self.team[p]), int(self.manager[p]), int(self.level[p]), reason, forced))
        return True

    def leave(self, p: int, day: int, kind: int) -> None:
        self.active[p] = False
        self.exit[p] = day
        if self.manager[p] >= 0:
            self.span[self.manager[p]] -= 1
        regretted = None
        if kind == VOLUNTARY:
            regretted = bool(self.rng.random() < min(0.85, 0.3 + 0.06 * int(self.level[p])))
        self.exits.append((p, day, kind, regretted))

    def active_ancestor(self, a: int) -> int:
        while a >= 0 and not self.active[a]:
            a = int(self.manager[a])
        return a

    def org_of(self, p: int) -> int:
        return int(self.team_org[self.team[p]])

    # --- latent morale ---------------------------------------------------------------------

    def latent(self, idx: np.ndarray, day: int, wave_effect: float, wave: int | None = None) -> tuple[np.ndarray, ...]:
        """Latent morale on `day` for people `idx`, and its covariates (span, mandate, forced)."""
        mgr = self.manager[idx]
        span = np.where(mgr >= 0, self.span[np.maximum(mgr, 0)], 0)
        team = self.team[idx]
        mandate = self.mandate_day[team] <= day
        since = day - self.last_forced[idx]
        forced = (since >= 0) & (since < PLANTED.forced_transfer_window_days)
        value = (PLANTED.morale_baseline + self.person_effect[idx] + self.org_effect[self.team_org[team]]
                 + wave_effect + self.mandate_term(team, day, wave)
                 + PLANTED.span_effect_per_10_reports * span / 10.0
                 + PLANTED.forced_transfer_effect * forced)
        return value, span, mandate, forced

    def mandate_term(self, team: np.ndarray, day: int, wave: int | None = None) -> np.ndarray:
        """The planted mandate part of latent morale (`etl.planted.MandateScenario`) of people in
        `team` on `day`; with `wave`, the scenario's org-by-wave shock of that wave is added."""
        first = self.mandate_day[team]
        mandate = first <= day
        sc = self.scenario
        if sc.is_default:
            return PLANTED.mandate_effect * mandate
        org = self.team_org[team]
        base = np.array([sc.effect_at(o, 0) for o in spec.ORG_NAMES])[org]
        months = np.floor((day - np.minimum(first, day)) / DAYS_PER_MONTH)
        term = np.where(mandate, base + sc.growth_per_month * months, 0.0)
        if sc.pretrend_per_month:
            term = term + sc.pretrend_per_month * (first < NEVER) * (day - self.cal.start.toordinal()) / DAYS_PER_MONTH
        if wave is not None and self.org_wave_shock is not None:
            term = term + self.org_wave_shock[org, wave]
        return term

    # --- the walk ----------------------------------------------------------------------------

    def run(self) -> None:
        cal = self.cal
        for w, opened in enumerate(cal.wave_opens):
            self.push(opened.toordinal(), EV_SNAPSHOT, w)
        self.push(cal.reorg_date.toordinal(), EV_REORG)
        self.push(cal.layoff_date.toordinal(), EV_LAYOFF)
        if cal.applied_ai_date is not None:
            self.push(cal.applied_ai_date.toordinal(), EV_AI_CREATE)
        end = cal.end.toordinal() + 1
        layoff = cal.layoff_date.toordinal()
        for m, month_start in enumerate(cal.month_starts):
            lo = month_start.toordinal()
            hi = cal.month_starts[m + 1].toordinal() if m + 1 < len(cal.month_starts) else end
            self._draw_month(m, lo, hi, layoff)
            while self.events and self.events[0][0] < hi:
                day, kind, _, payload = heapq.heappop(self.events)
                self._dispatch(day, kind, payload)

    def _weekdays(self, lo: int, hi: int, size: int) -> np.ndarray:
        days = np.array([d for d in range(lo, hi) if date.fromordinal(d).weekday() < 5], dtype=np.int64)
        return self.rng.choice(days, size=size) if size else np.zeros(0, np.int64)

    def _draw_month(self, m: int, lo: int, hi: int, layoff: int) -> None:
        """Month-start draws: who leaves (planted hazard), who is promoted, transfers, hires."""
        rng = self.rng
        act = np.flatnonzero(self.active[: self.n])
        act = act[act != self.ceo]
        opened_before = [w for w, o in enumerate(self.cal.wave_opens) if o.toordinal() < lo]
        wave = opened_before[-1] if opened_before else 0
        latent, span, _, _ = self.latent(act, lo, float(self.wave_effect[wave]) if len(self.wave_effect) else 0.0,
                                         wave if len(self.wave_effect) else None)
        x = (math.log(PLANTED.hr_morale_per_point) * (latent - PLANTED.morale_baseline)
             + math.log(PLANTED.hr_forced_transfer) * self.ever_forced[act]
             + math.log(PLANTED.hr_span_per_10_reports) * span / 10.0)
        hazard = np.minimum(PLANTED.voluntary_base_hazard * np.exp(x), 0.5)
        voluntary = rng.random(len(act)) < hazard
        involuntary = ~voluntary & (rng.random(len(act)) < PLANTED.involuntary_hazard)
        retiring = (~voluntary & ~involuntary & (lo - self.hire[act] >= 12 * 365)
                    & (rng.random(len(act)) < PLANTED.retirement_hazard))
        self.panel.append((np.full(len(act), m, np.int16), act, latent, self.ever_forced[act].copy(),
                           span, voluntary))
        for mask, kind in ((voluntary, VOLUNTARY), (involuntary, INVOLUNTARY), (retiring, RETIREMENT)):
            who = act[mask]
            for p, d in zip(who, self._weekdays(lo, hi, len(who)), strict=True):
                self.push(int(d), EV_EXIT, int(p), kind)
        ics = act[self.level[act] < M1]
        promote = ics[(self.level[ics] < M1 - 1) & (rng.random(len(ics)) < 0.006)]
        for p, d in zip(promote, self._weekdays(lo, hi, len(promote)), strict=True):
            self.push(int(d), EV_PROMOTE, int(p))
        moving = ics[rng.random(len(ics)) < 0.0025]
        for p, d in zip(moving, self._weekdays(lo, hi, len(moving)), strict=True):
            self.push(int(d), EV_TRANSFER, int(p))
        # hiring backfills attrition until the layoff, then a freeze with a trickle of critical hires
        rate = 0.011 if lo < layoff else 0.0035
        n_hires = int(rng.poisson(rate * len(act)))
        orgs = self.team_org[self.team[act]]
        weights = np.bincount(orgs, minlength=len(spec.ORG_NAMES)).astype(float)
        weights[CORP] = 0
        weights[AI_ORG] *= 1.5
        self.hire_org_weights = weights / weights.sum()
        for d in self._weekdays(lo, hi, n_hires):
            self.push(int(d), EV_HIRE)
        created = self.cal.applied_ai_date
        if created is not None and created.toordinal() < lo:
            # Applied AI keeps refilling its managers' ~50-report teams with more forced transfers
            self.push(lo + (7 - date.fromordinal(lo).weekday()) % 7, EV_AI_TOPUP)

    def _dispatch(self, day: int, kind: int, payload: tuple) -> None:
        if kind == EV_EXIT:
            p, exit_kind = payload
            if not self.active[p]:
                return
            self.leave(p, day, exit_kind)
            if self.span[p] > 0:
                if exit_kind == VOLUNTARY and self.rng.random() < REPORT_LAG_SHARE:
                    lag = int(self.rng.integers(1, 6))
                    self.lagged.append((p, day, day + lag))
                    self.push(day + lag, EV_REASSIGN, p)
                else:
                    self.reassign_reports(p, day, layoff=False)
        elif kind == EV_REASSIGN:
            self.reassign_reports(payload[0], day, layoff=False)
        elif kind == EV_LAYOFF:
            self.layoff(day)
        elif kind == EV_REORG:
            self.reorg(day)
        elif kind == EV_AI_CREATE:
            self.create_applied_ai(day)
        elif kind == EV_AI_WAVE2:
            self.move_to_applied_ai(day, payload[0], forced=True, reason=TRANSFER)
        elif kind == EV_AI_TOPUP:
            managers = self._ai_managers()
            room = np.maximum(0, self._ai_cap(managers) - self.span[managers]).sum()
            self.move_to_applied_ai(day, int(room), forced=True, reason=TRANSFER)
        elif kind == EV_AI_VOLUNTEER:
            self.move_to_applied_ai(day, 1, forced=False, reason=TRANSFER)
        elif kind == EV_PROMOTE:
            p = payload[0]
            if self.active[p] and self.level[p] < M1 - 1:
                self.assign(p, day, PROMOTION, level=int(self.level[p]) + 1)
        elif kind == EV_TRANSFER:
            self.transfer(payload[0], day)
        elif kind == EV_HIRE:
            self.hire_one(day)
        elif kind == EV_SNAPSHOT:
            self.snapshot(payload[0], day)

    # --- events ------------------------------------------------------------------------------

    def reassign_reports(self, m: int, day: int, layoff: bool) -> None:
        """Re-point the active reports of a manager who left (or moved): merge into a peer,
        send to the skip-level (layoffs without peers), or promote one report into the role."""
        n = self.n
        reports = np.flatnonzero(self.active[:n] & (self.manager[:n] == m))
        if len(reports) == 0:
            return
        boss = int(self.manager[m])
        parent = self.active_ancestor(boss)
        org = self.org_of(m)
        promote = org == AI_ORG and not layoff  # Applied AI backfills to keep its wide spans
        if not promote and (layoff or self.rng.random() < 0.5):
            peers = np.flatnonzero(self.active[:n] & (self.manager[:n] == boss) & (self.level[:n] >= M1)
                                   & (self.team_org[self.team[:n]] == org))
            peers = peers[peers != m]
            if len(peers):
                target = int(peers[np.argmin(self.span[peers] + self.rng.random(len(peers)) * 0.5)])
                for r in reports:
                    new_team = int(self.team[target]) if self.level[r] < M1 else None
                    self.assign(int(r), day, MANAGER_CHANGE, team=new_team, manager=target)
                return
            if layoff and parent >= 0:
                for r in reports:
                    self.assign(int(r), day, MANAGER_CHANGE, manager=parent)
                return
        ranks = self.level[reports].astype(int)
        if ranks.max() >= M1:
            pool = reports[ranks == ranks.max()]
        else:
            mid = reports[(ranks >= 2) & (ranks <= 3)]
            pool = mid if len(mid) else reports[ranks == ranks.max()]
        chosen = int(self.rng.choice(pool))
        new_level = max(int(self.level[m]), int(self.level[chosen]))
        reason = PROMOTION if new_level != self.level[chosen] else MANAGER_CHANGE
        self.assign(chosen, day, reason, team=int(self.team[m]), manager=parent, level=new_level)
        self.ai_capacity[chosen] = self.ai_capacity[m]  # a backfill inherits the planned team size
        for r in reports:
            if r != chosen:
                self.assign(int(r), day, MANAGER_CHANGE, manager=chosen)

    def layoff(self, day: int) -> None:
        """One reduction in force: ~10% of headcount, random within org (org-weighted)."""
        n = self.n
        act = np.flatnonzero(self.active[:n])
        k = round(PLANTED.layoff_fraction * len(act))
        eligible = act[(act != self.ceo) & (self.level[act] < spec.LEVEL_RANK["VP"])]
        w = self.layoff_weight[self.team_org[self.team[eligible]]]
        chosen = np.sort(self.rng.choice(eligible, size=min(k, len(eligible)), replace=False, p=w / w.sum()))
        for p in chosen:
            self.leave(int(p), day, LAYOFF)
        self.layoff_ids = [int(p) for p in chosen]
        managers = [int(p) for p in chosen if self.span[p] > 0]
        managers.sort(key=lambda p: (-int(self.level[p]), p))
        for p in managers:
            self.reassign_reports(p, day, layoff=True)

    def reorg(self, day: int) -> None:
        """Infrastructure merges about 30% of its teams into others: a forced `reorg` for every
        member (manager lines unchanged). Its 180-day morale window ends inside a 12-month window."""
        n = self.n
        org = ORG_INDEX["Infrastructure"]
        act = np.flatnonzero(self.active[:n])
        teams = np.unique(self.team[act][self.team_org[self.team[act]] == org])
        teams = np.array([t for t in teams if self.team_names[t] != spec.LEADERSHIP_TEAM])
        if len(teams) < 2:
            return
        k = max(1, round(0.3 * len(teams)))
        merged = self.rng.choice(teams, size=k, replace=False)
        survivors = np.setdiff1d(teams, merged)
        for t in np.sort(merged):
            into = int(self.rng.choice(survivors))
            for p in act[self.team[act] == t]:
                self.assign(int(p), day, REORG, team=into, forced=True)

    def create_applied_ai(self, day: int) -> None:
        """A new org after the layoff, staffed by transfers: a VP, directors, managers with 36-52
        planned reports each, then ICs pulled in by forced reorg (now), forced transfer (second
        wave) and some volunteers in between."""
        rng = self.rng
        n = self.n
        lead_team = len(self.team_names)
        self.org_of_team.append(AI_ORG)
        self.team_names.append(spec.LEADERSHIP_TEAM)
        self.team_location.append(0)
        act = np.flatnonzero(self.active[:n])
        n_ics = max(40, round(0.075 * len(act)))
        n_mgr = max(1, round(n_ics / 44))
        n_dir = max(1, math.ceil(n_mgr / 5))
        for j in range(n_dir):
            base = spec.APPLIED_AI_TEAMS[j % len(spec.APPLIED_AI_TEAMS)]
            name = base if j < len(spec.APPLIED_AI_TEAMS) else f"{base} {j // len(spec.APPLIED_AI_TEAMS) + 1}"
            self.ai_teams.append(len(self.team_names))
            self.org_of_team.append(AI_ORG)
            self.team_names.append(name)
            self.team_location.append(int(rng.integers(0, len(spec.LOCATIONS))))
        self._refresh_team_arrays()

        def pick(levels: tuple[str, ...], k: int) -> list[int]:
            pool = np.flatnonzero(self.active[:n] & np.isin(self.level[:n], [spec.LEVEL_RANK[x] for x in levels]))
            pool = pool[~np.isin(self.team_org[self.team[pool]], [CORP, AI_ORG, ORG_INDEX["People & Ops"]])]
            pool = pool[pool != self.ceo]
            return [int(p) for p in rng.choice(pool, size=min(k, len(pool)), replace=False)]

        # small companies may lack directors: fall back to the next level down
        vp = (pick(("D2",), 1) or pick(("D1",), 1) or pick(("M3", "M2"), 1))[0]
        self.reassign_reports(vp, day, layoff=False)
        self.assign(vp, day, TRANSFER, team=lead_team, manager=self.ceo, level=spec.LEVEL_RANK["VP"])
        self.ai_vp = vp
        directors = pick(("M2", "M3"), n_dir)
        for j, d in enumerate(directors):
            self.reassign_reports(d, day, layoff=False)
            self.assign(d, day, TRANSFER, team=self.ai_teams[j], manager=vp, level=spec.LEVEL_RANK["D1"])
        bosses = directors or [vp]
        for j, mgr in enumerate(pick(("M1",), n_mgr)):
            self.reassign_reports(mgr, day, layoff=False)
            self.assign(mgr, day, REORG, team=self.ai_teams[j % len(bosses)], manager=bosses[j % len(bosses)],
                        forced=True)
            self.ai_capacity[mgr] = int(rng.integers(36, 53))
        wave2 = self.cal.applied_ai_wave2_date
        first_share = 0.60 if wave2 is not None else 0.85
        self.move_to_applied_ai(day, round(first_share * n_ics), forced=True, reason=REORG)
        last = (wave2.toordinal() if wave2 is not None else self.cal.end.toordinal() + 1)
        n_vol = round(0.15 * n_ics)
        for d in rng.integers(day + 1, max(day + 2, last), size=n_vol):
            self.push(int(d), EV_AI_VOLUNTEER)
        if wave2 is not None:
            self.push(wave2.toordinal(), EV_AI_WAVE2, n_ics - round(first_share * n_ics) - n_vol)

    def _ai_managers(self) -> np.ndarray:
        n = self.n
        return np.flatnonzero(self.active[:n] & (self.level[:n] == M1) & (self.team_org[self.team[:n]] == AI_ORG))

    def _ai_cap(self, managers: np.ndarray) -> np.ndarray:
        return np.where(self.ai_capacity[managers] > 0, self.ai_capacity[managers], 44)

    def _take_ai_slot(self, managers: np.ndarray) -> int:
        room = self._ai_cap(managers) - self.span[managers] + self.rng.random(len(managers)) * 0.5
        return int(managers[np.argmax(room)])

    def move_to_applied_ai(self, day: int, k: int, forced: bool, reason: int) -> None:
        """Pull k ICs (weighted by job family) into Applied AI managers with the most room."""
        n = self.n
        managers = self._ai_managers()
        if k <= 0 or len(managers) == 0:
            return
        pool = np.flatnonzero(self.active[:n] & (self.level[:n] < M1) & (self.span[:n] == 0))
        pool = pool[~np.isin(self.team_org[self.team[pool]], [CORP, AI_ORG])]
        w = np.array(spec.APPLIED_AI_FAMILY_PULL)[self.family[pool]]
        chosen = self.rng.choice(pool, size=min(k, len(pool)), replace=False, p=w / w.sum())
        for p in np.sort(chosen):
            target = self._take_ai_slot(managers)
            self.assign(int(p), day, reason, team=int(self.team[target]), manager=target, forced=forced)

    def _front_line(self, org: int) -> np.ndarray:
        n = self.n
        return np.flatnonzero(self.active[:n] & (self.level[:n] == M1) & (self.team_org[self.team[:n]] == org))

    def _pick_manager(self, org: int) -> int:
        managers = self._front_line(org)
        if len(managers) == 0:
            return -1
        if org == AI_ORG:
            return self._take_ai_slot(managers)
        room = np.maximum(0.3, 9.0 - self.span[managers])
        return int(self.rng.choice(managers, p=room / room.sum()))

    def transfer(self, p: int, day: int) -> None:
        """A chosen (not forced) move of an IC to another team, usually within the org."""
        if not self.active[p] or self.level[p] >= M1 or self.span[p] > 0:
            return
        org = self.org_of(p)
        if org in (CORP, AI_ORG) or self.rng.random() > 0.6:
            choices = [o for o in range(len(spec.ORG_NAMES)) if o not in (CORP, AI_ORG)]
            org = int(self.rng.choice(choices))
        target = self._pick_manager(org)
        if target < 0 or self.team[target] == self.team[p]:
            return
        self.assign(p, day, TRANSFER, team=int(self.team[target]), manager=target)

    def hire_one(self, day: int) -> None:
        rng = self.rng
        org = int(rng.choice(len(spec.ORG_NAMES), p=self.hire_org_weights))
        manager = self._pick_manager(org)
        if manager < 0:
            return
        self._grow(1)
        p = self.n
        self.n += 1
        mix = np.array(spec.FAMILY_MIX[spec.ORG_NAMES[org]])
        team = int(self.team[manager])
        self.family[p] = int(rng.choice(len(mix), p=mix / mix.sum()))
        self.level[p] = int(rng.choice(6, p=spec.HIRE_LEVEL_MIX))
        loc_p = np.array(spec.LOCATION_MIX) / sum(spec.LOCATION_MIX)
        self.location[p] = (self.team_location[team] if rng.random() < 0.75
                            else int(rng.choice(len(spec.LOCATIONS), p=loc_p)))
        self.hire[p] = day
        self.person_effect[p] = rng.normal(0, PLANTED.person_sd)
        self.manager_quality[p] = rng.normal(0, 0.3)
        self.team[p] = team
        self.manager[p] = manager
        self.active[p] = True
        self.span[manager] += 1
        self.rows.append((p, day, team, manager, int(self.level[p]), HIRE, False))

    def snapshot(self, wave: int, day: int) -> None:
        idx = np.flatnonzero(self.active[: self.n])
        latent, span, mandate, forced = self.latent(idx, day, float(self.wave_effect[wave]), wave)
        quota = self.kind_day["usage_quota"][self.team[idx]] <= day
        term = self.mandate_term(self.team[idx], day, wave)
        self.snapshots.append(Snapshot(wave, day, idx, self.team[idx].copy(), self.manager[idx].copy(),
                                       span, mandate, quota, forced, latent, np.asarray(term, dtype=float)))


def job_history_arrays(rows: list[tuple]) -> dict[str, np.ndarray]:
    """Rows sorted by (person, day); changes on the same day merge into one row that holds the
    day's final state and the weightiest reason, so effective dates are unique per person."""
    arr = np.array([r[:6] + (int(r[6]),) for r in rows], dtype=np.int64)
    seq = np.arange(len(arr))
    order = np.lexsort((seq, arr[:, 1], arr[:, 0]))
    arr = arr[order]
    key = arr[:, 0] * 10_000_000 + arr[:, 1]
    last = np.r_[key[1:] != key[:-1], True]
    groups = np.cumsum(np.r_[True, key[1:] != key[:-1]]) - 1
    prio = np.array([REASON_PRIORITY[r] for r in range(len(REASONS))])[arr[:, 5]]
    # weightiest reason per group (first among equals), and whether that move was forced
    best = np.full(groups.max() + 1, -1)
    np.maximum.at(best, groups, prio)
    is_best = prio == best[groups]
    best_reason = np.full(len(best), -1)
    forced = np.zeros(len(best), bool)
    for i in np.flatnonzero(is_best)[::-1]:
        best_reason[groups[i]] = arr[i, 5]
    np.logical_or.at(forced, groups, (arr[:, 6] == 1) & np.isin(arr[:, 5], [TRANSFER, REORG]))
    final = arr[last]
    out = {
        "person": final[:, 0], "day": final[:, 1], "team": final[:, 2], "manager": final[:, 3],
        "level": final[:, 4], "reason": best_reason, "forced": forced & np.isin(best_reason, [TRANSFER, REORG]),
    }
    # drop merged rows that end where the person already was (e.g. moved and moved back)
    same = np.r_[False, (out["person"][1:] == out["person"][:-1])
                 & (out["team"][1:] == out["team"][:-1]) & (out["manager"][1:] == out["manager"][:-1])
                 & (out["level"][1:] == out["level"][:-1])]
    keep = ~same | (out["reason"] == HIRE)
    return {k: v[keep] for k, v in out.items()}
