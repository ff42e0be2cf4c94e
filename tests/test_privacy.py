"""The confidentiality layer: minimum group sizes and differencing protection.

Property-based (hypothesis) over random org trees, respondent mixes and filter combinations:
no displayed cell rests on fewer than the minimum, and no two displayed groups, one inside the
other, differ by a group below it. Plus known-answer cases and the DB-backed query functions.
"""

from __future__ import annotations

import itertools
from datetime import datetime

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.survey_helpers import build_survey_marts
from workforce import privacy, surveys
from workforce.privacy import ALL, PrivacyRules, Selection, build_lattice, suppress
from workforce.viewer import Role, ScopeError, Viewer

MIN = 5

# ---------------------------------------------------------------------------------------------
# suppress(): table-level primary + complementary suppression


def _line_hidden_totals(out: pd.DataFrame, counts: pd.Series, group_cols: list[str]):
    for col in group_cols:
        others = [c for c in group_cols if c != col]
        groups = out.groupby(others).groups.values() if others else [out.index]
        for idx in groups:
            hidden = out.loc[idx, "suppressed"] & (counts[idx] > 0)
            # empty cells hold nobody: a line is "all hidden" when every non-empty cell is
            yield counts[idx][hidden].sum(), hidden.sum(), (hidden | (counts[idx] == 0)).all()


def test_suppress_hides_small_cell_and_its_next_smallest_sibling():
    df = pd.DataFrame({"org": ["A", "B", "C", "D"], "n": [3, 20, 8, 40], "score": [4.0, 3.0, 2.5, 3.5]})
    out = suppress(df, ["org"], "n", 5)
    assert out["suppressed"].tolist() == [True, False, True, False]  # C is the next-smallest
    assert out["score"].isna().tolist() == [True, False, True, False]
    assert out["n"].isna().tolist() == [True, False, True, False]


def test_suppress_keeps_hiding_until_hidden_total_reaches_minimum():
    df = pd.DataFrame({"team": ["a", "b", "c", "d"], "n": [1, 1, 6, 30]})
    out = suppress(df, ["team"], "n", 5)
    # a+b = 2 < 5 would still give away a pair of people: c joins them.
    assert out["suppressed"].tolist() == [True, True, True, False]


def test_suppress_counts_an_uncovered_rest_of_the_parent_as_hidden():
    df = pd.DataFrame({"org": ["A", "B"], "n": [10, 12]})
    assert not suppress(df, ["org"], "n", 5, parent_total=22)["suppressed"].any()
    # 3 respondents without an org: parent − A − B would reveal them, so one more cell goes.
    assert suppress(df, ["org"], "n", 5, parent_total=25)["suppressed"].tolist() == [True, False]


def test_suppress_does_nothing_to_a_table_of_large_cells():
    df = pd.DataFrame({"org": ["A", "B"], "level": ["x", "y"], "n": [5, 9]})
    assert not suppress(df, ["org", "level"], "n", 5)["suppressed"].any()


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 5),
    st.integers(1, 4),
    st.data(),
)
def test_suppress_property_two_way_tables(n_rows, n_cols, data):
    rows = [f"r{i}" for i in range(n_rows)]
    cols = [f"c{j}" for j in range(n_cols)]
    cells = [
        {"org": r, "level": c, "n": data.draw(st.integers(0, 20)), "score": 3.0}
        for r, c in itertools.product(rows, cols)
    ]
    df = pd.DataFrame(cells)
    out = suppress(df, ["org", "level"], "n", MIN)
    counts = df["n"]
    shown = ~out["suppressed"]
    assert (counts[shown & (counts > 0)] >= MIN).all()
    assert out.loc[out["suppressed"], "score"].isna().all()
    for hidden_total, n_hidden, all_hidden in _line_hidden_totals(out, counts, ["org", "level"]):
        # a line whose cells are all hidden cannot give anything away by subtraction
        assert all_hidden or hidden_total == 0 or (hidden_total >= MIN and n_hidden >= 2)


# ---------------------------------------------------------------------------------------------
# The lattice: every reachable filter combination


@st.composite
def org_trees(draw):
    """Respondents spread over a random org tree, levels and tenure bands."""
    n_orgs = draw(st.integers(1, 3))
    levels = ["IC3", "IC5", "M1"][: draw(st.integers(1, 3))]
    bands = ["<1y", "2-5y"][: draw(st.integers(1, 2))]
    rows = []
    for o in range(n_orgs):
        for t in range(draw(st.integers(1, 3))):
            for lv, b in itertools.product(levels, bands):
                n = draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12]))
                if n:
                    rows.append({"org": f"O{o}", "team": f"T{t}", "level": lv, "tenure_band": b, "n": n})
    if not rows:
        rows.append({"org": "O0", "team": "T0", "level": "IC3", "tenure_band": "<1y", "n": 1})
    return pd.DataFrame(rows)


