"""Offline sentiment of survey comments, and the keywords they share.

VADER (a lexicon and rules, shipped inside the vaderSentiment package) scores each comment's
compound sentiment from -1 (most negative) to +1 (most positive) without any network or model
download. It is a rough signal for English text: it misses sarcasm and domain words, so the
page shows it beside the comment, never instead of it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# VADER's own convention for calling a compound score positive or negative.
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_STOPWORDS = frozenset(
    """the and for are but not you your with this that have has had was were our they them their there
    what when where which who why how all any can could would should will just than then too very into
    about over more most some such only own same also been being from out its it's i'm i've don't doesn't
    didn't isn't aren't wasn't weren't here feel feels like get got really much many lot lots one thing
    things make makes made even still now new way ever every because while since per via are it's im""".split()
)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def score(text: str | None) -> float:
    """Compound sentiment in [-1, 1]; 0 for empty text."""
    if not text or not text.strip():
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


def label(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def keywords(text: str | None) -> list[str]:
    """The distinct content words of a comment, lower-case, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "").lower()):
        word = word.strip("'-")
        if len(word) >= 3 and word not in _STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)


def top_keywords(texts: Iterable[str | None], limit: int = 15, min_comments: int = 2) -> list[tuple[str, int]]:
    """Words found in the most comments (each comment counts a word once), most common first."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(keywords(text))
    ranked = sorted(((w, n) for w, n in counts.items() if n >= min_comments), key=lambda wn: (-wn[1], wn[0]))
    return ranked[:limit]
