"""Planted effects of the synthetic generator: the ground truth that the statistics must recover.

Everything the analytics layer is expected to *find* in generated data is decided here, in one
frozen dataclass, so a test can compare an estimate with the number that produced it. Each field
carries a docstring with its unit. `docs/generator.md` explains the model these numbers drive.

The two families of effects:

* **Morale** (survey): each respondent's latent morale in Likert points is
  ``morale_baseline + person + org_effects[org] + wave effect + mandate_effect * mandate
  + span_effect_per_10_reports * span / 10 + forced_transfer_effect * forced_recently
  + token_effect * token_z``; every morale-theme likert answer is
  ``clip(round(latent + N(0, answer_noise_sd)), 1, 5)``.
* **Voluntary exit** (attrition): a monthly discrete-time hazard
  ``voluntary_base_hazard * exp(sum(log(HR) * x))`` with the hazard ratios below.

Things that are deliberately *absent* are planted too: token usage has no effect on morale,
on exits or on layoff selection, although it rises under mandates (a confounder for naive models).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedEffects:
    """The generator's ground truth. Read it as `etl.planted.PLANTED`; never mutate it."""

    # --- latent morale (Likert points, 1..5 scale) ---------------------------------------
    morale_baseline: float = 3.4
    """Latent morale of a person with zero person effect, org effect 0, no mandate, no
    forced transfer, a manager with 0 reports, in the first wave. Chosen so that even the
    lowest groups (about 2.1) rarely round below 1: clipping is rare and does not attenuate."""

    person_sd: float = 0.35
    """SD of the stable person effect (drawn once per person)."""

    org_effects: tuple[tuple[str, float], ...] = (
        ("Core Platform", 0.05),
        ("Ads", -0.05),
        ("Infrastructure", 0.10),
        ("Devices", 0.0),
        ("Reality Labs", -0.15),
        ("Commerce", 0.0),
        ("People & Ops", 0.10),
        ("Corporate", 0.20),
        ("Applied AI", 0.0),
    )
    """Additive org effects (absorbed by org fixed effects in the analysis)."""

    wave_drift_per_month: float = -0.02
    """Company-wide decline of latent morale per wave (month) since the first wave."""

    layoff_shock: float = -0.25
    """Company-wide drop in every wave that opens after the layoff date (a wave effect)."""

    mandate_effect: float = -0.30
    """Added while any ai_mandates row covering the person's org (or org and team) has
    effective_date <= the wave's opens_on. In the sample it is constant in time and the same in
    every org; `MandateScenario` (below) plants staggered rollouts with dynamic and per-org
    effects, org-by-wave shocks and pre-trends."""

    span_effect_per_10_reports: float = -0.10
    """Per 10 direct reports of the person's manager on the wave's opens_on date (span of
    control as the contract defines it: employed people whose row in effect names the manager)."""

    forced_transfer_effect: float = -0.40
    """Added when the person has a job_history row with forced = true whose effective_date
    is in the `forced_transfer_window_days` days up to and including the wave's opens_on."""

    forced_transfer_window_days: int = 180
    """Length of the window for `forced_transfer_effect`: 0 <= opens_on - effective_date < 180."""

    token_effect: float = 0.0
    """Direct effect of token intensity on morale: none. Usage rises under mandates, so a model
    without the mandate term can invent one."""

    answer_noise_sd: float = 0.5
    """SD of the per-answer noise added to latent morale before rounding and clipping."""

    # --- survey mechanics -----------------------------------------------------------------
    response_rate_low: float = 0.65
    """Each wave's response rate is drawn uniformly in [low, high]; who responds is random
    (no non-response bias)."""

    response_rate_high: float = 0.75
    """Upper end of the per-wave response rate."""

    comment_rate: float = 0.30
    """Share of respondents who write a comment; its tone follows latent morale."""

    # --- voluntary exits: monthly discrete-time hazard ------------------------------------
    voluntary_base_hazard: float = 0.01
    """Monthly probability of a voluntary exit at latent morale = morale_baseline, no forced
    transfer and a manager with 0 reports (a typical span of 7 multiplies it by about 1.10)."""

    hr_morale_per_point: float = 0.6
    """Hazard ratio per +1 Likert point of latent morale at the start of the month (the latent
    is computed like the survey latent, on the 1st, with the latest wave's wave effect). The
    observed morale index is a noisy measure of it, so a model on observed morale is pulled
    toward 1 (regression dilution)."""

    hr_forced_transfer: float = 1.8
    """Hazard ratio once the person has had any forced job_history row in the window so far."""

    hr_span_per_10_reports: float = 1.15
    """Hazard ratio per +10 reports of the person's manager at the start of the month, given
    latent morale (span also lowers morale, so its total effect on exits is larger)."""

    hr_token_intensity_per_sd: float = 1.0
    """Hazard ratio per +1 SD of token intensity (log mean daily total tokens over the trailing
    90 days): none."""

    involuntary_hazard: float = 0.001
    """Monthly probability of an involuntary (for cause) exit, for everyone."""

    retirement_hazard: float = 0.0015
    """Monthly probability of retirement, only for people with at least 12 years of tenure."""

    # --- layoff (one reduction-in-force wave) ---------------------------------------------
    layoff_fraction: float = 0.10
    """Share of the active headcount (CEO and VPs exempt) laid off on the layoff date."""

    layoff_org_weights: tuple[tuple[str, float], ...] = (
        ("Reality Labs", 1.6),
        ("Devices", 1.2),
        ("People & Ops", 1.2),
        ("Core Platform", 0.8),
        ("Infrastructure", 0.8),
    )
    """Relative selection weight by org (others 1.0). Within an org selection is random: it does
    not depend on token usage (odds ratio 1.0), tenure, location, level or morale, so an
    adverse-impact check must compare within org."""

    layoff_token_odds_ratio: float = 1.0
    """Odds ratio of being laid off per +1 SD of token intensity, within org: none."""

    # --- tokens and outcomes ----------------------------------------------------------------
    tokenmaxxer_share: float = 0.03
    """Share of people who start tokenmaxxing (idle agents left running) some day after the
    token leaderboard launches: huge tokens and agent_seconds, unchanged delivered work."""

    tokenmaxxer_token_multiplier: float = 6.0
    """Median multiplier (lognormal, sd 0.6 on the log scale) on a tokenmaxxer's agent-tool requests
    once they start; they also run agents every day, weekends included, for ~10 hours a day."""

    mandate_usage_multiplier: float = 1.3
    """Tokens per active day are multiplied by this under any mandate."""

    quota_usage_multiplier: float = 1.7
    """Further multiplier under a usage_quota mandate."""

    migration_in_house_boost: float = 8.0
    """Preference weight multiplier of in-house tools once a tool_migration mandate is in force."""

    ai_output_uplift: float = 0.15
    """Delivered changes per week rise by this share at full genuine AI use (share of active
    work days). Tokenmaxxing adds tokens, not active days of real use, so it adds nothing."""


