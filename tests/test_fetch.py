"""The guarded fetcher against a real HTTP server on 127.0.0.1 (and a mock for foreign hosts)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

import newsfuse.ingest.fetch as fetch_module
from newsfuse.ingest.fetch import (
    Fetcher,
    FetchSettings,
    HttpStatus,
    PrivateAddress,
    RobotsDisallowed,
    Timeout,
    TooLarge,
    TooManyRedirects,
    Unreachable,
    is_public,
    is_transient,
)


@dataclass
class Route:
    """What the test server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    stall: float = 0.0          # seconds to hang after the headers
    drip: float = 0.0           # seconds between single bytes of the body
    declare_length: bool = True


class Site:
    """The routes, the request log and the stall release of one test server."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.release = threading.Event()
        self.base = ""

    def add(self, path: str, body: str | bytes = b"", **kwargs) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **kwargs)

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    """Serves the Site's routes; conditional GET by ETag; stalls and drips on request."""

    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        site.hits.append(self.path)
        route = site.routes.get(self.path)
        if route is None:
            route = Route(b"not here", 404)
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(route.status)
        for key, value in route.headers.items():
            self.send_header(key, value)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.declare_length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if route.stall:
            self.wfile.flush()
            site.release.wait(route.stall)
            return
        try:
            if route.drip:
                for byte in route.body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if site.release.wait(route.drip):
                        return
            else:
                self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def serving() -> Iterator[Site]:
    """A live HTTP server on 127.0.0.1 with a free port, serving a Site, until the block ends."""
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    server.site = state  # type: ignore[attr-defined]
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def site():
    """The test server, stopped after the test."""
    with serving() as running:
        yield running


def local_fetcher(**overrides) -> Fetcher:
    """A fetcher allowed onto loopback, with short limits for tests."""
    values = {"allow_private": True, "connect_timeout": 2.0, "read_timeout": 0.5,
              "total_timeout": 5.0, "max_bytes": 50_000, **overrides}
    return Fetcher(FetchSettings(**values))


def test_plain_get_and_conditional_get(site):
    site.add("/feed.xml", "<rss/>", etag='"v1"', headers={"Last-Modified": "Mon, 01 Jan 2024 "
                                                                            "00:00:00 GMT"})
    with local_fetcher() as fetcher:
        first = fetcher.get(site.url("/feed.xml"))
        assert (first.status, first.content, first.etag) == (200, b"<rss/>", '"v1"')
        assert first.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
        again = fetcher.get(site.url("/feed.xml"), etag=first.etag)
        assert again.not_modified and again.content == b""


def test_redirects_are_followed_and_loops_stopped(site):
    site.add("/old", status=301, headers={"Location": "/new"})
    site.add("/new", "moved here")
    site.add("/loop-a", status=302, headers={"Location": "/loop-b"})
    site.add("/loop-b", status=302, headers={"Location": "/loop-a"})
    for n in range(8):
        site.add(f"/hop{n}", status=302, headers={"Location": f"/hop{n + 1}"})
    with local_fetcher() as fetcher:
        moved = fetcher.get(site.url("/old"))
        assert moved.url == site.url("/new") and moved.content == b"moved here"
        with pytest.raises(TooManyRedirects, match="loop"):
            fetcher.get(site.url("/loop-a"))
        with pytest.raises(TooManyRedirects, match="more than 5"):
            fetcher.get(site.url("/hop0"))
    assert site.hits.count("/loop-a") == 1


def test_error_statuses_say_whether_to_retry(site):
    site.add("/broken", "oops", status=500, headers={"Retry-After": "120"})
    with local_fetcher() as fetcher:
        with pytest.raises(HttpStatus) as failed:
            fetcher.get(site.url("/broken"))
        assert failed.value.status == 500 and is_transient(failed.value)
        assert failed.value.retry_after == 120
        with pytest.raises(HttpStatus) as missing:
            fetcher.get(site.url("/nothing"))
        assert missing.value.status == 404 and not is_transient(missing.value)