def _members(atoms: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent, with an id, so groups become sets."""
    people = atoms.loc[atoms.index.repeat(atoms["n"])].reset_index(drop=True)
    people["rid"] = range(len(people))
    return people


def _members_of(people: pd.DataFrame, sel: Selection) -> frozenset[int]:
    mask = pd.Series(True, index=people.index)
    if sel.orgs:
        mask &= people["org"].isin(sel.orgs)
    if sel.teams:
        mask &= pd.Series(list(zip(people["org"], people["team"], strict=True)), index=people.index).isin(sel.teams)
    return frozenset(people.loc[mask, "rid"])


def _subsets(values: list, k_max: int = 2) -> list[tuple]:
    out: list[tuple] = [()]
    for k in range(1, min(k_max, len(values)) + 1):
        out += list(itertools.combinations(values, k))
    return out


def _all_selections(atoms: pd.DataFrame) -> list[Selection]:
    """Every filter combination a viewer could ask: any ≤2 orgs or teams (level and tenure band
    filters are refused by the layer)."""
    orgs = sorted(atoms["org"].unique())
    teams = sorted(set(zip(atoms["org"], atoms["team"], strict=True)))
    return [Selection(orgs=o) for o in _subsets(orgs)] + [Selection(teams=t) for t in _subsets(teams) if t]


# Every pair of shown groups is compared, so each example is costly; 30 random trees per run
# (a 1,500-example run passed when this was written).
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org_trees(), st.sampled_from([3, 5, 7]))
def test_no_displayed_group_is_small_or_differs_from_another_by_a_small_group(atoms, min_n):
    lattice = build_lattice(atoms, min_n)
    people = _members(atoms)
    shown = {}
    for sel in _all_selections(atoms):
        if lattice.visible(sel):
            members = _members_of(people, sel)
            assert len(members) >= min_n, sel
            shown[members] = sel
    # also every breakdown a page can ask for: rows of `by` within any filter
    groups = list(shown)
    for a, b in itertools.permutations(groups, 2):
        if a < b:
            gap = len(b - a)
            assert gap >= min_n, (shown[a], shown[b], gap)


def test_company_less_a_team_of_a_hidden_org_is_not_a_small_group():
    """Found by the property test above: O0 (4) and O1 (1) are hidden, so the company line holds;
    O0's team T1 (3) was released under its hidden org, and company − T1 = 2 people (O0/T0 and
    O1/T0), across two levels the line rules look at one at a time."""
    atoms = pd.DataFrame({"org": ["O0", "O0", "O1"], "team": ["T0", "T1", "T0"], "level": "IC3",
                          "tenure_band": "<1y", "n": [1, 3, 1]})
    lattice = build_lattice(atoms, 3)
    assert lattice.visible(Selection())
    assert not lattice.visible(Selection(teams=(("O0", "T1"),)))


def test_lattice_known_answer_small_team_takes_a_sibling_with_it():
    atoms = pd.DataFrame(
        [
            {"org": "A", "team": "big", "level": "IC3", "tenure_band": "<1y", "n": 30},
            {"org": "A", "team": "mid", "level": "IC3", "tenure_band": "<1y", "n": 9},
            {"org": "A", "team": "tiny", "level": "IC3", "tenure_band": "<1y", "n": 2},
        ]
    )
    lattice = build_lattice(atoms, 5)
    assert lattice.visible(Selection(teams=(("A", "big"),)))
    assert not lattice.visible(Selection(teams=(("A", "tiny"),)))
    # otherwise org A − big − mid = tiny
    assert not lattice.visible(Selection(teams=(("A", "mid"),)))
    assert not lattice.visible(Selection(teams=(("A", "big"), ("A", "mid"))))
    assert lattice.visible(Selection(orgs=("A",)))


def test_filter_values_cannot_name_a_rolled_up_cell():
    with pytest.raises(ValueError):
        Selection(orgs=(ALL,))
    with pytest.raises(ValueError):
        Selection(teams=(("A", ALL),))


def test_rules_refuse_minimums_that_would_weaken_the_product_rule():
    with pytest.raises(ValueError):
        PrivacyRules(min_scores=2)
    with pytest.raises(ValueError):
        PrivacyRules(min_scores=5, min_comments=4)


# ---------------------------------------------------------------------------------------------
# DB-backed functions on hand-made survey tables with known answers


def _survey_db(team_sizes: dict[tuple[str, str], int]) -> duckdb.DuckDBPyConnection:
    """A wave 'w1' with one morale question (answer 4 in org A, 2 elsewhere), eNPS and a comment."""
    con = duckdb.connect()
    surveys.ensure_tables(con)
    con.execute("CREATE TABLE stg_job_history (org VARCHAR)")
    con.execute(
        "INSERT INTO stg_survey_waves VALUES ('w1', 'Wave 1', DATE '2026-01-01', DATE '2026-01-14', NULL, 'file', NULL, NULL)"
    )
    con.executemany(
        "INSERT INTO stg_survey_questions VALUES ('w1', ?, ?, ?, ?, ?)",
        [("m1", "I feel good", "likert5", "morale", 1), ("e1", "Recommend?", "enps", "intent_to_stay", 2),
         ("c1", "Anything else?", "text", "morale", 3)],
    )
    i = 0
    for (org, team), n in team_sizes.items():
        con.execute("INSERT INTO stg_job_history VALUES (?)", [org])
        for _ in range(n):
            i += 1
            rid = f"r{i}"
            con.execute(
                "INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                "level, tenure_band, source) VALUES (?, 'w1', ?, ?, ?, ?, 'IC3', '1-2y', 'file')",
                [rid, f"k{i}", datetime(2026, 1, 2), org, team],
            )
            con.execute("INSERT INTO stg_survey_answers VALUES (?, 'm1', ?, NULL)", [rid, 4.0 if org == "A" else 2.0])
            con.execute("INSERT INTO stg_survey_answers VALUES (?, 'e1', ?, NULL)", [rid, 10.0 if i % 2 else 5.0])
            con.execute("INSERT INTO stg_survey_answers VALUES (?, 'c1', NULL, ?)", [rid, f"comment {i} from {team}"])
    build_survey_marts(con)  # as the load does
    return con


ADMIN = Viewer("admin", Role.ADMIN)
HR_A = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"A"}))
EMPLOYEE = Viewer("emp", Role.EMPLOYEE, employee_id="E1")


def test_survey_groups_known_answers_and_suppression():
    con = _survey_db({("A", "a1"): 12, ("A", "a2"): 6, ("B", "b1"): 3, ("C", "c1"): 20})
    by_org = privacy.survey_groups(con, ADMIN, "w1", by="org").set_index("group")
    # B (3) is below 5; A (18) is the next-smallest org, hidden with it so B is not company − A − C.
    # A breakdown lists released groups only.
    assert list(by_org.index) == ["C"] and not by_org["suppressed"].any()
    assert by_org.loc["C", "respondents"] == 20
    assert by_org.loc["C", "morale_index"] == pytest.approx(2.0)
    assert privacy.survey_groups(con, ADMIN, "w1", orgs=["A"]).iloc[0]["suppressed"]
    # A is hidden: showing both its teams would give it, so its smaller team goes too
    by_team = privacy.survey_groups(con, ADMIN, "w1", by="team", orgs=["A"]).set_index("group")
    assert list(by_team.index) == ["A / a1"]
    assert by_team.loc["A / a1", "respondents"] == 10 and by_team.loc["A / a1", "respondents_band"] == "10–19"
    assert by_team.loc["A / a1", "morale_index"] == pytest.approx(4.0)
    company = privacy.survey_groups(con, ADMIN, "w1").iloc[0]
    assert company["respondents"] == 41 and not company["suppressed"]
    # eNPS: odd-numbered respondents are promoters (10), even are detractors (5); whole points
    assert company["enps"] == round(100 * (21 - 20) / 41)


def test_hr_partner_is_scoped_and_cannot_probe_another_org():
    con = _survey_db({("A", "a1"): 12, ("A", "a2"): 6, ("B", "b1"): 30})
    out = privacy.survey_groups(con, HR_A, "w1", by="team")
    assert set(out["group"]) == {"A / a1", "A / a2"}
    with pytest.raises(ScopeError):
        privacy.survey_groups(con, HR_A, "w1", orgs=["B"])
    with pytest.raises(ScopeError):
        privacy.survey_groups(con, HR_A, "w1", teams=[("B", "b1")])
    with pytest.raises(ScopeError):
        privacy.survey_groups(con, EMPLOYEE, "w1", by="org")
    with pytest.raises(ScopeError):
        privacy.survey_groups(con, EMPLOYEE, "w1", orgs=["A"])


def test_comments_need_the_larger_minimum():
    con = _survey_db({("A", "a1"): 12, ("B", "b1"): 30})
    rules = PrivacyRules(5, 10)
    assert len(privacy.visible_comments(con, ADMIN, "w1", orgs=["A"], rules=rules)) == 12
    strict = PrivacyRules(5, 13)
    assert privacy.visible_comments(con, ADMIN, "w1", orgs=["A"], rules=strict).empty
    # order is not submission order
    comments = privacy.visible_comments(con, ADMIN, "w1", rules=rules)["comment"].tolist()
    assert comments != sorted(comments, key=lambda c: int(c.split()[1]))


def test_configured_minimum_is_read_from_app_meta():
    con = _survey_db({("A", "a1"): 6, ("B", "b1"): 30})
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    assert not privacy.survey_groups(con, ADMIN, "w1", orgs=["A"]).iloc[0]["suppressed"]
    con.execute("INSERT INTO app_meta VALUES ('privacy_min_scores', '7')")
    assert privacy.current_rules(con).min_scores == 7
    assert privacy.survey_groups(con, ADMIN, "w1", orgs=["A"]).iloc[0]["suppressed"]
