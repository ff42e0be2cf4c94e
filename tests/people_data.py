"""A tiny hand-made organisation and two survey waves whose figures are worked out by hand.

Used by the people, survey-results and summary tests. Only contract/staging columns of
docs/architecture.md are created, so the queries are tested from the same tables the loader
writes.

People (all hired 2020-01-01 unless said):
    M0 (Exec/Office, no manager)
    M1 (Alpha/A1, reports to M0): E1, E2, E3, A01..A06; E4 hired 2026-02-15
        E3 moves to Beta/B1 under M2 on 2026-03-01 (transfer, forced)
        E2 leaves 2026-04-01 (voluntary, regretted)
        E1 moves to Alpha/A2 (same manager) on 2026-05-01 (transfer, chosen)
    M2 (Beta/B1, reports to M0): E5, E6, E7
        E5 laid off 2026-05-01 (wave RIF-1); E6 leaves 2026-06-10 (involuntary)
        E7 moves to Alpha/A1 under M1 on 2026-06-01 (transfer, chosen)
    M3 (Gamma/G1, reports to M0): G01..G16 (span 16: above the default threshold of 15)

Surveys (respondents by org at submission):
    W1 (2026-03-02..03-13): Alpha 6, Beta 3, Gamma 12
    W2 (2026-06-01..06-12): Alpha 5, Beta 3, Gamma 10
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import duckdb

from etl.loading.sqlfiles import model_files, read_sql
from tests.survey_helpers import create_staging

HIRE = date(2020, 1, 1)

# The marts the people and survey figures read, built with the loader's SQL after the tables.
MARTS = ("int_assignments", "mart_employee_month", "mart_survey_responses", "mart_survey_respondent_wave")

# (employee_id, full_name, hire_date)
EMPLOYEES = (
    [("M0", "Chief Person", HIRE), ("M1", "Alice Manager", HIRE), ("M2", "Bob Manager", HIRE),
     ("M3", "Carol Widespan", HIRE), ("E1", "E One", HIRE), ("E2", "E Two", HIRE), ("E3", "E Three", HIRE),
     ("E4", "E Four", date(2026, 2, 15)), ("E5", "E Five", HIRE), ("E6", "E Six", HIRE), ("E7", "E Seven", HIRE)]
    + [(f"A0{i}", f"Alpha Person {i}", HIRE) for i in range(1, 7)]
    + [(f"G{i:02d}", f"Gamma Person {i}", HIRE) for i in range(1, 17)]
)

# (employee_id, effective_date, org, team, manager_id, level, reason, forced)
JOB_HISTORY = (
    [("M0", HIRE, "Exec", "Office", None, "VP", "hire", False),
     ("M1", HIRE, "Alpha", "A1", "M0", "M1", "hire", False),
     ("M2", HIRE, "Beta", "B1", "M0", "M1", "hire", False),
     ("M3", HIRE, "Gamma", "G1", "M0", "M1", "hire", False),
     ("E1", HIRE, "Alpha", "A1", "M1", "IC4", "hire", False),
     ("E1", date(2026, 5, 1), "Alpha", "A2", "M1", "IC4", "transfer", False),
     ("E2", HIRE, "Alpha", "A1", "M1", "IC4", "hire", False),
     ("E3", HIRE, "Alpha", "A1", "M1", "IC4", "hire", False),
     ("E3", date(2026, 3, 1), "Beta", "B1", "M2", "IC4", "transfer", True),
     ("E4", date(2026, 2, 15), "Alpha", "A1", "M1", "IC3", "hire", False),
     ("E5", HIRE, "Beta", "B1", "M2", "IC4", "hire", False),
     ("E6", HIRE, "Beta", "B1", "M2", "IC4", "hire", False),
     ("E7", HIRE, "Beta", "B1", "M2", "IC4", "hire", False),
     ("E7", date(2026, 6, 1), "Alpha", "A1", "M1", "IC4", "transfer", False)]
    + [(f"A0{i}", HIRE, "Alpha", "A1", "M1", "IC3", "hire", False) for i in range(1, 7)]
    + [(f"G{i:02d}", HIRE, "Gamma", "G1", "M3", "IC3", "hire", False) for i in range(1, 17)]
)

EXITS = [
    ("E2", date(2026, 4, 1), "voluntary", None, True),
    ("E5", date(2026, 5, 1), "layoff", "RIF-1", None),
    ("E6", date(2026, 6, 10), "involuntary", None, None),
]

MANDATES = [
    ("MD1", "Gamma", None, date(2026, 4, 1), date(2026, 4, 15), "adoption_target", 0.75, "Use AI weekly"),
]

WAVES = [
    ("W1", "Pulse March", date(2026, 3, 2), date(2026, 3, 13)),
    ("W2", "Pulse June", date(2026, 6, 1), date(2026, 6, 12)),
]

# question_id, text, kind, theme
QUESTIONS = [
    ("q1", "I am proud to work here", "likert5", "morale"),
    ("q2", "I feel positive about the future here", "likert5", "morale"),
    ("q3", "How likely are you to recommend working here?", "enps", "morale"),
    ("q4", "My manager has time for me", "likert5", "manager"),
    ("q5", "Anything else?", "text", "morale"),
    ("q6", "AI tools help my work", "likert5", "ai_tools"),
]

# Per wave and org: the answers of each respondent as (q1, q2, q3 eNPS, q4, q6, comment).
ANSWERS: dict[tuple[str, str], list[tuple]] = {
    ("W1", "Alpha"): [
        (4, 4, 10, 4, 3, None), (4, 5, 9, 3, 3, None), (3, 3, 9, 4, 2, None),
        (5, 5, 6, 5, 4, None), (2, 2, 8, 2, 1, None), (4, 3, 7, 3, 2, None),
    ],
    ("W1", "Beta"): [(1, 1, 0, 1, 1, "Beta secret one"), (2, 1, 2, 1, 1, "Beta secret two"),
                     (1, 2, 3, 2, 1, "Beta secret three")],
    ("W1", "Gamma"): [(4, 4, 9, 4, 5, "I love the new tools, great support") for _ in range(6)]
    + [(3, 3, 5, 2, 4, "Workload is terrible and I am exhausted") for _ in range(6)],
    ("W2", "Alpha"): [(3, 3, 8, 3, 3, None), (3, 4, 7, 3, 3, None), (2, 2, 4, 2, 2, None),
                      (4, 4, 9, 4, 4, None), (3, 2, 6, 3, 3, None)],
    ("W2", "Beta"): [(5, 5, 10, 5, 5, "Beta late secret"), (5, 4, 10, 5, 5, None), (4, 5, 9, 5, 5, None)],
    ("W2", "Gamma"): [(2, 2, 3, 2, 4, "The mandate feels like surveillance") for _ in range(5)]
    + [(3, 2, 6, 2, 4, "Tools are fine but the pressure is bad") for _ in range(5)],
}
TEAM_OF = {"Alpha": "A1", "Beta": "B1", "Gamma": "G1"}


def respondent_means(wave: str, org: str) -> list[float]:
    """Each respondent's morale index (mean of q1 and q2) in a wave and org."""
    return [(a[0] + a[1]) / 2 for a in ANSWERS[(wave, org)]]


