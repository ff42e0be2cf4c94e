"""Confidentiality of favourability and focus areas: an attacker who collects every figure these
release (every wave, breakdown, comparison, filter of orgs, and role) and treats each released
group's bucket counts as exactly known (more than the rounded shares they get) can derive no
group's distribution that the rules would withhold: none below the minimum, none where all or all
but one answered alike. Style and solver: tests/privacy_attack.py."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pandas as pd
import pytest

from tests.favourability_data import ITEM_IDS, TODAY, build
from tests.privacy_attack import Span
from workforce import favourability, focus_areas, privacy
from workforce.privacy.items import BUCKETS, _release_item, fails, released_item_counts
from workforce.privacy.lattice import ALL
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EMPLOYEE = Viewer("someone", Role.EMPLOYEE, employee_id="E1")


def tricky_company(seed: int) -> pd.DataFrame:
    """Two waves; 2–4 orgs of 1–4 teams of 1–9 respondents, some with a withheld team; about a
    third of the teams answer every item alike (unanimous), others all but one alike, the rest at
    random; some items skipped."""
    rng = random.Random(seed)
    rows = []
    for wave in ("w1", "w2"):
        for o in range(rng.randint(2, 4)):
            org = f"O{o}"
            for t in range(rng.randint(1, 4)):
                team, size, kind = f"{org}t{t}", rng.randint(1, 9), rng.choice(("alike", "all_but_one", "random"))
                for i in range(size):
                    answers = {}
                    for q in ITEM_IDS:
                        if kind == "random":
                            value = rng.randint(1, 5)
                        elif kind == "alike" or i > 0:
                            value = 5 if q != "W1" else 1
                        else:
                            value = 3
                        answers[q] = None if rng.random() < 0.05 else value
                    placed = None if rng.random() < 0.08 else team
                    rows.append({"wave_id": wave, "org": org, "team": placed, **answers})
    return pd.DataFrame(rows)


def atom_table(con) -> pd.DataFrame:
    """(wave_id, org, team, question_id) × bucket counts of every finest cell (withheld team None)."""
    frame = con.execute(
        "SELECT s.wave_id, s.org, s.team, a.question_id, count(*) FILTER (WHERE a.value >= 4) AS favourable, "
        "count(*) FILTER (WHERE a.value = 3) AS neutral, count(*) FILTER (WHERE a.value <= 2) AS unfavourable, "
        "count(*) AS answers FROM stg_survey_answers a JOIN stg_survey_submissions s USING (response_id) "
        "GROUP BY ALL ORDER BY ALL").df()
    frame["team"] = frame["team"].astype(object).where(frame["team"].notna(), None)
    return frame


def _mask(atoms: pd.DataFrame, group: str, scope: list[str]) -> np.ndarray:
    if group == "Company":
        return np.ones(len(atoms), bool)
    mask = np.zeros(len(atoms), bool)
    for part in group.split(", "):  # a union of the viewer's orgs, or of the teams of a filter
        if " / " in part:
            org, team = part.split(" / ", 1)
            mask |= ((atoms["org"] == org) & (atoms["team"] == team)).to_numpy()
        else:
            mask |= (atoms["org"] == part).to_numpy()
    return mask


def releases(con, atoms: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """(wave, item, vector over the wave's atoms of that item) of every group any viewer is shown:
    an admin's whole company, every org and every team (compared with the team's org, so each row
    also carries its org's figure), also under the Morale page's filter of one or two teams; an
    employee's company; an HR partner of two orgs, their union.
    An HR partner's orgs and teams are the admin's rows of those orgs (checked here): the rules
    never depend on who asks."""
    out = []
    orgs = sorted(atoms["org"].unique())
    pair = Viewer("hr-pair", Role.HR_PARTNER, orgs=frozenset(orgs[:2]))
    single = Viewer("hr-one", Role.HR_PARTNER, orgs=frozenset(orgs[-1:]))
    for wave in ("w1", "w2"):
        # the Morale page's team filter (bare team names, one or two) under each of its groupings
        # (one team alone is its own cell, as in the breakdown by team: pairs add unions)
        names = sorted({t for t in atoms.loc[atoms["wave_id"] == wave, "team"] if t is not None})
        pairs = list(itertools.combinations(names, 2))
        same_org = [p for p in pairs if p[0][:2] == p[1][:2]][:1]
        filters = same_org + [p for p in pairs if p not in same_org][:1]
        asked = [(ADMIN, by, ()) for by in favourability.BY_CHOICES] + [(EMPLOYEE, "all", ()), (pair, "all", ())]
        asked += [(ADMIN, by, teams) for teams in filters for by in ("all", "org")]
        for viewer, by, teams in asked:
            table = favourability.favourability(con, viewer, wave, by=by, teams=teams, against="org", today=TODAY)
            scope = orgs if viewer.whole_company else sorted(viewer.orgs)
            for row in table[table["kind"] == "item"].itertuples():
                in_wave = atoms[(atoms["wave_id"] == wave) & (atoms["question_id"] == row.question_id)]
                mask = _mask(in_wave, row.group, scope)
                if teams:  # a group of the filter holds its chosen teams only, whatever its label
                    mask &= in_wave["team"].isin(teams).to_numpy()
                out.append((wave, row.question_id, mask.astype(np.int64)))
                if isinstance(row.parent, str):
                    out.append((wave, row.question_id, _mask(in_wave, row.parent, scope).astype(np.int64)))
                low = int(str(row.respondents_band).split("–")[0].replace(",", ""))
                assert low >= privacy.DEFAULT_MIN_SCORES, row
            if viewer is ADMIN and by == "team" and not teams:
                theirs = favourability.favourability(con, single, wave, by="team", against="org", today=TODAY)
                ours = table[table["group"].str.startswith(f"{orgs[-1]} / ")]
                pd.testing.assert_frame_equal(theirs.reset_index(drop=True), ours.reset_index(drop=True))
    return out


def targets(in_wave: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """Groups an attacker would like: each org, team, org's withheld-team people, and any two of
    an org's teams (or a team with the withheld people)."""
    out = []
    for org in sorted(in_wave["org"].unique()):
        in_org = (in_wave["org"] == org).to_numpy()
        parts = [(f"{org}/{t}", in_org & (in_wave["team"] == t).to_numpy())
                 for t in sorted({t for t in in_wave.loc[in_org, "team"] if t is not None})]
        parts.append((f"{org}/(withheld)", in_org & in_wave["team"].isna().to_numpy()))
        out.append((org, in_org))
        out += parts
        out += [(f"{a}+{b}", ma | mb) for (a, ma), (b, mb) in itertools.combinations(parts, 2)]
    return [(label, mask) for label, mask in out if mask.any()]


@pytest.mark.parametrize("seed", range(5))
def test_no_withheld_distribution_follows_from_every_released_favourability(seed):
    con = build(tricky_company(seed))
    atoms = atom_table(con)
    found = releases(con, atoms)
    assert found, "the attack must see some releases to be meaningful"
    leaks = []
    for (wave, item), group in itertools.groupby(sorted(found, key=lambda r: (r[0], r[1])), key=lambda r: (r[0], r[1])):
        in_wave = atoms[(atoms["wave_id"] == wave) & (atoms["question_id"] == item)].reset_index(drop=True)
        span = Span([v for _, _, v in group], len(in_wave))
        for label, mask in targets(in_wave):
            counts = in_wave.loc[mask, ["answers", *BUCKETS]].sum()
            if fails(counts, privacy.DEFAULT_MIN_SCORES) and span.contains(mask.astype(np.int64)):
                leaks.append((wave, item, label, counts.to_dict()))
    assert not leaks, leaks


def test_a_unanimous_team_shows_no_split_and_cannot_be_had_from_its_org():
    rows = [{"wave_id": "w1", "org": "A", "team": "a1", **{q: 5 for q in ITEM_IDS}} for _ in range(6)]
    rows += [{"wave_id": "w1", "org": "A", "team": "a2", **{q: v for q in ITEM_IDS}} for v in [1, 2, 3, 4, 5] * 3]
    rows += [{"wave_id": "w1", "org": "B", "team": "b1", **{q: v for q in ITEM_IDS}} for v in [1, 3, 5] * 4]
    con = build(pd.DataFrame(rows))
    table = favourability.favourability(con, ADMIN, "w1", by="team", today=TODAY)
    assert "A / a1" not in set(table["group"])  # everyone agreed: the split would say so for each
    # a2 alone beside A would give a1 = A − a2 away: one of the two is withheld for each item
    released = released_item_counts(con, ["w1"])
    for item in ITEM_IDS:
        shown = {(o, t) for o, t in released.loc[released["question_id"] == item, ["org", "team"]].itertuples(index=False)}
        assert not {("A", privacy.ALL), ("A", "a2")} <= shown, item
    # and the company minus B is A again: when both are shown, A's split passes the rule itself
    for item in ITEM_IDS:
        shown = {(o, t) for o, t in released.loc[released["question_id"] == item, ["org", "team"]].itertuples(index=False)}
        if {(privacy.ALL, privacy.ALL), ("B", privacy.ALL)} <= shown:
            a = released[(released["question_id"] == item) & (released["org"] == "A") & (released["team"] == privacy.ALL)]
            assert not a.empty and not fails(a.iloc[0], privacy.DEFAULT_MIN_SCORES), item


def test_a_team_below_the_minimum_never_shows_in_favourability_or_focus_areas():
    rows = [{"wave_id": w, "org": "A", "team": "big", **{q: v for q in ITEM_IDS}} for w in ("w1", "w2")
            for v in [1, 2, 3, 4, 5] * 5]
    # a team of 4 in the first wave and of 6 in the second: the second wave's figure, minus nothing
    # from the first, must not make the small wave's team appear
    rows += [{"wave_id": "w1", "org": "A", "team": "small", **{q: v for q in ITEM_IDS}} for v in (1, 2, 4, 5)]
    rows += [{"wave_id": "w2", "org": "A", "team": "small", **{q: v for q in ITEM_IDS}} for v in (1, 2, 3, 4, 5, 5)]
    rows += [{"wave_id": w, "org": "B", "team": "b", **{q: v for q in ITEM_IDS}} for w in ("w1", "w2")
             for v in [1, 3, 5] * 4]
    con = build(pd.DataFrame(rows))
    for wave in ("w1", "w2"):
        table = favourability.favourability(con, ADMIN, wave, by="team", today=TODAY)
        assert ("A / small" in set(table["group"])) == (wave == "w2")
        # the org line hides a sibling too when only the small team would be left over
        if wave == "w1":
            assert "A / big" not in set(table["group"])
    grid, _ = focus_areas.focus_areas(con, ADMIN, "w1", "A / small", "morale_index", today=TODAY)
    assert not (grid["shown_for"] == "A / small").any()
    assert grid["note"].notna().all()
    # the change of the small team in w2 is against a wave where it was not shown: no change figure
    w2 = favourability.favourability(con, ADMIN, "w2", by="team", today=TODAY)
    assert w2.loc[w2["group"] == "A / small", "change"].isna().all()


def test_focus_figures_are_released_favourability_figures():
    con = build(tricky_company(3))
    shown = pd.concat([favourability.favourability(con, ADMIN, "w2", by=by, today=TODAY)
                       for by in favourability.BY_CHOICES], ignore_index=True)
    for group in focus_areas.focus_groups(con, ADMIN):
        grid, _ = focus_areas.focus_areas(con, ADMIN, "w2", group, "morale_index", today=TODAY)
        for row in grid.itertuples():
            match = shown[(shown["group"] == row.shown_for) & (shown["question_id"] == row.question_id)]
            assert len(match) == 1 and match.iloc[0]["favourable"] == row.favourable, (group, row)


def test_a_wave_below_the_minimum_shows_no_row_to_anyone():
    rows = [{"wave_id": w, "org": "A", "team": "a", **{q: 5 for q in ITEM_IDS}} for w in ("w1", "w2") for _ in range(3)]
    con = build(pd.DataFrame(rows))
    for viewer in (ADMIN, EMPLOYEE):
        out = favourability.favourability(con, viewer, "w2", today=TODAY)
        assert out.empty and list(out.columns) == favourability.COLUMNS


def test_the_company_less_a_team_of_a_hidden_org_is_not_a_unanimous_group():
    """Across two levels: O0 and O1 are hidden for the item, O0's team T1 is shown under it, and
    the company less T1 is O0/T0 and O1 together: 5 people who all answered favourably. Shown
    as it was, company − T1 would tell each of them answered favourably."""
    cells = pd.DataFrame([  # org, team, answers, favourable, neutral, unfavourable, answer_sum
        (ALL, ALL, 11, 7, 2, 2, 40), ("O0", ALL, 9, 5, 2, 2, 32), ("O1", ALL, 2, 2, 0, 0, 8),
        ("O0", "T0", 3, 3, 0, 0, 12), ("O0", "T1", 6, 2, 2, 2, 20), ("O1", "T0", 2, 2, 0, 0, 8),
    ], columns=["org", "team", "answers", *BUCKETS, "answer_sum"])
    visible = {(ALL, ALL), ("O0", "T1")}  # as the lattice left it: both orgs hidden, T1 shown
    shown = _release_item(cells, visible, 5)
    rest = cells.set_index(["org", "team"]).loc[(ALL, ALL)] - sum(
        cells.set_index(["org", "team"]).loc[k] for k in shown if k != (ALL, ALL))
    assert (ALL, ALL) not in shown or rest["answers"] == 0 or not fails(rest, 5), shown
    assert shown  # the company's split is still shown, without T1's
