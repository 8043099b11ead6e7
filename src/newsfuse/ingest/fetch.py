"""A guarded HTTP fetcher for feeds and pages: timeouts, size limits, redirects, robots.txt.

Every hop of a redirect chain is checked again: its scheme, the addresses its host resolves to
(private, loopback, link-local and multicast ranges are refused unless `allow_private`), and the
robots.txt of its host. The connection goes to the address that was checked, so a host that
resolves differently a second time cannot slip past the check.

    FetchError (newsfuse.errors)      NF301  the URL could not be fetched
    ├── Blocked                        NF311  refused before any request was made
    │   ├── PrivateAddress             NF312  the host is (or resolves to) a non-public address
    │   └── RobotsDisallowed           NF313  the site's robots.txt forbids the URL
    ├── BadUrl                         NF318  not an absolute http(s) URL
    ├── Unreachable                    NF317  DNS failure, refused connection, broken response
    ├── Timeout                        NF314  connect, read or total time limit reached
    ├── TooLarge                       NF304  the body is over the size limit
    ├── TooManyRedirects               NF316  a redirect loop or too long a chain
    └── HttpStatus                     NF315  an error status (4xx, 5xx)

`is_transient(error)` says whether trying again later can help.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from newsfuse import __version__
from newsfuse.errors import FetchError
from newsfuse.ingest.decode import decode_bytes

logger = logging.getLogger(__name__)

USER_AGENT = f"newsfuse/{__version__}"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
Resolver = Callable[[str, int], list[str]]
_CLOSED = ["User-agent: *", "Disallow: /"]


class Blocked(FetchError):
    """The fetch was refused by policy before any request was sent."""

    code = "NF311"
    transient = False


class PrivateAddress(Blocked):
    """The host is, or resolves to, a private, loopback, link-local or multicast address."""

    code = "NF312"


class RobotsDisallowed(Blocked):
    """The site's robots.txt does not allow this URL for our user agent."""

    code = "NF313"


class BadUrl(FetchError):
    """The URL is not an absolute http or https URL."""

    code = "NF318"
    transient = False


class Unreachable(FetchError):
    """The host could not be resolved or connected to, or broke the connection."""

    code = "NF317"
    transient = True


class Timeout(FetchError):
    """A connect, read or total time limit was reached."""

    code = "NF314"
    transient = True


class TooLarge(FetchError):
    """The response body is over the size limit."""

    code = "NF304"
    transient = False


class TooManyRedirects(FetchError):
    """The redirects loop or go on longer than the limit."""

    code = "NF316"
    transient = False


