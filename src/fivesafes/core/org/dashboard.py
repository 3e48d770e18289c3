"""The organisation's dashboard: one static page of every request, readable without JavaScript.

All requests are in one table. Filtering by state works with plain links: each state has an
empty anchor before the table, and CSS ``:target`` hides the rows of other states, so the
filter works on GitHub Pages, in a mail client's preview and with scripts off. Days in the
current state, the median days per phase (an SVG chart), stuck requests (waiting longer than
their policy's ``remind-after``) highlighted, and for each request its phase diagram and a
summary of its record. Pure: the same summaries and time give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from fivesafes.core.org.summary import Summary, median_phase_days
from fivesafes.core.org.svg import PHASES, bars, phase_diagram

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#111827}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d1d5db;padding:.3rem .5rem;
text-align:left;vertical-align:top}thead th{background:#f3f4f6}
tr.stuck td{background:#fee2e2}tr.stuck td.days{font-weight:bold;color:#991b1b}
nav.filters a{margin-right:.8rem}.anchor{display:block}
section.request{border-top:1px solid #d1d5db;margin-top:1.5rem;padding-top:.5rem}
.muted{color:#6b7280}
"""


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _filter_css(states: list[str]) -> str:
    rules = [f"#state-{_slug(s)}:target ~ table#requests tbody tr:not(.state-{_slug(s)})"
             "{display:none}" for s in states]
    rules.append("#stuck:target ~ table#requests tbody tr:not(.stuck){display:none}")
    return "\n".join(rules)


def _row(s: Summary, anchor: str) -> str:
    classes = f"state-{_slug(s.state)}" + (" stuck" if s.stuck else "")
    days = "" if s.days_in_state is None else f"{s.days_in_state:g}"
    last = ""
    if s.last_decision:
        d = s.last_decision
        last = escape(f"{d['phase']} {d['status']} by {', '.join(d['by']) or 'automation'} "
                      f"at {d['time']}")
    repo = escape(s.repo)
    if s.links.get("repository"):
        repo = f'<a href="{escape(s.links["repository"])}">{repo}</a>'
    stuck = ' <strong class="stuck-flag">stuck</strong>' if s.stuck else ""
    return (f'<tr class="{classes}" data-state="{escape(s.state)}">'
            f'<td class="title"><a href="#{anchor}">{escape(s.title)}</a></td>'
            f"<td>{repo}</td><td class=\"state\">{escape(s.state)}{stuck}</td>"
            f"<td>{escape(', '.join(s.waiting_on))}</td><td>{escape(s.next_step)}</td>"
            f'<td class="days">{days}</td><td>{last}</td></tr>')


def _section(s: Summary, anchor: str) -> str:
    decision = "none yet"
    if s.last_decision:
        d = s.last_decision
        decision = escape(f"{d['phase']} {d['status']} by {', '.join(d['by']) or 'automation'} "
                          f"at {d['time']}")
        if d.get("pr"):
            decision += f' (<a href="{escape(d["pr"])}">pull request</a>)'
    problems = "".join(f"<li>{escape(p)}</li>" for p in s.problems)
    spent = ", ".join(f"{escape(k)} {v:g} d" for k, v in s.phase_days.items()) or "none"
    return (f'<section class="request" id="{anchor}"><h3>{escape(s.title)} '
            f'<span class="muted">{escape(s.repo)}</span></h3>'
            f"{phase_diagram(s.phase_status, s.phase, s.state)}"
            f"<dl><dt>request</dt><dd>{escape(s.request_id) or 'no id'}</dd>"
            f"<dt>state</dt><dd>{escape(s.state)} since {escape(s.since or 'no record yet')}"
            f"</dd><dt>record</dt><dd>{s.entries} entries, chain {escape(s.chain)}</dd>"
            f"<dt>days per phase</dt><dd>{spent}</dd>"
            f"<dt>last decision</dt><dd>{decision}</dd></dl>"
            + (f"<ul class=\"problems\">{problems}</ul>" if problems else "") + "</section>")


def render_dashboard(org: str, summaries: list[Summary], now: dt.datetime) -> str:
    """The page's HTML."""
    states = sorted({s.state for s in summaries})
    anchors = [f"p-{i + 1}-{_slug(s.repo)}" for i, s in enumerate(summaries)]
    counts = {st: sum(1 for s in summaries if s.state == st) for st in states}
    stuck = sum(1 for s in summaries if s.stuck)
    medians = median_phase_days(summaries)
    ordered = {p: medians[p] for p in PHASES if p in medians}
    links = [f'<a href="#all">all ({len(summaries)})</a>',
             f'<a href="#stuck">stuck ({stuck})</a>']
    links += [f'<a href="#state-{_slug(st)}">{escape(st)} ({n})</a>' for st, n in counts.items()]
    head = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Five Safes requests: {escape(org)}</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<style>{STYLE}{_filter_css(states)}</style></head><body>")
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = [f"<h1>Five Safes requests: {escape(org)}</h1>",
            f'<p class="muted">{len(summaries)} requests, {stuck} stuck; generated {stamp} '
            "from each repository's action record.</p>",
            bars("Median days per phase", ordered, " d"),
            bars("Requests by state", {k: float(v) for k, v in counts.items()}),
            '<nav class="filters">Filter by state: ' + " ".join(links) + "</nav>",
            '<span class="anchor" id="all"></span><span class="anchor" id="stuck"></span>',
            "".join(f'<span class="anchor" id="state-{_slug(st)}"></span>' for st in states),
            '<table id="requests"><thead><tr><th>title</th><th>repository</th><th>state</th>'
            "<th>waiting on</th><th>next</th><th>days in state</th><th>last decision</th>"
            "</tr></thead><tbody>",
            "".join(_row(s, a) for s, a in zip(summaries, anchors, strict=True)),
            "</tbody></table>",
            "<h2>Requests</h2>",
            "".join(_section(s, a) for s, a in zip(summaries, anchors, strict=True)),
            "</body></html>\n"]
    return head + "\n".join(body)
