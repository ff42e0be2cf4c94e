"""Offline sentiment of survey comments, and the keywords they share.

VADER (a lexicon and rules, shipped inside the vaderSentiment package) scores each comment's
compound sentiment from -1 (most negative) to +1 (most positive) without any network or model
download. Workplace words it does not know ("burnout", "surveillance", "demotion") are added
from `WORKPLACE_LEXICON`, and requests ("I would like…", "please…") are not read as praise.
`tone` turns a comment into positive / neutral / negative, reading a comment whose clauses pull
both ways ("good tool, but slow") as neutral (mixed). It is a rough signal for English text: it
misses sarcasm, so pages show it beside the comment, never instead of it. Agreement with hand
labels: docs/people.md ("Comment topics").
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


# Valences on VADER's scale (-4 … 4) for workplace words its general lexicon lacks or misreads.
WORKPLACE_LEXICON: dict[str, float] = {
    "absurd": -2.0, "arbitrary": -1.5, "burnout": -2.5, "checkbox": -1.0, "chaos": -1.5, "clunky": -1.5,
    "creepy": -2.0, "crashes": -1.5, "declined": -1.0, "demoralising": -2.5, "demoralizing": -2.5,
    "demotion": -2.0, "formality": -1.0, "frozen": -1.2, "hallucinates": -1.5, "micromanages": -2.0,
    "outdated": -1.2, "pointless": -2.0, "scripted": -1.0, "shaken": -1.5, "stalled": -1.5,
    "surveillance": -2.0, "unrealistic": -1.5, "useless": -2.0, "wastes": -1.8,
    "heavy": -1.0, "overworked": -2.0, "understaffed": -1.5, "shrank": -0.8, "slower": -1.0, "toxic": -2.5,
    "unpaid": -1.5, "gamed": -1.2, "stretched": -0.8, "urgent": 0.0,
    "eased": 1.5, "smoother": 1.5, "sustainable": 1.5, "shields": 1.5, "win": 2.0,
    # neutral in a workplace comment: "I would like…", "credit" as in taking credit, "like" as in similar
    "like": 0.0, "please": 0.0, "credit": 0.0, "okay": 0.3, "ok": 0.3, "fine": 0.5,
}
# A clause boundary where a comment can turn: "good tool, but slow".
_CONTRAST = re.compile(r"\b(?:but|though|although|however|yet)\b|;")
# A request or wish ("I would like…", "please…", "we need…") is a suggestion, not praise.
_REQUEST = re.compile(r"\b(?:would like|would love|please|should|i want|we want|we need|i need|i wish|hope)\b",
                      re.IGNORECASE)
MIXED_AT = 0.2  # both a clause this positive and one this negative: mixed, read as neutral


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(WORKPLACE_LEXICON)
    return analyzer


def score(text: str | None) -> float:
    """Compound sentiment in [-1, 1]; 0 for empty text."""
    if not text or not text.strip():
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


def tone(text: str | None) -> str:
    """positive / neutral / negative for a comment; neutral also for mixed ones (see module)."""
    if not text or not text.strip():
        return "neutral"
    clauses = [score(c) for c in _CONTRAST.split(text) if c and c.strip()]
    if len(clauses) > 1 and max(clauses) >= MIXED_AT and min(clauses) <= -MIXED_AT:
        return "neutral"
    compound = score(text)
    if compound > 0 and _REQUEST.search(text):
        return "neutral"
    return label(compound)  # VADER's own cut-offs: a grid on the development half found none clearly better


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
