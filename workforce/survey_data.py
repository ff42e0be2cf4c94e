"""Where the survey layer reads its inputs, and how it tells that a stored result still matches them.

Two things are computed once rather than per view at company scale:

- `mart_survey_responses` (etl/sql/marts): one row per submission with its placement and the
  respondent's theme means, eNPS, likert answers and comments. Figures of any group are then an
  aggregate over a few hundred thousand rows instead of a join over millions of answers. The
  loader builds it; `workforce.surveys` adds the row of each in-app submission in the same
  transaction.
- the suppressed lattice of each wave, kept in each process's cache only (`workforce.privacy.store`).

Neither may ever be trusted blindly: a figure computed from rows that differ from the ones the
lattice was computed from could show a group the lattice never checked. So every read starts
with `wave_states`: per wave, a fingerprint of the submissions' finest cells (their count and an
order-independent sum of hashes of org, team, level and tenure band), computed from
`stg_survey_submissions` and from the mart. A cached lattice is used only under the fingerprint it
was built for; the mart is read for a wave only when its fingerprint equals the submissions'.
Otherwise the same SQL runs inline on the staging tables (`read_responses`): slower, never wrong.

Never imports streamlit; returns counts and aggregates only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from workforce.db import ROOT, sql, table_exists

RESPONSES = "mart_survey_responses"
MARTS_DIR = ROOT / "etl" / "sql" / "marts"
NO_SUBMISSIONS = "0:0"


@dataclass(frozen=True)
class WaveState:
    wave_id: str
    fingerprint: str  # "count:hash" of the wave's submissions by finest cell
    responses_fresh: bool  # mart_survey_responses holds exactly these submissions' cells

    @property
    def submissions(self) -> int:
        return int(self.fingerprint.split(":", 1)[0])


def wave_states(
    con: duckdb.DuckDBPyConnection, wave_ids: Iterable[str] | None = None,
    known: Mapping[str, WaveState] | None = None,
) -> dict[str, WaveState]:
    """The state of each wave (every wave with submissions when `wave_ids` is None). A wave without
    submissions gets the empty fingerprint. `known`: states the caller read moments ago, reused
    for the waves they cover (one read per page query, not one per step)."""
    wanted = None if wave_ids is None else list(dict.fromkeys(wave_ids))
    if known is not None and wanted is not None and all(w in known for w in wanted):
        return {w: known[w] for w in wanted}
    has_mart = table_exists(con, RESPONSES)
    # Table names below are fixed here, never input.
    rows = "SELECT 'submissions' AS source, wave_id, org, team, level, tenure_band FROM stg_survey_submissions"
    if has_mart:
        rows += f"\nUNION ALL\nSELECT 'responses', wave_id, org, team, level, tenure_band FROM {RESPONSES}"
    query = f"WITH submission_rows AS (\n{rows}\n)\n{sql('surveys/wave_fingerprints')}"
    found: dict[tuple[str, str], str] = {
        (str(source), str(w)): f"{n}:{h}" for source, w, n, h in con.execute(query, {"wave_ids": wanted}).fetchall()
    }
    ids = wanted if wanted is not None else sorted(w for source, w in found if source == "submissions")
    out = {}
    for wave_id in ids:
        fingerprint = found.get(("submissions", wave_id), NO_SUBMISSIONS)
        fresh = has_mart and found.get(("responses", wave_id), NO_SUBMISSIONS) == fingerprint
        out[wave_id] = WaveState(wave_id, fingerprint, fresh)
    return out


def read_responses(
    con: duckdb.DuckDBPyConnection, query: str, params: Mapping[str, object], states: Mapping[str, WaveState]
) -> pd.DataFrame:
    """Runs `query` (a SQL file reading a relation `responses`, restricted to `$wave_ids`) over the
    waves of `states`: from the mart for the waves it matches, inline on the staging tables for
    the others (one query per source, rows of both together)."""
    fresh = [w for w, s in states.items() if s.responses_fresh]
    stale = [w for w, s in states.items() if not s.responses_fresh]
    # With no wave at all, the inline query still runs, for an empty frame with the right columns.
    sources = [(w, src) for w, src in ((fresh, f"SELECT * FROM {RESPONSES}"), (stale, sql(RESPONSES, MARTS_DIR)))
               if w] or [([], sql(RESPONSES, MARTS_DIR))]
    frames = []
    for waves, source in sources:
        text = f"WITH responses AS (\n{source}\n)\nSELECT * FROM (\n{sql(query)}\n)"
        frames.append(con.execute(text, {**params, "wave_ids": list(waves)}).df())
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
