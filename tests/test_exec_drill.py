"""The app itself (AppTest, sample company): the executive summary per role (findings present and
ranked, links to pages the role may open, no alert tile for roles that cannot act on alerts), and
the HR partner's drill-down (a click narrows the filters and the URL, the breadcrumb goes back,
titles name what is shown, an org outside the scope is refused whether clicked or typed in the URL).

A click on a chart cannot be made in AppTest: the test puts in session state what the chart's
selection asks for (`ui.filters.drill_chart`); tests/browser/test_drill_down.py clicks for real.
"""

from __future__ import annotations

import io
import json
import re

import duckdb
import pyarrow as pa
import pytest

from tests.apptest import app_as, assert_no_exception, chart_title
from ui.navigation import PAGES_BY_KEY, pages_for
from workforce import auth, executive, people
from workforce.filters import Filters
from workforce.inert import markdown_escape


@pytest.fixture
def hr_scope(app_db):
    con = duckdb.connect(str(app_db))  # the configuration the app opens it with (same process)
    try:
        hr = auth.viewer_for(con, "hr")
        others = [o for (o,) in con.execute("SELECT DISTINCT org FROM stg_job_history ORDER BY 1").fetchall()
                  if o not in hr.orgs]
        org = sorted(hr.orgs)[0]
        teams = people.headcount_groups_on(con, hr, Filters(orgs=(org,)), people.data_as_of(con))
        team = teams.groupby("team")["headcount"].sum().idxmax()
        totals = {"org": people.headcount_as_of(con, hr, Filters()).people,
                  "team": people.headcount_as_of(con, hr, Filters(orgs=(org,), teams=(team,))).people}
    finally:
        con.close()
    return {"viewer": hr, "org": org, "team": team, "other": others[0], "totals": totals}


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _chart_values(at) -> set[str]:
    """Every text value in the charts' data sent to the browser."""
    values: set[str] = set()
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            table = pa.ipc.open_stream(io.BytesIO(dataset.data.data)).read_all()
            for column in table.columns:
                values |= {v for v in column.to_pylist() if isinstance(v, str)}
    return values


def _findings(at) -> list[str]:
    return [m.value for m in at.markdown if re.match(r"\*\*\d\.\*\* ", m.value)]


@pytest.mark.parametrize("username", ["hr", "exec", "admin"])
def test_summary_tells_a_ranked_story_per_role(app_db, username):
    at = app_as(username, "executive_summary", timeout=120)
    assert_no_exception(at)
    con = duckdb.connect(str(app_db))  # the configuration the app opens it with (same process)
    try:
        viewer = auth.viewer_for(con, username)
        allowed = {p.key for p in pages_for(viewer)}
        expected = executive.executive_summary(con, viewer, Filters(), pages=allowed)
    finally:
        con.close()
    shown = _findings(at)
    assert 3 <= len(shown) <= 5
    # in the ranked order, numbered, each sentence with its interval
    assert shown == [f"**{i}.** {markdown_escape(f.sentence)}" for i, f in enumerate(expected.findings, start=1)]
    assert all("95% interval" in f.sentence for f in expected.findings)
    assert expected.findings[0].clear and expected.findings[0].key == "mandate"
    links = [link.proto for link in at.page_link]
    assert len(links) == len(shown) and all(link.label.startswith("What to look at: ") for link in links)
    for link in links:  # each link opens a page that exists and this role may open
        assert link.page in PAGES_BY_KEY and link.page in allowed
    labels = [m.label for m in at.metric]
    assert labels[0] == "Headcount as of 31 Oct 2026"
    assert ("Open cost alerts" in labels) == (username == "admin")
    assert "cost_alerts" not in allowed or username == "admin"
    assert not any("80% range $" in t.value and "–$" in t.value and "October" in t.value for t in at.text)


