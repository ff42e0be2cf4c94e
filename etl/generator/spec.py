"""Fixed vocabulary of the synthetic company and its calendar of events.

Everything here is data, not randomness: org names and sizes, job families, levels, locations,
AI tools and models with their list prices, the survey question bank, the comment phrase bank,
and `Calendar`, which places the layoff, the Applied AI reorganisation and the mandates at fixed
fractions of the window so any window length gets the same story.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date, timedelta

from etl.contract import SurveyQuestion as Question

# --- organisation ------------------------------------------------------------------------

CORPORATE = "Corporate"
APPLIED_AI = "Applied AI"
LEADERSHIP_TEAM = "Leadership"

# (org, share of the starting headcount, team topics)
ORGS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("Core Platform", 0.19, ("Feed", "Search", "Messaging", "Identity", "Notifications", "Graph",
                             "Privacy", "Integrity", "Growth", "Developer API", "Media", "Groups")),
    ("Ads", 0.17, ("Ranking", "Measurement", "Auctions", "Targeting", "Creative", "Billing",
                   "Advertiser Tools", "Brand Safety", "Attribution", "Delivery", "Pacing", "Insights")),
    ("Infrastructure", 0.15, ("Compute", "Storage", "Networking", "Data Centers", "Build", "CI",
                              "Observability", "Databases", "Capacity", "Security", "Edge", "Release")),
    ("Devices", 0.14, ("Firmware", "Silicon", "Camera", "Audio", "Wearables", "Manufacturing",
                       "Power", "Sensors", "Connectivity", "Display", "Test", "Supply Chain")),
    ("Reality Labs", 0.14, ("XR", "Avatars", "Horizon", "Optics", "Tracking", "Spatial Audio",
                            "Mixed Reality", "Haptics", "Rendering", "Input", "Content", "Social VR")),
    ("Commerce", 0.12, ("Checkout", "Payments", "Marketplace", "Shops", "Logistics", "Fraud",
                        "Catalog", "Seller Tools", "Pricing", "Returns", "Loyalty", "Partnerships")),
    ("People & Ops", 0.09, ("Recruiting", "HR Partners", "Total Rewards", "Learning", "Facilities",
                            "Finance Ops", "Legal Ops", "Workplace IT", "Travel", "Procurement",
                            "Employee Relations", "Benefits")),
)
ORG_NAMES: tuple[str, ...] = (CORPORATE, *(o[0] for o in ORGS), APPLIED_AI)
"""Index of an org in this tuple is the org code used in arrays."""

TEAM_SUFFIXES = ("Platform", "Experience", "Services", "Foundations", "Tooling", "Quality",
                 "Reliability", "Insights")

APPLIED_AI_TEAMS = ("Data Annotation", "Model Evaluation", "Agent Operations", "Eval Infrastructure",
                    "Training Data Quality", "Red Teaming", "Synthetic Data", "Prompt Operations",
                    "Human Feedback", "Safety Review")

FAMILIES = ("Engineering", "Product", "Design", "Data Science", "Sales", "Operations", "People")
DELIVERY_FAMILIES = ("Engineering", "Data Science", "Product", "Design")

# job family mix per org, in FAMILIES order
FAMILY_MIX: dict[str, tuple[float, ...]] = {
    "Core Platform": (0.68, 0.09, 0.05, 0.08, 0.00, 0.08, 0.02),
    "Ads": (0.45, 0.10, 0.05, 0.12, 0.18, 0.08, 0.02),
    "Infrastructure": (0.72, 0.05, 0.02, 0.06, 0.00, 0.14, 0.01),
    "Devices": (0.55, 0.10, 0.10, 0.05, 0.10, 0.09, 0.01),
    "Reality Labs": (0.60, 0.10, 0.12, 0.08, 0.02, 0.07, 0.01),
    "Commerce": (0.40, 0.10, 0.06, 0.10, 0.24, 0.09, 0.01),
    "People & Ops": (0.06, 0.03, 0.02, 0.06, 0.03, 0.35, 0.45),
    CORPORATE: (0.10, 0.10, 0.00, 0.10, 0.00, 0.40, 0.30),
    APPLIED_AI: (0.35, 0.08, 0.02, 0.25, 0.00, 0.30, 0.00),
}

# Who gets pulled into Applied AI, by job family (relative weights, FAMILIES order)
APPLIED_AI_FAMILY_PULL = (1.0, 0.6, 0.5, 1.5, 0.4, 1.5, 0.3)

LEVELS = ("IC3", "IC4", "IC5", "IC6", "IC7", "IC8", "M1", "M2", "M3", "D1", "D2", "VP")
LEVEL_RANK = {name: i for i, name in enumerate(LEVELS)}
FIRST_MANAGER_RANK = LEVEL_RANK["M1"]
IC_LEVEL_MIX = (0.20, 0.30, 0.28, 0.15, 0.05, 0.02)
HIRE_LEVEL_MIX = (0.35, 0.35, 0.20, 0.08, 0.02, 0.0)
# tenure (years before the window) = base + exponential(scale), by level
TENURE_BASE_SCALE = {
    "IC3": (0.2, 1.0), "IC4": (0.7, 1.5), "IC5": (1.4, 2.0), "IC6": (2.4, 2.5), "IC7": (3.5, 3.0),
    "IC8": (5.0, 3.0), "M1": (2.0, 2.5), "M2": (3.0, 3.0), "M3": (4.0, 3.0), "D1": (5.0, 3.0),
    "D2": (6.0, 3.0), "VP": (6.0, 3.0),
}
MAX_TENURE_YEARS = 15.5
CEO_TENURE_YEARS = 16.0  # the founder-era CEO is hired before anyone else

LOCATIONS = ("Menlo Park, CA", "Seattle, WA", "New York, NY", "Austin, TX", "London, UK",
             "Dublin, IE", "Bangalore, IN", "Singapore, SG", "Remote - US")
LOCATION_MIX = (0.30, 0.16, 0.14, 0.08, 0.09, 0.06, 0.08, 0.04, 0.05)

# --- AI tools, models, prices --------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    name: str
    vendor: str
    models: tuple[str, ...]
    agent: bool
    reports_cost: bool
    """True when the vendor export carries cost_usd; otherwise cost_usd is empty (list price)."""
    # medians per request
    requests: float
    input_per_request: float
    output_per_request: float
    cache_read_per_request: float
    cache_write_per_request: float
    agent_seconds_per_request: float = 0.0
    coding: bool = False


TOOLS: tuple[Tool, ...] = (
    Tool("DevPilot", "in-house", ("devpilot-code-2", "devpilot-code-3"), True, False,
         25, 3000, 600, 40000, 3000, 25, coding=True),
    Tool("Atlas Chat", "in-house", ("atlas-chat-1",), False, False, 6, 1500, 400, 2000, 0),
    Tool("Claude Code", "anthropic", ("claude-sonnet-4-5", "claude-opus-4-5"), True, True,
         30, 4000, 800, 60000, 5000, 30, coding=True),
    Tool("ChatGPT Enterprise", "openai", ("gpt-5", "gpt-5-mini"), False, True, 8, 1200, 500, 800, 0),
    Tool("Gemini", "google", ("gemini-2.5-pro", "gemini-2.5-flash"), False, False, 6, 1500, 500, 1000, 0),
    Tool("Copilot", "github", ("gpt-4.1-copilot",), False, False, 40, 800, 60, 0, 0, coding=True),
)
IN_HOUSE_TOOLS = tuple(i for i, t in enumerate(TOOLS) if t.vendor == "in-house")
AGENT_TOOLS = tuple(i for i, t in enumerate(TOOLS) if t.agent)

# Tool preference by job family (FAMILIES order rows, TOOLS order columns)
TOOL_PREFERENCE: dict[str, tuple[float, ...]] = {
    "Engineering": (1.0, 0.4, 1.2, 0.6, 0.3, 0.9),
    "Data Science": (0.7, 0.5, 0.9, 0.9, 0.5, 0.5),
    "Product": (0.2, 0.8, 0.3, 1.2, 0.7, 0.05),
    "Design": (0.1, 0.8, 0.1, 1.0, 0.8, 0.05),
    "Sales": (0.02, 0.9, 0.02, 1.2, 0.9, 0.0),
    "Operations": (0.1, 1.0, 0.1, 1.0, 0.8, 0.05),
    "People": (0.02, 1.0, 0.02, 1.0, 0.8, 0.0),
}
# Logit of using any AI tool on a work day, by family (before trend, person noise, mandates)
USAGE_PROPENSITY = {"Engineering": 0.6, "Data Science": 0.6, "Product": 0.1, "Design": -0.3,
                    "Sales": -0.8, "Operations": -0.6, "People": -1.0}

# Negotiated discounts: the reported cost differs from the list price on purpose.
REPORTED_COST_DISCOUNT = {"anthropic": 0.85, "openai": 0.90}

# Model vendor for model_prices (a model belongs to exactly one vendor).
MODEL_VENDOR = {m: t.vendor for t in TOOLS for m in t.models}
MODELS: tuple[str, ...] = tuple(m for t in TOOLS for m in t.models)


@dataclass(frozen=True)
class PriceStep:
    """A list price that starts on a window fraction (None: before the window)."""

    at_fraction: float | None
    input_per_mtok: float
    output_per_mtok: float
    cache_read_per_mtok: float
    cache_write_per_mtok: float


# Intro fraction of models that appear mid-window (others exist before the window)
MODEL_INTRO_FRACTION = {"claude-opus-4-5": 0.30, "devpilot-code-3": None}  # None: at the migration

MODEL_PRICES: dict[str, tuple[PriceStep, ...]] = {
    "devpilot-code-2": (PriceStep(None, 0.60, 2.40, 0.06, 0.75), PriceStep(0.45, 0.40, 1.60, 0.04, 0.50)),
    "devpilot-code-3": (PriceStep(-1, 0.50, 2.00, 0.05, 0.60), PriceStep(0.80, 0.35, 1.40, 0.035, 0.45)),
    "atlas-chat-1": (PriceStep(None, 0.30, 1.20, 0.03, 0.0), PriceStep(0.60, 0.25, 1.00, 0.025, 0.0)),
    "claude-sonnet-4-5": (PriceStep(None, 3.00, 15.00, 0.30, 3.75), PriceStep(0.65, 2.50, 12.50, 0.25, 3.125)),
    "claude-opus-4-5": (PriceStep(-1, 5.00, 25.00, 0.50, 6.25),),
    "gpt-5": (PriceStep(None, 1.25, 10.00, 0.125, 0.0), PriceStep(0.50, 1.00, 8.00, 0.10, 0.0)),
    "gpt-5-mini": (PriceStep(None, 0.25, 2.00, 0.025, 0.0),),
    "gemini-2.5-pro": (PriceStep(None, 1.25, 10.00, 0.31, 0.0), PriceStep(0.45, 1.50, 12.00, 0.375, 0.0)),
    "gemini-2.5-flash": (PriceStep(None, 0.30, 2.50, 0.075, 0.0),),
    "gpt-4.1-copilot": (PriceStep(None, 2.00, 8.00, 0.50, 0.0),),
}
"""`at_fraction` None: the price holds from before the window; -1: from the model's introduction."""

