"""Team-level correlation explorer: how team metrics move together across teams.

Each pair of metrics gets Pearson's r and Spearman's rho with 95% confidence intervals from
Fisher's z transform (Spearman with the Fieller–Hartley–Pearson variance 1.06/(n-3)), and n,
the number of teams with both values. Teams are the unit: a correlation across teams says
nothing about any one person (ecological fallacy), and says nothing about cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

METRICS = {
    "spend_per_head": "AI spend per head (USD per person-month)",
    "adoption": "AI adoption (share of person-months with usage)",
    "morale": "Morale index (1–5)",
    "enps": "eNPS (−100 to 100)",
    "span": "Manager span (reports)",
    "forced_share": "Share of person-months after a forced transfer",
    "attrition": "Voluntary exits per person-year",
}
SURVEY_METRICS = ("morale", "enps")
Z95 = stats.norm.ppf(0.975)


@dataclass(frozen=True)
class Correlation:
    x: str
    y: str
    n: int
    pearson: float
    pearson_low: float
    pearson_high: float
    spearman: float
    spearman_low: float
    spearman_high: float


def fisher_ci(r: float, n: int, variance_factor: float = 1.0) -> tuple[float, float]:
    if n < 4 or not np.isfinite(r):
        return float("nan"), float("nan")
    r = min(max(r, -0.999999), 0.999999)
    half = Z95 * math.sqrt(variance_factor / (n - 3))
    z = math.atanh(r)
    return math.tanh(z - half), math.tanh(z + half)


def correlate(frame: pd.DataFrame, x: str, y: str) -> Correlation:
    pair = frame[[x, y]].dropna()
    n = len(pair)
    if n < 4 or pair[x].nunique() < 2 or pair[y].nunique() < 2:
        nan = float("nan")
        return Correlation(x, y, n, nan, nan, nan, nan, nan, nan)
    r = float(stats.pearsonr(pair[x], pair[y])[0])
    rho = float(stats.spearmanr(pair[x], pair[y])[0])
    return Correlation(x, y, n, r, *fisher_ci(r, n), rho, *fisher_ci(rho, n, 1.06))


def correlation_table(frame: pd.DataFrame) -> pd.DataFrame:
    metrics = list(METRICS)
    rows = [correlate(frame, a, b).__dict__ for i, a in enumerate(metrics) for b in metrics[i + 1:]]
    return pd.DataFrame(rows)


def suppress_teams(frame: pd.DataFrame, min_n: int) -> tuple[pd.DataFrame, int, int]:
    """Teams below the minimum headcount are dropped. Morale and eNPS arrive as the
    confidentiality layer releases them (`workforce.privacy.pooled_team_figures`: missing for a
    team whose own cell no wave releases), so nothing is recomputed here.

    Returns the frame, the number of teams dropped and the number (of those kept) without
    survey figures.
    """
    if frame.empty:
        return frame.copy(), 0, 0
    small = (frame["people"] < min_n).to_numpy()
    out = frame[~small].reset_index(drop=True)
    hidden = int(out[list(SURVEY_METRICS)].isna().all(axis=1).sum())
    return out, int(small.sum()), hidden


def fit_line(frame: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Two points of the least-squares line of y on x over the observed x range (empty if n < 3)."""
    pair = frame[[x, y]].dropna()
    if len(pair) < 3 or pair[x].nunique() < 2:
        return pd.DataFrame(columns=[x, y])
    slope, intercept = np.polyfit(pair[x], pair[y], 1)
    xs = np.array([pair[x].min(), pair[x].max()])
    return pd.DataFrame({x: xs, y: intercept + slope * xs})
