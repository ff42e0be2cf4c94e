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

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
CHECKS_DIR = SQL_DIR / "checks"
INTERMEDIATE_DIR = SQL_DIR / "intermediate"
MARTS_DIR = SQL_DIR / "marts"
STAGING_DIR = SQL_DIR / "staging"

_HEADER = re.compile(r"^--\s*([a-z_]+):\s*(.+?)\s*$")
_COMMENT = re.compile(r"--[^\n]*")


def read_sql(path: Path) -> str:
    """The statement of a file, without a trailing semicolon (it is wrapped in CREATE ... AS)."""
    return path.read_text(encoding="utf-8").strip().rstrip(";").strip()


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
