"""The web desk in a real browser: click-through, filters, XSS and CSP (Playwright + Chromium).

Playwright drives Debian's Chromium (`/usr/bin/chromium`) against `newsfuse serve` started as a
subprocess on a free loopback port, over a store that `newsfuse ingest` built from examples/
and the hostile articles of conftest. Screenshots land in test-artifacts/screenshots/. The file
is skipped when Chromium is missing, unless NEWSFUSE_REQUIRE_BROWSER is set (as CI does).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import HOSTILE_ARTICLES, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.issue(6)]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "test-artifacts" / "screenshots"
# Whatever a hostile payload would do if it ran: set this global or open a dialog.
PROBE = "window.__pwned"
# Every element attribute that can run script, and every link that could.
ACTIVE_MARKUP = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith('on')) found.push(el.tagName + ' ' + attr.name);
    }
    const href = el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    if (/^\\s*javascript:/i.test(href)) found.push(el.tagName + ' href=' + href);
  }
  for (const s of document.querySelectorAll('script, iframe, object, embed')) {
    found.push(s.tagName);
  }
  return found;
}"""


def _require_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("NEWSFUSE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing and NEWSFUSE_REQUIRE_BROWSER is set "
                        "(install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium to run the browser tests)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"newsfuse serve exited early: {server.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"newsfuse serve did not answer {url} within {timeout} s")


@pytest.fixture(scope="module")
def server(web_db):
    """`newsfuse serve` on a free 127.0.0.1 port; yields its base URL."""
    _require_browser()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsfuse", "serve", "--db", str(web_db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/events", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright (its bundled driver; nothing is downloaded)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records dialogs and console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.dialogs = []
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()


def _api(base: str, path: str):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return json.load(response)


def _shot(page, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    ignore = SHOTS.parent / ".gitignore"
    if not ignore.exists():  # keep the artefacts out of git without touching the repo's ignores
        ignore.write_text("*\n", encoding="utf-8")
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _event_with_a_disputed_number(base: str) -> tuple[dict, dict]:
    """The event whose disputed count claim sits furthest into its article, and that claim."""
    best = None
    for row in _api(base, "/api/events?limit=200&disputed=1")["events"]:
        event = _api(base, f"/api/events/{row['id']}")["event"]
        for fact in event["facts"]:
            if fact["status"] != "disputed" or fact["predicate"] == "date":
                continue
            for claim in fact["claims"]:
                if best is None or claim["start"] > best[1]["start"]:
                    best = (event, claim)
    assert best is not None, "the examples have no disputed number"
    return best


def test_click_through_from_list_to_highlighted_claim(server, page):
    from playwright.sync_api import expect

    event, claim = _event_with_a_disputed_number(server)
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("Events")
    _shot(page, "01-events")
    page.locator(f'table.events a[href="/events/{event["id"]}"]').click()
    page.wait_for_url(f"**/events/{event['id']}")
    expect(page.locator("h1")).to_have_text(event["title"])
    expect(page.locator("table.facts tr.status-disputed").first).to_be_visible()
    _shot(page, "02-event")

    link = page.locator(f'table.facts a[href^="/articles/{claim["article"]}?span='
                        f'{claim["start"]}-{claim["end"]}"]')
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_url(f"**/articles/{claim['article']}?span=*")
    hit = page.locator("#hit")
    expect(hit).to_have_text(claim["text"])
    expect(hit).to_be_in_viewport()
    assert page.evaluate("location.hash") == "#hit"
    assert page.evaluate("document.querySelector(':target') && "
                         "document.querySelector(':target').id") == "hit"
    text = _api(server, f"/api/articles/{claim['article']}")["article"]["text"]
    assert text[claim["start"]:claim["end"]] == claim["text"]
    assert page.locator("#hit mark.m-claim").count() >= 1  # the claim's own mark is inside
    _shot(page, "03-article-highlight", full_page=False)
    assert page.dialogs == []


def test_search_and_disputed_filter_in_the_list(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/")
    everything = page.locator("table.events tbody tr").count()
    form = page.locator("form.filters")
    form.locator('input[name="q"]').fill("drone")
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/?q=drone*")
    wanted = [e["id"] for e in _api(server, "/api/events?q=drone")["events"]]
    assert 0 < len(wanted) < everything
    links = page.locator("table.events tbody tr td:nth-child(2) > a")
    expect(links).to_have_count(len(wanted))
    assert [h.removeprefix("/events/") for h in
            links.evaluate_all("els => els.map(e => e.getAttribute('href'))")] == wanted
    expect(form.locator('input[name="q"]')).to_have_value("drone")  # the form keeps the query

    form.locator('input[name="q"]').fill("")
    form.locator('input[name="disputed"]').check()
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/?*disputed=1*")
    disputed = _api(server, "/api/events?disputed=1&limit=200")["events"]
    listed = _api(server, "/api/events?limit=200")["events"]
    assert len(listed) == everything  # every example event now holds a designed dispute
    assert disputed and [e["id"] for e in disputed] == [e["id"] for e in listed
                                                        if e["disputed"] > 0]
    expect(links).to_have_count(len(disputed))
    assert page.locator("table.events td.num .disputed").count() == len(disputed)
    expect(form.locator('input[name="disputed"]')).to_be_checked()
    _shot(page, "04-events-disputed")

    page.locator("header form.quick input[name=q]").fill("zzqqxx")
    page.locator("header form.quick button").click()
    expect(page.get_by_text("No events match.")).to_be_visible()


def _hostile_pages(server: str) -> list[tuple[str, str]]:
    """Every page kind, reached with the hostile articles' content in it."""
    ids = [a["id"] for a in HOSTILE_ARTICLES]
    events = sorted({_api(server, f"/api/articles/{quote(i, safe='')}")["article"]["event"]
                     for i in ids})
    pages = [("list", "/"), ("list-search", "/?q=warehouse"),
             ("list-hostile-query", "/?q=" + quote("<script>alert(9)</script>")
              + "&place=" + quote("\"><svg onload=alert(9)>")),
             ("timeline", "/timeline"), ("map", "/map"),
             ("not-found", "/events/" + quote("<img src=x onerror=alert(9)>", safe=""))]
    pages += [(f"event-{n}", f"/events/{e}") for n, e in enumerate(events)]
    pages += [(f"article-{n}", "/articles/" + quote(i, safe="")) for n, i in enumerate(ids)]
    return pages


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_hostile_articles_run_nothing_anywhere(server, browser, bypass_csp):
    # Without CSP the escaping alone must hold: CSP is the second wall, not the first.
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for name, path in _hostile_pages(server):
            response = page.goto(server + path)
            assert response is not None and response.status in (200, 404), path
            page.wait_for_load_state("load")
            page.hover("body")  # an escaped onmouseover must stay text even under the pointer
            assert page.evaluate(PROBE) is None, (path, page.evaluate(PROBE))
            assert page.evaluate(ACTIVE_MARKUP) == [], path
            if not bypass_csp:
                _shot(page, f"10-hostile-{name}")
        assert dialogs == []
        page.goto(server + "/articles/hostile-quay")
        shown = page.locator("main").inner_text()
        article = HOSTILE_ARTICLES[0]
        for raw in ("<script>window.__pwned='title';alert('title')</script>",
                    "<script>window.__pwned='text';alert('text')</script>",
                    article["source"], article["url"], article["author"]):
            assert raw in shown, raw  # shown as text, exactly as the article had it
        assert page.locator("h1").inner_text() == article["title"]
        assert page.locator("main a", has_text="javascript:").count() == 0
    finally:
        context.close()


def test_csp_blocks_an_injected_inline_script(server, browser):
    results = {}
    for bypass in (True, False):
        context = browser.new_context(bypass_csp=bypass)
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message, seen=console: seen.append(message.text))
        response = page.goto(server + "/")
        assert "script-src" not in response.headers["content-security-policy"]
        assert "default-src 'none'" in response.headers["content-security-policy"]
        page.evaluate("""() => {
          window.__violations = [];
          document.addEventListener('securitypolicyviolation',
            e => window.__violations.push(e.effectiveDirective));
          const s = document.createElement('script');
          s.textContent = 'window.__ran = true;';
          document.body.appendChild(s);
        }""")
        page.wait_for_timeout(100)  # the violation event is dispatched asynchronously
        results[bypass] = (page.evaluate("window.__ran === true"),
                           page.evaluate("window.__violations"), console)
        context.close()
    ran, violations, console = results[False]
    assert ran is False
    assert violations and violations[0].startswith("script-src"), violations
    assert any("Content Security Policy" in line for line in console), console
    assert results[True][0] is True  # the same injection runs once CSP is bypassed


def test_timeline_and_map_render_in_the_browser(server, page):
    from playwright.sync_api import expect

    page.goto(server + "/timeline")
    bars = _api(server, "/api/timeline")["bars"]
    expect(page.locator("svg.timeline rect.bar")).to_have_count(len(bars))
    _shot(page, "05-timeline")
    page.goto(server + "/map")
    points = _api(server, "/api/map")["points"]
    expect(page.locator("svg.map circle.point")).to_have_count(len(points))
    assert page.evaluate("""() => {
      const img = document.querySelector('svg.map image');
      return img !== null && img.getBBox().width > 0;
    }""")
    _shot(page, "06-map")
    page.locator("svg.map a").first.click()
    page.wait_for_url("**/events/*")
    assert page.dialogs == []


def test_event_page_draws_its_timeline_and_map(server, page):
    from playwright.sync_api import expect

    event, _ = _event_with_a_disputed_number(server)
    page.goto(server + f"/events/{event['id']}")
    placed = [p for p in event["places"] if p["lat"] is not None and p["lon"] is not None]
    expect(page.locator("svg.eventmap circle.place")).to_have_count(len(placed))
    expect(page.locator("svg.strip .mark")).to_have_count(
        page.locator("svg.strip a").count())
    assert page.locator("svg.strip .mark").count() >= 1
    assert page.evaluate("""() => {
      const land = document.querySelector('svg.eventmap path.land');
      return land !== null && land.getBBox().width > 0;
    }""")
    assert page.locator("#sources .card").count() == len(event["articles"])
    _shot(page, "07-event-charts")
    page.locator("svg.eventmap a").last.click()  # drawn last: the most mentioned place
    page.wait_for_url("**/articles/*?span=*#hit")
    mention = placed[0]["mentions"][0]
    text = _api(server, f"/api/articles/{quote(mention['article'], safe='')}")["article"]["text"]
    expect(page.locator("#hit")).to_have_text(text[mention["start"]:mention["end"]])
    expect(page.locator("#hit")).to_be_in_viewport()
    assert page.dialogs == []
