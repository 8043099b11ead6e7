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
    if event["brief"]:
        lines += ["**Key sentences**", ""]
        lines += [f"- {md_escape(s['text'])} [{', '.join(s['articles'])}]" for s in event["brief"]]
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
