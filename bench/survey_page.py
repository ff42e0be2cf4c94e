"""Time the survey results page functions on a loaded database, cold and warm, in one process.

    python -m bench.survey_page --db PATH [--repeat 3]

Cold: the first call of each function in a fresh process (nothing cached in the process).
Warm: the best of the next `--repeat` calls. `cache key`: what `ui.session.cached` runs to build
its key on every call (the one cache layer, Streamlit's, sits in front of these functions).
Opens a copy of the file read-only; prints one line per function and the totals.
"""

from __future__ import annotations

import argparse
import time

from workforce import db, survey_results, surveys
from workforce.filters import Filters
from workforce.viewer import Role, Viewer


def cache_key(con) -> str:
    """The key `ui.session.cached` builds on every call."""
    if hasattr(surveys, "cache_version"):
        return surveys.cache_version(con)
    return f"{db.data_version(con)}:{surveys.survey_state(con)}"  # before this branch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    con = db.connect(args.db, read_only=True)
    viewer = Viewer("admin", Role.ADMIN)
    partner_orgs = tuple(o for (o,) in con.execute("SELECT DISTINCT org FROM int_assignments ORDER BY org LIMIT 2").fetchall())
    partner = Viewer("hr", Role.HR_PARTNER, orgs=frozenset(partner_orgs))
    filters = Filters()
    wave = str(survey_results.waves(con)["wave_id"].iloc[-1])
    calls = [
        ("cache key", lambda: cache_key(con)),
        ("waves", lambda: survey_results.waves(con)),
        ("morale_trend org", lambda: survey_results.morale_trend(con, viewer, filters, "org")),
        ("response_rates org", lambda: getattr(survey_results, "group_response_rates", getattr(survey_results, "response_rates", None))(con, viewer, filters, "org")),
        ("theme_heatmap org", lambda: survey_results.theme_heatmap(con, viewer, filters, wave, "org")),
        ("likert_distribution", lambda: survey_results.likert_distribution(con, viewer, filters, wave)),
        ("comments all", lambda: survey_results.comments(con, viewer, filters, wave, "all")),
        ("morale_trend team (hr)", lambda: survey_results.morale_trend(con, partner, filters, "team")),
        ("morale_by_mandate", lambda: survey_results.morale_by_mandate(con, viewer, filters)),
        ("company_results", lambda: surveys.company_results(con, viewer, __import__("datetime").date.today())),
    ]
    cold_total = warm_total = 0.0
    print(f"{'function':28} {'cold ms':>9} {'warm ms':>9}")
    for name, call in calls:
        t0 = time.perf_counter()
        call()
        cold = time.perf_counter() - t0
        warm = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            call()
            warm = min(warm, time.perf_counter() - t0)
        cold_total += cold
        warm_total += warm
        print(f"{name:28} {cold * 1000:9.1f} {warm * 1000:9.1f}")
    print(f"{'total':28} {cold_total * 1000:9.1f} {warm_total * 1000:9.1f}")


if __name__ == "__main__":
    main()
