"""The shape every estimate is reported in: an estimate, its 95% CI and the n behind it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Effect:
    estimate: float
    ci_low: float
    ci_high: float
    n: int
    label: str = ""
    unit: str = ""  # "Likert points", "hazard ratio", "odds ratio", "r"
    null: float = 0.0  # the value meaning "no association": 0 for differences, 1 for ratios

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high

    @property
    def excludes_null(self) -> bool:
        return not self.covers(self.null)

    def as_json(self) -> dict[str, float | int | None]:
        """The command line's shape: {"estimate", "ci_low", "ci_high", "n"}; NaN becomes null."""
        out = {k: v for k, v in asdict(self).items() if k in ("estimate", "ci_low", "ci_high", "n")}
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}


def nan_effect(n: int, label: str = "", unit: str = "", null: float = 0.0) -> Effect:
    """An effect that could not be estimated (too little data); reported, never invented."""
    nan = float("nan")
    return Effect(nan, nan, nan, n, label, unit, null)
