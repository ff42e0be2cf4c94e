"""Favourability and focus areas on generated data: planted shares, changes, gaps and drivers are
recovered; the change interval is Newcombe's (checked against statsmodels); charts build."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from tests.favourability_data import ITEM_IDS, TODAY, bucket_answer, build, observed
from workforce import favourability, focus_areas
from workforce.charts.favourability import favourability_chart, focus_chart
from workforce.viewer import Role, ScopeError, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EMPLOYEE = Viewer("someone", Role.EMPLOYEE, employee_id="E1")


def test_newcombe_interval_matches_statsmodels():
    rng = random.Random(3)
    for _ in range(200):
        n1, n2 = rng.randint(5, 400), rng.randint(5, 400)
        x1, x2 = rng.randint(0, n1), rng.randint(0, n2)
        ours = favourability.newcombe_difference(x1, n1, x2, n2)
        theirs = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
        assert ours == pytest.approx(tuple(float(v) for v in theirs), abs=1e-9)
    assert favourability.change_label(0.01, 0.2) == "up"
    assert favourability.change_label(-0.2, -0.01) == "down"
    assert favourability.change_label(-0.05, 0.1) == favourability.NO_CLEAR_CHANGE


# Planted: org A's items are 60% favourable in w1 and 35% in w2; org B's stay at 50%.
PLANTED = {("w1", "A"): 0.60, ("w2", "A"): 0.35, ("w1", "B"): 0.50, ("w2", "B"): 0.50}
PER_ORG = 250


def planted_company(seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for (wave, org), p in PLANTED.items():
        for i in range(PER_ORG):
            team = f"{org.lower()}{i % 2 + 1}" if org == "A" else "b1"
            rows.append({"wave_id": wave, "org": org, "team": team,
                         **{q: bucket_answer(rng, p) for q in ITEM_IDS}})
    return pd.DataFrame(rows)


def test_recovers_planted_favourability_change_and_gap_across_seeds():
    covered = down = steady = 0
    seeds = range(10)
    for seed in seeds:
        con = build(planted_company(seed))
        table = favourability.favourability(con, ADMIN, "w2", by="org", today=TODAY)
        company = favourability.favourability(con, ADMIN, "w2", today=TODAY)
        for org in ("A", "B"):
            row = table[(table["group"] == org) & (table["question_id"] == "M1")].iloc[0]
            fav, n = observed(con, "w2", "M1", orgs=[org])
            assert row["favourable"] == round(100 * fav / n)  # the figure is the data's, rounded once
            assert abs(row["favourable"] - 100 * PLANTED[("w2", org)]) <= 10
            before, n_before = observed(con, "w1", "M1", orgs=[org])
            low, high = confint_proportions_2indep(fav, n, before, n_before, method="newcomb", compare="diff")
            assert (row["change_low"], row["change_high"]) == (round(100 * low), round(100 * high))
            truth = 100 * (PLANTED[("w2", org)] - PLANTED[("w1", org)])
            if org == "A":
                covered += row["change_low"] <= truth <= row["change_high"]
                down += row["change_label"] == "down"
            else:
                steady += row["change_label"] == favourability.NO_CLEAR_CHANGE
            # the gap to the company is the difference of the two figures shown
            whole = company[company["question_id"] == "M1"].iloc[0]
            assert row["parent"] == "Company" and row["gap"] == row["favourable"] - whole["favourable"]
            assert abs(row["gap"] - 100 * (PLANTED[("w2", org)] - 0.425)) <= 10
        # a theme pools its items: morale = A1 + A2
        theme = table[(table["group"] == "A") & (table["kind"] == "theme") & (table["theme"] == "morale")].iloc[0]
        counts = [observed(con, "w2", q, orgs=["A"]) for q in ("A1", "A2")]
        assert theme["favourable"] == round(100 * sum(c[0] for c in counts) / sum(c[1] for c in counts))
        assert theme["mean"] is not pd.NA and 1 <= theme["mean"] <= 5
    assert covered >= 8 and down == len(seeds) and steady >= 8, (covered, down, steady)


def test_gap_to_the_teams_org_and_scope_rules():
    con = build(planted_company(1))
    teams = favourability.favourability(con, ADMIN, "w2", by="team", against="org", today=TODAY)
    orgs = favourability.favourability(con, ADMIN, "w2", by="org", today=TODAY)
    row = teams[(teams["group"] == "A / a1") & (teams["question_id"] == "W1")].iloc[0]
    org_row = orgs[(orgs["group"] == "A") & (orgs["question_id"] == "W1")].iloc[0]
    assert row["parent"] == "A" and row["gap"] == row["favourable"] - org_row["favourable"]
    hr = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"B"}))
    assert set(favourability.favourability(con, hr, "w2", by="team", today=TODAY)["group"]) == {"B / b1"}
    with pytest.raises(ScopeError):
        favourability.favourability(con, hr, "w2", orgs=["A"], today=TODAY)
    with pytest.raises(ScopeError):
        favourability.favourability(con, EMPLOYEE, "w2", by="org", today=TODAY)
    mine = favourability.favourability(con, EMPLOYEE, "w2", today=TODAY)
    assert set(mine["group"]) == {"Company"}
    first = favourability.favourability(con, ADMIN, "w1", today=TODAY)
    assert first["change"].isna().all() and (first["change_label"] == "not shown in the previous wave").all()


def driver_company(seed: int, teams: int = 10, per_team: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each respondent has a latent morale z. A1, A2 (morale), M1 (manager) and S1 (stay) follow z;
    W1 (workload) is independent of it and answered favourably. M1 is answered unfavourably on
    the whole. Teams differ in their mean z; a team's voluntary exits fall as its M1 rises."""
    rng = np.random.default_rng(seed)
    rows, exits = [], []
    for t in range(teams):
        shift = (t - teams / 2) / teams
        org, team = ("X" if t % 2 else "Y"), f"t{t}"
        z = rng.normal(shift, 1.0, per_team)

        def likert(mean, spread=0.6):
            return np.clip(np.rint(mean + rng.normal(0, spread, per_team)), 1, 5)

        frame = pd.DataFrame({"wave_id": "w2", "org": org, "team": team, "A1": likert(3 + z), "A2": likert(3 + z),
                              "M1": likert(2.3 + 0.9 * z), "S1": likert(3 + 0.8 * z), "W1": likert(4.0, 0.9)})
        rows.append(frame)
        exits.append({"org": org, "team": team, "attrition": 0.3 - 0.1 * shift + rng.normal(0, 0.01),
                      "person_months": 400})
    answers = pd.concat(rows, ignore_index=True)
    previous = answers.assign(wave_id="w1")
    return pd.concat([previous, answers], ignore_index=True), pd.DataFrame(exits)


