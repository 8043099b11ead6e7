"""The web desk's guard rails: security headers, a body size limit, errors without tracebacks.

`Guard` is plain ASGI middleware placed around the whole app, so its headers are on every
response (pages, JSON, static files, errors) and an unexpected exception becomes a short
message instead of a traceback. The error body is one shape everywhere:
`{"ok": false, "error": "...", "code": "NF404", "status": 404}` under /api, a page elsewhere.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from markupsafe import escape

from newsfuse.errors import NewsfuseError, NotFound, UsageError

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_OURS = {name for name, _ in SECURITY_HEADERS}
MAX_BODY = 1_000_000

ERROR_CODES = {400: "NF101", 401: "NF111", 403: "NF112", 404: "NF201", 405: "NF113",
               413: "NF304", 422: "NF101", 500: "NF500"}
MESSAGES = {401: "a valid bearer token is required.",
            403: "writes are switched off on this desk (start it with --allow-writes).",
            404: "no such page.", 405: "this method is not allowed here.",
            413: f"the request body is over the limit of {MAX_BODY:,} bytes.",
            500: "something went wrong on the server; the error was logged."}


class BodyTooLarge(Exception):
    """Raised while reading a request body that grows past the limit."""


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    """The canonical error document."""
    return {"ok": False, "error": message, "code": code or ERROR_CODES.get(status, "NF100"),
            "status": status}


def status_of(exc: NewsfuseError) -> int:
    """The HTTP status a newsfuse error maps to."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, UsageError):
        return 400
    return 500


def wants_json(path: str) -> bool:
    """Whether a path belongs to the JSON API."""
    return path == "/api" or path.startswith(("/api/", "/openapi"))


def check_token(header: str | None, token: str | None) -> bool:
    """Whether an Authorization header carries the desk's bearer token (constant time)."""
    if not token or not header:
        return False
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())


def plain_page(status: int, message: str) -> bytes:
    """A minimal error page that needs no template (used when anything else may be broken)."""
    text = escape(message)
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Error {status}"
            f"</title><link rel=stylesheet href=/static/style.css></head><body><main>"
            f"<h1>Error {status}</h1><p>{text}</p><p><a href=/>All events</a></p></main>"
            f"</body></html>").encode()


class Guard:
    """ASGI middleware: security headers on everything, 413 past the body limit, no tracebacks."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one request behind the guard."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                message = {**message, "headers": [*kept, *SECURITY_HEADERS]}
            await send(message)

        if self._declared_length(scope) > self.max_body:
            await self._error(scope, guarded_send, 413, MESSAGES[413])
            return
        try:
            await self.app(scope, self._limited(receive), guarded_send)
        except BodyTooLarge:
            if not started:
                await self._error(scope, guarded_send, 413, MESSAGES[413])
        except Exception:  # the last resort: log it, tell the client only that it failed
            logger.exception("request %s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                await self._error(scope, guarded_send, 500, MESSAGES[500])

    def _limited(self, receive: Receive) -> Receive:
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        return limited

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0

    @staticmethod
    async def _error(scope: Scope, send: Send, status: int, message: str) -> None:
        if wants_json(str(scope.get("path", ""))):
            body = json.dumps(error_body(status, message)).encode()
            kind = b"application/json"
        else:
            body = plain_page(status, message)
            kind = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
