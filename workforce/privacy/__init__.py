"""The confidentiality layer: every survey figure the product shows goes through here.

Split by responsibility (docs/security.md has the long version):

- `rules`: minimum group sizes; rounding of means, banding of counts and of live participation;
- `engine`: primary and complementary suppression over lines of cells (`suppress` for any
  pre-aggregated table);
- `lattice`: the groups of a wave a viewer can ask for (company → orgs → teams) and which are
  released;
- `store`: a wave's lattice from its counts in mart_survey_responses (never stored, never cached);
- `api`: the release functions the pages and the analytics call.

Never imports streamlit; never returns a respondent-level row.
"""

from workforce.privacy.api import (
    closed_survey_rows,
    company_cell,
    live_participation,
    pooled_team_figures,
    release_distribution,
    survey_groups,
    visible_comments,
)
from workforce.privacy.engine import Line, complementary, suppress
from workforce.privacy.lattice import ALL, BY_CHOICES, DIMS, NOT_RELEASED, Lattice, Selection, build_lattice
from workforce.privacy.rules import (
    DEFAULT_MIN_COMMENTS,
    DEFAULT_MIN_SCORES,
    LIVE_MIN,
    MEASURES,
    SUPPRESSED_LABEL,
    THEMES,
    PrivacyRules,
    count_band,
    current_rules,
    participation_band,
    round_measure,
)
from workforce.privacy.store import wave_lattice, wave_lattices

__all__ = [
    "ALL", "BY_CHOICES", "DEFAULT_MIN_COMMENTS", "DEFAULT_MIN_SCORES", "DIMS", "LIVE_MIN", "MEASURES", "NOT_RELEASED", "SUPPRESSED_LABEL",
    "THEMES", "Lattice", "Line", "PrivacyRules", "Selection", "build_lattice", "closed_survey_rows",
    "company_cell", "complementary", "count_band", "current_rules", "live_participation",
    "participation_band", "pooled_team_figures", "release_distribution", "round_measure", "suppress",
    "survey_groups", "visible_comments", "wave_lattice", "wave_lattices",
]
