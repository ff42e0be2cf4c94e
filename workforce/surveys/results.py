"""What the survey pages show of a wave, through the confidentiality layer: an open wave's live
participation per org and team (Survey waves page) and the company's released figures of closed waves (Pulse
survey page). Group results of closed waves are `workforce.survey_results`. Never imports streamlit.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from workforce import privacy
from workforce.db import query
from workforce.surveys.waves import all_waves, get_wave, sees_wave
from workforce.viewer import Role, ScopeError, Viewer, require_role

# Company figures are the same for every signed-in person: asked as the company as a whole.
COMPANY = Viewer("company-results", Role.EMPLOYEE)


def live_rates(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date
) -> pd.DataFrame:
    """Live participation of one wave by org and by team (`privacy.live_participation`): a band of
    the response rate, counted to the end of the previous day, only for groups with at least 5
    respondents; never a count that moves with each submission. HR partners get their orgs and
    their teams; admins every org and team and an "All orgs" row.

    Columns: org, team (None on an org's row), audience, participation, shown.
    """
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    wave = get_wave(con, wave_id)
    if wave is None or not sees_wave(viewer, wave):
        raise ScopeError(f"{viewer.username} may not see wave {wave_id}")
    on = min(today, wave.closes_on)
    audience = query(con, "surveys/audience_by_group",
                     {"on": on, "audience": list(wave.audience_orgs) if wave.audience_orgs else None}).df()
    # After the close every submission counts; before, those of earlier days only.
    shown = privacy.live_participation(con, wave_id, audience, min(today, wave.closes_on + timedelta(days=1)))
    if viewer.role != Role.ADMIN:
        shown = shown[shown["org"].isin(viewer.orgs)]
    return shown.reset_index(drop=True)


def response_rates(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date
) -> pd.DataFrame:
    """The org rows of `live_rates` (and "All orgs" for admins). (Closed waves' response rates by
    group are `survey_results.group_response_rates`.) Columns: org, audience, participation, shown."""
    rates = live_rates(con, viewer, wave_id, today)
    return rates[rates["team"].isna()].drop(columns="team").reset_index(drop=True)


def team_response_rates(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date
) -> pd.DataFrame:
    """The team rows of `live_rates`. Columns: org, team, audience, participation, shown."""
    rates = live_rates(con, viewer, wave_id, today)
    return rates[rates["team"].notna()].reset_index(drop=True)


def company_results(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> pd.DataFrame:
    """Company-level released figures of closed whole-company waves, newest first; what every
    signed-in person may see. A wave the layer does not release shows as suppressed."""
    closed = [w for w in all_waves(con) if w.audience_orgs is None and w.status(today) == "closed"]
    columns = ["wave", "closed_on", "respondents", "respondents_band", *privacy.MEASURES, "suppressed"]
    cells = privacy.survey_groups(con, COMPANY, [w.wave_id for w in closed]) if closed else None
    rows = []
    for wave in closed:
        cell = cells[cells["wave_id"] == wave.wave_id].iloc[0]
        row: dict[str, object] = {"wave": wave.title, "closed_on": wave.closes_on, "suppressed": bool(cell["suppressed"])}
        row.update({k: None if pd.isna(cell[k]) else cell[k] for k in ("respondents", "respondents_band", *privacy.MEASURES)})
        rows.append(row)
    out = pd.DataFrame(rows, columns=columns)
    out["respondents"] = out["respondents"].astype("Int64")
    for col in privacy.MEASURES:
        out[col] = out[col].astype("Float64")
    return out
