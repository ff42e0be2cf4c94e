"""An attacker's solver over released survey figures, and companies built to be hard to protect.

The attacker collects every figure the product releases for a viewer (every page, filter,
breakdown, wave and pooled period) as linear equations over *atoms*: the finest groups of
respondents (wave × org × team × level × tenure band, a withheld coordinate being its own value).
A released group is the 0/1 vector of the atoms it covers; its respondent count (and, when every
member answered, its sum of answers) is that vector times the atoms' unknown counts (sums).
A group G is recovered when its vector lies in the span of the released vectors: then its count
and its sum follow from released figures by exact arithmetic.

`Span` decides membership exactly for these 0/1 systems: Gaussian elimination over the integers
modulo a large prime (two of them). Over the rationals a vector in the span is in it modulo any
prime, so a vector reported outside the span is outside it over the rationals too: the check
never misses a recovery. (It could, in principle, report a spurious recovery; the tests would
then fail on the safe side.)

`python -m tests.privacy_attack --seeds 200` runs the lattice attack on many generated companies
at minimums 3, 4, 5 and 10 and prints what it found (CI runs a handful, see test_privacy_attack.py).
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from tests.survey_helpers import build_survey_marts
from workforce import privacy, surveys
from workforce.privacy import Lattice, PrivacyRules, Selection, build_lattice
from workforce.viewer import Role, ScopeError, Viewer

PRIMES = (2_147_483_647, 2_147_483_629)
LEVELS = ("IC3", "IC4", "IC5", "M1")
BANDS = ("<1y", "1-2y", "2-5y", "5y+")


class Span:
    """The span of a set of integer vectors, modulo two primes; `contains(v)` is exact (see module)."""

    def __init__(self, rows: Iterable[np.ndarray], width: int) -> None:
        self.width = width
        rows = [np.asarray(r, dtype=np.int64) for r in rows]
        self._bases = [self._echelon(rows, p) for p in PRIMES]

    def _echelon(self, rows: list[np.ndarray], p: int) -> list[tuple[int, np.ndarray]]:
        basis: list[tuple[int, np.ndarray]] = []  # (pivot column, row with 1 at pivot)
        for row in rows:
            v = self._reduce(row % p, basis, p)
            nz = np.flatnonzero(v)
            if nz.size:
                pivot = int(nz[0])
                v = (v * pow(int(v[pivot]), p - 2, p)) % p
                basis.append((pivot, v))
        return basis

    @staticmethod
    def _reduce(v: np.ndarray, basis: list[tuple[int, np.ndarray]], p: int) -> np.ndarray:
        v = v.copy() % p
        for pivot, row in basis:
            f = int(v[pivot])
            if f:
                v = (v - f * row) % p
        return v

    def contains(self, v: np.ndarray) -> bool:
        v = np.asarray(v, dtype=np.int64)
        return all(not self._reduce(v % p, basis, p).any() for p, basis in zip(PRIMES, self._bases, strict=True))

    @property
    def rank(self) -> int:
        return len(self._bases[0])


# ---------------------------------------------------------------------------------------------
# Companies built to be hard: small orgs under a small company, teams of 3–6, withheld coordinates.


def hard_company(seed: int, *, withheld: float = 0.1) -> pd.DataFrame:
    """Atoms of one wave: org, team, level, tenure_band (None: withheld in storage), n.

    Two to five orgs, one of them tiny (1–4 respondents in one or two teams); teams of 1–6
    respondents; some people with a withheld level, band or team."""
    rng = random.Random(seed)
    rows = []
    n_orgs = rng.randint(2, 5)
    for o in range(n_orgs):
        org = f"O{o}"
        tiny = o == 0
        for t in range(rng.randint(1, 2) if tiny else rng.randint(1, 4)):
            team = f"{org}t{t}"
            size = rng.randint(1, 2) if tiny else rng.randint(3, 6)
            for _ in range(size):
                level = None if rng.random() < withheld else rng.choice(LEVELS[:3] if o % 2 else LEVELS)
                band = None if rng.random() < withheld else rng.choice(BANDS)
                placed_team = None if rng.random() < withheld / 2 else team
                rows.append((org, placed_team, level, band))
    frame = pd.DataFrame(rows, columns=["org", "team", "level", "tenure_band"])
    atoms = frame.groupby(["org", "team", "level", "tenure_band"], dropna=False).size().rename("n").reset_index()
    for col in ("org", "team", "level", "tenure_band"):
        atoms[col] = atoms[col].astype(object).where(atoms[col].notna(), None)
    return atoms


# ---------------------------------------------------------------------------------------------
# Everything a viewer can ask of one wave's lattice, and what it gives away.


def _matches(atoms: pd.DataFrame, sel: Selection) -> np.ndarray:
    mask = np.ones(len(atoms), bool)
    if sel.orgs:
        mask &= atoms["org"].isin(sel.orgs).to_numpy()
    if sel.teams:
        keys = list(zip(atoms["org"], atoms["team"], strict=True))
        mask &= np.array([k in set(sel.teams) for k in keys])
    return mask


def requests(atoms: pd.DataFrame, cross_org_pairs: bool = True) -> list[Selection]:
    """Every selection the layer's filters can express on these atoms: the company, any one or two
    orgs, any one or two teams (level and tenure band filters are refused by the layer)."""
    orgs = sorted(atoms["org"].dropna().unique())
    teams = sorted({(o, t) for o, t in zip(atoms["org"], atoms["team"], strict=True)
                    if isinstance(o, str) and isinstance(t, str)})
    out = [Selection()]
    out += [Selection((o,)) for o in orgs] + [Selection(pair) for pair in itertools.combinations(orgs, 2)]
    out += [Selection((t[0],), (t,)) for t in teams]
    out += [Selection(tuple(sorted({a[0], b[0]})), (a, b)) for a, b in itertools.combinations(teams, 2)
            if cross_org_pairs or a[0] == b[0]]
    return out


def released_vectors(lattice: Lattice, atoms: pd.DataFrame) -> list[tuple[Selection, np.ndarray]]:
    """(selection, atom vector) of every group the lattice releases, asked directly or as a row of
    a breakdown (by org, team, level or band) of any request."""
    seen: dict[Selection, np.ndarray] = {}
    for sel in requests(atoms):
        asked = [sel]
        for by in ("org", "team", "level", "tenure_band"):
            try:
                asked += [cell for _, cell in lattice.split(sel, by)]
            except ValueError:
                continue
        for cell in asked:
            if cell not in seen and lattice.visible(cell):
                seen[cell] = _matches(atoms, cell).astype(np.int64)
    return list(seen.items())


def target_groups(atoms: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """Groups whose count must never be recovered when small: every cell of geography (company,
    org, team, or the withheld-team people of an org) × level (all, one, withheld) × band (all,
    one, withheld), atoms included."""
    org = atoms["org"].to_numpy(object)
    team = atoms["team"].to_numpy(object)
    level = atoms["level"].to_numpy(object)
    band = atoms["tenure_band"].to_numpy(object)

    def options(values: np.ndarray) -> list[tuple[str, np.ndarray]]:
        out = [("*", np.ones(len(values), bool))]
        out += [(str(v), np.array([x == v for x in values])) for v in sorted({x for x in values if x is not None})]
        withheld = np.array([x is None for x in values])
        if withheld.any():
            out.append(("(withheld)", withheld))
        return out

    geo = [("company", np.ones(len(atoms), bool))]
    for o in sorted({x for x in org if x is not None}):
        geo.append((o, org == o))
        for t in sorted({x for x, y in zip(team, org, strict=True) if y == o and x is not None}):
            geo.append((f"{o}/{t}", (org == o) & (team == t)))
        geo.append((f"{o}/(withheld team)", (org == o) & np.array([x is None for x in team])))
    out = []
    for (g, gm), (lv, lm), (b, bm) in itertools.product(geo, options(level), options(band)):
        mask = gm & lm & bm
        if mask.any():
            out.append((f"{g} × {lv} × {b}", mask.astype(np.int64)))
    return out


def recovered_small_groups(atoms: pd.DataFrame, min_n: int) -> list[tuple[str, int]]:
    """The groups of 1 to min_n − 1 respondents whose count follows from the released ones."""
    lattice = build_lattice(atoms, min_n)
    released = released_vectors(lattice, atoms)
    span = Span([v for _, v in released], len(atoms))
    counts = atoms["n"].to_numpy(np.int64)
    found = []
    for label, vector in target_groups(atoms):
        n = int(vector @ counts)
        if 0 < n < min_n and span.contains(vector):
            found.append((label, n))
    return found


def released_below_minimum(atoms: pd.DataFrame, min_n: int) -> list[tuple[Selection, int]]:
    lattice = build_lattice(atoms, min_n)
    counts = atoms["n"].to_numpy(np.int64)
    return [(sel, int(v @ counts)) for sel, v in released_vectors(lattice, atoms) if int(v @ counts) < min_n]


# ---------------------------------------------------------------------------------------------
# Live participation of an open wave: each released band as the respondent counts it allows, the
# lines of the org tree (company = orgs + the rest, org = teams + the rest) and the days in order
# (counts only grow) narrowing those ranges until nothing moves. A group of people is given away
# when its range leaves no doubt about one of them: everyone answered, or no one did.


def live_range(participation: str, audience: int, floor: int) -> tuple[int, int]:
    """The respondent counts one released live row allows: a band's, "too few" (under `floor`),
    or anything when the row is withheld for another reason."""
    lows = [low for low, _ in privacy.rules.PARTICIPATION_BANDS]
    names = [name for _, name in privacy.rules.PARTICIPATION_BANDS]
    if participation in names:
        i = names.index(participation)
        top = audience if i == len(names) - 1 else math.ceil(lows[i + 1] * audience) - 1
        return max(floor, math.ceil(lows[i] * audience)), top
    if participation.startswith("too few"):
        return 0, min(floor - 1, audience)
    return 0, audience


def live_given_away(days: Sequence[pd.DataFrame], floor: int) -> list[tuple[str, int, tuple[int, int]]]:
    """(group, audience, range) of every group whose members' answering follows from the live rows
    of these days (oldest first; the admin's view: org rows, team rows, "All orgs")."""
    ranges: dict[tuple[int, str, str | None], list[int]] = {}
    sizes: dict[tuple[str, str | None], int] = {}
    lines: list[tuple[tuple[str, str | None], list[tuple[str, str | None]]]] = []
    for d, rows in enumerate(days):
        for r in rows.itertuples(index=False):
            ranges[(d, r.org, r.team)] = list(live_range(r.participation, int(r.audience), floor))
            sizes[(r.org, r.team)] = int(r.audience)
    first = days[0]
    orgs = [(o, None) for o in first.loc[first["team"].isna() & (first["org"] != "All orgs"), "org"]]
    lines.append((("All orgs", None), orgs))
    for org, _ in orgs:
        lines.append(((org, None), [(org, t) for t in first.loc[first["org"] == org, "team"].dropna()]))
    for parent, children in lines:  # the people of the parent in none of its listed children
        rest = (parent[0], f"(rest of {parent[0]})")
        sizes[rest] = sizes[parent] - sum(sizes[c] for c in children)
        children.append(rest)
        for d in range(len(days)):
            ranges[(d, *rest)] = [0, max(sizes[rest], 0)]
    changed = True
    while changed:
        changed = False

        def narrow(key, low, high):
            nonlocal changed
            now = ranges[key]
            new = [max(now[0], low), min(now[1], high)]
            if new != now:
                ranges[key], changed = new, True

        for d in range(len(days)):
            for parent, children in lines:
                p = ranges[(d, *parent)]
                kids = [ranges[(d, *c)] for c in children]
                narrow((d, *parent), sum(k[0] for k in kids), sum(k[1] for k in kids))
                for c, k in zip(children, kids, strict=True):
                    others_low = sum(x[0] for x in kids) - k[0]
                    others_high = sum(x[1] for x in kids) - k[1]
                    narrow((d, *c), p[0] - others_high, p[1] - others_low)
            if d:  # yesterday's respondents are still respondents today
                for group in sizes:
                    narrow((d, *group), ranges[(d - 1, *group)][0], sizes[group])
                    narrow((d - 1, *group), 0, ranges[(d, *group)][1])
    found = []
    for (d, org, team), (low, high) in sorted(ranges.items(), key=str):
        n = sizes[(org, team)]
        if n >= 1 and (low >= n or high <= 0 or low > high):
            found.append((f"day {d} {org}" + (f" / {team}" if team else ""), n, (low, high)))
    return found


def live_company(teams: dict[tuple[str, str], tuple[int, int]]) -> duckdb.DuckDBPyConnection:
    """An open wave "w1" (1–20 January 2026): per (org, team), (people in it, how many answered on
    5 January). Only what live participation reads (no answers, no marts); add later submissions
    with `answer_live`."""
    con = duckdb.connect()
    surveys.ensure_tables(con)
    con.execute("INSERT INTO stg_survey_waves VALUES ('w1', 'Wave w1', DATE '2026-01-01', DATE '2026-01-20', NULL, "
                "'app', NULL, NULL)")
    con.execute("CREATE TABLE int_assignments (employee_id VARCHAR, org VARCHAR, team VARCHAR, valid_from DATE, "
                "valid_to DATE)")
    people = [(f"E{o}{t}{i}", o, t) for (o, t), (n, _) in teams.items() for i in range(n)]
    con.executemany("INSERT INTO int_assignments VALUES (?, ?, ?, DATE '2020-01-01', NULL)", people)
    for (org, team), (_, answered) in teams.items():
        answer_live(con, org, team, answered, date(2026, 1, 5))
    return con


def answer_live(con: duckdb.DuckDBPyConnection, org: str, team: str, n: int, day: date) -> None:
    start = con.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0]
    if n:
        con.executemany("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                        "source) VALUES (?, 'w1', ?, ?, ?, ?, 'app')",
                        [(f"live{start + i}", f"klive{start + i}", datetime.combine(day, datetime.min.time()), org,
                          team) for i in range(n)])


