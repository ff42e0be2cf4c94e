"""The favourability and focus-area sections and the survey reminder, in the app (AppTest), per role,
on the committed sample."""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest

from tests.apptest import app_as, assert_no_exception, chart_title
from workforce import auth, privacy, reminders, surveys, tables
from workforce.viewer import Role

SPLIT = tables.FAVOURABILITY_LABELS["split"]
CHANGE = re.compile(r"^[+−]?\d+ \([+−]?\d+ to [+−]?\d+\) (up|down|no clear change)$|^not shown in the previous wave$")


def _reads_as_favourability(frame) -> None:
    """Every figure of the compact table, none hidden: three whole shares that add up to 100 (± rounding),
    the change with its interval and label, and (where a group is compared) the gap."""
    for split in frame[SPLIT]:
        shares = [int(x) for x in split.split(" / ")]
        assert len(shares) == 3 and all(0 <= x <= 100 for x in shares) and 98 <= sum(shares) <= 102, split
    change = frame[tables.FAVOURABILITY_LABELS["change_text"]]
    assert change.map(lambda c: bool(CHANGE.match(c))).all(), list(change)
    for c in change:
        numbers = [int(x.replace("−", "-")) for x in re.findall(r"[+−]?\d+", c)]
        if numbers:
            assert numbers[1] - 1 <= numbers[0] <= numbers[2] + 1, c  # in its interval (whole points, rounded)
    if "Group" in frame.columns:
        assert frame[tables.FAVOURABILITY_LABELS["gap_text"]].str.match(r"^([+−]?\d+ vs .+|–)$").all()


def _charts(at) -> list[dict]:
    return [c.proto.spec for c in at.get("vega_lite_chart")]


@pytest.mark.parametrize("user", ["admin", "hr"])
def test_survey_waves_shows_favourability_and_focus_grid(app_db, user):
    at = app_as(user, "survey_waves", timeout=120)
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    specs = " ".join(_charts(at))
    assert "Favourability per item" in specs
    assert "Focus areas: relation to morale index" in specs
    for label in ("strength to keep", "focus here", "monitor", "lower priority"):
        assert label in specs, label
    frames = [df.value for df in at.dataframe]  # columns by the labels the page gives them
    favourable = next(f for f in frames if SPLIT in f.columns)
    _reads_as_favourability(favourable)
    # live participation per team, beside the per-org table: bands only, within the viewer's orgs
    con = duckdb.connect(str(app_db))
    viewer = auth.viewer_for(con, user)
    con.close()
    org_rates, team_rates = [f for f in frames if "Enough answers to show" in f.columns]
    assert "Team" not in org_rates.columns and team_rates["Team"].notna().all() and len(team_rates)
    assert not {c.lower() for c in team_rates.columns} & {"respondents", "answers", "count"}
    bands = {name for _, name in privacy.rules.PARTICIPATION_BANDS}
    assert set(team_rates.loc[team_rates["Enough answers to show"], "Participation"]) <= bands
    assert not set(team_rates.loc[~team_rates["Enough answers to show"], "Participation"]) & bands
    if viewer.role == Role.HR_PARTNER:
        assert set(team_rates["Org"]) <= set(viewer.orgs) and set(org_rates["Org"]) <= set(viewer.orgs)
    else:
        assert len(set(team_rates["Org"])) > 1


@pytest.mark.parametrize("user", ["exec", "employee"])
def test_live_participation_is_not_offered_to_executives_or_employees(app_db, user):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_as(user, "survey_waves")


