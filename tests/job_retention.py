"""The job_retention data set (McNulty, *Handbook of Regression Modeling in People Analytics*,
shipped offline by the `peopleanalyticsdata` package) mapped into the data contract.

3,770 people observed for up to 12 months (2025 here). Each row has `sentiment` (1–10, from a
survey at the start), `level` (Low/Medium/High), `field` (six fields of work), `left` (1: left
in `month`) and `month` (month of leaving, or of the end of observation).

The mapping, so the product sees what the book's Cox model sees:
- every person is an employee hired 2022-06-15 (the data have no tenure: one tenure band), in
  the org named after their field, under that field's manager, who reports to a company head;
  level is the data's level; no transfers, no AI usage, no mandates, no layoffs, no budgets;
- `left = 1`: a voluntary exit on the last day of `month`; `left = 0` before month 12: an
  involuntary exit (censoring, as in the book) on the last day of `month`; month 12 without
  leaving: still employed at the HR as-of date, 2025-12-31;
- one survey wave in December 2024 with four likert5 morale questions: sentiment s becomes a
  total of s + 6 points spread over the four items (item j gets (s + 6 + 3 − j) // 4, so the
  items differ in difficulty), whose mean, (s + 6) / 4, is the morale index. It is exact: the
  answers are a function of the sentiment, with no answer noise.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from etl.contract import OPTIONAL_TABLES, TABLES
from tests.fixtures.contract_folder import COLUMNS, write_folder

HIRE = "2022-06-15"
SURVEY_DAY = "2024-12-03T10:00:00"
YEAR = 2025
QUESTIONS = ["MOR1", "MOR2", "MOR3", "MOR4"]


def job_retention() -> pd.DataFrame:
    """The data as the package ships it, read from the installed file: nothing is downloaded. The
    package is found, not imported (its module needs pkg_resources, gone from recent setuptools)."""
    spec = find_spec("peopleanalyticsdata")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the peopleanalyticsdata package is not installed (pip install -r requirements.txt)")
    return pd.read_csv(Path(spec.submodule_search_locations[0]) / "data" / "job_retention.csv")


def items(sentiment: int) -> list[int]:
    total = sentiment + 6
    return [(total + 3 - j) // 4 for j in range(4)]


def last_day(month: int) -> str:
    return (pd.Timestamp(YEAR, month, 1) + pd.offsets.MonthEnd(0)).date().isoformat()


def write_contract_folder(folder: Path) -> pd.DataFrame:
    """Write the contract files to `folder`; returns the data with the ids used (column employee_id)."""
    data = job_retention().reset_index(drop=True)
    data["employee_id"] = [f"J{i + 1:04d}" for i in range(len(data))]
    fields = sorted(data["field"].unique())
    managers = {f: f"JM{i + 1:02d}" for i, f in enumerate(fields)}
    tables: dict[str, list[list[str]]] = {name: [] for name in TABLES if name not in OPTIONAL_TABLES}
    people = [("J0000", "Company", "Office", "", "Executive")]
    people += [(managers[f], f, "Leadership", "J0000", "Manager") for f in fields]
    people += list(zip(data["employee_id"], data["field"], data["field"], data["field"].map(managers), data["level"],
                       strict=True))
    for employee_id, org, team, manager, level in people:
        family = org if org != "Company" else "Leadership"
        tables["employees"].append([employee_id, f"Person {employee_id}", f"{employee_id.lower()}@example.com",
                                    family, "Not recorded", HIRE])
        tables["job_history"].append([employee_id, HIRE, org, team, manager, level, "hire", "false"])
    for row in data.itertuples():
        if row.left == 1:
            tables["exits"].append([row.employee_id, last_day(row.month), "voluntary", "", ""])
        elif row.month < 12:
            tables["exits"].append([row.employee_id, last_day(row.month), "involuntary", "", ""])
    tables["survey_waves"].append(["W2024-12", "December 2024 pulse", "2024-12-02", "2024-12-13"])
    texts = ["I feel positive about my job.", "I am proud to work here.", "I enjoy my work.", "I would stay here."]
    for question, text in zip(QUESTIONS, texts, strict=True):
        tables["survey_questions"].append(["W2024-12", question, text, "likert5", "morale"])
    for row in data.itertuples():
        for question, value in zip(QUESTIONS, items(int(row.sentiment)), strict=True):
            tables["survey_responses"].append([f"R{row.employee_id}", "W2024-12", row.employee_id, SURVEY_DAY,
                                               question, str(value), ""])
    write_folder(folder, {name: [dict(zip(COLUMNS[name], row, strict=True)) for row in rows]
                          for name, rows in tables.items()})
    return data
