"""Plain-language sentences: what each finding shows and what it does not.

Every sentence names the size of the effect with its 95% CI and n, says whether the data
rule out "no association", and says what the design cannot show. Wording avoids causal verbs
("went with", "was associated with"), since none of these designs proves cause.
"""

from __future__ import annotations

import math

from analytics.effects import Effect
from analytics.mandate import MandateEffect

MANDATE_TITLE = "Morale after AI mandates"

# Short definitions shown with the mandate finding everywhere it appears.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Effect of a mandate", "how much morale changed in orgs after their AI mandate, beyond the change over "
                            "the same months in orgs without one (difference-in-differences), averaged "
                            "over the mandated orgs and the months after each mandate."),
    ("95% interval", "the range of effects the data are compatible with; when it contains 0, the data "
                     "cannot rule out no effect at all."),
    ("Units", "what a mandate is given to: an org, or a single team under a team pilot. Mandated units are "
              "compared only with units not (yet) under a mandate."),
    ("Pre-trend check", "whether mandated orgs' morale was already moving differently in the months before "
                        "their mandate; if so, the comparison cannot separate the mandate from that trend."),
    ("Randomization inference", "the interval and p-value come from reassigning the mandate dates to other "
                                "units many times: how large a gap appears when no mandate is involved."),
    ("Precision limited", "with fewer than 5 mandated units, chance differences between orgs are hard to "
                          "tell apart from an effect: read the size as a rough indication."),
)


def _num(x: float, digits: int = 2) -> str:
    return f"{x:+.{digits}f}".replace("-", "−") if x < 0 or x > 0 else f"{0:.{digits}f}"


def _ratio(x: float) -> str:
    return f"{x:.2f}"


def _n(n: int) -> str:
    return f"{n:,}"


def _unavailable(what: str, effect: Effect) -> str:
    return f"{what}: not enough data to estimate (n = {_n(effect.n)})."


def morale_sentence(key: str, effect: Effect, *, pretrend_p: float | None = None) -> str:
    what = {
        "mandate_effect": "An AI mandate in force for the person's org or team",
        "span_effect_per_10_reports": "Each 10 more direct reports of the person's manager",
        "forced_transfer_effect": "A forced transfer in the 180 days before the survey",
        "token_effect": "One standard deviation more AI token use (90 days before)",
    }[key]
    if math.isnan(effect.estimate):
        return _unavailable(what, effect)
    ci = f"95% CI {_num(effect.ci_low)} to {_num(effect.ci_high)}; {_n(effect.n)} answers"
    if effect.excludes_null:
        direction = "lower" if effect.estimate < 0 else "higher"
        shows = (f"{what} went with morale {abs(effect.estimate):.2f} points {direction} on the 1–5 scale "
                 f"({ci}).")
    else:
        shows = (f"{what} showed no clear difference in morale ({_num(effect.estimate)} points, {ci}): "
                 f"the data are consistent with no association.")
    if key == "mandate_effect":
        caveat = ("Compared with teams not yet under a mandate in the same wave (difference-in-differences); "
                  "it reads as the mandate's effect only if both groups would otherwise have moved in parallel")
        if pretrend_p is not None and not math.isnan(pretrend_p):
            verdict = "no sign against that" if pretrend_p >= 0.05 else "a warning against that"
            caveat += f" — the waves before mandates (joint test p = {pretrend_p:.2f}) show {verdict}"
        caveat += "."
    elif key == "token_effect":
        caveat = ("Heavier users are not a random group: this is an association at the same mandate, span and "
                  "org, not evidence that usage changes morale either way.")
    else:
        caveat = "This is an association within org and wave, not proof of cause: other differences between people may explain it."
    return f"{shows} {caveat}"


HAZARD_SUBJECTS = {
    # key: (what, who leaves more when the ratio is above 1, ... when below 1)
    "morale_per_point": ("each point higher on the 1–5 morale index",
                         "People with higher morale left more often", "People with higher morale left less often"),
    "forced_transfer": ("having been force-transferred",
                        "People who had been force-transferred left more often",
                        "People who had been force-transferred left less often"),
    "span_per_10_reports": ("each 10 more direct reports of the manager",
                            "People whose manager had more direct reports left more often",
                            "People whose manager had more direct reports left less often"),
    "token_intensity_per_sd": ("one standard deviation more AI token use",
                               "Heavier AI users left more often", "Heavier AI users left less often"),
}


def _interval(effect: Effect, what: str) -> str:
    return (f"hazard ratio {_ratio(effect.estimate)} (95% CI {_ratio(effect.ci_low)} to {_ratio(effect.ci_high)}; "
            f"n = {_n(effect.n)} {what})")


def hazard_sentence(key: str, effect: Effect) -> str:
    """Plain sentence first, then the ratio with its interval and n, then what it cannot show."""
    what, more, less = HAZARD_SUBJECTS[key]
    if not effect.estimated:
        return f"{what.capitalize()}: no estimate — {effect.reason or 'not enough data'} (n = {_n(effect.n)})."
    stats = _interval(effect, "person-months")
    if effect.excludes_null:
        change = (effect.estimate - 1) * 100
        direction = "higher" if change > 0 else "lower"
        lead = more if change > 0 else less
        shows = (f"{lead}: {what} went with a {abs(change):.0f}% {direction} monthly rate of voluntary exit "
                 f"({stats}).")
    else:
        shows = (f"{what.capitalize()} showed no clear difference in the rate of voluntary exit ({stats}): the data "
                 f"are consistent with no association.")
    caveat = ("Compared within the same org and month, at the same tenure band and level, holding the other factors "
              "fixed; an association in observational data, not proof of cause.")
    if key == "morale_per_point":
        caveat += (" Morale is the person's latest answer within a year, as answered: noise in the answers pulls "
                   "this ratio toward 1 (see the corrected figure).")
    return f"{shows} {caveat}"