# ---------------------------------------------------------------------------------------------
# The same attack on what the pages release from a database: every wave, filter and breakdown,
# and the pooled team figures of the Drivers explorer, as equations over (wave, atom).

WAVE_DAYS = {"w1": (date(2026, 1, 1), date(2026, 1, 14)), "w2": (date(2026, 2, 1), date(2026, 2, 14)),
             "w3": (date(2026, 3, 1), date(2026, 3, 14))}


def survey_db(waves: dict[str, dict[tuple[str, str | None], int]], seed: int = 0) -> duckdb.DuckDBPyConnection:
    """An in-memory database with closed waves of one morale question, eNPS and a comment: per wave,
    respondents per (org, team) (team None: withheld in storage). Answers are random but fixed by `seed`."""
    rng = random.Random(seed)
    con = duckdb.connect()
    surveys.ensure_tables(con)
    con.execute("CREATE TABLE stg_job_history (org VARCHAR)")  # the org list the viewer's scope reads
    con.executemany("INSERT INTO stg_job_history VALUES (?)",
                    [(o,) for o in sorted({o for cells in waves.values() for o, _ in cells})])
    con.executemany(
        "INSERT INTO stg_survey_waves VALUES (?, ?, ?, ?, NULL, 'file', NULL, NULL)",
        [(w, f"Wave {w}", *WAVE_DAYS[w]) for w in waves],
    )
    con.executemany(
        "INSERT INTO stg_survey_questions VALUES (?, ?, ?, ?, ?, ?)",
        [(w, q, text, kind, theme, i) for w in waves for i, (q, text, kind, theme) in enumerate([
            ("m1", "I feel good", "likert5", "morale"), ("e1", "Recommend?", "enps", "intent_to_stay"),
            ("c1", "Anything else?", "text", "morale")])],
    )
    i = 0
    submissions, answers = [], []
    for wave, cells in waves.items():
        for (org, team), n in cells.items():
            for _ in range(n):
                i += 1
                rid = f"r{i}"
                submissions.append((rid, wave, f"k{i}", datetime.combine(WAVE_DAYS[wave][0], datetime.min.time()), org, team))
                answers += [(rid, "m1", float(rng.randint(1, 5)), None), (rid, "e1", float(rng.randint(0, 10)), None),
                            (rid, "c1", None, f"comment {i}")]
    con.executemany("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                    "source) VALUES (?, ?, ?, ?, ?, ?, 'file')", submissions)
    con.executemany("INSERT INTO stg_survey_answers VALUES (?, ?, ?, ?)", answers)
    build_survey_marts(con)  # as the load does
    return con