# --- surveys -------------------------------------------------------------------------------


QUESTIONS: tuple[Question, ...] = (
    Question("MOR1", "I feel energised by my work.", "likert5", "morale"),
    Question("MOR2", "I am proud to work here.", "likert5", "morale"),
    Question("MOR3", "Overall, I am satisfied working here.", "likert5", "morale"),
    Question("MGR1", "My manager has enough time for me.", "likert5", "manager"),
    Question("MGR2", "My manager gives me useful feedback.", "likert5", "manager"),
    Question("AIT1", "The AI tools I am asked to use make my work better.", "likert5", "ai_tools"),
    Question("AIT2", "I have a say in which AI tools I use and how.", "likert5", "ai_tools"),
    Question("WKL1", "My workload is manageable.", "likert5", "workload"),
    Question("WKL2", "I can get my work done in normal working hours.", "likert5", "workload"),
    Question("CAR1", "I see a future for my career here.", "likert5", "career"),
    Question("ITS1", "I expect to be working here a year from now.", "likert5", "intent_to_stay"),
    # eNPS sits under the morale theme on purpose: the morale index must still exclude it.
    Question("ENPS", "How likely are you to recommend working here to a friend? (0-10)", "enps", "morale"),
    Question("TXT1", "What is one thing leadership should know right now?", "text", "morale"),
)