def test_stalling_server_times_out_quickly(site):
    site.add("/slow", "never finished", stall=10)
    site.add("/drip", "x" * 200, drip=0.05)
    with local_fetcher() as fetcher:
        started = time.monotonic()
        with pytest.raises(Timeout):
            fetcher.get(site.url("/slow"))
        assert time.monotonic() - started < 3
    # A server that keeps sending a byte now and then is stopped by the total limit.
    with local_fetcher(total_timeout=0.6) as fetcher:
        started = time.monotonic()
        with pytest.raises(Timeout) as slow:
            fetcher.get(site.url("/drip"))
        assert time.monotonic() - started < 3 and is_transient(slow.value)


def test_oversized_bodies_are_cut_off(site):
    site.add("/big", b"a" * 80_000)
    site.add("/big-undeclared", b"b" * 80_000, declare_length=False)
    site.add("/fine", b"c" * 1000, declare_length=False)
    with local_fetcher(max_bytes=50_000) as fetcher:
        with pytest.raises(TooLarge):
            fetcher.get(site.url("/big"))
        with pytest.raises(TooLarge):
            fetcher.get(site.url("/big-undeclared"))
        assert len(fetcher.get(site.url("/fine")).content) == 1000
        with pytest.raises(TooLarge):
            fetcher.get(site.url("/fine"), max_bytes=500)


def test_robots_txt_is_honoured_and_cached(site):
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n")
    site.add("/private/page", "secret")
    site.add("/public/page", "open")
    with local_fetcher() as fetcher:
        with pytest.raises(RobotsDisallowed):
            fetcher.get(site.url("/private/page"))
        assert fetcher.get(site.url("/public/page")).content == b"open"
        assert not fetcher.allowed(site.url("/private/other"))
    assert "/private/page" not in site.hits
    assert site.hits.count("/robots.txt") == 1


def test_robots_txt_server_error_closes_the_site_for_now(site):
    site.add("/robots.txt", "down", status=503)
    site.add("/page", "text")
    with local_fetcher() as fetcher:
        with pytest.raises(HttpStatus, match=r"robots\.txt") as failed:
            fetcher.get(site.url("/page"))
        assert is_transient(failed.value)
        site.add("/robots.txt", "User-agent: *\nAllow: /\n")
        assert fetcher.get(site.url("/page")).content == b"text"
    assert site.hits.count("/page") == 1


def test_loopback_is_refused_without_allow_private(site):
    site.add("/feed.xml", "<rss/>")
    with local_fetcher(allow_private=False) as fetcher:
        with pytest.raises(PrivateAddress):
            fetcher.get(site.url("/feed.xml"))
        port = site.base.rsplit(":", 1)[1]
        # The same address written as one number or as IPv6 is still loopback.
        for literal in ("2130706433", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"):
            with pytest.raises(PrivateAddress):
                fetcher.get(f"http://{literal}:{port}/feed.xml")
    assert site.hits == []


def test_every_redirect_hop_is_checked_again(monkeypatch):
    seen_hosts = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_hosts.append(request.headers["Host"])
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://intranet.test/admin"})

    addresses = {"news.test": ["203.0.113.80"], "intranet.test": ["10.1.2.3"]}
    # 203.0.113.0/24 is a documentation range: count it as public for this test only.
    original = fetch_module.is_public
    monkeypatch.setattr(fetch_module, "is_public",
                        lambda address: address == "203.0.113.80" or original(address))
    with Fetcher(FetchSettings(), transport=httpx.MockTransport(handler),
                 resolver=lambda host, _port: addresses[host]) as fetcher, \
            pytest.raises(PrivateAddress, match=r"10\.1\.2\.3"):
        fetcher.get("http://news.test/story")
    assert "intranet.test" not in seen_hosts and "news.test" in seen_hosts


def test_closed_port_is_unreachable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with local_fetcher() as fetcher, pytest.raises(Unreachable) as failed:
        fetcher.get(f"http://127.0.0.1:{port}/feed")
    assert is_transient(failed.value)


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("10.0.0.8", False), ("192.168.1.1", False), ("172.16.4.4", False),
    ("169.254.169.254", False), ("224.0.0.1", False), ("0.0.0.0", False), ("100.64.0.1", False),
    ("::1", False), ("fe80::1", False), ("fc00::5", False), ("::ffff:127.0.0.1", False),
    ("ff02::1", False), ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("bogus", False),
])
def test_public_addresses(address, public):
    assert is_public(address) is public
