"""A tiny hand-made company whose analysis frames are worked out by hand (tests/test_analytics_frames.py).

Window: months 2026-01 .. 2026-04; the data end on 2026-04-30 (last usage day, and the HR as-of
date: M0's re-levelling that day is the latest HR record).

    M0 (Exec/Office, no manager) manages M1 (Alpha/A1) and M2 (Beta/B1)
    P1 Alpha/A1 under M1; forced transfer to Alpha/A2 (still under M1) on 2026-02-10
    P2 Beta/B1 under M2; leaves voluntarily 2026-03-15
    P3 Alpha/A1 under M1; laid off 2026-03-01 (wave RIF-1)
    P4 Beta/B1 under M2; hired 2026-01-20
    P5 Alpha/A1 under M1; forced transfer 2025-06-01 (before the window, more than 180 days
       before every wave)

Mandates: Alpha (whole org) effective 2026-02-01; Beta/B1 effective 2026-04-01 (after every wave).
Waves: W1 opens 2026-01-15, W2 2026-02-15, W3 2026-03-16 (each a month apart).
Tokens (total per day): P1 900 on 2026-01-20, 1000 + 800 (two tools) on 2026-02-14;
    P4 260 on 2026-02-01; nobody else uses AI.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from tests.survey_helpers import build_survey_marts, create_staging

HIRE = date(2020, 1, 1)
KEY = b"analytics-test-secret-0123456789abcdef"
END = date(2026, 4, 30)
MONTHS = [date(2026, m, 1) for m in (1, 2, 3, 4)]

EMPLOYEES = [
    ("M0", HIRE, "Leadership", "HQ"), ("M1", HIRE, "Engineering", "HQ"), ("M2", HIRE, "Engineering", "HQ"),
    ("P1", HIRE, "Engineering", "HQ"), ("P2", HIRE, "Engineering", "Remote"),
    ("P3", HIRE, "Engineering", "HQ"), ("P4", date(2026, 1, 20), "Design", "Remote"),
    ("P5", HIRE, "Design", "HQ"),
]
JOB_HISTORY = [
    ("M0", HIRE, "Exec", "Office", None, "VP", "hire", False),
    ("M0", END, "Exec", "Office", None, "VP", "promotion", False),  # marks the HR as-of date
    ("M1", HIRE, "Alpha", "A1", "M0", "M1", "hire", False),
    ("M2", HIRE, "Beta", "B1", "M0", "M1", "hire", False),
    ("P1", HIRE, "Alpha", "A1", "M1", "IC4", "hire", False),
    ("P1", date(2026, 2, 10), "Alpha", "A2", "M1", "IC4", "transfer", True),
    ("P2", HIRE, "Beta", "B1", "M2", "IC4", "hire", False),
    ("P3", HIRE, "Alpha", "A1", "M1", "IC3", "hire", False),
    ("P4", date(2026, 1, 20), "Beta", "B1", "M2", "IC3", "hire", False),
    ("P5", HIRE, "Beta", "B1", "M2", "IC4", "hire", False),
    ("P5", date(2025, 6, 1), "Alpha", "A1", "M1", "IC4", "reorg", True),
]
EXITS = [
    ("P2", date(2026, 3, 15), "voluntary", None, True),
    ("P3", date(2026, 3, 1), "layoff", "RIF-1", None),
]
MANDATES = [
    ("MA", "Alpha", None, date(2026, 1, 10), date(2026, 2, 1), "adoption_target", 0.75, "Use AI weekly"),
    ("MB", "Beta", "B1", date(2026, 3, 1), date(2026, 4, 1), "usage_quota", 1e6, "Quota"),
]
WAVES = [("W1", date(2026, 1, 15)), ("W2", date(2026, 2, 15)), ("W3", date(2026, 3, 16))]
QUESTIONS = [
    ("q1", "I am proud to work here", "likert5", "morale"),
    ("q2", "I feel positive about the future here", "likert5", "morale"),
    ("q3", "Recommend?", "enps", "morale"),
]
# (wave, person, q1, q2, eNPS); submitted the day after the wave opens
ANSWERS = [
    ("W1", "P1", 4, 4, 9), ("W1", "P2", 2, 3, 5), ("W1", "P3", 3, 3, 7), ("W1", "P5", 5, 4, 10),
    ("W2", "P1", 3, 3, 6), ("W2", "P4", 4, 5, 9), ("W2", "P2", 2, 2, 3),
    ("W3", "P1", 2, 3, 4), ("W3", "P4", 4, 4, 8), ("W3", "P5", 4, 5, 9),
]
# (date, person, tool, total tokens, cost)
USAGE = [
    (date(2026, 1, 20), "P1", "chat", 900, 0.9),
    (date(2026, 2, 14), "P1", "chat", 1000, 1.0),
    (date(2026, 2, 14), "P1", "agent", 800, 2.0),
    (date(2026, 2, 1), "P4", "chat", 260, 0.26),
    (END, "M0", "chat", 0, 0.0),  # marks the end of the data
]

MART_SQL = [
    # each job_history row with the day it stops holding (next row or exit)
    """
    CREATE TABLE int_assignments AS
    SELECT j.employee_id, j.effective_date AS valid_from,
           coalesce(lead(j.effective_date) OVER (PARTITION BY j.employee_id ORDER BY j.effective_date), x.exit_date)
               AS valid_to,
           j.org, j.team, j.manager_id, j.level, j.reason, j.forced, e.job_family, e.location, e.hire_date,
           x.exit_date, x.exit_type
    FROM stg_job_history j JOIN stg_employees e USING (employee_id) LEFT JOIN stg_exits x USING (employee_id)
    """,
    """
    CREATE TABLE mart_employee_month AS
    WITH months AS (SELECT unnest(?::DATE[]) AS month),
    held AS (
        SELECT m.month, a.* FROM months m JOIN int_assignments a
          ON a.valid_from <= m.month AND (a.valid_to IS NULL OR a.valid_to > m.month)
    )
    SELECT h.month, h.employee_id, h.org, h.team, h.manager_id, h.level, h.job_family, h.location, h.hire_date,
           h.exit_date, h.exit_type, '5y+' AS tenure_band,
           (SELECT count(*) FROM held r WHERE r.month = h.month AND r.manager_id = h.manager_id) AS manager_span
    FROM held h
    """,
    """
    CREATE TABLE mart_usage_daily AS
    SELECT u.usage_date, u.employee_id, a.org, a.team, u.tool, 'v' AS vendor, 'm' AS model,
           u.total_tokens AS input_tokens, 0 AS output_tokens, 0 AS cache_read_tokens, 0 AS cache_write_tokens,
           u.total_tokens, 1 AS requests, 0 AS agent_seconds, u.cost_usd, 'reported' AS cost_source
    FROM usage_raw u JOIN int_assignments a
      ON a.employee_id = u.employee_id AND a.valid_from <= u.usage_date
     AND (a.valid_to IS NULL OR a.valid_to > u.usage_date)
    """,
]


def build(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    from etl.pseudonym import respondent_key

    create_staging(con, ("employees", "job_history", "exits", "ai_mandates"))
    con.executemany(
        "INSERT INTO stg_employees VALUES (?, ?, ?, ?, ?, ?)",
        [(e, e, f"{e.lower()}@example.com", fam, loc, h) for e, h, fam, loc in EMPLOYEES],
    )
    con.executemany("INSERT INTO stg_job_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", JOB_HISTORY)
    con.executemany("INSERT INTO stg_exits VALUES (?, ?, ?, ?, ?)", EXITS)
    con.executemany("INSERT INTO stg_ai_mandates VALUES (?, ?, ?, ?, ?, ?, ?, ?)", MANDATES)
    con.executemany(
        "INSERT INTO stg_survey_waves VALUES (?, ?, ?, ?, NULL, 'file', 'loader', TIMESTAMP '2026-01-01')",
        [(w, w, d, date.fromordinal(d.toordinal() + 7)) for w, d in WAVES],
    )
    for wave, _ in WAVES:
        con.executemany(
            "INSERT INTO stg_survey_questions VALUES (?, ?, ?, ?, ?, ?)",
            [(wave, q, t, k, th, i) for i, (q, t, k, th) in enumerate(QUESTIONS)],
        )
    con.execute("CREATE TABLE usage_raw (usage_date DATE, employee_id VARCHAR, tool VARCHAR, total_tokens BIGINT, cost_usd DOUBLE)")
    con.executemany("INSERT INTO usage_raw VALUES (?, ?, ?, ?, ?)", USAGE)
    con.execute(MART_SQL[0])
    con.execute(MART_SQL[1], [MONTHS])
    con.execute(MART_SQL[2])
    opens = dict(WAVES)
    for wave, person, q1, q2, enps in ANSWERS:
        rid = f"{wave}-{person}"
        org, team = con.execute(
            "SELECT org, team FROM int_assignments WHERE employee_id = ? AND valid_from <= ? "
            "AND (valid_to IS NULL OR valid_to > ?)",
            [person, opens[wave], opens[wave]],
        ).fetchall()[0]
        submitted = datetime.combine(date.fromordinal(opens[wave].toordinal() + 1), datetime.min.time())
        con.execute(
            "INSERT INTO stg_survey_submissions VALUES (?, ?, ?, ?, ?, ?, 'IC4', '5y+', 'file')",
            [rid, wave, respondent_key(person, wave, KEY), submitted, org, team],
        )
        con.executemany(
            "INSERT INTO stg_survey_answers VALUES (?, ?, ?, NULL)",
            [(rid, "q1", q1), (rid, "q2", q2), (rid, "q3", enps)],
        )
    build_survey_marts(con)  # the loader's SQL, as a load builds them
    return con


def connect() -> duckdb.DuckDBPyConnection:
    return build(duckdb.connect(":memory:"))
