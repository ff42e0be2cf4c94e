"""Re-identification from a copy of the database file alone: the attacker's measure.

`python -m etl reidentify --db PATH` plays someone who holds the database file but not the
pseudonym key. For every stored survey submission it lists the employees the file itself says
could have made it, then narrows the lists as far as the file allows:

1. **Placement on the day.** Everyone employed on the submission day (hire <= day < exit, from
   the HR tables in the file) whose org, team, level, tenure band and manager's span that day
   equal what the submission stores. A NULL (withheld) column matches anyone.
2. **The manager pseudonym** (when stored): submissions carrying the same manager key have the
   same manager, so only candidates whose manager could be that manager for all of them remain.
3. **Named app activity.** An in-app submission was made by someone signed in that day (or, when
   the time of day is stored, in the two hours before it): the audit log names them. Used only
   when it leaves someone.
4. **Linking waves** through whatever the file stores that stays the same from wave to wave
   (today: the respondent key). A group of linked submissions is one person, who must match
   every one of them.
5. **Elimination**: a person answers a wave once, so someone identified for one submission is
   no candidate for another submission of that wave; repeated until nothing changes.

A submission (and its person) is *identified* when one candidate is left. With the key the
measure also checks the answer against the truth (`truth_from_key`) and counts a respondent as
re-identified when some submission of theirs is identified *correctly*.

Candidate lists longer than `CANDIDATE_CAP` are not written out (they count as not identified):
on a company of 20,000 a coarse placement matches thousands, and only short lists can end in a
single name. Each submission's own class size (step 1 alone, uncapped) is reported too: below
the minimum group size it is a k-anonymity failure even when no one is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd

from etl import pseudonym
from etl.loading.sqlfiles import INTERMEDIATE_DIR, PLACED_ON, RELATIONS_DIR
from workforce.db import query, table_exists

SQL_DIR = Path(__file__).resolve().parent / "sql" / "reidentify"
PLACEMENT = ("org", "team", "level", "tenure_band", "manager_span")
CANDIDATE_CAP = 200
ACTIVITY_WINDOW = timedelta(hours=2)


@dataclass(frozen=True)
class Reidentification:
    """What the attacker achieved. Shares are of all submissions / respondents in the file."""

    submissions: int
    respondents: int  # people (with the key) or distinct respondent keys (without)
    submissions_identified: int  # a single candidate left
    respondents_identified: int
    below_minimum: int  # submissions whose own placement class has fewer than `min_group` people
    min_group: int
    checked: bool  # whether identifications were checked against the truth (key given)
    stored_columns: tuple[str, ...]
    app_submissions: int = 0  # made in the app (the audit log may name who was signed in that day)
    app_identified: int = 0

    @property
    def submission_share(self) -> float:
        return self.submissions_identified / self.submissions if self.submissions else 0.0

    @property
    def respondent_share(self) -> float:
        return self.respondents_identified / self.respondents if self.respondents else 0.0

    def __str__(self) -> str:
        how = "correctly identified (checked with the key)" if self.checked else "identified (unique match, unchecked)"
        return "\n".join([
            f"stored placement columns: {', '.join(self.stored_columns) or '(none)'}",
            f"respondents {how}: {self.respondents_identified:,} of {self.respondents:,} "
            f"({100 * self.respondent_share:.2f}%)",
            f"submissions {how}: {self.submissions_identified:,} of {self.submissions:,} "
            f"({100 * self.submission_share:.2f}%)",
            f"submissions whose stored placement is shared by fewer than {self.min_group} people that day: "
            f"{self.below_minimum:,} ({100 * self.below_minimum / max(self.submissions, 1):.2f}%)",
            f"of which made in the app: {self.app_identified:,} identified of {self.app_submissions:,}",
        ])


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall()
    return {r[0] for r in rows}


def submissions(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every stored submission with whatever placement columns the file keeps."""
    present = _columns(con, "stg_survey_submissions")
    stored = tuple(c for c in PLACEMENT if c in present)
    extra = [c for c in ("manager_key",) if c in present]
    # identifiers from the fixed lists above only (PLACEMENT, manager_key), never from the data
    cols = ", ".join(["response_id", "wave_id", "respondent_key", "submitted_at", "source", *stored, *extra])
    frame = con.execute(f"SELECT {cols} FROM stg_survey_submissions").df()
    frame["day"] = pd.to_datetime(frame["submitted_at"]).dt.normalize()
    if "tenure_band" in frame:
        frame["tenure_band"] = frame["tenure_band"].astype("object")
    return frame, stored


