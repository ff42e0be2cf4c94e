"""What the loader reports: problems (errors reject a load, warnings load and are recorded) and
how a record's position becomes the row number a person finds in the file.

Row numbers are "as in the file":
* CSV: the line on which the record starts, the header being line 1. Usually record n is on
  line n + 1; a quoted value spanning lines or a blank line shifts the following records,
  and then the lines are counted exactly with Python's csv module (only when a message needs it).
* Parquet: the 1-based record number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One broken rule: which file and column, which rule, how many rows, the first of them."""

    severity: Severity
    rule: str  # short rule id, e.g. "not_null", "greater_than_or_equal_to(0)", "references_employees"
    message: str  # what the rule asks, in words
    table: str | None = None
    file: str | None = None  # file name inside the source folder, e.g. "token_usage.csv"
    column: str | None = None
    n_rows: int = 0  # how many rows break it (0 for a file-level problem)
    rows: tuple[int, ...] = ()  # the first offending row numbers as in the file
    values: tuple[str, ...] = ()  # the offending values of those rows, when there is one to show

    def __str__(self) -> str:
        where = self.file or self.table or "load"
        parts = [where]
        if self.column:
            parts.append(f"column {self.column}")
        parts.append(f"rule {self.rule}")
        text = ", ".join(parts) + f": {self.message}"
        if self.n_rows:
            noun = "row" if self.n_rows == 1 else "rows"
            shown = ", ".join(str(r) for r in self.rows)
            text += f" ({self.n_rows:,} {noun}; first: {shown}"
            if self.values:
                text += "; values: " + ", ".join(_short(v) for v in self.values)
            text += ")"
        return text


def _short(value: str, limit: int = 40) -> str:
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


class LoadRejected(Exception):
    """The folder breaks the contract; nothing was written. `problems` lists every error found."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        self.warnings: list[Problem] = list(warnings)
        n = len(self.problems)
        super().__init__(f"load rejected: {n} problem{'s' if n != 1 else ''}\n" + "\n".join(f"  - {p}" for p in self.problems))


class MartBuildError(RuntimeError):
    """A mart's SQL failed; the load (or rebuild) was rolled back. Names the mart file."""


@dataclass
class RowNumbers:
    """Turns 1-based record numbers of one file into the row numbers a person sees in it."""

    path: Path
    fmt: str  # "csv" or "parquet"
    n_records: int
    _simple: bool | None = field(default=None, init=False, repr=False)

    def file_rows(self, records: Iterable[int]) -> list[int]:
        records = list(records)
        if self.fmt != "csv" or not records:
            return records
        if self._simple is None:
            self._simple = self._lines_match_records()
        if self._simple:
            return [r + 1 for r in records]
        starts = self._record_start_lines(max(records))
        return [starts.get(r, r + 1) for r in records]

    def _lines_match_records(self) -> bool:
        """True when every record is one line and there are no blank lines (the common case)."""
        newlines = 0
        last = b""
        with self.path.open("rb") as fh:
            while chunk := fh.read(1 << 24):
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
        lines = newlines + (0 if last == b"\n" else 1)
        return lines == self.n_records + 1

    def _record_start_lines(self, up_to: int) -> dict[int, int]:
        """Exact start line of records 1..up_to, skipping blank lines as DuckDB's reader does."""
        starts: dict[int, int] = {}
        with self.path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
            reader = csv.reader(fh)
            next(reader, None)  # header
            consumed = reader.line_num
            record = 0
            for row in reader:
                start = consumed + 1
                consumed = reader.line_num
                if not row:
                    continue
                record += 1
                starts[record] = start
                if record >= up_to:
                    break
        return starts

