"""The one place the analytics apply the confidentiality rules (through `workforce.privacy`).

Every group figure the analytics show (layoff audit cells, team metrics) passes through
`suppress_groups`, which applies `workforce.privacy.suppress`: primary suppression below the
minimum group size, then complementary suppression so a hidden cell cannot be recovered by
subtracting visible ones from a total.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from workforce import privacy


def min_group_size(con: duckdb.DuckDBPyConnection | None = None) -> int:
    return privacy.current_rules(con).min_scores


def suppress_groups(
    frame: pd.DataFrame,
    group_cols: Sequence[str],
    count_col: str,
    min_n: int,
    value_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A copy with a boolean `suppressed` column and hidden figures blanked (see workforce.privacy)."""
    return privacy.suppress(frame, list(group_cols), count_col, min_n, value_cols=value_cols)
