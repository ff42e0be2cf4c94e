"""What ingestion reports and hands between its steps: per file, per load, per rollback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from etl.adapters.base import Problem
from etl.adapters.detect import InputFile
from workforce import identity

APPENDABLE = ("token_usage", "outcomes")


MAX_PROBLEM_ROWS = 20  # per file and rule; a last row says how many more


@dataclass
class FileReport:
    name: str
    size: int
    sha256: str | None = None
    fmt: str | None = None
    kind: str = "unknown"  # contract | vendor | unknown
    source: str = ""  # adapter name or contract table
    reason: str = ""
    source_rows: int = 0  # records read
    rows_to_add: int = 0
    rows_added: int = 0
    status: str = "rejected"  # ready | already_loaded | rejected | loaded | snapshot
    note: str = ""
    preview: pd.DataFrame | None = field(default=None, repr=False)


@dataclass
class IngestReport:
    status: str  # validated | loaded | snapshot | rejected | nothing_to_load
    files: list[FileReport]
    problems: list[Problem]
    load_id: str | None = None
    rows_added: int = 0
    unmapped: identity.UnmappedSummary | None = None

    @property
    def ok(self) -> bool:
        return self.status != "rejected"

    @property
    def message(self) -> str:
        if self.status == "rejected":
            n = len(self.problems)
            return f"Rejected: {n} problem{'s' if n != 1 else ''} found; nothing was loaded or changed."
        if self.status == "nothing_to_load":
            return "Nothing to load: every file was already loaded (same content, sha256)."
        if self.status == "validated":
            rows = sum(f.rows_to_add for f in self.files)
            return f"Valid: {rows:,} rows ready to load from {sum(f.status == 'ready' for f in self.files)} file(s)."
        text = f"Load {self.load_id}: {self.rows_added:,} rows added."
        if self.unmapped and self.unmapped.usage_rows:
            u = self.unmapped
            text += (f" Unmapped usage (kept, attributed to nobody): {u.identities} identities, "
                     f"{u.usage_rows:,} rows, {u.total_tokens:,} tokens, ${u.cost_usd:,.2f}"
                     + (f" ({u.unpriced_rows:,} rows have no cost or list price)." if u.unpriced_rows else "."))
        return text

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=["file", "row", "column", "rule", "value"])

    def files_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"file": f.name, "format": f.fmt, "detected": f"{f.kind}: {f.source}" if f.source else f.kind,
              "records": f.source_rows, "rows": f.rows_added or f.rows_to_add, "status": f.status, "note": f.note,
              "sha256": f.sha256} for f in self.files],
            columns=["file", "format", "detected", "records", "rows", "status", "note", "sha256"],
        )


@dataclass
class RollbackReport:
    ok: bool
    message: str
    load_id: str | None = None
    rows_removed: int = 0


@dataclass(frozen=True)
class Replacement:
    """A pull that replaces what earlier pulls loaded: per source, the days [since, until) whose
    rows from the loads `load_ids` are deleted in the same transaction as the new rows go in."""

    windows: dict[str, tuple[date, date]]
    load_ids: frozenset[str]

    def covers(self, source: str, day: object, load_id: str) -> bool:
        window = self.windows.get(source)
        if window is None or load_id not in self.load_ids:
            return False
        day = pd.Timestamp(day).date()
        return window[0] <= day < window[1]


@dataclass
class Ready:
    """One file that passed every check, with the rows it will add."""

    report: FileReport
    input: InputFile
    usage: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None

