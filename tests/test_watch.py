"""`watch` against a live feed server on 127.0.0.1 whose feeds and pages change between polls."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from newsfuse.errors import UsageError
from newsfuse.ingest.fetch import Fetcher, FetchSettings
from newsfuse.ingest.watch import Watcher, WatchOptions, parse_entries, run_watch, watch
from newsfuse.ingest.watch_state import StateFile, feed_urls, opml_urls, parse_every
from newsfuse.pipeline import PipelineSettings, Runner
from newsfuse.store import open_store
from tests.test_fetch import Site, serving

STORIES = {
    "/news/ferry.html": ("Ferry service halted after storm damages pier", [
        "The island ferry service was suspended on Monday after high winds tore a section of "
        "decking from the main pier at Port Ellery, the harbour authority said.",
        "Engineers will inspect the pilings on Tuesday and repairs are expected to take at least "
        "two weeks, according to a statement from the authority.",
        "About 300 residents who commute to the mainland each day have been offered places on a "
        "chartered catamaran that will sail from the fishing harbour instead.",
        "The mayor, Rosa Lindqvist, said the council would ask the regional government for "
        "emergency funds to speed up the work.",
    ]),
    "/news/bridge.html": ("Council approves new footbridge over the Marren river", [
        "Councillors in Oakridge voted eleven to four on Wednesday to build a footbridge across "
        "the Marren river linking the railway station with the new housing estate.",
        "The steel bridge will cost an estimated 4.2 million euros and is due to open in the "
        "spring of next year, planning officer Tomas Berg told the meeting.",
        "Opponents said the money would be better spent on repairing the old road bridge, which "
        "has been closed to lorries since a survey found corrosion in its supports.",
        "Residents will be able to comment on the final design at an exhibition in the town "
        "library next month.",
    ]),
    "/news/orchard.html": ("Late frost cuts apple harvest in the northern valleys", [
        "Growers in the northern valleys expect to pick a third fewer apples this autumn after a "
        "late frost in April killed blossom across hundreds of orchards.",
        "The growers' cooperative said on Thursday that losses could reach 18 million euros and "
        "asked banks to delay loan repayments for the worst affected farms.",
        "Agronomist Helga Sorensen said frost fans and sprinklers had saved some orchards, but "
        "few small farms could afford the equipment.",
        "Cider makers warned that prices would rise because they would have to buy fruit from "
        "abroad to keep their presses running.",
    ]),
    "/news/library.html": ("City library reopens after two-year renovation", [
        "The central library in Westhaven reopened its doors on Saturday after a renovation that "
        "took two years and added a rooftop reading garden and a children's wing.",
        "More than 2,000 visitors came through the doors on the first morning, the head "
        "librarian, Aiko Tanaka, said, many of them queuing before the opening.",
        "The work was paid for by a municipal bond and a donation from a local shipping firm, "
        "and it came in slightly under its budget of 9 million euros.",
        "Opening hours have been extended to nine in the evening on weekdays.",
    ]),
}


@pytest.fixture
def site():
    """The live test server of test_fetch, stopped after the test."""
    with serving() as running:
        yield running


def page(path: str) -> str:
    title, paragraphs = STORIES[path]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title} | Coast Courier</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>"
            f"{body}</article><footer>Coast Courier, all rights reserved</footer></body></html>")


def rss(site: Site, paths: list[str]) -> str:
    items = []
    for number, path in enumerate(paths):
        when = format_datetime(datetime(2024, 5, 6 + number, 9, 30, tzinfo=UTC))
        items.append(f"<item><guid>tag:courier,{path}</guid><title>{STORIES[path][0]}</title>"
                     f"<link>{site.url(path)}</link><pubDate>{when}</pubDate></item>")
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Coast Courier</title>"
            f"<link>{site.base}</link>{''.join(items)}</channel></rss>")


def serve_feed(site: Site, route: str, paths: list[str], tag: str) -> None:
    site.add(route, rss(site, paths), etag=f'"{tag}"',
             headers={"Content-Type": "application/rss+xml"})
    for path in paths:
        site.add(path, page(path), headers={"Content-Type": "text/html; charset=utf-8"})


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def fetcher(**overrides) -> Fetcher:
    values = {"allow_private": True, "read_timeout": 0.4, "connect_timeout": 1.0,
              "total_timeout": 3.0, "max_bytes": 60_000, **overrides}
    return Fetcher(FetchSettings(**values))


def poll(site, store, feeds, state, clock=None, **options):
    """One cycle of watch over local feeds, the way the CLI runs `--once`."""
    with fetcher() as client:
        return watch([site.url(f) for f in feeds], store, every=300, allow_private=True,
                     once=True, state=state, fetcher=client, clock=clock or Clock(),
                     options=WatchOptions(**options))


def page_hits(site: Site) -> list[str]:
    return [h for h in site.hits if h.startswith("/news/")]


def test_new_entries_on_the_next_poll_and_304_in_between(site, store, tmp_path):
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/bridge.html"], "v1")
    state, clock = StateFile(tmp_path / "news.db.watch.json"), Clock()
    first = poll(site, store, ["/feed.xml"], state, clock)
    assert [(f.status, f.new_entries, f.added) for f in first.feeds] == [("ok", 2, 2)]
    articles = {a.url: a for a in store.articles()}
    ferry = articles[site.url("/news/ferry.html")]
    assert ferry.title == STORIES["/news/ferry.html"][0]
    assert ferry.source == "127.0.0.1" and ferry.published == "2024-05-06T09:30:00"
    assert "catamaran" in ferry.text and "all rights reserved" not in ferry.text
    assert ferry.metadata["feed"] == site.url("/feed.xml")

    assert poll(site, store, ["/feed.xml"], state, clock).feeds == []  # not due yet
    clock.now += 300
    second = poll(site, store, ["/feed.xml"], state, clock)
    assert [(f.status, f.new_entries) for f in second.feeds] == [("not_modified", 0)]
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/bridge.html",
                                   "/news/orchard.html"], "v2")
    clock.now += 300
    third = poll(site, store, ["/feed.xml"], state, clock)
    assert [(f.status, f.new_entries, f.added) for f in third.feeds] == [("ok", 1, 1)]
    assert store.counts()["articles"] == 3
    assert sorted(page_hits(site)) == sorted(["/news/ferry.html", "/news/bridge.html",
                                              "/news/orchard.html"])
    saved = json.loads((tmp_path / "news.db.watch.json").read_text())
    assert saved["feeds"][site.url("/feed.xml")]["etag"] == '"v2"'


def test_restart_from_the_state_file_neither_loses_nor_duplicates(site, tmp_path):
    db = str(tmp_path / "news.db")
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/bridge.html"], "v1")
    store = open_store(db)
    state, clock = StateFile(tmp_path / "state.json"), Clock()
    poll(site, store, ["/feed.xml"], state, clock)
    state.close()
    store.close()
    # Restarted: a new process opens the same store and state; the feed has grown meanwhile.
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/bridge.html",
                                   "/news/library.html"], "v2")
    store, state = open_store(db), StateFile(tmp_path / "state.json")
    clock.now += 300
    result = poll(site, store, ["/feed.xml"], state, clock)
    assert [(f.new_entries, f.added) for f in result.feeds] == [(1, 1)]
    assert store.counts()["articles"] == 3
    assert page_hits(site).count("/news/ferry.html") == 1
    store.close()
    state.close()


def test_crash_before_the_state_is_saved_is_repaired_on_restart(site, store, tmp_path,
                                                                 monkeypatch):
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/bridge.html"], "v1")

    def crash(_state):
        raise KeyboardInterrupt

    monkeypatch.setattr(StateFile, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        poll(site, store, ["/feed.xml"], StateFile(tmp_path / "state.json"))
    monkeypatch.undo()
    assert store.counts()["articles"] == 2
    assert not (tmp_path / "state.json").exists()
    hits_before = len(page_hits(site))
    result = poll(site, store, ["/feed.xml"], StateFile(tmp_path / "state.json"))
    # The entries come back as new, but their articles are known: nothing fetched or added.
    assert [(f.new_entries, f.added, f.skipped) for f in result.feeds] == [(2, 0, 2)]
    assert store.counts()["articles"] == 2 and len(page_hits(site)) == hits_before
    assert json.loads((tmp_path / "state.json").read_text())["feeds"]


def test_reingesting_the_same_pages_is_idempotent(site, store):
    serve_feed(site, "/feed.xml", ["/news/ferry.html", "/news/orchard.html"], "v1")
    watcher = Watcher([site.url("/feed.xml")], store, StateFile(None),
                      fetcher=fetcher(), clock=Clock())
    feed = watcher.state.feed(site.url("/feed.xml"))
    watcher.poll(feed)
    before = [(a.id, a.seq, a.text) for a in store.articles()]
    events = store.counts()["events"]
    # Forget everything watch knows and replay the same items straight into the pipeline.
    items = [watcher._page(feed.url, pending, article_id, 0.0) for pending, article_id
             in _pendings(site, ["/news/ferry.html", "/news/orchard.html"])]
    report = Runner(store, PipelineSettings()).run(items)
    assert (report.added, report.skipped, report.rejected) == (0, 2, [])
    assert [(a.id, a.seq, a.text) for a in store.articles()] == before
    assert store.counts()["events"] == events


def _pendings(site, paths):
    from newsfuse.ingest.watch import entry_article_id
    from newsfuse.ingest.watch_state import Pending

    for path in paths:
        url = site.url(path)
        yield Pending(key=path, url=url, title=STORIES[path][0]), entry_article_id(url)


def test_feed_faults_are_recorded_and_the_loop_goes_on(site, store):
    serve_feed(site, "/good.xml", ["/news/library.html"], "g1")
    site.add("/broken.xml", "<rss><channel><title>Half a fe")
    site.add("/html.xml", "<html><body><p>This is a web page, not a feed.</p></body></html>")
    site.add("/error.xml", "server on fire", status=500)
    site.add("/loop.xml", status=302, headers={"Location": "/loop2.xml"})
    site.add("/loop2.xml", status=302, headers={"Location": "/loop.xml"})
    site.add("/stall.xml", "<rss>", stall=10)
    clock = Clock()
    state = StateFile(None)
    feeds = ["/broken.xml", "/html.xml", "/error.xml", "/loop.xml", "/stall.xml", "/good.xml"]
    report = poll(site, store, feeds, state, clock)
    statuses = {f.url.rsplit("/", 1)[1]: (f.status, (f.error or "")[:5]) for f in report.feeds}
    assert statuses == {"broken.xml": ("failed", "NF306"), "html.xml": ("failed", "NF306"),
                        "error.xml": ("failed", "NF315"), "loop.xml": ("failed", "NF316"),
                        "stall.xml": ("failed", "NF314"), "good.xml": ("ok", "")}
    assert store.counts()["articles"] == 1
    broken = state.feed(site.url("/broken.xml"))
    assert broken.failures == 1 and broken.next_poll == clock.now + 300
    # Not due yet: the failing feeds are left alone; once due again, the backoff doubles.
    assert [f.url for f in poll(site, store, feeds, state, clock).feeds] == []
    clock.now += 301
    poll(site, store, feeds, state, clock)
    assert broken.failures == 2 and broken.next_poll == clock.now + 600
    assert "NF306" in (broken.last_error or "")


def test_page_faults_retry_reject_or_refuse(site, store):
    paths = ["/news/ferry.html", "/news/bridge.html", "/news/orchard.html", "/news/library.html"]
    serve_feed(site, "/feed.xml", paths, "v1")
    site.add("/news/ferry.html", "busy", status=503)
    site.add("/news/bridge.html", "x" * 70_000)
    site.add("/robots.txt", "User-agent: *\nDisallow: /news/orchard\n")
    clock, state = Clock(), StateFile(None)
    [first] = poll(site, store, ["/feed.xml"], state, clock).feeds
    assert (first.new_entries, first.added, first.retrying, first.rejected) == (4, 1, 1, 2)
    codes = sorted(r.code for r in store.rejections())
    assert codes == ["NF304", "NF313"]
    assert "/news/orchard.html" not in site.hits
    feed = state.feed(site.url("/feed.xml"))
    assert list(feed.pending) == ["tag:courier,/news/ferry.html"]
    # The server recovers; the retry is due before the next feed poll and succeeds.
    site.add("/news/ferry.html", page("/news/ferry.html"))
    clock.now += 301
    [second] = poll(site, store, ["/feed.xml"], state, clock).feeds
    assert (second.status, second.added, second.retrying) == ("not_modified", 1, 0)
    assert feed.pending == {} and store.counts()["articles"] == 2


def test_transient_page_failures_give_up_after_the_last_attempt(site, store):
    serve_feed(site, "/feed.xml", ["/news/ferry.html"], "v1")
    site.add("/news/ferry.html", "busy", status=500)
    clock, state = Clock(), StateFile(None)
    for _ in range(3):
        poll(site, store, ["/feed.xml"], state, clock, max_attempts=3)
        clock.now += 10_000
    assert [r.code for r in store.rejections()] == ["NF315"]
    assert state.feed(site.url("/feed.xml")).pending == {}


def test_private_addresses_are_refused_without_the_flag(site, store):
    serve_feed(site, "/feed.xml", ["/news/ferry.html"], "v1")
    report = watch([site.url("/feed.xml")], store, once=True, clock=Clock(),
                   options=WatchOptions(fetch=FetchSettings(read_timeout=1.0)))
    [feed] = report.feeds
    assert feed.status == "failed" and "NF312" in (feed.error or "")
    assert site.hits == [] and store.counts()["articles"] == 0


def test_the_loop_sleeps_until_the_next_feed_is_due(site, store):
    serve_feed(site, "/feed.xml", ["/news/library.html"], "v1")
    clock, naps, cycles = Clock(), [], []

    def sleep(seconds):
        naps.append(seconds)
        clock.now += seconds

    watch([site.url("/feed.xml")], store, every=120, allow_private=True, fetcher=fetcher(),
          clock=clock, sleep=sleep, max_cycles=3, on_cycle=cycles.append)
    assert naps == [120, 120]
    assert [[f.status for f in c.feeds] for c in cycles] == [["ok"], ["not_modified"],
                                                             ["not_modified"]]


def test_a_second_watcher_on_the_same_state_is_refused(tmp_path):
    first = StateFile(tmp_path / "s.json")
    with pytest.raises(UsageError, match="another"):
        StateFile(tmp_path / "s.json")
    first.close()
    StateFile(tmp_path / "s.json").close()


def test_a_corrupt_state_file_is_set_aside(tmp_path):
    (tmp_path / "s.json").write_text("{not json")
    state = StateFile(tmp_path / "s.json")
    assert state.feeds == {} and (tmp_path / "s.json.bad").exists()
    state.close()


def test_atom_entries_and_relative_links():
    atom = (b"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            b"<title>Valley Post</title><entry><id>urn:vp:1</id><title>Dam opens</title>"
            b"<link href='/2024/dam.html'/><updated>2024-03-02T10:00:00+01:00</updated></entry>"
            b"<entry><id>urn:vp:2</id><title>No link</title></entry></feed>")
    [entry] = parse_entries(atom, "https://valley.example/feeds/all.atom")
    assert (entry.key, entry.url, entry.title, entry.published) == (
        "urn:vp:1", "https://valley.example/2024/dam.html", "Dam opens", "2024-03-02T09:00:00")


def test_feed_lists_from_opml_text_and_urls(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text("<?xml version='1.0'?><opml version='2.0'><head><title>x</title></head><body>"
                    "<outline text='News'><outline type='rss' text='A' xmlUrl='https://a.example/rss'/>"
                    "<outline type='rss' text='B' xmlUrl='https://b.example/atom'/></outline>"
                    "</body></opml>")
    listed = tmp_path / "feeds.txt"
    listed.write_text("# my feeds\nhttps://c.example/feed\n\nhttps://a.example/rss\n")
    assert feed_urls([str(opml), "https://d.example/x", str(listed)]) == [
        "https://a.example/rss", "https://b.example/atom", "https://d.example/x",
        "https://c.example/feed"]
    assert opml_urls(b"<opml><body><outline xmlUrl=' https://e.example/ '/></body></opml>") == [
        "https://e.example/"]
    with pytest.raises(UsageError):
        feed_urls([str(tmp_path / "missing.opml")])
    with pytest.raises(UsageError):
        opml_urls(b"<opml><body>")


@pytest.mark.parametrize(("text", "seconds"), [
    ("5m", 300), ("90s", 90), ("90", 90), ("1h30m", 5400), ("2d", 172800), ("0.5m", 30),
    (" 10 m ", 600)])
def test_every_parsing(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "5 minutes", "m", "0s", "5x", "-5m"])
def test_every_parsing_refuses_nonsense(text):
    with pytest.raises(UsageError):
        parse_every(text)


def test_run_watch_keeps_its_state_beside_the_store(site, tmp_path):
    serve_feed(site, "/feed.xml", ["/news/bridge.html"], "v1")
    opml = tmp_path / "feeds.opml"
    opml.write_text(f"<opml version='2.0'><body><outline xmlUrl='{site.url('/feed.xml')}'/>"
                    "</body></opml>")
    db = str(tmp_path / "news.db")
    report = run_watch([str(opml)], db, "5m", once=True, allow_private=True)
    assert [(f.status, f.added) for f in report.feeds] == [("ok", 1)]
    saved = json.loads((tmp_path / "news.db.watch.json").read_text())
    assert saved["feeds"][site.url("/feed.xml")]["seen"] == ["tag:courier,/news/bridge.html"]
    again = run_watch([str(opml)], db, "5m", once=True, allow_private=True)
    assert again.feeds == []  # polled a moment ago: not due for five minutes
    with pytest.raises(UsageError):
        run_watch([str(opml)], db, "soon", once=True)
