"""The drill-down's plain logic on the hand-made organisation (tests/people_data.py): the level
the filters describe, the breakdown at each level adding up to the one headcount, titles that
name the place, and clicks outside the viewer's options refused."""

from __future__ import annotations

from datetime import date

import pytest

from tests import people_data
from workforce import drill, people
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
HR = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
JUNE = Filters(end=date(2026, 6, 30))


con = pytest.fixture(scope="module", name="con")(people_data.connection)


def test_breakdown_adds_up_to_the_headcount_at_every_level(con):
    # 30 June: Alpha/A1 9 (M1, E4, A01–A06, E7 moved in on 1 June), Alpha/A2 1 (E1), Beta/B1 2 (M2, E3),
    # Gamma/G1 17, Exec/Office 1
    top = drill.headcount_breakdown(con, EXEC, JUNE)
    assert dict(zip(top["org"], top["headcount"], strict=True)) == {"Alpha": 10, "Beta": 2, "Exec": 1, "Gamma": 17}
    assert people.headcount_as_of(con, EXEC, JUNE) == people.HeadcountAsOf(date(2026, 6, 30), 30)
    alpha = JUNE.with_(orgs=("Alpha",))
    teams = drill.headcount_breakdown(con, EXEC, alpha)
    assert dict(zip(teams["team"], teams["headcount"], strict=True)) == {"A1": 9, "A2": 1}
    a1 = alpha.with_(teams=("A1",))
    levels = drill.headcount_breakdown(con, EXEC, a1)
    assert dict(zip(levels["level"], levels["headcount"], strict=True)) == {"IC3": 7, "IC4": 1, "M1": 1}
    assert people.headcount_as_of(con, EXEC, a1).people == 9
    # an HR partner of Alpha sees Alpha only; asking for Gamma (a forged filter) gets nothing of it
    assert list(drill.headcount_breakdown(con, HR, JUNE)["org"]) == ["Alpha"]
    assert drill.headcount_breakdown(con, HR, JUNE.with_(orgs=("Gamma",))).empty
    assert people.headcount_as_of(con, HR, JUNE.with_(orgs=("Gamma",))).people == 0


def test_levels_and_titles_name_what_is_shown():
    company = drill.drill_of(Filters(), whole_company=True)
    assert (company.by, company.place) == ("org", "the company")
    assert company.title("Headcount", "as of 30 Jun 2026") == "Headcount by org, as of 30 Jun 2026"
    team = drill.drill_of(Filters(orgs=("Alpha",), teams=("A1",)), whole_company=False)
    assert team.by == "level" and team.place == "Alpha / A1"
    assert team.title("Headcount", "as of 30 Jun 2026") == "Headcount in Alpha / A1 by job level, as of 30 Jun 2026"
    assert team.crumbs() == [("Your orgs", None, None), ("Alpha", "Alpha", None), ("A1", "Alpha", "A1")]
    assert drill.scoped_title("Morale index by wave (1–5)", team, "org") == \
        "Morale index by wave (1–5) in Alpha / A1, by org"
    several = drill.drill_of(Filters(orgs=("Alpha", "Beta")), whole_company=True)
    assert several.by == "org" and several.org is None  # two orgs: still split by org


def test_a_click_outside_the_options_is_refused():
    orgs, teams = ["Alpha"], [("Alpha", "A1"), ("Alpha", "A2")]
    assert drill.narrowed(Filters(), "org", "Alpha", orgs, teams) == Filters(orgs=("Alpha",))
    assert drill.narrowed(Filters(), "org", "Gamma", orgs, teams) is None
    alpha = Filters(orgs=("Alpha",))
    assert drill.narrowed(alpha, "team", "A2", orgs, teams) == Filters(orgs=("Alpha",), teams=("A2",))
    assert drill.narrowed(alpha, "team", "G1", orgs, teams) is None  # another org's team
    assert drill.narrowed(Filters(), "team", "A1", orgs, teams) is None  # a team without its org
    assert drill.narrowed(alpha, "level", "IC3", orgs, teams) is None  # the last level does not narrow
