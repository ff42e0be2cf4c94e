"""Data preparation for the analyses, in DuckDB SQL (`analytics/sql/*.sql`).

Four frames, each one row per unit of analysis:
- respondent-wave (morale regression): one row per survey respondent and wave;
- person-month (survival): one row per person employed on the first of a month;
- layoff population (layoff audit): one row per person at risk in each layoff wave;
- team metrics (correlation explorer): one row per team (built by SQL into the stored tables, `analytics.stored`).

Survey answers are stored under a keyed pseudonym. The first two frames need to know whose
answer is whose, so `Analysis` computes the pseudonym of every employee with the secret and
keeps the link in a TEMP table of this connection only; the frames it returns hold no
employee_id and no pseudonym, and nothing here logs or returns the link.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from etl.pseudonym import load_or_create_key, respondent_key
from workforce.filters import Window

SQL_DIR = Path(__file__).resolve().parent / "sql"

REQUIRED_TABLES = (
    "stg_employees",
    "stg_job_history",
    "stg_exits",
    "stg_ai_mandates",
    "stg_survey_waves",
    "stg_survey_submissions",
    "stg_survey_answers",
    "stg_survey_questions",
    "int_assignments",
    "mart_employee_month",
    "mart_usage_daily",
    "mart_survey_respondent_wave",
)


class AnalysisInputError(ValueError):
    """The database or key cannot support the analysis; the message says what is missing."""


@cache
def sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def read_key(key_path: Path | str) -> bytes:
    """The pseudonym secret. Never created here: a new key would silently link nobody."""
    path = Path(key_path)
    if not path.exists():
        raise AnalysisInputError(
            f"pseudonym key not found at {path}: pass --key-file with the key the data was loaded with"
        )
    return load_or_create_key(path)


def _check_tables(con: duckdb.DuckDBPyConnection) -> None:
    present = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE list_contains(?, table_name)",
            [list(REQUIRED_TABLES)],
        ).fetchall()
    }
    missing = [t for t in REQUIRED_TABLES if t not in present]
    if missing:
        raise AnalysisInputError(f"the database lacks {', '.join(missing)}: load data with `python -m etl load`")


# Carried-forward morale: a month uses the person's latest answer only when it is at most this
# many days old on the first of the month. A year keeps every month of an annual engagement
# survey (the slowest common cadence) and stops a single old answer standing for a person's
# morale indefinitely (see docs/analytics.md).
MAX_MORALE_AGE_DAYS = 365


class Analysis:
    """Frames of one database, built on one connection.

    The respondent link and the shared intermediate tables (mandates per unit, token
    intensity on every analysis date) are TEMP tables of `con`, built once in `__init__`.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, key: bytes | None):
        self.con = con
        _check_tables(con)
        self.window = self._window()
        try:
            self._link_respondents(key)
            con.execute(f"CREATE OR REPLACE TEMP TABLE _unit_first_mandate AS {sql('unit_first_mandate')}")
            con.execute(f"CREATE OR REPLACE TEMP TABLE _survey_waves AS {sql('survey_waves')}")
            self._token_intensity()
        except AnalysisInputError:
            self.close()  # a refused key leaves no link behind on a connection that lives on (the load's)
            raise

    def _window(self) -> Window:
        """From the first month of the data to the HR as-of date: the latest date the HR tables
        know anything about (a job change or an exit). Exits after it are unknown, so follow-up
        stops there, whatever the usage or survey data hold."""
        start, hr_as_of = self.con.execute(sql("analysis_window")).fetchall()[0]
        if start is None:
            raise AnalysisInputError("the database holds no employee-months: load data with `python -m etl load`")
        if hr_as_of is None:
            raise AnalysisInputError("job_history and exits hold no dates: the HR as-of date is unknown")
        # from the first month of the data to the as-of day (a date, whatever type the SQL gave); `stop` = as-of + 1
        return Window(start=start, end=date.fromordinal(hr_as_of.toordinal()))

    def _link_respondents(self, key: bytes | None) -> None:
        """TEMP table _respondent_link(employee_id, wave_id, respondent_key) for this connection only:
        every employee's pseudonym in every wave with submissions (pseudonyms differ by wave)."""
        ids = [r[0] for r in self.con.execute("SELECT employee_id FROM stg_employees").fetchall()]
        waves = [r[0] for r in self.con.execute("SELECT DISTINCT wave_id FROM stg_survey_submissions").fetchall()]
        pairs = [(i, w) for w in waves for i in ids]
        link = pd.DataFrame(
            {
                "employee_id": [i for i, _ in pairs],
                "wave_id": [w for _, w in pairs],
                "respondent_key": [respondent_key(i, w, key) for i, w in pairs] if key is not None else [None] * len(pairs),
            },
            dtype="string",
        )
        self.con.register("_respondent_link_df", link)
        try:
            self.con.execute("CREATE OR REPLACE TEMP TABLE _respondent_link AS SELECT * FROM _respondent_link_df")
        finally:
            self.con.unregister("_respondent_link_df")
        submissions, linked = self.con.execute(
            "SELECT count(*), count(l.employee_id) FROM stg_survey_submissions AS s "
            "LEFT JOIN _respondent_link AS l USING (respondent_key)"
        ).fetchall()[0]
        if submissions and not linked:
            raise AnalysisInputError(
                "no survey submission matches an employee under this pseudonym key: "
                "use the key file the data was loaded with (--key-file)"
            )

    def _token_intensity(self) -> None:
        """Token intensity on every date a frame measures it: wave dates, months, layoff dates."""
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE _analysis_dates AS "
            "SELECT DISTINCT ref_date FROM ("
            "  SELECT ref_date FROM _survey_waves"
            "  UNION SELECT DISTINCT month FROM mart_employee_month"
            "  UNION SELECT min(exit_date) FROM stg_exits"
            "        WHERE exit_type = 'layoff' AND layoff_wave IS NOT NULL GROUP BY layoff_wave)"
        )
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE _token_intensity AS {sql('token_intensity')}")

    def respondent_wave(self) -> pd.DataFrame:
        return self.con.execute(sql("respondent_wave")).df()

    def person_month(self, max_morale_age: int = MAX_MORALE_AGE_DAYS) -> pd.DataFrame:
        params = {"start_date": self.window.start, "end_date": self.window.stop, "max_morale_age": max_morale_age}
        return self.con.execute(sql("person_month"), params).df()

    def mandates(self) -> pd.DataFrame:
        """org, team, effective_date of every ai_mandates row (`analytics.mandate`)."""
        return self.con.execute(sql("mandate_rows")).df()

    def morale_answer_spread(self) -> pd.DataFrame:
        """Per survey response with morale answers: k, the spread of its item-centred answers and
        whether the answers are a function of the index (see morale_answer_spread.sql). No identity."""
        return self.con.execute(sql("morale_answer_spread")).df()

    def layoff_population(self) -> pd.DataFrame:
        return self.con.execute(sql("layoff_population")).df()

    def close(self) -> None:
        for table in ("_respondent_link", "_token_intensity", "_analysis_dates", "_unit_first_mandate", "_survey_waves"):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{table}")

