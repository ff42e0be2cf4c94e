"""SQL files of the loader: where they are, what their header says, in which order to run them.

Check files start with a comment block of `-- key: value` lines (table, column, severity,
rule, message) after the sentence that says why the rule exists. Mart files are plain
SELECTs named after the table they build (`int_*` in etl/sql/intermediate/, `mart_*` in
etl/sql/marts/); a model that mentions another's name is built after it, so a new file can be
dropped into either folder without registering it (its columns are declared in etl/loading/models.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from workforce.db import render

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
CHECKS_DIR = SQL_DIR / "checks"
INTERMEDIATE_DIR = SQL_DIR / "intermediate"
MARTS_DIR = SQL_DIR / "marts"
STAGING_DIR = SQL_DIR / "staging"
# Shared SELECTs that are no table of their own: put in front of the files that read them as CTEs.
RELATIONS_DIR = SQL_DIR / "relations"

# Where a person sat on a day (etl/sql/relations/placed_on_days.sql), over the days a file asks
# about (`days`): the relations the day-placement readers run with, in order.
PLACED_ON = {"placed": RELATIONS_DIR / "placed_on_days"}
# The declared relations of the loader's own files, by file name (workforce.db.render).
RELATIONS: dict[str, dict[str, Path]] = {
    "job_history_manager_left": {"spans": RELATIONS_DIR / "job_history_spans"},
    "job_history_no_management_cycles": {"spans": RELATIONS_DIR / "job_history_spans"},
    "mart_employee_month": {"days": RELATIONS_DIR / "month_grid", **PLACED_ON},
    # a scratch view, built before int_assignments: it reads the same SQL as a relation
    "stg_survey_submissions": {"days": RELATIONS_DIR / "survey_answer_days",
                               "int_assignments": INTERMEDIATE_DIR / "int_assignments", **PLACED_ON},
}

_HEADER = re.compile(r"^--\s*([a-z_]+):\s*(.+?)\s*$")
_COMMENT = re.compile(r"--[^\n]*")


def read_sql(path: Path) -> str:
    """The statement of a file with its declared relations (RELATIONS) in front, without a trailing
    semicolon (it is wrapped in CREATE ... AS)."""
    relations = RELATIONS.get(path.stem)
    text = render(path.stem, folder=path.parent, relations=relations) if relations else path.read_text(encoding="utf-8")
    return text.strip().rstrip(";").strip()


def staging_sql(name: str) -> str:
    return read_sql(STAGING_DIR / f"{name}.sql")


def header(text: str) -> dict[str, str]:
    """The `-- key: value` lines of the leading comment block."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _HEADER.match(line)
        if match:
            meta[match.group(1)] = match.group(2)
    return meta


def mentions(text: str, names: set[str]) -> set[str]:
    """Which of `names` the SQL refers to as a whole word, comments left out."""
    code = _COMMENT.sub("", text)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code))
    return {n for n in names if n in words}


def build_order(texts: dict[str, str]) -> list[str]:
    """Names ordered so that each comes after every other name its SQL mentions (ties by name)."""
    names = set(texts)
    deps = {n: mentions(t, names) - {n} for n, t in texts.items()}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(names):
        ready = sorted(n for n in names - done if deps[n] <= done)
        if not ready:
            stuck = sorted(names - done)
            raise ValueError(f"mart files depend on each other in a cycle: {', '.join(stuck)}")
        order.extend(ready)
        done.update(ready)
    return order


def model_files() -> dict[str, Path]:
    """The built layers, one file per table named after it: `int_*` in etl/sql/intermediate/ (one
    definition other models build on, never read by pages directly), `mart_*` in etl/sql/marts/."""
    return {p.stem: p for folder in (INTERMEDIATE_DIR, MARTS_DIR) for p in sorted(folder.glob("*.sql"))}
