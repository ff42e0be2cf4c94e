"""Where lattices live: in this process only, keyed by the content of a wave's counts.

A lattice holds the counts of hidden cells, so it is never written to the database: a copy of
the file must not reveal a small group. Building one is cheap (a GROUP BY over a wave's
submissions and a pass over a few thousand cells), and each process remembers the ones it used
under the wave's fingerprint (`survey_data.wave_states`): a wave that took a submission since
gets a new fingerprint and so a fresh lattice, never a stale one.

`drop_stored_lattices` is the load's derived step: it removes `mart_survey_lattice`, which
databases loaded by earlier versions hold with the counts of every hidden cell.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence

import duckdb

from workforce import survey_data
from workforce.db import sql
from workforce.privacy.lattice import Lattice, build_lattice

LEGACY_LATTICE_TABLE = "mart_survey_lattice"
_LATTICES: OrderedDict[tuple[str, str, int], Lattice] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


def _atoms(con: duckdb.DuckDBPyConnection, wave_id: str):
    return con.execute(sql("surveys/wave_atoms"), {"wave_id": wave_id}).df()


def wave_lattices(
    con: duckdb.DuckDBPyConnection, wave_ids: Sequence[str], min_n: int,
    states: Mapping[str, survey_data.WaveState] | None = None,
) -> dict[str, Lattice]:
    """The suppressed lattice of each wave at this minimum, from this process's cache or built."""
    states = survey_data.wave_states(con, wave_ids, states)
    out: dict[str, Lattice] = {}
    for wave_id in wave_ids:
        key = (wave_id, states[wave_id].fingerprint, int(min_n))
        with _LOCK:  # Streamlit sessions share this cache from several threads
            found = _LATTICES.get(key)
            if found is not None:
                _LATTICES.move_to_end(key)
        if found is None:
            found = build_lattice(_atoms(con, wave_id), min_n)
            with _LOCK:
                _LATTICES[key] = found
                while len(_LATTICES) > _CACHE_SIZE:
                    _LATTICES.popitem(last=False)
        out[wave_id] = found
    return out


def wave_lattice(con: duckdb.DuckDBPyConnection, wave_id: str, min_n: int) -> Lattice:
    """The suppressed lattice of one wave (see `wave_lattices`)."""
    return wave_lattices(con, [wave_id], min_n)[wave_id]


def drop_stored_lattices(con: duckdb.DuckDBPyConnection) -> int:
    """Derived step of the load: no lattice is stored (see the module); a table left by an earlier
    version, holding hidden cells' counts, is dropped. Returns 0 rows written."""
    con.execute(f"DROP TABLE IF EXISTS {LEGACY_LATTICE_TABLE}")
    return 0