def test_hr_partner_drills_from_org_to_team_and_back(app_db, hr_scope):
    at = app_as("hr", "overview", timeout=120)
    assert_no_exception(at)
    org, team = hr_scope["org"], hr_scope["team"]
    assert [chart_title(c) for c in _charts(at)] == ["Headcount by org, as of 31 Oct 2026"]
    assert at.get("vega_lite_chart")[0].proto.selection_mode == ["pick"]  # a click is a selection
    assert at.metric[0].label == "Headcount as of 31 Oct 2026"
    assert at.metric[0].value == f"{hr_scope['totals']['org']:,}"

    at.session_state["filters_drill"] = ("org", org)  # what a click on the org's bar asks for
    at.run()
    assert_no_exception(at)
    assert at.multiselect(key="filters_orgs").value == [org]
    assert at.query_params["org"] in (org, [org])  # the drill-down is in the URL
    assert [chart_title(c) for c in _charts(at)] == [f"Headcount in {org} by team, as of 31 Oct 2026"]
    assert team in _chart_values(at)
    assert [b.label for b in at.button if b.key and b.key.startswith("filters_crumb")] == ["Your orgs"]

    at.session_state["filters_drill"] = ("team", team)
    at.run()
    assert_no_exception(at)
    assert at.multiselect(key="filters_teams").value == [team]
    assert at.query_params["team"] in (team, [team])
    assert [chart_title(c) for c in _charts(at)] == [f"Headcount in {org} / {team} by job level, as of 31 Oct 2026"]
    assert at.metric[0].value == f"{hr_scope['totals']['team']:,}"
    crumbs = [b for b in at.button if b.key and b.key.startswith("filters_crumb")]
    assert [b.label for b in crumbs] == ["Your orgs", org]
    assert f"**{team}**" in [m.value for m in at.markdown]  # where the view is: the last crumb, not a button

    crumbs[1].click().run()  # back to the org
    assert at.multiselect(key="filters_teams").value == []
    assert [chart_title(c) for c in _charts(at)] == [f"Headcount in {org} by team, as of 31 Oct 2026"]
    next(b for b in at.button if b.key == "filters_crumb_0").click().run()  # back to the top
    assert at.multiselect(key="filters_orgs").value == []
    assert [chart_title(c) for c in _charts(at)] == ["Headcount by org, as of 31 Oct 2026"]
    assert "org" not in at.query_params


def test_hr_partner_cannot_drill_outside_their_scope(app_db, hr_scope):
    other = hr_scope["other"]
    # an edited URL: the org is dropped with a message that does not name it
    at = app_as(None, timeout=120)
    at.session_state["username"] = "hr"
    at.query_params["org"] = other
    at.run()  # the first page: the URL is read once per visit, and refused here
    assert any("outside your scope" in w.value and other not in w.value for w in at.warning)
    at.switch_page("pages/overview.py").run()
    assert_no_exception(at)
    assert at.multiselect(key="filters_orgs").value == []
    assert [chart_title(c) for c in _charts(at)] == ["Headcount by org, as of 31 Oct 2026"]
    assert other not in _chart_values(at)
    assert at.metric[0].value == f"{hr_scope['totals']['org']:,}"
    # a forged click for another org: refused, nothing narrows, nothing of the other org shown
    at.session_state["filters_drill"] = ("org", other)
    at.run()
    assert_no_exception(at)
    assert any("outside your scope or unknown" in w.value for w in at.warning)
    assert at.multiselect(key="filters_orgs").value == []
    assert other not in _chart_values(at) and at.metric[0].value == f"{hr_scope['totals']['org']:,}"
    # a team of another org, asked for under the partner's own org: refused too
    at.session_state["filters_drill"] = ("org", hr_scope["org"])
    at.run()
    at.session_state["filters_drill"] = ("team", "no such team")
    at.run()
    assert at.multiselect(key="filters_teams").value == []


def test_morale_titles_name_the_place_and_the_breadcrumb_follows(app_db, hr_scope):
    org, team = hr_scope["org"], hr_scope["team"]
    at = app_as("hr", "morale", timeout=120)
    assert_no_exception(at)
    assert chart_title(_charts(at)[0]) == "Morale index by wave (1–5) in your orgs, by org"
    at.session_state["filters_drill"] = ("org", org)
    at.run()
    at.session_state["filters_drill"] = ("team", team)
    at.run()
    assert_no_exception(at)
    titles = [chart_title(c) for c in _charts(at)]
    assert titles[0] == f"Morale index by wave (1–5) in {org} / {team}, by org"
    assert all(f"in {org} / {team}" in t for t in titles)
    assert [b.label for b in at.button if b.key and b.key.startswith("filters_crumb")] == ["Your orgs", org]
