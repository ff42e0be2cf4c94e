"""Read an uploaded or given file safely and tell what it is: a contract table or a vendor export.

Reading guards, in order, each with a message naming the file and what is wrong:
size (refused before a byte is read), encoding (UTF-8 only, a BOM is fine), syntax (truncated or
broken JSON names the line and column), then shape. Detection: a contract table by its file
name (`employees.csv`) or its columns; a vendor export by its structure and field names (see
each adapter's `detect`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from etl.adapters import ADAPTERS
from etl.adapters.base import Problem

DEFAULT_MAX_UPLOAD_MB = 100
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".json": "json", ".ndjson": "ndjson",
           ".jsonl": "ndjson"}

# Required columns of each contract table (DATA_CONTRACT.md), used only to recognise a file;
# the loader's schemas validate it.
CONTRACT_TABLES: dict[str, set[str]] = {
    "employees": {"employee_id", "full_name", "email", "job_family", "location", "hire_date"},
    "job_history": {"employee_id", "effective_date", "org", "team", "level", "reason", "forced"},
    "exits": {"employee_id", "exit_date", "exit_type"},
    "token_usage": {"usage_date", "employee_id", "tool", "vendor", "model", "input_tokens", "output_tokens",
                    "requests"},
    "model_prices": {"model", "vendor", "effective_from", "input_per_mtok", "output_per_mtok"},
    "ai_mandates": {"mandate_id", "org", "announced_date", "effective_date", "kind", "description"},
    "budgets": {"org", "month", "budget_usd"},
    "outcomes": {"week_start", "employee_id", "changes_landed"},
    "survey_waves": {"wave_id", "title", "opens_on", "closes_on"},
    "survey_questions": {"wave_id", "question_id", "text", "kind", "theme"},
    "survey_responses": {"response_id", "wave_id", "employee_id", "submitted_at", "question_id"},
}


def max_upload_bytes() -> int:
    """The size limit for one file: WORKFORCE_MAX_UPLOAD_MB, default 100 MB."""
    return int(float(os.environ.get("WORKFORCE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)


@dataclass
class InputFile:
    """A file to ingest: bytes from an upload, or a path on disk (read only after the size check)."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    _sha: str | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: Path | str) -> InputFile:
        path = Path(path)
        return cls(path.name, path=path)

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def read(self) -> bytes:
        if self.data is None:
            self.data = self.path.read_bytes()
        return self.data

    @property
    def sha256(self) -> str:
        if self._sha is None:
            self._sha = hashlib.sha256(self.read()).hexdigest()
        return self._sha


@dataclass
class ParsedFile:
    name: str
    fmt: str  # csv, parquet, json, ndjson
    obj: Any  # DataFrame for csv/parquet, parsed JSON otherwise (ndjson: list of objects)


@dataclass(frozen=True)
class Detection:
    kind: str  # "contract", "vendor" or "unknown"
    source: str  # contract table name or adapter name ("" when unknown)
    reason: str


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def check_size(file: InputFile, limit: int | None = None) -> Problem | None:
    limit = max_upload_bytes() if limit is None else limit
    size = file.size
    if size > limit:
        return Problem(file.name, None, "(file)", f"file is {_mb(size)}, over the {_mb(limit)} limit; split it "
                       "(e.g. one file per month) or raise WORKFORCE_MAX_UPLOAD_MB", _mb(size))
    if size == 0:
        return Problem(file.name, None, "(file)", "file is empty", "")
    return None


def file_format(file: InputFile, head: bytes) -> str | None:
    by_ext = FORMATS.get(Path(file.name).suffix.lower())
    if by_ext:
        return by_ext
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    return None


def _decode(file: InputFile, raw: bytes) -> tuple[str | None, Problem | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start:exc.start + 1].hex()
        return None, Problem(
            file.name, line, "(file)",
            f"file is not UTF-8: byte 0x{bad} at offset {exc.start} (line {line}) cannot be decoded; "
            "it looks like a Windows-1252/Latin-1 export — save it again as UTF-8",
            raw[max(0, exc.start - 20):exc.start + 20].decode("utf-8", "replace"),
        )


