"""The HR partner's drill-down: company (or the partner's orgs) › org › team, read from the filters.

The level shown follows the filters alone (one org chosen: its teams; one team of it: the team by
level), so the URL that holds the filters holds the drill-down too, and every query stays scoped
on the server by `allowed_orgs` whatever the URL says. Titles name what is shown, down to the team.
Plain Python: the page draws, `ui.filters` turns a click into filters.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from workforce import people
from workforce.filters import Filters
from workforce.viewer import Viewer

LEVEL_WORDS = {"org": "org", "team": "team", "level": "job level"}


@dataclass(frozen=True)
class Drill:
    root: str  # "Company", or "Your orgs" for a viewer who sees only some orgs
    org: str | None = None
    team: str | None = None

    @property
    def by(self) -> str:
        """What the chart at this level splits by, and what a click on it picks."""
        return "org" if self.org is None else ("team" if self.team is None else "level")

    @property
    def place(self) -> str:
        """Where the view is, in words: 'the company', 'Core Platform', 'Core Platform / Platform'."""
        if self.org is None:
            return "the company" if self.root == "Company" else "your orgs"
        return self.org if self.team is None else f"{self.org} / {self.team}"

    def crumbs(self) -> list[tuple[str, str | None, str | None]]:
        """(label, org, team) from the root down to here; the last is where the view is."""
        out: list[tuple[str, str | None, str | None]] = [(self.root, None, None)]
        if self.org:
            out.append((self.org, self.org, None))
        if self.org and self.team:
            out.append((self.team, self.org, self.team))
        return out

    def title(self, what: str, as_of: str) -> str:
        """'Headcount by org, as of 31 Oct 2026' / 'Headcount in Core Platform by team, as of …'."""
        where = "" if self.org is None else f" in {self.place}"
        return f"{what}{where} by {LEVEL_WORDS[self.by]}, {as_of}"


def scoped_title(title: str, level: Drill, by: str | None = None) -> str:
    """A chart's own title with where it is and what it splits by: "Morale index by wave (1–5)"
    -> "Morale index by wave (1–5) in Core Platform / Feed Platform, by org"."""
    where = f" in {level.place}"
    split = {"org": ", by org", "team": ", by team"}.get(by or "", "")
    return f"{title}{where}{split}"


def drill_of(filters: Filters, whole_company: bool) -> Drill:
    """The level the filters describe: one org chosen narrows to it, one team of it to the team."""
    root = "Company" if whole_company else "Your orgs"
    if len(filters.orgs) != 1:
        return Drill(root)
    return Drill(root, filters.orgs[0], filters.teams[0] if len(filters.teams) == 1 else None)


def headcount_breakdown(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """People employed on the as-of day (`people.headcount_as_of`'s day and count), split by what
    the drill level shows: columns <org|team|level>, headcount."""
    drill = drill_of(filters, viewer.whole_company)
    day = people.window(con, filters).end
    groups = people.headcount_groups_on(con, viewer, filters, day)
    return groups.groupby(drill.by, as_index=False)["headcount"].sum().sort_values(drill.by, ignore_index=True)


def narrowed(filters: Filters, by: str, value: str, orgs: list[str], teams: list[tuple[str, str]]) -> Filters | None:
    """The filters after a click on `value` of a chart split by `by`, or None when the click names
    something outside the viewer's options (`orgs`, `teams` as (org, team)): refused, not widened."""
    if by == "org":
        return filters.with_(orgs=(value,), teams=()) if value in orgs else None
    if by == "team" and len(filters.orgs) == 1 and (filters.orgs[0], value) in teams:
        return filters.with_(teams=(value,))
    return None
