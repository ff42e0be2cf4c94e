"""The release rules: minimum group sizes, and how a released figure is written (rounded means,
banded counts of small groups, banded live participation).

Every survey figure leaves the product through `workforce.privacy`; the rounding and banding
here are applied there, once, so a figure reads the same on every page and in every download.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import duckdb

from etl.contract import THEMES
from workforce.db import query, table_exists

DEFAULT_MIN_SCORES = 5
DEFAULT_MIN_COMMENTS = 10
ABSOLUTE_MIN = 3  # the app never allows a smaller group
MEASURES = ("morale_index", "enps", *(f"score_{t}" for t in THEMES))
SUPPRESSED_LABEL = "fewer than {n} respondents, or would reveal a smaller group"

# Released figures: means of 1–5 answers to 2 decimals, eNPS to a whole point.
MEAN_DIGITS = 2
ENPS_DIGITS = 0
# Counts of groups below this are released as a band ("5–9", "10–19"), never exactly.
EXACT_COUNT_FROM = 20
# Live participation of an open wave: only for groups of at least this many respondents, only as
# a band of the response rate, and counted up to the end of the previous day.
LIVE_MIN = 5
PARTICIPATION_BANDS = ((0.0, "under 25%"), (0.25, "25–49%"), (0.5, "50–74%"), (0.75, "75% or more"))
# An answer distribution is released only when at least this many respondents gave an answer
# other than the most common one: no unanimous and no all-but-one distribution.
DISTRIBUTION_MINORITY = 2


@dataclass(frozen=True)
class PrivacyRules:
    """Minimum group sizes. Raising them is always safe; they never go below 3."""

    min_scores: int = DEFAULT_MIN_SCORES
    min_comments: int = DEFAULT_MIN_COMMENTS

    def __post_init__(self) -> None:
        if self.min_scores < ABSOLUTE_MIN:
            raise ValueError(f"min_scores must be at least {ABSOLUTE_MIN}, got {self.min_scores}")
        if self.min_comments < self.min_scores:
            raise ValueError(
                f"min_comments ({self.min_comments}) must be at least min_scores ({self.min_scores})"
            )


def current_rules(con: duckdb.DuckDBPyConnection | None = None) -> PrivacyRules:
    """The configured minimums: app_meta keys `privacy_min_scores` / `privacy_min_comments`
    (set by admins on the Access page), else env WORKFORCE_MIN_GROUP / WORKFORCE_MIN_COMMENT_GROUP,
    else 5 and 10."""
    scores = int(os.environ.get("WORKFORCE_MIN_GROUP", DEFAULT_MIN_SCORES))
    comments = int(os.environ.get("WORKFORCE_MIN_COMMENT_GROUP", DEFAULT_MIN_COMMENTS))
    if con is not None and table_exists(con, "app_meta"):
        stored = dict(query(con, "surveys/privacy_minimums").fetchall())
        scores = int(stored.get("privacy_min_scores", scores))
        comments = int(stored.get("privacy_min_comments", comments))
    return PrivacyRules(scores, max(comments, scores))


def round_measure(measure: str, value: float | None) -> float | None:
    """A released figure as written everywhere: eNPS to a whole point, means to 2 decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), ENPS_DIGITS if measure == "enps" else MEAN_DIGITS)


def count_band(n: int, min_n: int) -> tuple[int, str]:
    """A released respondent count: exact from EXACT_COUNT_FROM up; below it, the band's lower
    edge and its label ("5–9", "10–19"). Call only for a released group (n ≥ min_n)."""
    if n >= EXACT_COUNT_FROM:
        return n, f"{n:,}"
    low, high = (min_n, 9) if n < 10 and min_n < 10 else (max(10, min_n), EXACT_COUNT_FROM - 1)
    return low, f"{low}–{high}"


def participation_band(rate: float) -> str:
    """The band a live response rate falls in."""
    label = PARTICIPATION_BANDS[0][1]
    for low, name in PARTICIPATION_BANDS:
        if rate >= low:
            label = name
    return label