def build(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # no AI usage nor outcomes here: the tables the month grid reads exist, empty
    create_staging(con, ("employees", "job_history", "exits", "ai_mandates", "token_usage", "outcomes"))
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany(
        "INSERT INTO stg_employees VALUES (?, ?, ?, 'Engineering', 'Remote', ?)",
        [(e, n, f"{e.lower()}@example.com", h) for e, n, h in EMPLOYEES],
    )
    con.executemany("INSERT INTO stg_job_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", JOB_HISTORY)
    con.executemany("INSERT INTO stg_exits VALUES (?, ?, ?, ?, ?)", EXITS)
    con.executemany("INSERT INTO stg_ai_mandates VALUES (?, ?, ?, ?, ?, ?, ?, ?)", MANDATES)
    con.executemany(
        "INSERT INTO stg_survey_waves VALUES (?, ?, ?, ?, NULL, 'file', 'loader', TIMESTAMP '2026-01-01')", WAVES
    )
    for wave, *_ in WAVES:
        con.executemany(
            "INSERT INTO stg_survey_questions VALUES (?, ?, ?, ?, ?, ?)",
            [(wave, q, text, kind, theme, i) for i, (q, text, kind, theme) in enumerate(QUESTIONS)],
        )
    opens = {w[0]: w[2] for w in WAVES}
    for (wave, org), rows in ANSWERS.items():
        for i, (q1, q2, q3, q4, q6, comment) in enumerate(rows):
            rid = f"{wave}-{org}-{i}"
            submitted = datetime.combine(opens[wave], datetime.min.time())  # stored as the day
            con.execute(
                "INSERT INTO stg_survey_submissions VALUES (?, ?, ?, ?, ?, ?, 'IC4', '5y+', 'file')",
                [rid, wave, f"key-{org}-{i}", submitted, org, TEAM_OF[org]],
            )
            answers = [(rid, "q1", q1, None), (rid, "q2", q2, None), (rid, "q3", q3, None),
                       (rid, "q4", q4, None), (rid, "q6", q6, None)]
            if comment is not None:
                answers.append((rid, "q5", None, comment))
            con.executemany("INSERT INTO stg_survey_answers VALUES (?, ?, ?, ?)", answers)
    for mart in MARTS:
        con.execute(f"CREATE TABLE {mart} AS {read_sql(model_files()[mart])}")
    return con


def connect() -> duckdb.DuckDBPyConnection:
    return build(duckdb.connect(":memory:"))


def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """The organisation as loaded, for a module-scoped fixture (`pytest.fixture(scope="module")(connection)`)."""
    con = connect()
    yield con
    con.close()
