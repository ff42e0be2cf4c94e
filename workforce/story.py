"""The executive story: findings with an estimate and its interval, ranked by size and certainty.

A finding is one plain sentence with its number and 95% interval, and the page that explains it.
Ranking (`rank`) puts first what is both clear and large:

1. **Certainty first.** A finding is *clear* when its interval excludes "no difference" (0 for a
   difference, 1 for a ratio) and its design does not undercut the reading (a rejected pre-trend
   check, too few mandated units). Every clear finding ranks above every unclear one.
2. **Then size.** Findings come in different units, so each is put on one scale: a ratio by its
   log distance from 1 (a hazard ratio of 1.35 is 0.30, of 1/1.35 the same), a difference by its
   distance from 0 in units of `scale` -- the change counted as one unit of size for that measure
   (one point on the 1–5 morale scale; ten percentage points of annual attrition). That choice is
   a judgement, stated here, so that "bigger" means the same thing for every finding.
3. **Then precision** (distance from "no difference" over the interval's half-width), to break ties.

A finding whose interval spans "no difference" is never worded as an effect: its sentence says
"no clear ..." (`clear_or_not` helps a caller choose the wording from the same rule).
Plain Python: no streamlit, so the page and the HTML report rank the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MIN_FINDINGS, MAX_FINDINGS = 3, 5


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float  # 95% interval
    high: float
    ratio: bool = False  # a hazard or odds ratio (no difference = 1), else a difference (no difference = 0)
    scale: float = 1.0  # for a difference: the change counted as one unit of size (see the module docstring)

    @property
    def null(self) -> float:
        return 1.0 if self.ratio else 0.0

    @property
    def estimated(self) -> bool:
        return not any(math.isnan(x) for x in (self.value, self.low, self.high))

    @property
    def spans_null(self) -> bool:
        return not self.estimated or self.low <= self.null <= self.high

    def _distance(self, x: float) -> float:
        if self.ratio:
            return math.log(x) if x > 0 else -math.inf
        return (x - self.null) / self.scale

    @property
    def size(self) -> float:
        """Distance from "no difference" on the common scale (0 when not estimated)."""
        return abs(self._distance(self.value)) if self.estimated else 0.0

    @property
    def precision(self) -> float:
        """Distance from "no difference" over the interval's half-width: above 1 roughly when clear."""
        if not self.estimated:
            return 0.0
        half = (self._distance(self.high) - self._distance(self.low)) / 2
        return abs(self._distance(self.value)) / half if half > 0 else math.inf


@dataclass(frozen=True)
class Finding:
    key: str
    sentence: str  # one plain sentence: what was found, its number and its interval
    estimate: Estimate | None  # None: no estimate (the sentence says why)
    page: str  # key of the page that explains it (ui.navigation.PAGES)
    link_label: str  # "what to look at": the words of the link
    caveat: bool = False  # the design undercuts the reading even if the interval excludes no difference
    detail: str = ""  # the longer sentence of the page that explains it, word for word
    glossary: tuple[tuple[str, str], ...] = ()

    @property
    def clear(self) -> bool:
        return self.estimate is not None and not self.estimate.spans_null and not self.caveat


def clear_or_not(estimate: Estimate, *, caveat: bool = False) -> bool:
    """Whether a sentence may speak of an effect: the same rule as `Finding.clear`."""
    return not estimate.spans_null and not caveat


def rank_key(finding: Finding) -> tuple:
    e = finding.estimate
    if e is None or not e.estimated:
        return (2, 0.0, 0.0, finding.key)
    return (0 if finding.clear else 1, -e.size, -e.precision, finding.key)


def rank(findings: Iterable[Finding], limit: int = MAX_FINDINGS) -> list[Finding]:
    """The findings, clear ones first, each group largest first; at most `limit`."""
    return sorted(findings, key=rank_key)[:limit]


# ---------------------------------------------------------------- wording


def signed(x: float, digits: int = 2) -> str:
    """+0.12 / −0.12 (a real minus sign), 0.00 without a sign."""
    text = f"{x:+.{digits}f}"
    return "0." + "0" * digits if float(text) == 0 else text.replace("-", "−")


def interval(e: Estimate, digits: int = 2, signs: bool = True) -> str:
    low, high = (signed(e.low, digits), signed(e.high, digits)) if signs else (f"{e.low:.{digits}f}", f"{e.high:.{digits}f}")
    return f"95% interval {low} to {high}"


def percent_change(ratio: float) -> str:
    """A ratio as a relative change in words: 1.35 -> '35% more', 0.8 -> '20% less'."""
    change = 100 * (ratio - 1)
    return f"{abs(change):.0f}% {'more' if change > 0 else 'less'}"