PLANTED = PlantedEffects()
"""The one instance the generator uses."""


@dataclass(frozen=True)
class MandateScenario:
    """How AI mandates roll out and what they do to latent morale: a generator option
    (`generate(..., mandates=MandateScenario(...))`). The default is the sample's story: the six
    mandates of `etl.generator.spec.MANDATES` and a constant `PLANTED.mandate_effect`.

    The planted mandate term of a person in a unit under a mandate is
    ``org effect (or `effect`) + growth_per_month * months since the unit's first mandate``,
    where months since = whole months from the effective date to the day (0 in the first wave).
    On top, whatever the mandate: ``pretrend_per_month * months since the window start`` in every
    unit that is ever mandated, and an org-by-wave shock N(0, org_wave_shock_sd) per org and wave.
    """

    schedule: tuple[tuple[str, float], ...] | None = None
    """Org-wide mandates as (org, fraction of the window at which it takes effect), replacing the
    standard six (None keeps them). Each becomes an `adoption_target` mandate of that org."""

    effect: float = PLANTED.mandate_effect
    """Likert points in the first month under a mandate (for orgs not in `org_effects`)."""

    growth_per_month: float = 0.0
    """Added per whole month since the unit's first mandate (a dynamic effect when not 0)."""

    org_effects: tuple[tuple[str, float], ...] = ()
    """Per-org effect in the first month, replacing `effect` for those orgs (heterogeneous effects)."""

    org_wave_shock_sd: float = 0.0
    """SD of an independent shock to latent morale per org and wave (0: none, nothing is drawn)."""

    pretrend_per_month: float = 0.0
    """Slope of latent morale (per month since the window start) in every unit ever mandated,
    before and after its mandate: a violation of parallel trends, not a mandate effect."""

    def effect_at(self, org: str, months_since: float) -> float:
        """The planted mandate term of a unit of `org` `months_since` whole months into its mandate."""
        return dict(self.org_effects).get(org, self.effect) + self.growth_per_month * months_since

    @property
    def is_default(self) -> bool:
        return self == MandateScenario()


DEFAULT_MANDATES = MandateScenario()
"""The sample's mandates: the standard six, a constant -0.30."""

DAYS_PER_MONTH = 365.25 / 12


def months_between(start_ordinal: int, day_ordinal: int) -> int:
    """Whole months from one day to a later one (30.44-day months), as the generator counts them."""
    return math.floor((day_ordinal - start_ordinal) / DAYS_PER_MONTH)


def org_effect(org: str) -> float:
    """The planted additive morale effect of an org (0 for orgs not listed)."""
    return dict(PLANTED.org_effects).get(org, 0.0)


def layoff_weight(org: str) -> float:
    """The planted relative layoff selection weight of an org (1 for orgs not listed)."""
    return dict(PLANTED.layoff_org_weights).get(org, 1.0)
