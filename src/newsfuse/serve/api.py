"""The JSON twins of the pages under /api, and the guarded write endpoint."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from newsfuse.errors import NotFound, UsageError
from newsfuse.serve.pages import DeskDep, QueryDep, moved_or_raise
from newsfuse.serve.security import MESSAGES, check_token, error_body

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/events", summary="Events, newest first (the / page's data)")
async def list_events(desk: DeskDep, query: QueryDep) -> dict[str, Any]:
    """A page of events with search and filters; `next` is the cursor of the next page."""
    return desk.events(query)


@router.get("/timeline", summary="Events and articles per day (the /timeline page's data)")
async def timeline(desk: DeskDep, query: QueryDep) -> dict[str, Any]:
    """Bars of matching events per day, or per week/month (`bucket`) when the span is long."""
    return desk.timeline(query)


@router.get("/map", summary="Events with a place on the map (the /map page's data)")
async def event_map(desk: DeskDep, query: QueryDep) -> dict[str, Any]:
    """Each matching event at its most-mentioned place that has coordinates."""
    return desk.map(query)


@router.get("/events/{event_id}", summary="One event (the /events/{id} page's data)",
            response_model=None,
            responses={308: {"description": "The event was merged into the one `Location` "
                                            "names"}})
async def get_event(event_id: str, desk: DeskDep) -> Response:
    """The newsfuse/1 event record and its articles with their grouping reasons and merges."""
    try:
        document = desk.event(event_id).document
    except NotFound as missing:
        return moved_or_raise(desk, event_id, "/api/events/", missing)
    # straight to JSON: without a response model FastAPI would walk the document in Python
    return JSONResponse(document)


@router.get("/articles/{article_id}", summary="One article (the /articles/{id} page's data)")
async def get_article(article_id: str, desk: DeskDep) -> dict[str, Any]:
    """The newsfuse/1 article record with its extractions, duplicates and event."""
    return desk.article(article_id).document


@router.post("/articles", summary="Ingest articles (off unless --allow-writes)",
             responses={401: {"description": "Missing or wrong bearer token"},
                        403: {"description": "Writes are switched off"},
                        413: {"description": "Body over the size limit"}})
async def post_articles(request: Request, desk: DeskDep,
                        authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """Ingest one article object or a list of them (JSON Lines fields), as the CLI would."""
    if not desk.allow_writes:
        return JSONResponse(error_body(403, MESSAGES[403]), status_code=403)
    if not check_token(authorization, desk.token):
        return JSONResponse(error_body(401, MESSAGES[401]), status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    body = await request.body()
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise UsageError("the body must be a JSON article object or a list of them.") from exc
    report = await run_in_threadpool(desk.ingest, payload)
    return JSONResponse(report, status_code=201 if report["added"] else 200)