def test_hr_partner_sees_their_orgs_teams_and_falls_back_with_a_note(app_db):
    con = duckdb.connect(str(app_db))
    mine = set(auth.viewer_for(con, "hr").orgs)
    con.close()
    at = app_as("hr", "survey_waves", timeout=120)
    at.radio(key="favourable_by").set_value("team").run()
    assert_no_exception(at)
    favourable = next(df.value for df in at.dataframe if SPLIT in df.value.columns)
    _reads_as_favourability(favourable)
    assert {g.split(" / ")[0] for g in favourable["Group"]} <= mine
    groups = at.selectbox(key="focus_group").options
    assert all(g == "Company" or g.split(" / ")[0] in mine for g in groups)
    # a team nobody of the sample answered for, or too small: every item falls back, and says so
    at.selectbox(key="focus_group").set_value(groups[-1]).run()
    assert_no_exception(at)
    grid = next(df.value for df in at.dataframe if "Where it falls" in df.value.columns)
    if (grid["Figures of"] != groups[-1]).any():
        assert any("too few answers in" in w.value for w in at.warning)


def test_employee_sees_company_favourability_and_a_reminder_of_their_own_open_wave(app_db):
    con = duckdb.connect(str(app_db))
    viewer = auth.viewer_for(con, "employee")
    open_before = reminders.unanswered_open_waves(con, viewer, date.today())
    con.close()
    at = app_as("employee", "pulse_survey", timeout=120)
    assert_no_exception(at)
    specs = " ".join(_charts(at))
    assert "Favourability per item" in specs
    table = next(df.value for df in at.dataframe if SPLIT in df.value.columns)
    _reads_as_favourability(table)
    assert "Group" not in table.columns  # company only, no group column
    banner = [i.value for i in at.info if "you have not answered it yet" in i.value]
    assert bool(banner) == bool(open_before)
    if open_before:
        assert open_before[0].title.split()[0] in banner[0]


def test_the_banner_follows_only_the_persons_own_submission(app_db):
    con = duckdb.connect(str(app_db))
    viewer = auth.viewer_for(con, "employee")
    today = date.today()
    waves = surveys.open_waves_for(con, viewer, today)
    if not waves:
        wave_id = surveys.ensure_demo_wave(con, today)
        assert wave_id is not None
        waves = surveys.open_waves_for(con, viewer, today)
    wave = waves[0]
    assert [w.wave_id for w in reminders.unanswered_open_waves(con, viewer, today)] == [wave.wave_id]
    answers = {q.question_id: (4 if q.kind == "likert5" else 8 if q.kind == "enps" else "")
               for q in surveys.wave_questions(con, wave.wave_id)}
    assert surveys.submit_response(con, viewer, wave.wave_id, answers, today=today).status == "accepted"
    assert reminders.unanswered_open_waves(con, viewer, today) == []
    con.close()
    at = app_as("employee", "pulse_survey", timeout=120)
    assert not [i.value for i in at.info if "you have not answered it yet" in i.value]


@pytest.mark.parametrize("user", ["admin", "exec", "hr"])
def test_morale_page_shows_favourability_beside_the_means(app_db, user):
    """Beside the theme heat map: favourability per theme of each group (the page's grouping and
    scope); beside the answer distributions: per question of the selection, with its chart."""
    con = duckdb.connect(str(app_db))
    viewer = auth.viewer_for(con, user)
    con.close()
    at = app_as(user, "morale", timeout=120)
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    titles = [chart_title(json.loads(c)) for c in _charts(at)]
    assert any(t.startswith("Favourability per question") for t in titles), titles
    frames = [df.value for df in at.dataframe if SPLIT in df.value.columns]
    themes, items = frames  # themes tab, then questions tab
    for frame in frames:
        _reads_as_favourability(frame)
    assert themes["Item"].str.startswith("Theme: ").all()
    assert (~items["Item"].str.startswith("Theme: ")).any()
    groups = set(themes["Group"])
    if viewer.whole_company:
        assert len(groups) > 1  # grouped by org, the page's default
    else:
        assert groups <= set(viewer.orgs)
    at.sidebar.radio(key="morale_by").set_value("team").run()
    assert_no_exception(at)
    themes = next(df.value for df in at.dataframe if SPLIT in df.value.columns)
    assert {g.split(" / ")[0] for g in themes["Group"]} <= (set(viewer.orgs) or {g.split(" / ")[0] for g in themes["Group"]})
    assert themes["Group"].str.contains(" / ").all()