def population(con: duckdb.DuckDBPyConnection, days: list) -> pd.DataFrame:
    """Everyone employed on each day, with their placement that day (the HR tables of the file)."""
    # int_assignments from its SQL over the file's stg_* tables, not the stored table
    relations = {"days": RELATIONS_DIR / "days", "int_assignments": INTERMEDIATE_DIR / "int_assignments", **PLACED_ON}
    frame = query(con, "population_on_days", {"days": days}, folder=SQL_DIR, relations=relations).df()
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


def truth_from_key(con: duckdb.DuckDBPyConnection, key: bytes) -> pd.DataFrame:
    """response_id -> employee_id, found by computing every employee's pseudonym with the key."""
    ids = [r[0] for r in con.execute("SELECT employee_id FROM stg_employees").fetchall()]
    waves = [r[0] for r in con.execute("SELECT DISTINCT wave_id FROM stg_survey_submissions").fetchall()]
    link = pd.DataFrame(
        [(w, pseudonym.respondent_key(i, w, key), i) for w in waves for i in ids],
        columns=["wave_id", "respondent_key", "employee_id"],
    )
    subs = con.execute("SELECT response_id, wave_id, respondent_key FROM stg_survey_submissions").df()
    return subs.merge(link, on=["wave_id", "respondent_key"], how="left")[["response_id", "employee_id"]]


def _candidates(subs: pd.DataFrame, pop: pd.DataFrame, stored: tuple[str, ...]) -> tuple[pd.DataFrame, pd.Series]:
    """(response_id, employee_id, manager_id) pairs for submissions with at most CANDIDATE_CAP
    candidates, and every submission's class size (uncapped)."""
    pairs, sizes = [], []
    cols = list(stored)
    pattern = subs[cols].notna() if cols else pd.DataFrame(index=subs.index)
    keys = pattern.apply(tuple, axis=1) if cols else pd.Series([()] * len(subs), index=subs.index)
    for known in sorted(set(keys)):
        on = ["day", *[c for c, k in zip(cols, known, strict=True) if k]]
        part = subs[keys == known]
        left = part[["response_id", *on]]
        counts = pop.groupby(on, dropna=False).size().rename("n").reset_index()
        sized = left.merge(counts, on=on, how="left").fillna({"n": 0})
        sizes.append(sized.set_index("response_id")["n"])
        small = sized[sized["n"] <= CANDIDATE_CAP]
        if len(small):
            matched = small[["response_id", *on]].merge(pop[[*on, "employee_id", "manager_id"]], on=on)
            pairs.append(matched[["response_id", "employee_id", "manager_id"]])
    size = pd.concat(sizes) if sizes else pd.Series(dtype="int64")
    out = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(
        columns=["response_id", "employee_id", "manager_id"])
    return out, size