_COMPLETE_STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def _truncated(text: str) -> bool:
    """The JSON stops with brackets or a string still open: the file was cut short."""
    bare = _COMPLETE_STRING.sub("", text)
    depth = bare.count("{") + bare.count("[") - bare.count("}") - bare.count("]")
    return depth > 0 or '"' in bare


def _json_problem(file: InputFile, exc: json.JSONDecodeError, text: str, line_offset: int = 0) -> Problem:
    what = ("ends before the JSON is complete (the file looks truncated)" if _truncated(text)
            else "is not valid JSON")
    return Problem(file.name, exc.lineno + line_offset, "(file)",
                   f"{what}: {exc.msg} (line {exc.lineno + line_offset}, column {exc.colno})",
                   text[max(0, exc.pos - 30):exc.pos + 10])


def parse(file: InputFile, *, limit: int | None = None) -> tuple[ParsedFile | None, list[Problem]]:
    """Size, encoding and syntax checks, then the parsed content. Nothing is read past a failed check."""
    problem = check_size(file, limit)
    if problem:
        return None, [problem]
    raw = file.read()
    fmt = file_format(file, raw[:64])
    if fmt is None:
        return None, [Problem(file.name, None, "(file)",
                              "unknown file type: upload CSV, Parquet, JSON or NDJSON (.csv .parquet .json .ndjson)",
                              Path(file.name).suffix)]
    if fmt == "parquet":
        try:
            return ParsedFile(file.name, fmt, pd.read_parquet(io.BytesIO(raw))), []
        except Exception as exc:  # pyarrow raises several types for a damaged file
            return None, [Problem(file.name, None, "(file)", f"not a readable Parquet file: {exc}", "")]
    text, problem = _decode(file, raw)
    if problem:
        return None, [problem]
    if fmt == "csv":
        try:
            # Every cell as text: numbers are parsed by the adapter/loader with row-level messages.
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            return None, [Problem(file.name, None, "(file)", f"not a readable CSV file: {exc}", "")]
        return ParsedFile(file.name, fmt, frame), []
    if fmt == "json":
        try:
            return ParsedFile(file.name, fmt, json.loads(text)), []
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                return None, [_json_problem(file, exc, text)]
            fmt = "ndjson"  # several objects one per line, under a .json name
    records, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(_json_problem(file, exc, line, number - 1))
            break
    if problems:
        return None, problems
    return ParsedFile(file.name, "ndjson", records), []


def _contract_table(name: str, columns: set[str]) -> str | None:
    stem = Path(name).stem.lower()
    if stem in CONTRACT_TABLES:
        return stem
    matches = [t for t, required in CONTRACT_TABLES.items() if required <= columns]
    # The most specific table whose required columns are all there.
    return max(matches, key=lambda t: len(CONTRACT_TABLES[t])) if matches else None


def detect(parsed: ParsedFile) -> Detection:
    obj = parsed.obj
    if isinstance(obj, pd.DataFrame):
        table = _contract_table(parsed.name, set(obj.columns))
        if table:
            return Detection("contract", table, f"contract table {table} (by file name or columns)")
    for name, adapter in ADAPTERS.items():
        try:
            if adapter.detect(obj):
                return Detection("vendor", name, f"vendor export: {name}")
        except Exception:  # a detector must never stop detection of the others
            continue
    if isinstance(obj, pd.DataFrame):
        return Detection("unknown", "", "columns match no contract table and no vendor export: "
                         + ", ".join(map(str, obj.columns[:12])))
    return Detection("unknown", "", "structure matches no vendor export (expected e.g. an Anthropic or OpenAI "
                     "usage report page, Claude Code analytics, LiteLLM spend logs or Copilot NDJSON)")
