"""The desk's OpenAPI document, corrected to what the API really answers.

FastAPI documents a 422 validation body that the desk never sends (its errors are 400/404 in
the one error shape), knows nothing of the posted articles' body, and describes every JSON
twin as "any object". The document is patched once, so schemathesis can hold the API to it.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

Schema = dict[str, Any]

_NULLABLE_STR: Schema = {"type": ["string", "null"]}
_INT0: Schema = {"type": "integer", "minimum": 0}
_STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
_HEAD: Schema = {"schema": {"const": "newsfuse/1"}, "generator": {"type": "string"}}
_LIST_HEAD: Schema = {**_HEAD, "query": {"type": "object",
                                         "additionalProperties": {"type": "string"}},
                      "indexed_through": _INT0}

ERROR: Schema = {
    "type": "object", "required": ["ok", "error", "code", "status"],
    "properties": {"ok": {"const": False}, "error": {"type": "string"},
                   "code": {"type": "string", "pattern": "^NF[0-9]{3}$"},
                   "status": {"type": "integer", "minimum": 400, "maximum": 599}}}


def _object(required: list[str], properties: Schema) -> Schema:
    """An object with these required keys; other keys are allowed (the contract grows)."""
    return {"type": "object", "required": required, "properties": properties}


EVENT_ROW = _object(
    ["id", "title", "start", "end", "n_articles", "n_sources", "disputed", "places", "sources"],
    {"id": {"type": "string"}, "title": _NULLABLE_STR, "start": _NULLABLE_STR,
     "end": _NULLABLE_STR, "date": _NULLABLE_STR, "n_articles": {"type": "integer",
                                                                 "minimum": 1},
     "n_sources": _INT0, "disputed": _INT0, "type": _NULLABLE_STR, "sub_type": _NULLABLE_STR,
     "places": _STRINGS, "sources": _STRINGS})
BAR = _object(["from", "to", "events", "articles"],
              {"from": {"type": "string"}, "to": {"type": "string"}, "events": _INT0,
               "articles": _INT0})
POINT = _object(["id", "place", "lat", "lon"],
                {"id": {"type": "string"}, "title": _NULLABLE_STR, "place": {"type": "string"},
                 "lat": {"type": "number", "minimum": -90, "maximum": 90},
                 "lon": {"type": "number", "minimum": -180, "maximum": 180}})
SPANNED = _object(["start", "end"], {"start": _INT0, "end": _INT0})
FACT = _object(["predicate", "status", "claims"],
               {"predicate": {"type": "string"},
                "status": {"enum": ["agreed", "disputed", "single_source", "update"]},
                "claims": {"type": "array", "items": _object(
                    ["article", "text", "start", "end"],
                    {"article": {"type": "string"}, "text": {"type": "string"},
                     "start": _INT0, "end": _INT0})}})

RESPONSES: dict[tuple[str, str], Schema] = {
    ("/api/events", "get"): _object(
        ["schema", "events", "next", "limit"],
        {**_LIST_HEAD, "events": {"type": "array", "items": EVENT_ROW}, "next": _NULLABLE_STR,
         "limit": {"type": "integer", "minimum": 1}, "search": {"type": "string"}}),
    ("/api/timeline", "get"): _object(
        ["schema", "bucket", "bars", "events", "articles"],
        {**_LIST_HEAD, "bucket": {"enum": ["day", "week", "month"]},
         "bars": {"type": "array", "items": BAR}, "events": _INT0, "articles": _INT0}),
    ("/api/map", "get"): _object(
        ["schema", "points", "events"],
        {**_LIST_HEAD, "points": {"type": "array", "items": POINT}, "events": _INT0}),
    ("/api/events/{event_id}", "get"): _object(
        ["schema", "event", "articles"],
        {**_HEAD, "event": _object(
            ["id", "title", "articles", "places", "actors", "quotes", "facts", "brief",
             "timeline"],
            {"id": {"type": "string"}, "title": _NULLABLE_STR, "articles": _STRINGS,
             "quotes": {"type": "array", "items": SPANNED},
             "facts": {"type": "array", "items": FACT}}),
         "articles": {"type": "array", "items": _object(["id"], {"id": {"type": "string"}})}}),
    ("/api/articles/{article_id}", "get"): _object(
        ["schema", "article", "duplicates", "event"],
        {**_HEAD, "article": _object(
            ["id", "origin", "text", "removed", "duplicate_of", "event"],
            {"id": {"type": "string"}, "text": {"type": "string"}, "removed": _STRINGS,
             "duplicate_of": _NULLABLE_STR, "event": _NULLABLE_STR,
             **{kind: {"type": "array", "items": SPANNED}
                for kind in ("times", "places", "quotes", "claims")}}),
         "duplicates": {"type": "array"},
         "event": {"type": ["object", "null"]}}),
    ("/api/articles", "post"): _object(
        ["ok", "added", "skipped", "duplicates", "new_events", "rejected", "summary"],
        {"ok": {"const": True}, "added": _INT0, "skipped": _INT0, "duplicates": _INT0,
         "new_events": _INT0, "rejected": {"type": "array"}, "summary": {"type": "string"}}),
}

POSTED_ARTICLE = _object(
    [], {"id": {"type": "string"}, "url": {"type": "string"}, "source": _NULLABLE_STR,
         "title": _NULLABLE_STR, "published": _NULLABLE_STR, "author": _NULLABLE_STR,
         "text": {"type": "string"}, "html": {"type": "string"}})
POST_BODY: Schema = {
    "required": True,
    "description": "One article object or a list of them, with the JSON Lines fields; "
                   "each needs `text` or `html`. Articles the CLI would reject are listed "
                   "under `rejected`.",
    "content": {"application/json": {"schema": {"oneOf": [
        POSTED_ARTICLE,
        {"type": "array", "items": POSTED_ARTICLE, "minItems": 1, "maxItems": 500}]}}}}


def _json(schema: Schema, description: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _patch_operation(path: str, method: str, operation: Schema) -> None:
    responses: Schema = operation.setdefault("responses", {})
    responses.pop("422", None)
    body = RESPONSES.get((path, method))
    if body is not None:
        ok = "201" if method == "post" else "200"
        responses[ok] = _json(body, responses.get("200", {}).get("description", "Success"))
        if method == "post":
            responses["200"] = _json(body, "Nothing new was added")
    if operation.get("parameters") or method == "post":
        responses["400"] = _json(ERROR, "Invalid parameters or body")
    if "{" in path:
        responses["404"] = _json(ERROR, "No such record")
    if "308" in responses:
        responses["308"]["headers"] = {"Location": {
            "description": "The surviving event's URL", "schema": {"type": "string"}}}
    for status in ("401", "403", "413"):
        if status in responses:
            responses[status] = _json(ERROR, responses[status]["description"])
    if method == "post":
        operation["requestBody"] = POST_BODY


def desk_openapi(app: FastAPI) -> Schema:
    """The app's OpenAPI document with the corrections above (built once, then cached)."""
    if app.openapi_schema is None:
        document = get_openapi(title=app.title, version=app.version,
                               description=app.description, routes=app.routes)
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                _patch_operation(path, method, operation)
        schemas = document.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        if not schemas:
            document.pop("components", None)
        app.openapi_schema = document
    return app.openapi_schema