def test_focus_areas_find_the_planted_driver_and_place_it_in_plain_words():
    hits = 0
    for seed in range(5):
        answers, exits = driver_company(seed)
        con = build(answers)
        grid, sentence = focus_areas.focus_areas(con, ADMIN, "w2", "Company", "morale_index", today=TODAY)
        assert "without that item" in sentence
        by_item = grid.set_index("question_id")
        assert by_item.loc["M1", "relation"] > 0.4 and abs(by_item.loc["W1", "relation"]) < 0.15
        hits += by_item.loc["M1", "quadrant"] == "focus here" and by_item.loc["W1", "quadrant"] == "lower priority"
        # intent to stay: S1 is the outcome itself, so it has no relation to itself
        stay, _ = focus_areas.focus_areas(con, ADMIN, "w2", "Company", "intent_to_stay", today=TODAY)
        assert "S1" not in set(stay["question_id"]) and stay.set_index("question_id").loc["M1", "relation"] > 0.3
        # voluntary exits: teams whose M1 is more favourable lose fewer people
        con.register("exits_frame", exits)
        con.execute("CREATE TABLE mart_drivers_team_metrics AS SELECT * FROM exits_frame")
        leave, how = focus_areas.focus_areas(con, ADMIN, "w2", "Company", "voluntary_exits", today=TODAY)
        assert "fewer exits" in how
        assert leave.set_index("question_id").loc["M1", "relation"] > 0.5
        assert set(grid["quadrant"]) <= set(focus_areas.QUADRANTS)
        assert focus_chart(grid, "Morale index").to_dict()
    assert hits >= 4


def test_a_team_with_too_few_answers_falls_back_to_its_org_and_says_so():
    answers, _ = driver_company(0)
    small = answers[(answers["team"] == "t1")].head(3).assign(team="tiny")  # 3 people in org X's team "tiny"
    con = build(pd.concat([answers, small], ignore_index=True))
    assert "X / tiny" in focus_areas.focus_groups(con, ADMIN)
    grid, _ = focus_areas.focus_areas(con, ADMIN, "w2", "X / tiny", "morale_index", today=TODAY)
    assert not grid.empty and (grid["shown_for"] == "X").all()
    assert grid["note"].str.contains("too few answers in X / tiny").all()
    whole, _ = focus_areas.focus_areas(con, ADMIN, "w2", "X", "morale_index", today=TODAY)
    assert list(grid["favourable"]) == list(whole["favourable"])
    hr = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"Y"}))
    with pytest.raises(ScopeError):
        focus_areas.focus_areas(con, hr, "w2", "X / tiny", "morale_index", today=TODAY)
    with pytest.raises(ScopeError):
        focus_areas.focus_areas(con, EMPLOYEE, "w2", "X", "morale_index", today=TODAY)


def test_an_open_wave_shows_no_favourability():
    con = build(planted_company(0))
    with pytest.raises(ScopeError):
        favourability.favourability(con, ADMIN, "w2", today=favourability.closed_waves(con, TODAY)["closes_on"].iloc[-1])


def test_favourability_chart_builds():
    con = build(planted_company(2))
    table = favourability.favourability(con, ADMIN, "w2", today=TODAY)
    spec = favourability_chart(table).to_dict()
    assert spec["title"] == "Favourability per item (% of answers)"
