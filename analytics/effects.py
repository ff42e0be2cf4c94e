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
    reason: str = ""  # why there is no estimate (empty when there is one)

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high

    @property
    def excludes_null(self) -> bool:
        return not self.covers(self.null)

    @property
    def estimated(self) -> bool:
        return not math.isnan(self.estimate)

    def as_json(self) -> dict[str, float | int | str | None]:
        """The command line's shape: {"estimate", "ci_low", "ci_high", "n"}; NaN becomes null, and an
        effect without an estimate also says why ("reason")."""
        out = {k: v for k, v in asdict(self).items() if k in ("estimate", "ci_low", "ci_high", "n")}
        out = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}
        if not self.estimated:
            out["reason"] = self.reason or "not enough data to estimate"
        return out


def nan_effect(n: int, label: str = "", unit: str = "", null: float = 0.0, reason: str = "") -> Effect:
    """An effect that could not be estimated; reported with the reason, never invented."""
    nan = float("nan")
    return Effect(nan, nan, nan, n, label, unit, null, reason)
