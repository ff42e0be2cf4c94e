"""Topics and tone of survey comments, found offline, and the topic summary the pages show.

Each comment gets its topics from a curated lexicon per topic (`TOPICS`: word stems and short
phrases an HR partner can read and extend; no network, no model download) and its tone from
`workforce.sentiment` (VADER with a workplace lexicon, mixed comments read as neutral). A comment
can mention several topics; its *primary* topic is the one with the most lexicon hits (ties: the
one mentioned first). Agreement with a hand-labelled set (tests/fixtures/labelled_comments.csv)
is measured in tests/test_comment_topics.py and written in docs/people.md.

`topic_summary` is what pages call: it reads comments only through
`workforce.privacy.visible_comments` (groups of at least the comment minimum, 10 by default,
judged on the wave's lattice, so differencing across filters finds no smaller group) and
returns, per released group and topic, counts and tone shares, plus a few example comments in
an order keyed on the text alone (a hash of it), never on who wrote it or when. One wave at a
time: nothing is pooled across waves.

Never imports streamlit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd

from workforce import privacy, sentiment
from workforce.viewer import ScopeError, Viewer

OTHER = "other"


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    terms: tuple[str, ...]  # lower case; "stem*" matches any word starting with stem


# Curated per topic. A term is a word or short phrase matched on word boundaries (case ignored);
# "stem*" also matches longer words. The order of topics does not matter: ties between topics go
# to the one mentioned first in the comment.
TOPICS: tuple[Topic, ...] = (
    Topic("ai_mandate", "AI mandates & usage tracking", (
        "mandate*", "token*", "leaderboard*", "quota*", "adoption target*", "usage target*", "ai push",
        "usage report*", "usage dashboard*", "gateway dashboard", "tokenmaxx*", "ai usage", "usage would",
        "required to use", "must use ai", "use ai every", "forced to use", "measured on", "ranking us",
        "rank* people", "ranks teams", "calibration", "expectations on ai", "counting tokens",
        "pressure to use ai", "burn tokens", "mandatory ai",
    )),
    Topic("ai_tools", "AI & work tools", (
        "tool*", "assistant*", "devpilot", "copilot", "agent*", "model*", "plugin*", "ide", "bot",
        "chat tool", "chat assistant", "tooling", "laptop*", "build pipeline", "notebook*", "sandbox",
        "transcription", "hallucinat*", "licen*", "software", "api*",
    )),
    Topic("job_security", "Layoffs & job security", (
        "layoff*", "laid off", "let go", "job cut*", "cuts", "rif", "severance", "outplacement",
        "next round", "job security", "secure in my job", "feel safe", "feels safe", "replaced by ai",
        "take over our jobs", "automated", "headcount freeze", "reductions", "cv updated", "survivor",
        "restructuring is said", "my role was confirmed", "worried i am next", "i am next",
        "contractors cut",
    )),
    Topic("manager", "Manager & support", (
        "manager*", "my lead", "my boss", "boss", "1:1*", "one-on-one*", "one on one*", "skip level",
        "direct reports", "reports and", "micromanag*", "supportive",
    )),
    Topic("reorg", "Reorgs & transfers", (
        "reorg*", "re-org*", "reorganis*", "reorganiz*", "restructur*", "transfer*", "transferred",
        "reassign*", "moved me", "moved to", "move to the", "reshuffle", "org chart", "org structure",
        "new org", "org change", "merge of", "team boundaries", "ai data team", "ai data org",
        "data labelling", "annotation", "which team", "new team", "joined after",
    )),
    Topic("workload", "Workload & wellbeing", (
        "workload*", "work load", "burn* out", "burnout", "exhausted", "overtime", "on-call", "on call",
        "weekend*", "hours", "too many meetings", "no-meeting", "deadline*", "stress*", "pressure",
        "sustainable", "pace", "work life", "work-life", "holiday", "log off", "flexible", "remote days",
        "volume of work", "covering two", "work of two", "everything is urgent", "review load",
        "headcount", "hire more", "hired",
    )),
    Topic("career", "Career & growth", (
        "career*", "promot*", "growth", "grow", "develop*", "learning", "learn a lot", "mentor*",
        "senior", "next level", "level*", "ladder", "competenc*", "calibration feels", "performance review",
        "upskill*", "conference*", "technical track", "into management", "internal mobility",
        "lead projects", "course",
    )),
    Topic("pay", "Pay & benefits", (
        "pay", "paid", "salary", "salaries", "comp", "compensation", "bonus*", "raise*", "equity",
        "rsu*", "stock", "refresher*", "benefit*", "insurance", "pension", "stipend", "allowance",
        "earn*", "inflation", "below market", "parental leave", "wellness",
    )),
    Topic("leadership", "Leadership & communication", (
        "leadership", "leaders", "executive*", "ceo", "vp", "director", "town hall*", "all-hands",
        "all hands", "strategy", "vision", "roadmap", "transparen*", "communicat*", "memo",
        "open letter", "petition", "company decisions", "values", "at the top", "the press",
        "press release", "return to office", "out of touch", "direction",
    )),
)
TOPIC_LABELS: dict[str, str] = {t.key: t.label for t in TOPICS} | {OTHER: "Other"}
TONES = ("positive", "neutral", "negative")
EXAMPLES_PER_TOPIC = 3


def _pattern(term: str) -> str:
    words = [re.escape(w) for w in term.rstrip("*").split()]
    tail = r"[\w-]*" if term.endswith("*") else r"(?![\w])"
    return r"(?<![\w])" + r"\s+".join(words) + tail


_MATCHERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t.key, re.compile("|".join(_pattern(term) for term in t.terms))) for t in TOPICS
)


@dataclass(frozen=True)
class Classified:
    topics: tuple[str, ...]  # every topic mentioned, primary first; (OTHER,) when none
    primary: str
    tone: str  # positive / neutral / negative
    score: float  # sentiment.score: -1 … 1


def topics_of(text: str | None) -> tuple[str, ...]:
    """The topics a comment mentions, the primary one first (most hits, then first mentioned)."""
    lowered = (text or "").lower()
    found = []
    for key, matcher in _MATCHERS:
        hits = [m.start() for m in matcher.finditer(lowered)]
        if hits:
            found.append((-len(hits), hits[0], key))
    return tuple(key for _, _, key in sorted(found)) or (OTHER,)


@lru_cache(maxsize=65536)
def classify(text: str | None) -> Classified:
    """Topics and tone of one comment (cached per distinct text: many comments repeat)."""
    topics = topics_of(text)
    score = sentiment.score(text)
    return Classified(topics, topics[0], sentiment.tone(text), score)


def classify_all(texts: Iterable[str | None]) -> pd.DataFrame:
    """comment, primary, topics, tone, score for each text, in order."""
    rows = []
    for text in texts:
        c = classify(text)
        rows.append({"comment": text, "primary": c.primary, "topics": c.topics, "tone": c.tone, "score": c.score})
    return pd.DataFrame(rows, columns=["comment", "primary", "topics", "tone", "score"])


def _text_key(text: str) -> str:
    """The order examples are shown in: a hash of the text alone (nothing about the writer)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SUMMARY_COLUMNS = ["group", "topic", "topic_label", "comments", "share", "positive", "neutral", "negative",
                   "examples"]


