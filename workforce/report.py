"""The executive summary as one self-contained HTML file: the same result the page shows
(`workforce.executive.ExecutiveSummary`): headcount as of its day, the viewer's tiles, the ranked
findings with the page that explains each, risk teams, and two charts drawn as inline SVG. It needs no network, script or font to open or print.

All text from data (org and team names, wave titles) is HTML-escaped; nothing is rendered as
markup. The charts are small hand-built SVGs, so the report adds no dependency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import pandas as pd

from workforce.charts.theme import PALETTE
from workforce.executive import ExecutiveSummary
from workforce.story import Finding

WIDTH, HEIGHT = 560, 220
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 140, 16, 36

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 2rem auto;
       max-width: 60rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0.8rem; margin: 1.2rem 0; }
.tile { border: 1px solid #ccc; border-radius: 6px; padding: 0.6rem 0.8rem; break-inside: avoid; }
.tile .label { font-size: 0.85rem; color: #444; }
.tile .value { font-size: 1.5rem; font-weight: 600; }
.tile .delta { font-size: 0.85rem; }
.tile .context { font-size: 0.8rem; color: #555; }
.tile.na .value { color: #888; }
section { break-inside: avoid; margin-bottom: 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.4rem; text-align: left; }
svg text { font-family: inherit; font-size: 11px; fill: #333; }
.findings li { margin-bottom: 0.8rem; break-inside: avoid; } .findings p { margin: 0.2rem 0; }
.look { font-size: 0.85rem; color: #444; }
.glossary { font-size: 0.85rem; color: #333; } .glossary dt { font-weight: 600; } .glossary dd { margin: 0 0 0.3rem 1rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } }
"""


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def svg_lines(
    series: dict[str, Sequence[tuple[str, float]]],
    *,
    title: str,
    y_label: str,
    y_domain: tuple[float, float] | None = None,
) -> str:
    """A small line chart as inline SVG: one line per series over shared categorical x labels.

    `series` maps a legend label to (x label, y) points in order. Missing points leave a gap.
    """
    x_labels: list[str] = []
    for points in series.values():
        for x, _ in points:
            if x not in x_labels:
                x_labels.append(x)
    values = [y for points in series.values() for _, y in points if y is not None and not math.isnan(y)]
    desc = escape(f"{title}. " + "; ".join(
        f"{name}: " + ", ".join(f"{x} {_fmt(y)}" for x, y in points) for name, points in series.items()))
    head = (f'<svg role="img" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}"><title>{escape(title)}</title><desc>{desc}</desc>')
    if not values or not x_labels:
        return head + f'<text x="{PAD_LEFT}" y="{HEIGHT / 2}">No data to show.</text></svg>'
    lo, hi = y_domain if y_domain else (min(0.0, min(values)), max(values))  # counts start at zero
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def px(i: int) -> float:
        return PAD_LEFT + (plot_w * (i + 0.5) / len(x_labels))

    def py(y: float) -> float:
        return PAD_TOP + plot_h * (1 - (y - lo) / (hi - lo))

    parts = [head]
    for k in range(5):  # horizontal grid with labels
        y = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{PAD_LEFT}" x2="{PAD_LEFT + plot_w}" y1="{py(y):.1f}" y2="{py(y):.1f}" '
                     f'stroke="#e3e3e3"/><text x="{PAD_LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">'
                     f'{escape(_fmt(y, 1 if hi - lo < 20 else 0))}</text>')
    for i, x in enumerate(x_labels):
        parts.append(f'<text x="{px(i):.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle">{escape(x)}</text>')
    parts.append(f'<text x="12" y="{PAD_TOP + plot_h / 2:.1f}" transform="rotate(-90 12 {PAD_TOP + plot_h / 2:.1f})" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    for n, (name, points) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        coords = [(px(x_labels.index(x)), py(y)) for x, y in points if y is not None and not math.isnan(y)]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for x, y in coords:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = PAD_TOP + 14 + 18 * n
        parts.append(f'<rect x="{WIDTH - PAD_RIGHT + 12}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{WIDTH - PAD_RIGHT + 28}" y="{ly}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def morale_svg(morale: pd.DataFrame) -> str:
    series: dict[str, list[tuple[str, float]]] = {}
    for side, label in ((True, "under an AI mandate"), (False, "other orgs")):
        rows = morale[morale["mandated"] == side]
        if not rows.empty:
            series[label] = [(str(t), float(m)) for t, m in zip(rows["title"], rows["morale_index"], strict=True)]
    return svg_lines(series, title="Morale index by wave, orgs under an AI mandate vs the rest (1–5)",
                     y_label="Morale index (1–5)", y_domain=(1, 5))


def headcount_svg(headcount: pd.DataFrame) -> str:
    """Headcount on the first day of each month (the trend); the figure stated is `headcount_as_of`."""
    points = [(pd.Timestamp(m).strftime("%b %y"), float(h)) for m, h in zip(headcount["month"], headcount["headcount"],
                                                                            strict=True)]
    return svg_lines({"headcount": points} if points else {}, title="Headcount in scope, first day of each month (people)",
                     y_label="People")


def _tile(h) -> str:
    cls = "tile" if h.available else "tile na"
    delta = f'<div class="delta">{escape(h.delta)}</div>' if h.delta else ""
    return (f'<div class="{cls}"><div class="label">{escape(h.label)}</div><div class="value">{escape(h.value)}</div>'
            f'{delta}<div class="context">{escape(h.context)}</div></div>')


def _risk_table(risks: pd.DataFrame) -> str:
    if risks.empty:
        return "<p>No team of five or more people in scope.</p>"
    rows = []
    for r in risks.itertuples():
        morale = "not shown (too few respondents)" if pd.isna(r.morale_index) else f"{r.morale_index:.2f}"
        rate = "–" if pd.isna(r.voluntary_rate) else f"{100 * r.voluntary_rate:.1f}%"
        rows.append(
            f"<tr><td>{escape(str(r.org))} / {escape(str(r.team))}</td><td>{int(r.headcount)}</td>"
            f"<td>{escape(morale)}</td><td>{100 * r.share_under_wide:.0f}%</td><td>{int(r.forced_moves)}</td>"
            f"<td>{rate}</td><td>{escape(str(r.reasons))}</td></tr>"
        )
    return ("<table><thead><tr><th>Team</th><th>People</th><th>Morale index</th><th>Under wide spans</th>"
            "<th>Forced moves in (90 days)</th><th>Voluntary attrition (a year)</th><th>Why</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _glossary(terms: tuple[tuple[str, str], ...]) -> str:
    if not terms:
        return ""
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(meaning)}</dd>" for term, meaning in terms)
    return f'<details open><summary>Terms used</summary><dl class="glossary">{items}</dl></details>'


def _finding(f: Finding) -> str:
    detail = (f'<details><summary>How this was measured</summary><p>{escape(f.detail)}</p>{_glossary(f.glossary)}'
              "</details>" if f.detail else "")
    return (f'<li class="finding"><p>{escape(f.sentence)}</p><p class="look">What to look at: '
            f"{escape(f.link_label)} (in the dashboard)</p>{detail}</li>")


def summary_html(summary: ExecutiveSummary) -> str:
    """The whole report as one HTML document (UTF-8), with its CSS and charts inline."""
    tiles = "".join(_tile(h) for h in summary.headlines)
    findings = "".join(_finding(f) for f in summary.findings)
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Executive summary: workforce impact</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>Executive summary: workforce impact</h1>"
        f'<p class="meta">{escape(summary.scope)} · {summary.start:%d %b %Y} to {summary.as_of:%d %b %Y} · '
        f"{summary.headcount.people:,} people employed {escape(summary.headcount.label())} · "
        f"span threshold {summary.span_threshold} reports · survey groups under the minimum size are never shown</p>"
        f'<div class="tiles">{tiles}</div>'
        "<h2>What stands out</h2><p class=\"meta\">Ranked: findings the data are clear about first, largest first; "
        "then those where the data cannot rule out no difference. Each interval is a 95% interval.</p>"
        f'<ol class="findings">{findings}</ol>'
        f"<section><h2>Teams to look at first</h2>{_risk_table(summary.risks)}</section>"
        f"<section><h2>Charts</h2>{morale_svg(summary.morale)}{headcount_svg(summary.headcount_by_month)}</section>"
        "</body></html>"
    )
