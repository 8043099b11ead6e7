"""The web desk: a FastAPI app (events list, event and article pages, JSON twins under /api).

Build it with `create_app(db)`; nothing is created at import time. Page requests read the
store through read-only SQLite connections, so the desk can run beside a running ingest.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsfuse import __version__
from newsfuse.errors import ConfigError, NewsfuseError
from newsfuse.serve import api, pages
from newsfuse.serve.desk import Desk
from newsfuse.serve.openapi import desk_openapi
from newsfuse.serve.security import (
    MAX_BODY,
    MESSAGES,
    Guard,
    error_body,
    status_of,
    wants_json,
)

__all__ = ["create_app"]


def create_app(db: str, *, allow_writes: bool = False, token: str | None = None,
               index: str | None = None) -> FastAPI:
    """The web desk over the SQLite store at `db`; writes only with allow_writes and a token.

    `index` keeps the desk's event index at that path, so the next start only catches up.
    """
    if allow_writes and not token:
        raise ConfigError("writes need a bearer token.", hint="pass --token or leave writes off")
    templates = pages.make_environment()
    desk = Desk(db, allow_writes=allow_writes, token=token,
                render=lambda view: pages.render_event(templates, view), index=index)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        desk.close()

    app = FastAPI(title="newsfuse web desk", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
                  description="Events grouped from news articles, with facts, quotes and "
                  "their sources. Every HTML page has a JSON twin under /api.")
    app.openapi = lambda: desk_openapi(app)  # type: ignore[method-assign]  # FastAPI's hook
    app.state.desk = desk
    app.state.templates = templates
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    _install_error_handlers(app)
    app.add_middleware(Guard, max_body=MAX_BODY)
    return app


def error_response(request: Request, status: int, message: str,
                   code: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    """The error as JSON under /api, else as the error page."""
    if wants_json(request.url.path):
        return JSONResponse(error_body(status, message, code), status_code=status,
                            headers=headers)
    body = request.app.state.templates.get_template("error.html").render(
        status=status, message=message, code=error_body(status, message, code)["code"])
    return HTMLResponse(body, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    async def newsfuse_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NewsfuseError)
        status = status_of(exc)
        message = exc.message if status < 500 else MESSAGES[500]
        return error_response(request, status, message, exc.code if status < 500 else None)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = MESSAGES.get(exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, message, headers=exc.headers)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 400, _validation_message(exc.errors()))

    app.add_exception_handler(NewsfuseError, newsfuse_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def _validation_message(errors: Any) -> str:
    """One sentence naming the bad parameters (never echoing their values)."""
    names = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        names.append(".".join(location) or "request")
    return "invalid " + ", ".join(sorted(set(names))) + "; check the parameters."