def summarise(found: pd.DataFrame, examples: int = EXAMPLES_PER_TOPIC) -> pd.DataFrame:
    """Per group and topic, from comments already released (columns group, comment): comments
    mentioning the topic, their share of the group's comments, the share positive / neutral /
    negative, and up to `examples` comments of the topic (primary topic only) in hash order."""
    if found.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = []
    for group, part in found.groupby("group", sort=True):
        classified = classify_all(part["comment"])
        total = len(classified)
        exploded = classified.explode("topics")
        for topic, of_topic in exploded.groupby("topics", sort=False):
            tones = of_topic["tone"].value_counts()
            primary = classified.loc[classified["primary"] == topic, "comment"]
            chosen = sorted(set(primary), key=_text_key)[:examples]
            rows.append({
                "group": group, "topic": topic, "topic_label": TOPIC_LABELS[topic],
                "comments": len(of_topic), "share": round(len(of_topic) / total, 2),
                **{t: round(float(tones.get(t, 0)) / len(of_topic), 2) for t in TONES},
                "examples": chosen,
            })
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return out.sort_values(["group", "comments", "topic"], ascending=[True, False, True], ignore_index=True)


def topic_summary(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, *, by: str | None = None,
    orgs: Sequence[str] | None = None, teams: Sequence[tuple[str, str]] | None = None,
    rules: privacy.PrivacyRules | None = None,
) -> pd.DataFrame:
    """Topic counts, tone and examples of one wave's comments for the selection (by None: one
    "All" group) or each released group of the breakdown (`by` "org" or "team"). Only groups the
    confidentiality layer releases at the comment minimum appear; a request outside the viewer's
    scope, or a group too small, gives an empty frame (the same answer for both)."""
    try:
        found = privacy.visible_comments(
            con, viewer, wave_id, by=by, orgs=list(orgs) if orgs else None, teams=list(teams) if teams else None,
            rules=rules, limit=1_000_000,
        )
    except ScopeError:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    found = found[found["comment"].notna() & (found["comment"].str.strip() != "")]
    if by is None:
        found = found.assign(group="All")
    return summarise(found[["group", "comment"]])