def corrected_sentence(corrected: Effect | None, reliability: float, low: float, high: float, reason: str) -> str:
    """The measurement-error sensitivity, said as one: beside the headline, never instead of it."""
    if corrected is None or not corrected.estimated:
        return f"Sensitivity to answer noise: no correction made — {reason or 'not estimable'}."
    return (f"Sensitivity to answer noise: if survey answers scatter at random around each person's own morale, the "
            f"morale ratio corrected for that scatter would be {_ratio(corrected.estimate)} (95% CI "
            f"{_ratio(corrected.ci_low)} to {_ratio(corrected.ci_high)}), using a reliability of {reliability:.2f} "
            f"(bootstrap 95% interval {low:.2f} to {high:.2f}). This is a check on the headline figure above, which "
            f"stays the uncorrected one.")


def layoff_sentence(effect: Effect, flagged: int, shown: int, suppressed: int, below_four_fifths: int = 0) -> str:
    """The org-adjusted model first, then the group rates it puts in context."""
    if not effect.estimated:
        first = (f"Layoff selection and AI token use: no estimate — {effect.reason or 'not enough data'} "
                 f"(n = {_n(effect.n)}).")
    elif effect.excludes_null:
        direction = "more" if effect.estimate > 1 else "less"
        first = (f"People who used AI more were {direction} likely to be laid off than colleagues at the same tenure, "
                 f"level, job family, location and org (odds ratio per standard deviation of token use "
                 f"{_ratio(effect.estimate)}, 95% CI {_ratio(effect.ci_low)} to {_ratio(effect.ci_high)}; "
                 f"n = {_n(effect.n)} people at risk).")
    else:
        first = (f"At the same tenure, level, job family, location and org, AI token use showed no clear relation to "
                 f"being laid off (odds ratio per standard deviation {_ratio(effect.estimate)}, 95% CI "
                 f"{_ratio(effect.ci_low)} to {_ratio(effect.ci_high)}; n = {_n(effect.n)} people at risk).")
    second = (f"Of {shown} groups shown, {flagged} were laid off at a clearly higher rate than the rest of their wave "
              f"(below the four-fifths ratio and unlikely by chance: Holm-adjusted Fisher p < 0.05); "
              f"{below_four_fifths} fall below the four-fifths ratio against the reference group, which raw rates "
              f"of small groups do by chance alone; {suppressed} groups are hidden as too small. Group rates are not "
              f"adjusted for org or level: the model above is the better guide.")
    return f"{first} {second}"


def correlation_sentence(label_x: str, label_y: str, r: float, low: float, high: float, n: int) -> str:
    if math.isnan(r):
        return f"{label_x} and {label_y}: too few teams with both figures (n = {n})."
    strength = "no clear" if low <= 0 <= high else ("a positive" if r > 0 else "a negative")
    return (f"Across {n} teams, {label_x} and {label_y} show {strength} correlation (r = {r:.2f}, 95% CI "
            f"{low:.2f} to {high:.2f}). A team-level correlation says nothing about individuals and nothing about cause.")


def mandate_sentence(m: MandateEffect) -> str:
    """The mandate finding: plain language first, then the statistics; a rejected pre-trend
    check leads and the difference is not called the mandate's effect."""
    if not m.estimated:
        return (f"The effect of AI mandates on morale cannot be estimated: {m.reason}. "
                f"({m.treated_units} mandated and {m.control_units} comparison units.)")
    e = m.effect
    size, direction = abs(e.estimate), ("lower" if e.estimate < 0 else "higher")
    units = (f"{m.treated_units} mandated and {m.control_units} comparison units (orgs, or teams under a team "
             f"pilot), {_n(e.n)} answers")
    interval = f"95% interval {_num(e.ci_low)} to {_num(e.ci_high)} points"
    if m.pretrends_rejected:
        return (f"Warning: before their mandates, morale in the mandated orgs was already moving differently from "
                f"the other orgs (pre-trend check p = {m.pretrend_p:.2f}), so this comparison does not measure what "
                f"the mandates did. After their mandates, morale there was {size:.2f} points {direction} (on 1–5) "
                f"than the other orgs' change predicts ({interval}; {units}), but that gap may be the earlier trend "
                f"continuing rather than the mandate.")
    first = (f"Morale was about {size:.2f} points {direction} (on 1–5) in orgs after their AI mandate than expected "
             f"from orgs without one.")
    if m.precision_limited:
        stats = (f"Only {m.treated_units} mandated unit{'s' if m.treated_units != 1 else ''} could be compared, so "
                 f"precision is limited: read the size as a rough indication ({interval}; {units}).")
    elif e.excludes_null:
        stats = (f"The gap is larger than chance differences between orgs produce ({interval}, randomization "
                 f"p = {m.p_value:.2f}; {units}).")
    else:
        stats = f"The data are consistent with no effect at all ({interval}; {units})."
    trend = ("The months before the mandates show no sign of diverging trends (pre-trend check "
             f"p = {m.pretrend_p:.2f}; a check that can miss small differences)."
             if not math.isnan(m.pretrend_p) else "There were too few waves before the mandates to check earlier trends.")
    caveat = ("It is the mandates' effect only if mandated orgs would otherwise have moved like the others; "
              "anything else that changed in those orgs at the same time is included.")
    return f"{first} {stats} {trend} {caveat}"