# Comment phrase bank: topic -> tone -> sentences. Tone follows latent morale.
COMMENT_BANK: dict[str, dict[str, tuple[str, ...]]] = {
    "mandate": {
        "pos": ("The AI mandate pushed me to try tools I now rely on, which is great.",
                "Honestly the AI mandate was the right call; the training was helpful."),
        "mix": ("The AI mandate makes sense, but the targets feel arbitrary.",
                "I use the AI tools as required, though the mandate was rolled out too fast."),
        "neg": ("The AI mandate feels like surveillance, and I am tired of being measured on it.",
                "Forcing an AI mandate on everyone without asking us was a terrible decision."),
    },
    "tokens": {
        "pos": ("Good that token usage is no longer a leaderboard; the new dashboard is fair.",),
        "mix": ("People chase tokens instead of outcomes; please measure what we ship.",
                "The token quota is confusing and I am not sure what counts."),
        "neg": ("Ranking us by tokens is absurd; colleagues leave agents running just to burn tokens.",
                "The token quota is stressful and pointless, it rewards waste."),
    },
    "layoffs": {
        "pos": ("After the layoffs leadership communicated clearly, which I appreciate.",),
        "mix": ("The layoffs were handled okay, but nobody explained how people were selected.",),
        "neg": ("The layoffs destroyed trust; I am worried I am next.",
                "Since the layoffs everyone is scared and morale is terrible."),
    },
    "manager": {
        "pos": ("My manager is supportive and always has time for me.",
                "Great manager, clear priorities and honest feedback."),
        "mix": ("My manager is good but stretched thin across too many reports.",),
        "neg": ("My manager has fifty reports and no time for anyone; I have not had a 1:1 in months.",
                "I barely know my manager and there is no support."),
    },
    "reorg": {
        "pos": ("The reorg put me on a team with a clear mission, which I like.",),
        "mix": ("The reorg moved me without asking; the work is fine but I miss my old team.",),
        "neg": ("I was forced into a new org doing data labelling I never signed up for; it is demoralising.",
                "Another reorg, another forced transfer. Nobody asked us anything."),
    },
    "workload": {
        "pos": ("Workload is manageable and I can focus on meaningful work.",),
        "mix": ("Workload is heavy since the team shrank, but it is getting better.",),
        "neg": ("The workload is crushing; we do the work of two teams.",
                "I am exhausted, burned out and working every weekend."),
    },
    "tools": {
        "pos": ("DevPilot saves me hours every week, thank you.",
                "The AI coding assistant is excellent and makes my work better."),
        "mix": ("The in-house assistant is improving but still slower than the third-party tools.",),
        "neg": ("The AI tools we are told to use slow me down more than they help.",),
    },
}


