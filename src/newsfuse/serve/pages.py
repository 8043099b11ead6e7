"""The HTML pages: events list, event and article, rendered server-side with autoescaped Jinja2."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from newsfuse.errors import NotFound
from newsfuse.serve.charts import graticule, strip_svg, timeline_svg
from newsfuse.serve.desk import Desk
from newsfuse.serve.highlight import counts, highlight
from newsfuse.serve.index import MAX_LIMIT, EventQuery
from newsfuse.serve.sources import speaker_key
from newsfuse.serve.stores import EventView, anchor
from newsfuse.serve.world import event_map

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
_WORDS = re.compile(r"\w+")
DAY = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"  # what the index accepts; empty = unset (forms)


def make_environment() -> Environment:
    """The Jinja2 environment: autoescape always on, templates bundled with the package."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals["safe_url"] = safe_url
    env.globals["claim_href"] = _claim_href
    env.filters["number"] = lambda v: "" if v is None else (
        str(int(v)) if float(v).is_integer() else f"{v:g}")
    return env


def safe_url(url: str | None) -> str | None:
    """The URL if it is plain http(s), else None, so no `javascript:` link is ever rendered."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def get_desk(request: Request) -> Desk:
    """The desk the app was built with."""
    desk: Desk = request.app.state.desk
    return desk


def get_env(request: Request) -> Environment:
    """The app's template environment."""
    env: Environment = request.app.state.templates
    return env


def event_query(
    q: Annotated[str | None, Query(max_length=500, description="Full-text search (FTS5) "
                                   "over article titles and texts; every word must occur.")] = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=DAY,
                                           description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DAY,
                                         description="YYYY-MM-DD")] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(alias="type", max_length=200,
                                      description="Event type or sub-type")] = None,
    disputed: Annotated[bool, Query(description="Only events with disputed facts")] = False,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> EventQuery:
    """The events list's query parameters, shared by the page and its JSON twin."""
    return EventQuery(q=q, date_from=date_from, date_to=date_to, place=place, actor=actor,
                      type=kind, disputed=disputed, cursor=cursor, limit=limit)


DeskDep = Annotated[Desk, Depends(get_desk)]
EnvDep = Annotated[Environment, Depends(get_env)]
QueryDep = Annotated[EventQuery, Depends(event_query)]
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(env: Environment, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A rendered template as a response."""
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


@router.get("/")
async def events_page(desk: DeskDep, env: EnvDep, query: QueryDep) -> HTMLResponse:
    """The events list with search, filters and paging."""
    data = desk.events(query)
    next_href = None
    if data["next"]:
        next_href = "/?" + urlencode({**query.params(), "cursor": data["next"],
                                      "limit": query.limit})
    return render(env, "events.html", data=data, query=query, types=desk.index.types(),
                  next_href=next_href, first_href="/?" + urlencode(query.params()),
                  api_href="/api/events?" + urlencode(query.params()))


@router.get("/timeline")
async def timeline_page(desk: DeskDep, env: EnvDep, query: QueryDep) -> HTMLResponse:
    """Events and articles per day as a bar chart; each bar opens that span's events."""
    data = desk.timeline(query)
    params = {k: v for k, v in query.params().items() if k not in ("from", "to")}
    bars = [{**bar, "href": "/?" + urlencode({**params, "from": bar["from"], "to": bar["to"]})}
            for bar in data["bars"]]
    return render(env, "timeline.html", data=data, query=query, types=desk.index.types(),
                  chart=timeline_svg(bars),
                  api_href="/api/timeline?" + urlencode(query.params()))


@router.get("/map")
async def map_page(desk: DeskDep, env: EnvDep, query: QueryDep) -> HTMLResponse:
    """Events as points on a world map (equirectangular); each point opens its event."""
    data = desk.map(query)
    return render(env, "map.html", data=data, query=query, types=desk.index.types(),
                  grid=graticule(), api_href="/api/map?" + urlencode(query.params()))


@router.get("/events/{event_id}", response_model=None)
async def event_page(event_id: str, desk: DeskDep) -> HTMLResponse | RedirectResponse:
    """One event: brief, facts, quotes, timeline, places, sources and reasons."""
    try:
        return HTMLResponse(desk.event_html(event_id))
    except NotFound as missing:
        return moved_or_raise(desk, event_id, "/events/", missing)


def render_event(env: Environment, view: EventView) -> str:
    """An event's HTML page (the desk renders it when it indexes the event)."""
    return env.get_template("event.html").render(**event_context(view))


def moved_or_raise(desk: Desk, event_id: str, prefix: str,
                   missing: NotFound) -> RedirectResponse:
    """A permanent redirect to the event a merged-away id lives on in; else `missing` raised."""
    target = desk.successor(event_id)
    if target is None:
        raise missing
    return RedirectResponse(prefix + quote(target, safe=""), status_code=308)


SpanParam = Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$",
                                        description="START-END of the words to show (#hit)")]


@router.get("/articles/{article_id}")
async def article_page(article_id: str, desk: DeskDep, env: EnvDep,
                       span: SpanParam = None) -> HTMLResponse:
    """One article: highlighted clean text, removed debris, metadata, duplicates."""
    view = desk.article(article_id)
    record = view.document["article"]
    start, _, end = (span or "").partition("-")
    target = (int(start), int(end)) if span else None
    return render(env, "article.html", doc=view.document, article=record,
                  body=highlight(record["text"], view.marks, view.anchors, target),
                  legend=counts(view.marks),
                  metadata=json.dumps(record["metadata"], ensure_ascii=False, indent=2,
                                      sort_keys=True, default=str))