def _narrow_by_manager_key(pairs: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """Submissions with one manager key share a manager: keep candidates whose manager is possible
    for every submission of that key whose candidates are listed."""
    if "manager_key" not in subs or pairs.empty:
        return pairs
    keyed = pairs.merge(subs[["response_id", "manager_key"]], on="response_id")
    keyed = keyed[keyed["manager_key"].notna()]
    if keyed.empty:
        return pairs
    per_sub = keyed.groupby(["manager_key", "response_id"])["manager_id"].agg(lambda s: set(s.dropna()))
    possible = per_sub.groupby(level="manager_key").agg(lambda sets: set.intersection(*sets))
    allowed = {(k, m) for k, managers in possible.items() for m in managers}
    tagged = pairs.merge(subs[["response_id", "manager_key"]], on="response_id", how="left")
    keep = tagged["manager_key"].isna() | pd.Series(
        [(k, m) in allowed for k, m in zip(tagged["manager_key"], tagged["manager_id"], strict=True)], index=tagged.index
    )
    return tagged.loc[keep, ["response_id", "employee_id", "manager_id"]]


def _narrow_by_activity(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """In-app submissions: candidates who used the app by name on that day (or in the window
    before the stored time), when that leaves anyone."""
    if pairs.empty or not (table_exists(con, "app_audit_log") and table_exists(con, "app_users")):
        return pairs
    app = subs[subs["source"] == "app"]
    if app.empty:
        return pairs
    activity = con.execute(_sql("app_activity")).df()
    if activity.empty:
        return pairs
    activity["day"] = pd.to_datetime(activity["day"])
    stamp = pd.to_datetime(app["submitted_at"])
    timed = app.assign(timed=stamp != stamp.dt.normalize(), stamp=stamp)
    joined = pairs.merge(timed[["response_id", "day", "timed", "stamp"]], on="response_id")
    active = joined.merge(activity, on=["day", "employee_id"])
    in_window = ~active["timed"] | ((active["at"] <= active["stamp"]) & (active["at"] >= active["stamp"] - ACTIVITY_WINDOW))
    seen = set(zip(active.loc[in_window, "response_id"], active.loc[in_window, "employee_id"], strict=True))
    narrowed_subs = {r for r, _ in seen}
    keep = [(r not in narrowed_subs) or ((r, e) in seen) for r, e in zip(pairs["response_id"], pairs["employee_id"], strict=True)]
    return pairs[keep]


def _link_and_eliminate(pairs: pd.DataFrame, subs: pd.DataFrame) -> pd.DataFrame:
    """(group, employee_id) candidates of each respondent group (submissions linked by the
    respondent key), narrowed by one-answer-per-wave elimination to a fixed point."""
    groups = subs[["response_id", "respondent_key", "wave_id"]].rename(columns={"respondent_key": "group"})
    listed = pairs.merge(groups, on="response_id")
    # a group must match every listed submission of its own
    listed_per_group = listed.groupby("group")["response_id"].nunique().rename("n_listed")
    hits = listed.groupby(["group", "employee_id"])["response_id"].nunique().rename("hits").reset_index()
    hits = hits.merge(listed_per_group, on="group")
    cands = hits.loc[hits["hits"] == hits["n_listed"], ["group", "employee_id"]]
    group_waves = groups[["group", "wave_id"]].drop_duplicates()
    while True:
        count = cands.groupby("group")["employee_id"].transform("size")
        named = cands[count == 1]
        blocked = named.merge(group_waves, on="group").rename(columns={"group": "owner"})
        reach = cands.merge(group_waves, on="group").merge(blocked, on=["wave_id", "employee_id"])
        drop = reach.loc[reach["owner"] != reach["group"], ["group", "employee_id"]].drop_duplicates()
        if drop.empty:
            return cands
        marked = cands.merge(drop.assign(_drop=True), on=["group", "employee_id"], how="left")
        cands = marked.loc[marked["_drop"].isna(), ["group", "employee_id"]]


def reidentify(
    con: duckdb.DuckDBPyConnection, *, min_group: int = 5, truth: pd.DataFrame | None = None,
    named_activity: bool = True,
) -> Reidentification:
    """Run the attack on the database `con`. `truth` (response_id, employee_id), e.g. from
    `truth_from_key`, makes the counts those of correct identifications. `named_activity=False`
    leaves out step 3 (the audit log), to tell what the survey and HR tables give on their own."""
    subs, stored = submissions(con)
    if subs.empty:
        return Reidentification(0, 0, 0, 0, 0, min_group, truth is not None, stored)
    pop = population(con, sorted({d.date() for d in subs["day"]}))
    pairs, size = _candidates(subs, pop, stored)
    below = int((size.reindex(subs["response_id"]).fillna(0) < min_group).sum())
    pairs = _narrow_by_manager_key(pairs, subs)
    if named_activity:
        pairs = _narrow_by_activity(con, pairs, subs)
    cands = _link_and_eliminate(pairs, subs)
    count = cands.groupby("group")["employee_id"].transform("size")
    named = cands[count == 1].rename(columns={"employee_id": "named"})
    by_sub = subs[["response_id", "respondent_key", "source"]].rename(columns={"respondent_key": "group"}).merge(
        named, on="group", how="left")
    if truth is not None:
        by_sub = by_sub.merge(truth.rename(columns={"employee_id": "truth"}), on="response_id", how="left")
        by_sub["hit"] = by_sub["named"].notna() & (by_sub["named"] == by_sub["truth"])
        people = by_sub.groupby("truth")["hit"].any()
        respondents, respondents_hit = int(len(people)), int(people.sum())
    else:
        by_sub["hit"] = by_sub["named"].notna()
        per_group = by_sub.groupby("group")["hit"].any()
        respondents, respondents_hit = int(len(per_group)), int(per_group.sum())
    return Reidentification(
        submissions=int(len(subs)), respondents=respondents,
        submissions_identified=int(by_sub["hit"].sum()), respondents_identified=respondents_hit,
        below_minimum=below, min_group=min_group, checked=truth is not None, stored_columns=stored,
        app_submissions=int((subs["source"] == "app").sum()),
        app_identified=int(by_sub.loc[by_sub["source"] == "app", "hit"].sum()),
    )


def measure(db_path: Path, key_path: Path | None = None, *, min_group: int = 5) -> Reidentification:
    """The command: open the file read-only and attack it; with a key file, check against the truth."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        truth = None
        if key_path is not None and Path(key_path).exists():
            truth = truth_from_key(con, Path(key_path).read_bytes())
        return reidentify(con, min_group=min_group, truth=truth)
    finally:
        con.close()
