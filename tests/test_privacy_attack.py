"""The attack suite: every figure the product releases, attacked together by exact linear algebra.

A solver (tests/privacy_attack.py) writes each released group as a 0/1 vector over the finest
cells of respondents and checks, exactly, that no group of 1 to minimum − 1 respondents lies in
the span of the released ones. It runs on companies built to be hard (small orgs under a small
company, teams of 1–6, withheld teams), at minimums 3, 4, 5 and 10, on the lattice and on what
the pages release from a database (every wave, filter and breakdown, and the Drivers explorer's
pooled team figures). Plus the findings of issue 13 as known-answer cases.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import schema
from tests import privacy_attack as attack
from workforce import overview, privacy, surveys
from workforce.privacy import PrivacyRules, Selection, build_lattice
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)


# ---------------------------------------------------------------------------------------------
# Finding 2: the org tree. A small org hidden, the next-smallest hidden as its complement, and
# that complement's teams visible: their sum is the complement, and company − shown orgs − it is
# the small org.

TREE = {"w1": {("A", "a1"): 6, ("A", "a2"): 6, ("B", "b1"): 4, ("C", "c1"): 30}}


def test_a_hidden_org_is_not_the_sum_of_its_visible_teams():
    con = attack.survey_db(TREE)
    by_org = privacy.survey_groups(con, ADMIN, "w1", by="org")
    assert set(by_org["group"]) == {"C"}  # B is small, A is hidden to protect it
    teams = privacy.survey_groups(con, ADMIN, "w1", by="team", orgs=["A"])
    assert len(teams) < 2  # both of A's teams shown would give A, and company − C − A = B
    both = privacy.survey_groups(con, ADMIN, "w1", teams=[("A", "a1"), ("A", "a2")])
    assert both["suppressed"].all()


@pytest.mark.parametrize("min_n", [3, 5])  # 4 and 10 run on the lattice below, on many companies
def test_no_small_group_follows_from_every_page_figure_of_a_hard_company(min_n):
    """Small orgs under a small company, teams of 1–6, a withheld team, three waves and the
    pooled team figures, attacked together."""
    waves = {
        "w1": {("A", "a1"): 6, ("A", "a2"): 6, ("B", "b1"): 4, ("C", "c1"): 12, ("C", "c2"): 3, ("C", None): 1},
        "w2": {("A", "a1"): 5, ("A", "a2"): 4, ("B", "b1"): 2, ("C", "c1"): 11, ("C", "c2"): 6},
        "w3": {("A", "a1"): 3, ("A", "a2"): 7, ("B", "b1"): 5, ("C", "c1"): 10, ("C", "c2"): 5, ("C", None): 2},
    }
    con = attack.survey_db(waves)
    assert attack.db_hidden_recovered(con, ADMIN, min_n) == []
    counts = dict(((w, o, t), n) for w, cells in waves.items() for (o, t), n in cells.items())
    assert counts  # the attack saw every wave


# ---------------------------------------------------------------------------------------------
# Finding 3: pooled figures. The explorer pooled every wave at full precision; pooled − visible
# waves gave the hidden wave.


def test_pooled_team_figures_pool_released_team_waves_only():
    waves = {"w1": {("A", "a1"): 8, ("A", "a2"): 8, ("B", "b1"): 20},
             "w2": {("A", "a1"): 3, ("A", "a2"): 9, ("B", "b1"): 20}}
    con = attack.survey_db(waves, seed=3)
    rules = PrivacyRules(5, 10)
    pooled = privacy.pooled_team_figures(con, ["A", "B"], rules=rules, today=date(2027, 1, 1)).set_index("team")
    # a1 is hidden in w2 (3 people): its pooled figure is its w1 figure, nothing of w2 in it
    w1 = privacy.survey_groups(con, ADMIN, "w1", teams=[("A", "a1")], rules=rules).iloc[0]
    assert pooled.loc["a1", "survey_waves"] == 1
    assert pooled.loc["a1", "morale"] == pytest.approx(float(w1["morale_index"]))
    assert pooled.loc["b1", "survey_waves"] == 2
    assert attack.db_hidden_recovered(con, ADMIN, 5) == []


def test_an_open_wave_is_not_pooled():
    waves = {"w1": {("A", "a1"): 8, ("B", "b1"): 8}, "w2": {("A", "a1"): 8, ("B", "b1"): 8}}
    con = attack.survey_db(waves)
    during_w2 = privacy.pooled_team_figures(con, ["A", "B"], today=attack.WAVE_DAYS["w2"][1])
    assert set(during_w2["survey_waves"]) == {1}


def test_the_explorer_table_stores_no_survey_figure():
    text = (Path(__file__).parents[1] / "analytics" / "sql" / "drivers_team_metrics.sql").read_text()
    assert "morale" not in text.split("WITH", 1)[1] and "survey" not in text.split("WITH", 1)[1]


# ---------------------------------------------------------------------------------------------
# Finding 4: level × tenure cells, rows that reveal which cells exist, unanimous answers.


def test_level_and_tenure_cuts_are_refused():
    con = attack.survey_db(TREE)
    for kwargs in ({"by": "level"}, {"by": "tenure_band"}, {"levels": ["IC3"]}, {"tenure_bands": ["<1y"]}):
        with pytest.raises(ValueError, match="level or tenure band"):
            privacy.survey_groups(con, ADMIN, "w1", **kwargs)


def test_a_breakdown_does_not_tell_a_hidden_group_from_an_empty_one():
    con = attack.survey_db({"w1": {("A", "a1"): 12, ("A", "a2"): 2, ("A", "a3"): 9, ("B", "b1"): 30}})
    teams = privacy.survey_groups(con, ADMIN, "w1", by="team", orgs=["A"])
    assert not teams["suppressed"].any()  # released rows only: a2 (2 people) is absent like a team nobody is in
    alone = privacy.survey_groups(con, ADMIN, "w1", teams=[("A", "a2")])
    nobody = privacy.survey_groups(con, ADMIN, "w1", teams=[("A", "zz")])
    assert alone.drop(columns="group").equals(nobody.drop(columns="group"))


def test_unanimous_and_all_but_one_distributions_are_withheld():
    def question(qid, answers):
        n = sum(answers.values())
        return [{"question_id": qid, "answer": a, "answers": k, "respondents": n} for a, k in answers.items()]

    frame = pd.DataFrame(question("unanimous", {4: 7}) + question("all_but_one", {4: 6, 2: 1})
                         + question("spread", {4: 5, 2: 2}) + question("too_few", {4: 2, 3: 2}))
    out = privacy.release_distribution(frame, 5)
    assert set(out["question_id"]) == {"spread"}
    assert "answers" not in out.columns  # exact answer counts stay in the layer
    assert out["share"].tolist() == [0.71, 0.29]


def test_a_distribution_whose_difference_with_a_wider_one_is_unanimous_is_withheld():
    # org A: 6 answers spread; the company: A plus 6 people who all answered 5
    inner = pd.DataFrame({"question_id": ["q"] * 3, "answer": [2, 3, 4], "answers": [2, 2, 2], "respondents": [6] * 3})
    company = pd.DataFrame({"question_id": ["q"] * 4, "answer": [2, 3, 4, 5], "answers": [2, 2, 2, 6],
                            "respondents": [12] * 4})
    assert len(privacy.release_distribution(inner, 5)) == 3
    assert privacy.release_distribution(inner, 5, [company]).empty  # company − A: six 5s
    spread = company.assign(answers=[3, 3, 3, 3])
    assert len(privacy.release_distribution(inner, 5, [spread])) == 3


# ---------------------------------------------------------------------------------------------
# Finding 5: live participation and the Overview's counters.


def _live_company(tmp_path):
    con = attack.survey_db({"w1": {("A", "a1"): 6, ("B", "b1"): 2}})
    con.execute("CREATE TABLE int_assignments (employee_id VARCHAR, org VARCHAR, team VARCHAR, valid_from DATE, "
                "valid_to DATE)")
    con.executemany("INSERT INTO int_assignments VALUES (?, ?, ?, DATE '2020-01-01', NULL)",
                    [(f"E{i}", "A" if i < 20 else "B", "a1" if i < 20 else "b1") for i in range(30)])
    con.execute("UPDATE stg_survey_waves SET closes_on = DATE '2026-01-20'")
    return con


def test_live_participation_is_a_daily_band_for_groups_of_five_or_more(tmp_path):
    con = _live_company(tmp_path)
    today = date(2026, 1, 5)
    before = surveys.response_rates(con, ADMIN, "w1", today).set_index("org")
    assert "respondents" not in before.columns
    assert before.loc["A", "participation"] == "25–49%"  # 6 of 20
    assert not before.loc["B", "shown"] and "too few" in before.loc["B", "participation"]
    # a submission today changes nothing until tomorrow, and then only a band
    con.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                "source) VALUES ('new', 'w1', 'knew', ?, 'B', 'b1', 'app')", [datetime(2026, 1, 5)])  # stored as the day only
    assert surveys.response_rates(con, ADMIN, "w1", today).equals(before.reset_index())
    later = surveys.response_rates(con, ADMIN, "w1", today + timedelta(days=1)).set_index("org")
    assert later.loc["B", "participation"] == before.loc["B", "participation"]  # 3 < 5: still too few


def test_overview_survey_counts_do_not_move_with_an_open_wave(tmp_path):
    con = _live_company(tmp_path)
    before = overview.rows_per_table(con, date(2026, 1, 5)).set_index("table")["rows"]
    con.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                "source) VALUES ('new', 'w1', 'knew', ?, 'A', 'a1', 'app')", [datetime(2026, 1, 5)])  # stored as the day only
    con.execute("INSERT INTO stg_survey_answers VALUES ('new', 'm1', 3, NULL), ('new', 'c1', NULL, 'hi')")
    after = overview.rows_per_table(con, date(2026, 1, 5)).set_index("table")["rows"]
    assert after.equals(before)
    closed = overview.rows_per_table(con, date(2026, 2, 1)).set_index("table")["rows"]
    assert closed["survey_responses (submissions)"] == 9


# ---------------------------------------------------------------------------------------------
# Finding 6 (rounding and banding) and storage.


def test_released_means_are_rounded_and_small_counts_banded():
    con = attack.survey_db({"w1": {("A", "a1"): 7, ("A", "a2"): 13, ("B", "b1"): 31}}, seed=5)
    rows = privacy.survey_groups(con, ADMIN, "w1", by="team").set_index("group")
    assert rows.loc["A / a1", "respondents_band"] == "5–9" and rows.loc["A / a1", "respondents"] == 5
    assert rows.loc["A / a2", "respondents_band"] == "10–19" and rows.loc["A / a2", "respondents"] == 10
    assert rows.loc["B / b1", "respondents"] == 31
    for value in rows["morale_index"]:
        assert value == round(value, 2)
    for value in rows["enps"]:
        assert value == round(value)


def test_a_lattice_an_earlier_version_stored_is_dropped_by_the_rebuild():
    con = attack.survey_db(TREE)
    con.execute("CREATE TABLE mart_survey_lattice (counts BLOB)")  # as schema 2 left it
    con.execute("CREATE OR REPLACE TABLE app_meta AS SELECT * FROM (VALUES ('schema_version', '2'), "
                "('data_version', 'loaded by schema 2')) AS t(key, value)")
    privacy.survey_groups(con, ADMIN, "w1", by="team")  # reading figures writes no lattice
    lattices = "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%lattice%'"
    assert con.execute(lattices).fetchall() == [("mart_survey_lattice",)]
    assert schema.rebuild_if_stale(con) is not None
    assert con.execute(lattices).fetchall() == []


def test_a_withheld_team_counts_in_its_org_and_is_never_a_cell():
    # one person of A has a withheld team: A (13) − a1 (6) − a2 (6) would be that person
    atoms = pd.DataFrame([("A", "a1", 6), ("A", "a2", 6), ("A", None, 1), ("B", "b1", 20)],
                         columns=["org", "team", "n"])
    lattice = build_lattice(atoms, 5)
    assert lattice.visible(Selection(("A",)))
    assert not (lattice.visible(Selection(("A",), (("A", "a1"),))) and lattice.visible(Selection(("A",), (("A", "a2"),))))
    atoms = atoms.assign(level=None, tenure_band=None)
    assert attack.recovered_small_groups(atoms, 5) == []


# ---------------------------------------------------------------------------------------------
# Generated companies and random org trees.


@pytest.mark.parametrize("min_n", [3, 4, 5, 10])
def test_generated_hard_companies(min_n):
    for seed in range(25):
        atoms = attack.hard_company(seed)
        assert attack.recovered_small_groups(atoms, min_n) == [], seed
        assert attack.released_below_minimum(atoms, min_n) == [], seed


@st.composite
def org_trees(draw):
    rows = []
    for o in range(draw(st.integers(1, 4))):
        for t in range(draw(st.integers(1, 4))):
            team = None if draw(st.integers(0, 9)) == 0 else f"t{t}"
            rows.append((f"O{o}", team, None, None, draw(st.integers(1, 12))))
    atoms = pd.DataFrame(rows, columns=["org", "team", "level", "tenure_band", "n"])
    atoms = atoms.groupby(["org", "team"], dropna=False, as_index=False).agg(
        level=("level", "first"), tenure_band=("tenure_band", "first"), n=("n", "sum"))
    atoms["team"] = atoms["team"].astype(object).where(atoms["team"].notna(), None)
    return atoms


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(atoms=org_trees(), min_n=st.sampled_from([3, 4, 5, 10]))
def test_random_org_trees_release_no_small_group(atoms, min_n):
    assert attack.recovered_small_groups(atoms, min_n) == []
    assert attack.released_below_minimum(atoms, min_n) == []


# ---------------------------------------------------------------------------------------------
# Live participation per team (issue 17): the bands of an org and its teams, of the company and
# its orgs, and of one team on two days, attacked together as ranges of respondent counts.

LIVE_DAY = date(2026, 1, 6)  # counts the submissions of 5 January


def _live_days(con, days):
    return [surveys.live_rates(con, ADMIN, "w1", day) for day in days]


def test_an_org_band_less_its_team_bands_does_not_give_away_a_small_team():
    # A: 14 of a1's 20 answered (50–74%), all 4 of a2 (too few to show); A as a whole 18 of 24
    # (75% or more). From A's band and a1's, a2 answered 18 − 14 = 4 of 4: each of them answered.
    con = attack.live_company({("A", "a1"): (20, 14), ("A", "a2"): (4, 4), ("B", "b1"): (30, 10)})
    rows = surveys.live_rates(con, ADMIN, "w1", LIVE_DAY)
    assert attack.live_given_away([rows], 5) == []
    by_group = rows.set_index(["org", rows["team"].fillna("")])
    assert by_group.loc[("A", ""), "participation"] == "75% or more"  # the org's band stays
    assert not by_group.loc[("A", "a1"), "shown"]  # a1's band would give a2 away
    assert by_group.loc[("B", "b1"), "participation"] == "25–49%"  # a team alone in its org: nothing to take away


def test_a_complete_team_of_five_is_not_shown():
    con = attack.live_company({("A", "a1"): (5, 5), ("A", "a2"): (40, 12)})
    rows = surveys.live_rates(con, ADMIN, "w1", LIVE_DAY)
    assert attack.live_given_away([rows], 5) == []
    assert not rows.loc[rows["team"] == "a1", "shown"].iloc[0]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_live_bands_never_tell_whether_someone_answered(data):
    """Random companies of 1–3 orgs with teams of 1–24 people, answers on two days: the org and team
    bands of both days, with the "All orgs" band, leave every group's answering in doubt, and HR
    partners get their own orgs' rows only."""
    teams = {}
    for o in range(data.draw(st.integers(1, 3))):
        for t in range(data.draw(st.integers(1, 4))):
            size = data.draw(st.integers(1, 24))
            teams[(f"O{o}", f"O{o}t{t}")] = (size, data.draw(st.integers(0, size)))
    con = attack.live_company(teams)
    for (org, team), (size, answered) in teams.items():
        later = data.draw(st.integers(0, size - answered))
        if later:
            attack.answer_live(con, org, team, later, LIVE_DAY)
    days = _live_days(con, [LIVE_DAY, LIVE_DAY + timedelta(days=1)])
    assert attack.live_given_away(days, 5) == []
    hr = Viewer("hr", Role.HR_PARTNER, frozenset({"O0"}))
    mine = surveys.live_rates(con, hr, "w1", LIVE_DAY)
    assert set(mine["org"]) == {"O0"}
    assert "respondents" not in mine.columns
