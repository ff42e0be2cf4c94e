"""Generated survey databases for the favourability and focus-area tests: closed waves of five
likert5 items (two morale, one manager, one workload, one intent to stay) answered by respondents
placed in (org, team), with answers the test plants."""

from __future__ import annotations

import random
from datetime import date, datetime

import duckdb
import pandas as pd

from tests.survey_helpers import build_survey_marts
from workforce import surveys

TODAY = date(2026, 6, 1)
WAVE_DAYS = {"w1": (date(2026, 1, 1), date(2026, 1, 14)), "w2": (date(2026, 2, 1), date(2026, 2, 14)),
             "w3": (date(2026, 3, 1), date(2026, 3, 14))}
ITEMS = [("A1", "I feel good", "morale"), ("A2", "I am proud", "morale"), ("M1", "My manager listens", "manager"),
         ("W1", "My workload is fine", "workload"), ("S1", "I will stay", "intent_to_stay")]
ITEM_IDS = [q for q, _, _ in ITEMS]


def build(respondents: pd.DataFrame, teams: list[tuple[str, str]] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory database from one row per respondent: wave_id, org, team (None: withheld) and
    one column per item id (1–5, or None: not answered). `teams`: the HR data's (org, team) list
    (default: those of the respondents)."""
    con = duckdb.connect()
    surveys.ensure_tables(con)
    placed = teams or sorted({(o, t) for o, t in zip(respondents["org"], respondents["team"], strict=True)
                              if isinstance(t, str)})
    con.execute("CREATE TABLE stg_job_history (org VARCHAR, team VARCHAR)")
    con.executemany("INSERT INTO stg_job_history VALUES (?, ?)", placed)
    waves = sorted(respondents["wave_id"].unique())
    con.executemany("INSERT INTO stg_survey_waves VALUES (?, ?, ?, ?, NULL, 'file', NULL, NULL)",
                    [(w, f"Wave {w}", *WAVE_DAYS[w]) for w in waves])
    con.executemany("INSERT INTO stg_survey_questions VALUES (?, ?, ?, 'likert5', ?, ?)",
                    [(w, q, text, theme, i) for w in waves for i, (q, text, theme) in enumerate(ITEMS)])
    frame = respondents.reset_index(drop=True).copy()
    frame["response_id"] = [f"r{i}" for i in range(len(frame))]
    frame["respondent_key"] = [f"k{i}" for i in range(len(frame))]
    frame["submitted_at"] = [datetime.combine(WAVE_DAYS[w][0], datetime.min.time()) for w in frame["wave_id"]]
    submissions = frame[["response_id", "wave_id", "respondent_key", "submitted_at", "org", "team"]]
    con.register("new_submissions", submissions)
    con.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                "source) SELECT response_id, wave_id, respondent_key, submitted_at, org, team, 'file' FROM new_submissions")
    answers = frame.melt(id_vars=["response_id"], value_vars=[q for q in ITEM_IDS if q in frame.columns],
                         var_name="question_id", value_name="value").dropna(subset=["value"])
    answers["value"] = answers["value"].astype(float)
    con.register("new_answers", answers)
    con.execute("INSERT INTO stg_survey_answers SELECT response_id, question_id, value, NULL FROM new_answers")
    con.unregister("new_submissions")
    con.unregister("new_answers")
    build_survey_marts(con)  # the loader's SQL, as a load builds them
    return con


def bucket_answer(rng: random.Random, p_favourable: float, p_neutral: float = 0.2) -> int:
    """One answer: favourable (4 or 5) with p_favourable, neutral (3) with p_neutral, else 1 or 2."""
    u = rng.random()
    if u < p_favourable:
        return rng.choice((4, 5))
    if u < p_favourable + p_neutral:
        return 3
    return rng.choice((1, 2))


def observed(con: duckdb.DuckDBPyConnection, wave_id: str, question_id: str, orgs: list[str] | None = None,
             team: tuple[str, str] | None = None) -> tuple[int, int]:
    """(favourable answers, answers) straight from the staging tables, for checking the figures."""
    return con.execute(
        "SELECT count(*) FILTER (WHERE a.value >= 4), count(*) FROM stg_survey_answers a "
        "JOIN stg_survey_submissions s USING (response_id) WHERE s.wave_id = $w AND a.question_id = $q "
        "AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs::VARCHAR[], s.org)) "
        "AND ($org::VARCHAR IS NULL OR (s.org = $org AND s.team = $team))",
        {"w": wave_id, "q": question_id, "orgs": orgs, "org": team[0] if team else None,
         "team": team[1] if team else None},
    ).fetchall()[0]
