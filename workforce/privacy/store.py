"""Where a wave's lattice comes from: its counts in `mart_survey_responses`, read on each call.

A lattice holds the counts of hidden cells, so it is never written to the database (a copy of
the file must not reveal a small group) and it is not kept in the process either: building one
is a GROUP BY over a wave's rows and a pass over a few thousand cells. It is read from the same
relation as the figures it clears (`mart_survey_responses`, which the load builds and every
in-app submission keeps current in its own transaction), so a figure and its lattice always
count the same people. The page's cache (`ui.session.cached`) is the only cache in front of it.

A database from the versions that stored one (`mart_survey_lattice`) records an older schema
version, so the next load drops every mart_ table before building (etl/schema.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from workforce.db import query
from workforce.privacy.lattice import Lattice, build_lattice


def wave_lattices(con: duckdb.DuckDBPyConnection, wave_ids: Sequence[str], min_n: int) -> dict[str, Lattice]:
    """The suppressed lattice of each wave at this minimum (a wave without submissions: an empty one)."""
    wanted = list(dict.fromkeys(wave_ids))
    if not wanted:
        return {}
    atoms = query(con, "surveys/wave_atoms", {"wave_ids": wanted}).df()
    by_wave = dict(tuple(atoms.groupby("wave_id", sort=False)))
    empty = atoms.iloc[0:0]
    return {wave_id: build_lattice(by_wave.get(wave_id, empty), min_n) for wave_id in wanted}


def wave_lattice(con: duckdb.DuckDBPyConnection, wave_id: str, min_n: int) -> Lattice:
    """The suppressed lattice of one wave (see `wave_lattices`)."""
    return wave_lattices(con, [wave_id], min_n)[wave_id]