class HttpStatus(FetchError):
    """The server answered with an error status."""

    code = "NF315"

    def __init__(self, message: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """Server errors, throttling and request timeouts may pass; other 4xx will not."""
        return self.status >= 500 or self.status in (408, 425, 429)


def is_transient(error: FetchError) -> bool:
    """Whether trying the same URL again later may succeed."""
    return bool(getattr(error, "transient", False))


@dataclass(frozen=True)
class FetchSettings:
    """Limits and policy of a fetcher."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    allow_private: bool = False
    robots: bool = True
    robots_ttl: float = 3600.0
    max_crawl_delay: float = 10.0
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A response that was read to the end (or a 304 with no body)."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag to send back next time."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified date to send back next time."""
        return self.headers.get("last-modified")

    def text(self) -> str:
        """The body as text: the declared charset when it works, else detection."""
        charset = _charset(self.headers.get("content-type", ""))
        if charset:
            try:
                return self.content.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        return decode_bytes(self.content)[0]


@dataclass
class _Robots:
    parser: RobotFileParser
    expires: float
    last_request: float = 0.0


class Fetcher:
    """Fetches URLs under the limits of its settings; one instance per polling loop."""

    def __init__(self, settings: FetchSettings | None = None,
                 transport: httpx.BaseTransport | None = None,
                 resolver: Resolver | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings or FetchSettings()
        # trust_env=False: a proxy from the environment would connect on our behalf and
        # make the address check meaningless.
        self.client = httpx.Client(transport=transport, follow_redirects=False, trust_env=False,
                                   headers={"User-Agent": self.settings.user_agent})
        self.resolver = resolver or resolve
        self.clock = clock
        self.sleep = sleep
        self._robots: dict[str, _Robots] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None,
            accept: str | None = None, max_bytes: int | None = None) -> Fetched:
        """GET a URL, following checked redirects; conditional when etag/last_modified are given.

        Raises:
            FetchError: one of the subclasses in the module docstring.
        """
        headers = {"Accept": accept} if accept else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, headers, max_bytes or self.settings.max_bytes, robots=True)

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch the URL (True when robots are switched off)."""
        if not self.settings.robots:
            return True
        parts = urlsplit(url)
        entry = self._robots_entry(f"{parts.scheme}://{parts.netloc}")
        return entry.parser.can_fetch(self.settings.user_agent, url)

    def _follow(self, url: str, headers: dict[str, str], limit: int, robots: bool) -> Fetched:
        deadline = self.clock() + self.settings.total_timeout
        current, visited = url, {url}
        for _ in range(self.settings.max_redirects + 1):
            target, addresses = self._check(current)
            if robots:
                self._obey_robots(current)
            response = self._request(target, addresses, headers, deadline, limit)
            location = response.headers.get("location")
            if response.status in REDIRECTS and location:
                current = urljoin(current, location.strip())
                if current in visited:
                    raise TooManyRedirects(f"redirect loop at {current}.")
                visited.add(current)
                continue
            if response.status >= 400 or response.status < 200:
                raise HttpStatus(f"{current} answered HTTP {response.status}.", response.status,
                                 _retry_after(response.headers.get("retry-after")))
            return Fetched(current, response.status, response.headers, response.content)
        raise TooManyRedirects(f"more than {self.settings.max_redirects} redirects from {url}.")

    def _check(self, url: str) -> tuple[httpx.URL, list[str]]:
        """The parsed URL and its host's addresses, refusing what policy forbids."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise BadUrl(f"not a valid URL: {url!r} ({exc}).") from exc
        if target.scheme not in ("http", "https") or not target.host:
            raise BadUrl(f"only absolute http and https URLs can be fetched, not {url!r}.")
        port = target.port or (443 if target.scheme == "https" else 80)
        addresses = self.resolver(target.host, port)
        if not addresses:
            raise Unreachable(f"{target.host} has no address.")
        if not self.settings.allow_private:
            for address in addresses:
                if not is_public(address):
                    where = "is" if address == target.host else f"resolves to {address},"
                    raise PrivateAddress(
                        f"{target.host} {where} a private or local address "
                        "(pass allow_private / --allow-private to fetch it).")
        return target, addresses

    def _request(self, target: httpx.URL, addresses: list[str], headers: dict[str, str],
                 deadline: float, limit: int) -> Fetched:
        """One request to the first checked address that accepts a connection."""
        error: FetchError = Unreachable(f"cannot connect to {target.host}.")
        for address in addresses:
            try:
                return self._request_at(target, address, headers, deadline, limit)
            except Unreachable as exc:
                error = exc
        raise error

    def _request_at(self, target: httpx.URL, address: str, headers: dict[str, str],
                    deadline: float, limit: int) -> Fetched:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise Timeout(f"{target} took longer than {self.settings.total_timeout:g} s.")
        timeout = httpx.Timeout(connect=min(self.settings.connect_timeout, remaining),
                                read=min(self.settings.read_timeout, remaining),
                                write=min(self.settings.read_timeout, remaining), pool=remaining)
        # Connect to the checked address; Host and SNI keep the name for the server and TLS.
        request = self.client.build_request(
            "GET", target.copy_with(host=address),
            headers={**headers, "Host": target.netloc.decode("ascii")}, timeout=timeout,
            extensions={"sni_hostname": target.host})
        try:
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise Timeout(f"{target} timed out ({type(exc).__name__}).") from exc
        except httpx.HTTPError as exc:
            raise Unreachable(f"{target}: {type(exc).__name__}: {exc}.") from exc
        try:
            content = self._read(response, target, deadline, limit)
        finally:
            response.close()
        headers_out = {k.lower(): v for k, v in response.headers.items()}
        return Fetched(str(target), response.status_code, headers_out, content)

    def _read(self, response: httpx.Response, target: httpx.URL, deadline: float,
              limit: int) -> bytes:
        """The body, stopping at the size limit and at the total deadline."""
        if response.status_code in REDIRECTS or response.status_code == 304:
            return b""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(f"{target} is {int(declared):,} bytes, over the limit of {limit:,}.")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"{target} is over the limit of {limit:,} bytes.")
                if self.clock() > deadline:
                    raise Timeout(f"{target} took longer than {self.settings.total_timeout:g} s.")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise Timeout(f"{target} stalled while sending ({type(exc).__name__}).") from exc
        except httpx.HTTPError as exc:
            raise Unreachable(f"{target} broke off: {type(exc).__name__}.") from exc
        return b"".join(chunks)

    def _obey_robots(self, url: str) -> None:
        """Refuse what robots.txt forbids and wait out its crawl delay."""
        if not self.settings.robots:
            return
        parts = urlsplit(url)
        entry = self._robots_entry(f"{parts.scheme}://{parts.netloc}")
        if not entry.parser.can_fetch(self.settings.user_agent, url):
            raise RobotsDisallowed(f"robots.txt of {parts.netloc} disallows {url}.")
        delay = entry.parser.crawl_delay(self.settings.user_agent)
        if delay:
            wait = min(float(delay), self.settings.max_crawl_delay)
            pause = entry.last_request + wait - self.clock()
            if pause > 0:
                self.sleep(pause)
        entry.last_request = self.clock()

    def _robots_entry(self, origin: str) -> _Robots:
        entry = self._robots.get(origin)
        if entry is None or entry.expires < self.clock():
            entry = _Robots(self._load_robots(origin), self.clock() + self.settings.robots_ttl)
            self._robots[origin] = entry
        return entry

    def _load_robots(self, origin: str) -> RobotFileParser:
        """robots.txt as RFC 9309 reads it: a 4xx allows everything.

        Raises:
            FetchError: a transient one when robots.txt cannot be had (5xx, timeout, no
                connection): the site counts as closed for now, and nothing is cached.
        """
        parser = RobotFileParser(origin + "/robots.txt")
        try:
            fetched = self._follow(origin + "/robots.txt", {}, 512_000, robots=False)
            lines = fetched.text().splitlines()
        except TooLarge:
            lines = []
        except HttpStatus as exc:
            if is_transient(exc):
                raise HttpStatus(f"robots.txt of {origin} answered HTTP {exc.status}; the site "
                                 "counts as closed until it answers.", exc.status,
                                 exc.retry_after) from exc
            lines = []
        except Blocked:
            lines = _CLOSED
        parser.parse(lines)
        return parser


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to, in the resolver's order, without repeats.

    Raises:
        Unreachable: when the name does not resolve.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unreachable(f"cannot resolve {host}: {exc}.") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    try:
        ip: Any = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(ip.is_global and not ip.is_multicast)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
