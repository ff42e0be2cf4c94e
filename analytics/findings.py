"""Plain-language sentences: what each finding shows and what it does not.

Every sentence names the size of the effect with its 95% CI and n, says whether the data
rule out "no association", and says what the design cannot show. Wording avoids causal verbs
("went with", "was associated with"), since none of these designs proves cause.
"""

from __future__ import annotations

import math

from analytics.effects import Effect


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


def hazard_sentence(key: str, effect: Effect) -> str:
    what = {
        "morale_per_point": "Each point higher morale",
        "forced_transfer": "Having been force-transferred",
        "span_per_10_reports": "Each 10 more direct reports of the manager",
        "token_intensity_per_sd": "One standard deviation more AI token use",
    }[key]
    if math.isnan(effect.estimate):
        return _unavailable(what, effect)
    ci = f"hazard ratio {_ratio(effect.estimate)}, 95% CI {_ratio(effect.ci_low)}–{_ratio(effect.ci_high)}; {_n(effect.n)} person-months"
    if effect.excludes_null:
        change = (effect.estimate - 1) * 100
        direction = "higher" if change > 0 else "lower"
        shows = f"{what} went with a {abs(change):.0f}% {direction} monthly rate of voluntary exit ({ci})."
    else:
        shows = f"{what} showed no clear difference in the rate of voluntary exit ({ci})."
    caveat = "Holding the other three factors fixed; an association in observational data, not proof of cause."
    if key == "morale_per_point":
        caveat += " Morale is corrected for survey answer noise (regression calibration); months before a person's first answer are left out."
    return f"{shows} {caveat}"


def layoff_sentence(effect: Effect, flagged: int, shown: int, suppressed: int, flagged_significant: int = 0) -> str:
    if math.isnan(effect.estimate):
        first = _unavailable("Layoff selection by AI token use", effect)
    elif effect.excludes_null:
        direction = "higher" if effect.estimate > 1 else "lower"
        first = (f"At the same tenure, level, job family, location and org, people with one standard deviation more "
                 f"AI token use had {direction} odds of being laid off (odds ratio {_ratio(effect.estimate)}, "
                 f"95% CI {_ratio(effect.ci_low)}–{_ratio(effect.ci_high)}; {_n(effect.n)} people at risk).")
    else:
        first = (f"At the same tenure, level, job family, location and org, AI token use showed no clear relation to "
                 f"being laid off (odds ratio {_ratio(effect.estimate)}, 95% CI {_ratio(effect.ci_low)}–"
                 f"{_ratio(effect.ci_high)}; {_n(effect.n)} people at risk).")
    second = (f"{flagged} of {shown} groups shown fall below the four-fifths rule (laid off at more than 1.25 times "
              f"the least-affected group's rate), {flagged_significant} of them with a gap unlikely by chance "
              f"(Fisher p < 0.05); {suppressed} groups are hidden as too small. The four-fifths rule compares raw "
              f"rates: a flag can come from differences between orgs or from chance.")
    return f"{first} {second}"


def correlation_sentence(label_x: str, label_y: str, r: float, low: float, high: float, n: int) -> str:
    if math.isnan(r):
        return f"{label_x} and {label_y}: too few teams with both figures (n = {n})."
    strength = "no clear" if low <= 0 <= high else ("a positive" if r > 0 else "a negative")
    return (f"Across {n} teams, {label_x} and {label_y} show {strength} correlation (r = {r:.2f}, 95% CI "
            f"{low:.2f} to {high:.2f}). A team-level correlation says nothing about individuals and nothing about cause.")
