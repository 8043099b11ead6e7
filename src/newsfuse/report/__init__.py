"""Human-readable reports of a newsfuse/1 document: one self-contained HTML file, or Markdown."""

from __future__ import annotations

import html
import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|])")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("newsfuse.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["short"] = lambda text, n=300: text if len(text) <= n else text[:n - 1] + "…"
    return env


def _by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["id"]: a for a in document["articles"]}


def render_html(document: dict[str, Any], title: str = "newsfuse report") -> str:
    """The report as one HTML file with no external resources; every article string is escaped."""
    template = _environment().get_template("report.html.j2")
    return template.render(doc=document, articles=_by_id(document), title=title)


def md_escape(text: str | None) -> str:
    """Escape Markdown and HTML in untrusted text so a renderer shows it literally."""
    if not text:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def render_markdown(document: dict[str, Any]) -> str:
    """The report as Markdown: events newest first with sources, key sentences and debris."""
    articles = _by_id(document)
    lines = ["# newsfuse report", "",
             f"{len(document['events'])} events from {len(document['articles'])} articles.", ""]
    for event in document["events"]:
        lines.extend(event_markdown(event, articles))
    if document.get("rejected"):
        lines += ["## Rejected inputs", ""]
        lines += [f"- `{md_escape(r['origin'])}`: {r['code']} {md_escape(r['reason'])}"
                  for r in document["rejected"]]
    return "\n".join(lines).rstrip() + "\n"


def event_markdown(event: dict[str, Any], articles: dict[str, dict[str, Any]]) -> list[str]:
    """One event's section of the Markdown report."""
    when = " to ".join(dict.fromkeys(d for d in (event["start"], event["end"]) if d)) or "undated"
    lines = [f"## {md_escape(event['title'])}", "",
             f"`{event['id']}` · {when} · {len(event['articles'])} articles from "
             f"{len(event['sources'])} sources", ""]
    if event.get("event_type") or event.get("date"):
        kind = event.get("event_type")
        what = f"{kind['event_type']} › {kind['sub_type']}" if kind else "event"
        lines += [f"*{md_escape(what)}*, happened {event.get('date') or 'on an unknown date'}", ""]
    if event["brief"]:
        lines += ["**Brief**", ""]
        lines += [f"- {md_escape(s['text'])} [{', '.join(s['articles'])}]" for s in event["brief"]]
        lines.append("")
    lines += facts_markdown(event.get("facts", []))
    if event.get("timeline"):
        lines += ["**Timeline**", ""]
        lines += [f"- {t['date']}: {md_escape(t['text'])} [{', '.join(t['articles'])}]"
                  for t in event["timeline"]]
        lines.append("")
    if event.get("quotes"):
        lines += ["**Quotes**", ""]
        lines += [f"- {md_escape(q['speaker'] or 'unknown speaker')}: "
                  f"{chr(8220) if q['direct'] else ''}{md_escape(q['text'])}"
                  f"{chr(8221) if q['direct'] else ''} [{q['article']}]" for q in event["quotes"]]
        lines.append("")
    if event["places"]:
        names = ", ".join(md_escape(p["name"]) for p in event["places"][:10])
        lines += [f"**Places:** {names}", ""]
    if event["actors"]:
        names = ", ".join(md_escape(a["name"]) for a in event["actors"][:10])
        lines += [f"**Actors:** {names}", ""]
    lines += ["| article | outlet | published | title |", "|---|---|---|---|"]
    for article_id in event["articles"]:
        article = articles[article_id]
        dup = f" (copy of {article['duplicate_of']})" if article["duplicate_of"] else ""
        lines.append(f"| `{article_id}`{dup} | {md_escape(article['source']) or '?'} | "
                     f"{article['published'] or '?'} | {md_escape(article['title']) or '—'} |")
    removed = [(a, r) for a in event["articles"] for r in articles[a]["removed_detail"]]
    if removed:
        lines += ["", "<details><summary>Removed debris</summary>", ""]
        lines += [f"- `{a}` {r['rule']}: {md_escape(r['text'])}" for a, r in removed]
        lines += ["", "</details>"]
    lines.append("")
    return lines


def facts_markdown(facts: list[dict[str, Any]]) -> list[str]:
    """The facts table: disputed first, each source's value, attribution and sentence."""
    if not facts:
        return []
    lines = ["**Facts by source**", "", "| fact | status | what each source says |",
             "|---|---|---|"]
    for fact in facts:
        subject = f" ({md_escape(fact['subject'])})" if fact["subject"] else ""
        cells = []
        for claim in fact["claims"]:
            per = f", per {md_escape(claim['attribution'])}" if claim["attribution"] else ""
            said = f": “{md_escape(claim['sentence'])}”" if claim.get("sentence") else ""
            cells.append(f"**{md_escape(claim['value'] or claim['text'])}** "
                         f"({md_escape(claim['source']) or '?'} `{claim['article']}`{per}){said}")
        status = fact["status"].replace("_", " ")
        note = f" — {md_escape(fact['note'])}" if fact.get("note") else ""
        lines.append(f"| {md_escape(fact['predicate'])}{subject} | {status}{note} | "
                     f"{'<br>'.join(cells)} |")
    return [*lines, ""]