def event_context(view: EventView) -> dict[str, Any]:
    """What the event template shows, shaped from the JSON twin's document."""
    event = view.document["event"]
    articles = view.document["articles"]
    number = {a["id"]: i for i, a in enumerate(articles, 1)}

    def href(article_id: str, offset: int | None) -> str:
        target = anchor(view.starts, article_id, offset or 0)
        return f"/articles/{article_id}#s-{target}"

    def cite(article_id: str, offset: int | None) -> dict[str, Any]:
        return {"n": number.get(article_id, "?"), "article": article_id,
                "href": href(article_id, offset)}

    brief = [{"text": _numbered(line["text"], number), "fact": line.get("fact"),
              "cites": [cite(s["article"], s["start"]) for s in line.get("spans", [])]
              or [cite(a, 0) for a in line["articles"]]} for line in event["brief"]]
    timeline = [{**t, "n": i, "href": href(t["article"], t["start"]), "short": shorten(t["text"]),
                 "cites": [cite(a, t["start"] if a == t["article"] else 0)
                           for a in t["articles"]]}
                for i, t in enumerate(event["timeline"], 1)]
    places = [{**p, "href": _mention_href(p)} for p in event["places"]]
    columns, rows = _fact_table(event, articles, number, href)
    return {"event": event, "articles": articles, "number": number, "brief": brief,
            "columns": columns, "facts": rows, "quotes": _quote_groups(event, href),
            "timeline": timeline, "strip": strip_svg(timeline), "map": event_map(places),
            "places": places, "doc": view.document}


def _fact_table(event: dict[str, Any], articles: list[dict[str, Any]], number: dict[str, int],
                href: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One column per outlet (per article when the outlet is unknown), disputed facts first."""
    column_of = {a["id"]: a["source"] or a["id"] for a in articles}
    keys = list(dict.fromkeys(column_of[a["id"]] for a in articles))
    columns = [{"key": key, "source": next((a["source"] for a in articles
                                             if column_of[a["id"]] == key), None),
                "numbers": [number[a["id"]] for a in articles if column_of[a["id"]] == key]}
               for key in keys]
    facts = sorted(event["facts"], key=lambda f: f["status"] != "disputed")
    rows = []
    for fact in facts:
        cells = [[{**claim, "href": _claim_href(claim) or href(claim["article"],
                                                                claim["sentence_start"])}
                  for claim in fact["claims"] if column_of.get(claim["article"]) == key]
                 for key in keys]
        rows.append({"fact": fact, "cells": cells, "cells_html": _cells_html(cells)})
    return columns, rows


def _cells_html(cells: list[list[dict[str, Any]]]) -> Markup:
    """A fact row's source cells, escaped piece by piece here: a big table rendered through
    template loops cost most of an event page's time."""
    out = []
    for cell in cells:
        out.append("<td>")
        for claim in cell:
            text, value = str(claim["text"]), claim.get("value")
            piece = (f'<div class="claim"><a href="{escape(claim["href"])}" '
                     f'title="{escape(claim.get("sentence") or text)}">“{escape(text)}”</a>')
            if value and str(value).lower() != text.lower():
                piece += f' <span class="value">= {escape(value)}</span>'
            if claim.get("attribution"):
                piece += f' <span class="muted">according to {escape(claim["attribution"])}</span>'
            out.append(piece + "</div>")
        out.append("</td>")
    return Markup("".join(out))


def _numbered(text: str, number: dict[str, int]) -> str:
    """A brief line with the article ids it names shown as the page's [n] numbers."""
    for article_id in sorted(number, key=len, reverse=True):
        if article_id in text:
            text = text.replace(article_id, f"[{number[article_id]}]")
    return text


def shorten(text: str, limit: int = 70) -> str:
    """The text cut at a word boundary to about `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"


def _mention_href(place: dict[str, Any]) -> str | None:
    """A place's link: its first mention's words highlighted on the article page."""
    for mention in place.get("mentions") or ():
        start, end = mention.get("start"), mention.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end:
            return f"/articles/{mention['article']}?span={start}-{end}#hit"
    return None


def _claim_href(claim: dict[str, Any]) -> str | None:
    """A fact cell's link: the article page with the claim's own words wrapped and targeted."""
    start, end = claim.get("start"), claim.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return None
    return f"/articles/{claim['article']}?span={start}-{end}#hit"


def _quote_groups(event: dict[str, Any], href: Any) -> list[dict[str, Any]]:
    """Quotes by speaker, most quoted first, the same words from several articles on one line.

    A shorter quote inside a longer one of the same speaker joins it as another citation.
    """
    groups = []
    by_speaker: dict[str, list[dict[str, Any]]] = {}
    for said in event["quotes"]:  # the record lists the most quoted speakers first
        by_speaker.setdefault(speaker_key(said), []).append(said)
    for speaker, quotes in by_speaker.items():
        lines: list[dict[str, Any]] = []
        plain = [_plain(q["text"]) for q in quotes]
        for order in sorted(range(len(quotes)), key=lambda i: (-len(plain[i]), i)):
            said, words = quotes[order], plain[order]
            cite = {"article": said["article"], "href": href(said["article"], said["start"])}
            same = next((line for line in lines if words and words in line["plain"]), None)
            if same is None:
                lines.append({**said, "plain": words, "order": order, "cites": [cite]})
            elif all(c["article"] != said["article"] for c in same["cites"]):
                same["cites"].append(cite)
                same["order"] = min(same["order"], order)
        lines.sort(key=lambda line: line["order"])
        groups.append({"key": speaker, "speaker": lines[0]["speaker"] or "Unknown speaker",
                       "quotes": lines, "count": sum(len(line["cites"]) for line in lines)})
    return groups


def _plain(text: str) -> str:
    """Quote words compared across sources: lower case, letters and digits only."""
    return " ".join(_WORDS.findall(text.lower().replace("u.s.", "us")))