def db_atoms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(wave_id, org, team, n) of every finest cell, withheld team as None."""
    atoms = con.execute("SELECT wave_id, org, team, count(*) AS n FROM stg_survey_submissions "
                        "GROUP BY ALL ORDER BY ALL").df()
    atoms["team"] = atoms["team"].astype(object).where(atoms["team"].notna(), None)
    return atoms


def page_releases(con: duckdb.DuckDBPyConnection, viewer, min_n: int) -> list[tuple[str, np.ndarray, float]]:
    """Every released (label, vector over db_atoms rows, respondents) of survey_groups for every
    request and breakdown of every wave, and of the pooled team figures."""
    rules = PrivacyRules(min_n, max(min_n, 10))
    atoms = db_atoms(con)
    out = []
    for wave in sorted(atoms["wave_id"].unique()):
        in_wave = (atoms["wave_id"] == wave).to_numpy()
        asked = requests(atoms[in_wave], cross_org_pairs=False)
        # every request as a whole, and the breakdowns pages ask for (by org and team, of the
        # company and of each org; a breakdown of a narrower request lists a subset of those rows)
        plan = [(sel, None) for sel in asked]
        plan += [(sel, by) for sel in asked if not sel.teams and len(sel.orgs) <= 1 for by in ("org", "team")]
        for sel, by in plan:
            teams = list(sel.teams) or None
            try:
                rows = privacy.survey_groups(con, viewer, wave, by=by, orgs=list(sel.orgs) or None, teams=teams,
                                             rules=rules)
            except ScopeError:
                continue
            for row in rows[~rows["suppressed"]].itertuples():
                cell = sel if by is None else _cell_of(row.group, by, sel)
                vector = (in_wave & _matches(atoms, cell)).astype(np.int64)
                out.append((f"{wave} {cell}", vector, float(row.respondents)))
    pooled = privacy.pooled_team_figures(con, sorted(atoms["org"].dropna().unique()), rules=rules,
                                         today=date(2027, 1, 1))
    for row in pooled.itertuples():
        if row.survey_waves:
            # the waves a pooled figure pools are public: those where the team's own cell is shown
            pooled_waves = [w for w in sorted(atoms["wave_id"].unique()) if not privacy.survey_groups(
                con, viewer, w, teams=[(row.org, row.team)], rules=rules).iloc[0]["suppressed"]]
            assert len(pooled_waves) == row.survey_waves
            mask = (atoms["org"] == row.org) & (atoms["team"] == row.team) & atoms["wave_id"].isin(pooled_waves)
            out.append((f"pooled {row.org}/{row.team}", mask.to_numpy().astype(np.int64), float(row.respondents)))
    return out


def _cell_of(group: str, by: str, sel: Selection) -> Selection:
    if by == "org":
        return Selection((group,), tuple(p for p in sel.teams if p[0] == group))
    org, team = group.split(" / ", 1)
    return Selection((org,), ((org, team),))


def db_groups(atoms: pd.DataFrame) -> Iterator[tuple[str, np.ndarray]]:
    """Every group an attacker may aim at, as (label, mask over the atoms): in any wave or all
    waves pooled, each org, each of its teams and its withheld team."""
    for wave in [None, *sorted(atoms["wave_id"].unique())]:
        in_wave = np.ones(len(atoms), bool) if wave is None else (atoms["wave_id"] == wave).to_numpy()
        for org in sorted(atoms["org"].dropna().unique()):
            in_org = in_wave & (atoms["org"] == org).to_numpy()
            yield f"{wave} {org}", in_org
            for team in sorted({t for t in atoms.loc[in_org, "team"] if t is not None}):
                yield f"{wave} {org}/{team}", in_org & (atoms["team"] == team).to_numpy()
            yield f"{wave} {org}/(withheld)", in_org & atoms["team"].isna().to_numpy()


def recovered_groups(atoms: pd.DataFrame, releases: list[tuple], min_n: int) -> list[tuple[str, int]]:
    """The groups of `db_groups` with 1 to min_n − 1 respondents whose count follows from the
    releases (label, vector over the atoms, value)."""
    span = Span([v for _, v, _ in releases], len(atoms))
    counts = atoms["n"].to_numpy(np.int64)
    found = []
    for label, mask in db_groups(atoms):
        n = int(counts[mask].sum())
        if 0 < n < min_n and span.contains(mask.astype(np.int64)):
            found.append((label, n))
    return found


def db_hidden_recovered(con: duckdb.DuckDBPyConnection, viewer, min_n: int) -> list[tuple[str, int]]:
    """Groups of 1 to min_n − 1 respondents (any wave × org, team, withheld team, or a team pooled
    over any waves) whose count follows from what the pages release."""
    return recovered_groups(db_atoms(con), page_releases(con, viewer, min_n), min_n)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--database", help="also attack what the pages release from this loaded database "
                                           "(read-only), at each minimum")
    parser.add_argument("--minimums", type=int, nargs="+", default=[3, 4, 5, 10])
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.database:
        con = duckdb.connect(args.database, read_only=True)
        admin = Viewer("attack", Role.ADMIN)
        for min_n in args.minimums:
            found = db_hidden_recovered(con, admin, min_n)
            print(f"{args.database}, minimum {min_n}: {len(found)} small groups recovered {found[:5]}")
        con.close()
    for min_n in args.minimums if args.seeds else ():
        leaks = small = cells = 0
        for seed in range(args.seeds):
            atoms = hard_company(seed)
            cells += len(atoms)
            leaks += len(recovered_small_groups(atoms, min_n))
            small += len(released_below_minimum(atoms, min_n))
        print(f"minimum {min_n}: {args.seeds} companies, {cells} atoms, "
              f"{leaks} small groups recovered, {small} groups released below the minimum")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