# --- the calendar of the story ---------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (clamped to the month's length)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@dataclass(frozen=True)
class MandateSpec:
    mandate_id: str
    org: str
    team_topic_index: int | None  # None: whole org; else the org's team with this index
    kind: str
    month_fraction: float
    target: float | None
    description: str


MANDATES: tuple[MandateSpec, ...] = (
    MandateSpec("MND-01", "Ads", None, "adoption_target", 0.17, 0.75,
                "75% of Ads staff use an approved AI assistant every week."),
    MandateSpec("MND-02", "Core Platform", None, "tool_migration", 0.33, 0.80,
                "Move 80% of AI coding usage from third-party tools to DevPilot."),
    MandateSpec("MND-03", "Commerce", None, "usage_quota", 0.42, 40_000_000,
                "Each engineer is expected to use at least 40M tokens a month."),
    MandateSpec("MND-04", "Devices", None, "review_criterion", 0.50, None,
                "AI usage becomes a criterion in performance reviews."),
    MandateSpec("MND-05", "Core Platform", None, "usage_quota", 0.67, 60_000_000,
                "Each engineer is expected to use at least 60M tokens a month."),
    MandateSpec("MND-06", "Reality Labs", 0, "adoption_target", 0.75, 0.90,
                "90% of the team uses AI coding tools every week (team pilot)."),
)



def org_wide_mandates(schedule: tuple[tuple[str, float], ...]) -> tuple[MandateSpec, ...]:
    """A custom rollout (`etl.planted.MandateScenario.schedule`): one org-wide adoption target
    per (org, window fraction)."""
    known = {o[0] for o in ORGS}
    unknown = sorted({org for org, _ in schedule} - known)
    if unknown:
        raise ValueError(f"mandate schedule names orgs that do not exist: {unknown}; orgs are {sorted(known)}")
    return tuple(
        MandateSpec(f"MND-{i + 1:02d}", org, None, "adoption_target", fraction, 0.75,
                    f"75% of {org} staff use an approved AI assistant every week.")
        for i, (org, fraction) in enumerate(schedule)
    )


LEADERBOARD_FRACTION = 0.25
"""The internal token leaderboard launches here; tokenmaxxing starts after it."""


@dataclass(frozen=True)
class Calendar:
    """Every date of the story, derived from the window so any length tells the same story."""

    start: date
    end: date  # last day of the window (inclusive)
    month_starts: tuple[date, ...]
    wave_opens: tuple[date, ...]
    wave_closes: tuple[date, ...]
    wave_ids: tuple[str, ...]
    reorg_date: date
    layoff_date: date
    applied_ai_date: date | None
    applied_ai_wave2_date: date | None
    leaderboard_date: date
    mandate_effective: tuple[date, ...] = field(default_factory=tuple)
    mandates: tuple[MandateSpec, ...] = MANDATES

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def fraction_date(self, fraction: float) -> date:
        """The first day of the month at `fraction` of the window (at least the second month)."""
        months = len(self.month_starts)
        index = min(max(1, round(fraction * months)), months - 1)
        return self.month_starts[index]

    @staticmethod
    def build(end: date, months: int, mandates: tuple[MandateSpec, ...] = MANDATES) -> Calendar:
        if months < 3:
            raise ValueError("the generator needs a window of at least 3 months")
        first = add_months(date(end.year, end.month, 1), -(months - 1))
        month_starts = tuple(add_months(first, i) for i in range(months))
        opens, closes, ids = [], [], []
        for ms in month_starts:
            # mid-month, on a Monday; open for 10 days (Monday to the next Wednesday)
            opened = _weekday_on_or_after(ms.replace(day=15), 0)
            closed = opened + timedelta(days=9)
            if closed <= end:
                opens.append(opened)
                closes.append(closed)
                ids.append(f"W{ms.year}-{ms.month:02d}")

        def month_at(fraction: float, lo: int = 1) -> int:
            return min(max(lo, round(fraction * months)), months - 1)

        reorg = _weekday_on_or_after(month_starts[month_at(0.25)], 0)
        layoff_month = month_at(0.55, lo=2)
        # the second Wednesday of the month: always before the mid-month wave opens
        layoff = _weekday_on_or_after(month_starts[layoff_month], 2) + timedelta(days=7)
        applied = wave2 = None
        if layoff_month + 1 < months:
            applied = _weekday_on_or_after(month_starts[layoff_month + 1], 0)
            if layoff_month + 2 < months:
                wave2 = _weekday_on_or_after(month_starts[layoff_month + 2], 0)
        cal = Calendar(first, end, month_starts, tuple(opens), tuple(closes), tuple(ids), reorg, layoff,
                       applied, wave2, month_starts[month_at(LEADERBOARD_FRACTION)])
        effective = tuple(cal.fraction_date(m.month_fraction) for m in mandates)
        return Calendar(first, end, month_starts, tuple(opens), tuple(closes), tuple(ids), reorg, layoff,
                        applied, wave2, cal.leaderboard_date, effective, mandates)
