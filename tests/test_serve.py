"""The web desk: pages and their JSON twins, filters and paging, escaping, writes and errors."""

from __future__ import annotations

import html
import json
import re
import shutil
import warnings
from urllib.parse import parse_qs

import pytest

from newsfuse.errors import ConfigError, UsageError
from newsfuse.pipeline import ingest
from newsfuse.serve import create_app
from newsfuse.serve.highlight import Mark, highlight
from newsfuse.serve.index import fts_query
from newsfuse.serve.pages import render_event
from newsfuse.serve.security import CSP
from newsfuse.store import open_store
from tests.conftest import EXAMPLES, merge_smallest_into_largest

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 in its test client; the pinned httpx works the same here.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

HOSTILE = {
    "id": "hostile-1",
    "url": "javascript:alert(1)",
    "source": "<img src=x onerror=alert(5)>Evil Gazette",
    "title": "<script>alert(1)</script> Harbour crane <b>collapses</b>",
    "published": "2025-02-03",
    "note": "<script>alert(4)</script>",
    "text": ("A harbour crane collapsed in Port Esk on Monday, injuring three dock workers, "
             "the port authority said. <script>alert(1)</script>\n\n"
             "Witnesses posted a link <a href=\"javascript:alert(2)\">click here</a> and an "
             "image <img src=x onerror=\"alert(3)\"> that showed the twisted boom.\n\n"
             "\"We heard a crack and then it fell,\" said dock worker Mara Lind, who was "
             "standing near the quay wall when the crane came down."),
}
RAW_MARKUP = ("<script", "<img", "<b>", 'href="javascript:', "href='javascript:",
              "javascript:alert(2)\"")


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    """A store of the examples plus one hostile article (built once, in-process)."""
    folder = tmp_path_factory.mktemp("serve")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    store = open_store(str(folder / "news.db"))
    try:
        report = ingest([EXAMPLES, hostile], store)
    finally:
        store.close()
    assert report.added >= 35 and not report.rejected
    return folder / "news.db"


@pytest.fixture(scope="module")
def client(desk_db):
    with TestClient(create_app(str(desk_db)), raise_server_exceptions=False) as test_client:
        yield test_client


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:300])
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    return response


def _all_events(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return _get(client, f"/api/events?limit=200&{query}").json()["events"]


def _text(client, article_id):
    article = _get(client, f"/api/articles/{article_id}").json()["article"]
    return f"{article['title']} {article['text']}".lower()


def test_events_page_and_its_twin_list_the_same_events(client):
    page = _get(client, "/").text
    data = _get(client, "/api/events").json()
    assert data["schema"] == "newsfuse/1" and data["next"] is None and data["search"] == "fts5"
    ids = [e["id"] for e in data["events"]]
    assert re.findall(r'href="/events/([^"]+)"', page) == ids
    assert len(ids) >= 9
    sorts = [e["end"] or e["start"] or "" for e in data["events"]]
    assert sorts == sorted(sorts, reverse=True)
    for row in data["events"]:
        assert row["n_sources"] >= 1 and row["n_articles"] >= 1 and row["disputed"] >= 0


def test_event_page_and_its_twin_show_the_same_event(client):
    events = _all_events(client)
    event_id = max(events, key=lambda e: (e["disputed"], e["n_articles"]))["id"]
    doc = _get(client, f"/api/events/{event_id}").json()
    page = _get(client, f"/events/{event_id}").text
    event = doc["event"]
    assert event["id"] == event_id and doc["schema"] == "newsfuse/1"
    assert [a["id"] for a in doc["articles"]] == event["articles"]
    for article_id in event["articles"]:
        assert f'href="/articles/{article_id}"' in page
    assert page.count('<tr class="status-') == len(event["facts"])
    assert page.count('class="badge badge-disputed"') == event["disputed"] > 0
    statuses = re.findall(r'<tr class="status-(\w+)"', page)
    assert statuses == sorted(statuses, key=lambda s: s != "disputed")
    for place in event["places"]:
        assert html.escape(place["name"], quote=False) in page
    cites = re.findall(r'href="/articles/([^"#]+)#s-(\d+)"', page)
    assert cites and {a for a, _ in cites} <= set(event["articles"])
    for article_id, start in cites[:12]:
        assert f'id="s-{start}"' in _get(client, f"/articles/{article_id}").text
    for article in doc["articles"]:
        assert article["assignment"] is None or "reasons" in article["assignment"]


def test_article_page_and_its_twin_show_the_same_article(client):
    event = _get(client, f"/api/events/{_all_events(client)[0]['id']}").json()["event"]
    article_id = event["articles"][0]
    doc = _get(client, f"/api/articles/{article_id}").json()
    record = doc["article"]
    page = _get(client, f"/articles/{article_id}").text
    assert record["id"] == article_id and doc["event"]["id"] == event["id"]
    marks = re.findall(r'<mark class="([^"]+)" title="[^"]*">', page)
    assert marks and all(c.startswith("m-") for m in marks for c in m.split())
    text = re.search(r'<div class="text">(.*?)</div>', page, re.S).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", text)) == record["text"]
    for line in record["removed"][:5]:
        assert html.escape(line, quote=False) in page


def test_search_and_every_filter_narrow_the_list(client):
    everything = _all_events(client)
    total = len(everything)
    by_id = {e["id"]: _get(client, f"/api/events/{e['id']}").json()["event"] for e in everything}
    place = next(p["name"] for e in by_id.values() for p in e["places"]
                 if 0 < sum(p["name"] in {q["name"] for q in x["places"]}
                            for x in by_id.values()) < total)
    actor = next(a["name"] for e in by_id.values() for a in e["actors"] if a["kind"] == "person")
    kind = next(e["event_type"]["event_type"] for e in by_id.values() if e["event_type"])
    day = sorted(e["start"] for e in everything if e["start"])[len(everything) // 2]
    checks = {
        "q=copper": lambda e: any("copper" in _text(client, a) for a in e["articles"]),
        f"place={place}": lambda e: any(place in p["name"] for p in e["places"]),
        f"actor={actor}": lambda e: any(actor.lower() in a["name"].lower() for a in e["actors"]),
        f"type={kind}": lambda e: e["event_type"] and e["event_type"]["event_type"] == kind,
        "disputed=1": lambda e: e["disputed"] > 0,
        f"from={day}": lambda e: (e["end"] or e["start"]) >= day,
        f"to={day}": lambda e: (e["start"] or e["end"]) <= day,
    }
    for query, holds in checks.items():
        found = _get(client, f"/api/events?limit=200&{query}").json()["events"]
        assert 0 < len(found) < total, query
        assert all(holds(by_id[e["id"]]) for e in found), query
        page = _get(client, f"/?{query}").text
        assert re.findall(r'href="/events/([^"]+)"', page) == [e["id"] for e in found]
    assert _all_events(client, q="copper", disputed=1) != everything
    assert _all_events(client, q="zzqqxx") == []


def test_paging_returns_every_event_exactly_once(client):
    expected = [e["id"] for e in _all_events(client)]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/events?limit=2" + (f"&cursor={cursor}" if cursor else "")
        data = _get(client, url).json()
        seen += [e["id"] for e in data["events"]]
        pages += 1
        cursor = data["next"]
        if not cursor:
            break
    assert seen == expected and pages == (len(expected) + 1) // 2
    page = _get(client, "/?limit=2").text
    assert 'rel="next"' in page
    _get(client, "/api/events?cursor=not-a-cursor", status=400)


def test_hostile_article_is_escaped_everywhere(client):
    article = _get(client, "/api/articles/hostile-1").json()["article"]
    assert "<script>" in article["text"]  # the JSON keeps the text as it is
    event_id = article["event"]
    pages = [_get(client, url).text for url in (
        "/", "/?q=crane", f"/events/{event_id}", "/articles/hostile-1", "/?place=%3Cscript%3E")]
    pages.append(_get(client, "/events/%3Cscript%3Ealert(1)%3C%2Fscript%3E", status=404).text)
    for page in pages:
        lowered = page.lower()
        for raw in RAW_MARKUP:
            assert raw not in lowered, raw
    article_page = pages[3]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article_page
    assert "javascript:alert(1)" in article_page and 'href="javascript' not in article_page


def test_writes_are_refused_without_the_flag(client):
    response = client.post("/api/articles", json=HOSTILE)
    assert response.status_code == 403 and response.json()["ok"] is False
    assert response.headers["content-security-policy"] == CSP


def test_writes_need_the_right_token(desk_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(desk_db, db)
    with pytest.raises(ConfigError):
        create_app(str(db), allow_writes=True)
    article = {"id": "posted-1", "source": "Quay Post", "published": "2025-02-04",
               "title": "Port Esk crane inquiry opens",
               "text": "An inquiry into the crane collapse at Port Esk opened on Tuesday, the "
                       "port authority said, a day after three dock workers were hurt."}
    with TestClient(create_app(str(db), allow_writes=True, token="s3cret")) as writer:
        assert writer.post("/api/articles", json=article).status_code == 401
        wrong = writer.post("/api/articles", json=article,
                            headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        right = writer.post("/api/articles", json=[article],
                            headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 201 and right.json()["added"] == 1
        assert writer.get("/api/articles/posted-1").json()["article"]["source"] == "Quay Post"
        again = writer.post("/api/articles", json=article,
                            headers={"Authorization": "Bearer s3cret"})
        assert again.json()["skipped"] == 1
        bad = writer.post("/api/articles", content=b"{not json",
                          headers={"Authorization": "Bearer s3cret"})
        assert bad.status_code == 400 and bad.json()["code"] == "NF101"
        writer.app.state.desk.index.refresh()
        found = writer.get("/api/events?q=inquiry").json()["events"]
        assert found and any(e["n_articles"] >= 1 for e in found)


def test_unknown_ids_are_404_in_html_and_json(client):
    for url in ("/events/e-nope", "/articles/nope", "/no/such/page"):
        page = _get(client, url, status=404)
        assert page.headers["content-type"].startswith("text/html")
    for url in ("/api/events/e-nope", "/api/articles/nope"):
        body = _get(client, url, status=404).json()
        assert body == {"ok": False, "error": body["error"], "code": "NF201", "status": 404}


def test_a_forced_500_shows_no_traceback(desk_db, monkeypatch):
    app = create_app(str(desk_db))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        def boom(event_id):
            raise RuntimeError(f"secret internals of {event_id}")

        monkeypatch.setattr(app.state.desk, "event", boom)
        monkeypatch.setattr(app.state.desk, "event_html", boom)
        for url in ("/events/x", "/api/events/x"):
            response = _get(test_client, url, status=500)
            assert "Traceback" not in response.text and "secret" not in response.text
        assert _get(test_client, "/api/events/x", status=500).json()["code"] == "NF500"


def test_a_body_over_the_limit_gets_413(client):
    response = client.post("/api/articles", content=b"x" * 1_100_000,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["status"] == 413
    assert response.headers["content-security-policy"] == CSP


def test_openapi_and_static_are_served_with_headers(client):
    schema = _get(client, "/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/articles/{article_id}",
            "/api/articles"} <= set(schema["paths"])
    assert "/events/{event_id}" not in schema["paths"]
    _get(client, "/static/style.css")
    _get(client, "/docs", status=404)


def test_highlight_handles_overlaps_and_escapes_each_piece():
    text = 'Mayor <Ana> said "the 3 <b>bridges</b> fell" on Monday & left.'
    marks = [Mark(0, 11, "actor", "person: Ana"), Mark(17, 45, "quote", 'quote: "Ana"'),
             Mark(22, 23, "claim", "claim: bridges = 3"), Mark(6, 30, "place", "<x>"),
             Mark(49, 55, "time", "time: 2025-01-06"), Mark(50, 200, "time", "out of range")]
    out = str(highlight(text, marks, anchors=[0, 17]))
    assert "<b>" not in out and "<Ana>" not in out and 'title="<x>"' not in out
    assert out.count("<mark") == out.count("</mark>")
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert 'id="s-0"' in out and 'id="s-17"' in out
    assert re.search(r"<mark[^>]*>[^<]*<mark", out) is None  # never nested


def test_fts_query_quotes_user_words():
    assert fts_query('drone OR "x" NEAR(a b)') == '"drone" "OR" "x" "NEAR" "a" "b"'
    assert fts_query("flood*") == '"flood"*'
    assert fts_query("-- ;") is None


def test_pages_load_while_a_writer_holds_the_store(desk_db, tmp_path):
    import sqlite3

    db = tmp_path / "busy.db"
    shutil.copy(desk_db, db)
    with TestClient(create_app(str(db))) as reader:
        writer = sqlite3.connect(db, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # an ingest batch in the middle of its transaction
        writer.execute("INSERT INTO rejections VALUES ('busy', 'NF302', 'ingest', 'x', NULL)")
        try:
            event_id = reader.get("/api/events").json()["events"][0]["id"]
            for url in ("/", "/?q=crane", f"/events/{event_id}", "/articles/hostile-1"):
                assert reader.get(url).status_code == 200
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def _svg(page):
    """The page's first inline <svg>...</svg>."""
    return re.search(r"<svg\b.*?</svg>", page, re.S).group(0)


@pytest.mark.issue(6)
def test_timeline_page_and_its_twin_count_the_same(client):
    data = _get(client, "/api/timeline").json()
    page = _get(client, "/timeline").text
    assert data["bucket"] in ("day", "week", "month") and data["bars"]
    dated = [e for e in _all_events(client) if e["date"] or e["start"] or e["end"]]
    assert data["events"] == sum(b["events"] for b in data["bars"]) == len(dated)
    assert data["articles"] == sum(e["n_articles"] for e in dated)
    starts = [b["from"] for b in data["bars"]]
    assert starts == sorted(starts) and all(b["from"] <= b["to"] for b in data["bars"])
    svg = _svg(page)
    assert svg.count('<rect class="bar"') == len(data["bars"])
    links = re.findall(r'<a href="/\?([^"]+)"><rect class="bar"', svg)
    assert [html.unescape(link) for link in links] == [
        f"from={b['from']}&to={b['to']}" for b in data["bars"]]
    busiest = max(data["bars"], key=lambda b: b["events"])
    listed = _all_events(client, **{"from": busiest["from"], "to": busiest["to"]})
    assert len(listed) >= busiest["events"]  # the list also shows events that span into the bar
    assert "style=" not in page and "<script" not in page


@pytest.mark.issue(6)
def test_timeline_filters_match_the_list(client):
    for query in ("q=crane", "disputed=1", "q=copper&disputed=1"):
        data = _get(client, f"/api/timeline?{query}").json()
        listed = [e for e in _get(client, f"/api/events?limit=200&{query}").json()["events"]
                  if e["date"] or e["start"] or e["end"]]
        assert data["events"] == len(listed), query
        page = _get(client, f"/timeline?{query}").text
        assert _svg(page).count('<rect class="bar"') == len(data["bars"]) > 0, query
        wanted = parse_qs(query)
        for href in re.findall(r'<a href="/\?([^"]+)"><rect', page):
            kept = parse_qs(html.unescape(href))
            assert {k: kept[k] for k in wanted} == wanted and "from" in kept, href
    assert _get(client, "/api/timeline?q=zzqqxx").json()["bars"] == []
    assert "No dated events match" in _get(client, "/timeline?q=zzqqxx").text
    _get(client, "/api/timeline?from=yesterday", status=400)


@pytest.mark.issue(6)
def test_map_page_and_its_twin_show_the_same_points(client):
    data = _get(client, "/api/map").json()
    page = _get(client, "/map").text
    points = data["points"]
    assert points and data["events"] == len(points) <= len(_all_events(client))
    for point in points:
        assert -90 <= point["lat"] <= 90 and -180 <= point["lon"] <= 180
        event = _get(client, f"/api/events/{point['id']}").json()["event"]
        placed = [p for p in event["places"] if p["lat"] is not None and p["lon"] is not None]
        assert (placed[0]["name"], placed[0]["lat"]) == (point["place"], point["lat"])
    svg = _svg(page)
    assert re.findall(r'<a href="/events/([^"]+)"><circle class="point"', svg) == [
        p["id"] for p in points]
    assert '<image href="/static/world.svg"' in svg and "style=" not in page
    for query in ("q=copper", "disputed=1", "q=zzqqxx"):
        listed = {e["id"] for e in _get(client, f"/api/events?limit=200&{query}").json()["events"]}
        found = _get(client, f"/api/map?{query}").json()["points"]
        assert found == [p for p in points if p["id"] in listed], query


@pytest.mark.issue(6)
def test_world_outlines_are_bundled_with_their_source():
    from newsfuse.serve.pages import STATIC

    world = (STATIC / "world.svg").read_text(encoding="utf-8")
    assert len(world.encode()) < 300_000 and world.count("<path") == 1
    assert "Natural Earth" in world and "public domain" in world
    assert "<script" not in world and "style" not in world


def _store_of(tmp_path, article: dict, name: str) -> str:
    """A store file holding one ingested article."""
    source = tmp_path / f"{name}.jsonl"
    source.write_text(json.dumps(article) + "\n", encoding="utf-8")
    store = open_store(str(tmp_path / name))
    try:
        ingest([source], store)
    finally:
        store.close()
    return str(tmp_path / name)


@pytest.mark.issue(6)
def test_hostile_title_is_escaped_on_the_map(tmp_path):
    article = {**HOSTILE, "id": "hostile-map",
               "text": ("A harbour crane collapsed in Marseille, France, on Monday, injuring "
                        "three dock workers in Marseille's port, the port authority said.")}
    with TestClient(create_app(_store_of(tmp_path, article, "map.db"))) as test_client:
        points = _get(test_client, "/api/map").json()["points"]
        assert [p["title"] for p in points] == [article["title"]]
        page = _get(test_client, "/map").text
    lowered = page.lower()
    for raw in RAW_MARKUP:
        assert raw not in lowered, raw
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; Harbour crane" in _svg(page)


@pytest.mark.issue(6)
def test_header_links_to_timeline_and_map(client):
    for url in ("/", "/timeline", "/map"):
        page = _get(client, url).text
        assert 'href="/timeline"' in page and 'href="/map"' in page
    schema = _get(client, "/openapi.json").json()
    assert {"/api/timeline", "/api/map"} <= set(schema["paths"])


# -- the event page's charts, sources and merges (issue 6) ------------------------------------------


def _event_with_timeline_and_places(client):
    """The examples' event with the most timeline entries among those with a placed place."""
    docs = [_get(client, f"/api/events/{e['id']}").json() for e in _all_events(client)]
    placed = [d for d in docs if any(p["lat"] is not None for p in d["event"]["places"])]
    return max(placed, key=lambda d: (len(d["event"]["timeline"]), d["event"]["id"]))


@pytest.mark.issue(6)
def test_event_timeline_chart_marks_link_to_their_sentences(client):
    from newsfuse.serve.charts import date_range

    doc = _event_with_timeline_and_places(client)
    event = doc["event"]
    page = _get(client, f"/events/{event['id']}").text
    svg = re.search(r'<svg class="strip".*?</svg>', page, re.S).group(0)
    drawn = [t for t in event["timeline"] if date_range(t["date"])]
    assert len(drawn) >= 3
    marks = re.findall(r'<a href="([^"]+)"><(?:circle|rect) class="mark( main)?"[^>]*>'
                       r"<title>([^<]*)</title>", svg)
    assert len(marks) == len(drawn)
    for (link, main, title), entry in zip(marks, drawn, strict=True):
        article, start = re.fullmatch(r"/articles/([^#]+)#s-(\d+)", link).groups()
        assert article == entry["article"] and int(start) <= entry["start"]
        assert bool(main) == entry["main"]
        assert html.unescape(title).endswith(f"{entry['date']}: {entry['text']}")
        text = _get(client, f"/api/articles/{article}").json()["article"]["text"]
        assert text[entry["start"]:entry["end"]] == entry["text"]  # the span is the sentence
    assert "style=" not in page and "<script" not in page


@pytest.mark.issue(6)
def test_event_map_draws_each_placed_place_inside_its_view(client):
    doc = _event_with_timeline_and_places(client)
    event = doc["event"]
    page = _get(client, f"/events/{event['id']}").text
    svg = re.search(r'<svg class="eventmap" viewBox="([^"]+)".*?</svg>', page, re.S)
    west, top, width, height = map(float, svg.group(1).split())
    assert width == pytest.approx(2 * height) and width >= 8
    placed = [p for p in event["places"] if p["lat"] is not None and p["lon"] is not None]
    points = re.findall(r'<a href="([^"]+)"><circle class="place" cx="([^"]+)" cy="([^"]+)" '
                        r'r="([^"]+)"><title>([^<]*)</title>', svg.group(0))
    assert len(points) == len(placed) >= 1
    by_name = {html.unescape(t).split(" (")[0].split(":")[0]: (h, x, y, r)
               for h, x, y, r, t in points}
    for place in placed:
        link, x, y, _radius = by_name[place["name"]]
        assert west <= float(x) <= west + width and top <= float(y) <= top + height
        assert float(x) == pytest.approx(place["lon"]) and float(y) == pytest.approx(-place["lat"])
        mention = place["mentions"][0]
        assert html.unescape(link) == (f"/articles/{mention['article']}?span="
                                       f"{mention['start']}-{mention['end']}#hit")
        text = _get(client, f"/api/articles/{mention['article']}").json()["article"]["text"]
        assert text[mention["start"]:mention["end"]]  # a real span of the article
    radii = {place["name"]: float(by_name[place["name"]][3]) for place in placed}
    ranked = sorted(placed, key=lambda p: -len(p["mentions"]))
    assert radii[ranked[0]["name"]] >= radii[ranked[-1]["name"]]  # sized by mentions
    assert re.search(r'<path class="land" transform="scale\(0.1\)" d="M', svg.group(0))
    assert '<table class="places">' in page  # the numbers stay in the table


@pytest.mark.issue(6)
def test_event_twin_has_what_each_source_alone_reports(client):
    from newsfuse.serve.sources import speaker_key

    for row in _all_events(client):
        doc = _get(client, f"/api/events/{row['id']}").json()
        event, articles = doc["event"], doc["articles"]
        ids = {a["id"] for a in articles}
        page = _get(client, f"/events/{row['id']}").text
        for article in articles:
            alone = article["alone"]
            if alone["copy_of"]:
                assert alone["copy_of"] == article["duplicate_of"] and not alone["facts"]
                continue
            for claim in alone["facts"]:
                fact = next(f for f in event["facts"] if f["predicate"] == claim["predicate"]
                            and any(c["start"] == claim["start"]
                                    and c["article"] == article["id"] for c in f["claims"]))
                others = {c["article"] for c in fact["claims"]} - {article["id"]}
                assert all(next(a for a in articles if a["id"] == o)["duplicate_of"]
                           == article["id"] for o in others if o in ids)
                link = f'/articles/{article["id"]}?span={claim["start"]}-{claim["end"]}#hit'
                assert html.escape(link) in page
            for claim in alone["versions"]:
                assert claim["status"] == "disputed"
            copies = {a["id"] for a in articles if a["duplicate_of"] == article["id"]}
            quoted = {speaker_key(q) for q in event["quotes"]
                      if q["article"] not in {article["id"], *copies}}
            assert not {speaker_key({"speaker": s["name"], "speaker_id": s["id"]})
                        for s in alone["speakers"]} & quoted


@pytest.mark.issue(6)
def test_same_words_of_one_speaker_are_one_quote_line_with_every_citation():
    from newsfuse.serve.pages import _quote_groups

    said = "We will rebuild the bridge before winter"
    quotes = [{"speaker": "Ana Lind", "speaker_id": "p:ana", "text": said + ".", "article": "a1",
               "start": 5, "end": 45, "direct": True, "cue": "say"},
              {"speaker": "Ana Lind", "speaker_id": "p:ana", "text": said.upper(),
               "article": "a2", "start": 9, "end": 49, "direct": True, "cue": "say"},
              {"speaker": "Ana Lind", "speaker_id": "p:ana", "text": "the bridge",
               "article": "a3", "start": 1, "end": 11, "direct": True, "cue": "say"},
              {"speaker": "Ana Lind", "speaker_id": "p:ana", "text": "Nobody was hurt",
               "article": "a2", "start": 60, "end": 75, "direct": True, "cue": "add"}]
    groups = _quote_groups({"quotes": quotes}, lambda a, s: f"/articles/{a}#s-{s}")
    (group,) = groups
    assert group["count"] == 4
    assert [q["text"] for q in group["quotes"]] == [said + ".", "Nobody was hurt"]
    assert [c["article"] for c in group["quotes"][0]["cites"]] == ["a1", "a2", "a3"]


@pytest.mark.issue(6)
def test_strip_and_map_geometry():
    from datetime import date

    from newsfuse.serve.charts import date_range, strip_svg
    from newsfuse.serve.world import MIN_SPAN, event_map, outline_rings, view_box

    assert date_range("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_range("2024-W01") == (date(2024, 1, 1), date(2024, 1, 7))
    assert date_range("2024-Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert date_range("2023-02-30") is None and date_range("PRESENT_REF") is None
    entries = [{"n": 1, "date": "2024-03", "text": "a", "main": False},
               {"n": 2, "date": "2024-03-20", "text": "b", "main": True},
               {"n": 3, "date": "someday", "text": "c", "main": False}]
    strip = strip_svg(entries)
    assert [r["n"] for r in strip["rows"]] == [1, 2]
    month, day = strip["rows"]
    assert not month["point"] and day["point"]
    assert month["x"] == strip["left"] and month["x"] < day["cx"] < month["x"] + month["w"]
    assert strip_svg(entries[2:]) is None
    west, north, width, height = view_box([(48.85, 2.35)])
    assert width == MIN_SPAN and height == MIN_SPAN / 2
    assert west < 2.35 < west + width and north - height < 48.85 < north
    assert view_box([(-85, -179), (85, 179)]) == (-180.0, 90.0, 360.0, 180.0)
    assert len(outline_rings()) > 100
    paris = event_map([{"name": "Paris", "lat": 48.85, "lon": 2.35, "mentions": [{}] * 3},
                       {"name": "Nowhere", "lat": None, "lon": None, "mentions": [{}]}])
    assert [p["name"] for p in paris["points"]] == ["Paris"]
    assert 0 < len(paris["outline"]) < 60_000  # only the rings near Paris
    assert event_map([{"name": "Nowhere", "lat": None, "lon": None, "mentions": []}]) is None


@pytest.mark.issue(6)
def test_map_labels_never_overlap():
    from newsfuse.serve.world import event_map

    places = [{"name": f"Town {i}", "lat": 50 + i * 0.01, "lon": 10 + i * 0.01,
               "mentions": [{}] * (10 - i)} for i in range(8)]
    labels = event_map(places)["labels"]
    assert labels[0]["text"] == "Town 0" and len(labels) < len(places)


@pytest.mark.issue(6)
def test_hostile_text_is_escaped_inside_the_event_svgs(tmp_path):
    article = {"id": "hostile-svg", "source": "<svg onload=alert(7)>Quay Echo",
               "title": "Quay fire <script>alert(8)</script>", "published": "2025-04-08",
               "text": ("On Monday a fire broke out at the grain quay in Marseille, France, "
                        "<img src=x onerror=alert(9)> and \"</title><script>alert(10)</script>\" "
                        "was painted on the wall, the port police said.\n\n"
                        "Four firefighters were injured in Marseille on Monday, the fire "
                        "service said.")}
    with TestClient(create_app(_store_of(tmp_path, article, "svg.db"))) as test_client:
        event_id = _get(test_client, "/api/articles/hostile-svg").json()["article"]["event"]
        doc = _get(test_client, f"/api/events/{event_id}").json()
        page = _get(test_client, f"/events/{event_id}").text
    assert doc["event"]["timeline"] and any(p["lat"] for p in doc["event"]["places"])
    lowered = page.lower()
    for raw in (*RAW_MARKUP, "<svg onload", "</title><script"):
        assert raw not in lowered, raw
    strip = re.search(r'<svg class="strip".*?</svg>', page, re.S).group(0)
    assert "&lt;/title&gt;&lt;script&gt;alert(10)" in strip
    assert re.search(r'<svg class="eventmap".*?</svg>', page, re.S)
    for attribute in re.findall(r'\s[a-z-]+="([^"]*)"', strip):
        assert "<" not in attribute and ">" not in attribute


# -- grouping merges ---------------------------------------------------------------------------------


def _merge_smallest_into_largest(db):
    """Apply a merge to the store file as the ingest would; returns (small, large, moved ids)."""
    store = open_store(str(db))
    try:
        small, large, moved, _ = merge_smallest_into_largest(store, "<b>quay</b>")
    finally:
        store.close()
    return small, large, moved


@pytest.mark.issue(6)
def test_event_pages_are_prerendered_and_never_served_stale(desk_db, tmp_path, monkeypatch):
    db = tmp_path / "pages.db"
    shutil.copy(desk_db, db)
    with TestClient(create_app(str(db))) as test_client:
        desk = test_client.app.state.desk
        monkeypatch.setattr(desk.index, "poke", lambda: None)  # the index stays as built
        largest = max(_all_events(test_client), key=lambda e: e["n_articles"])
        record = desk.store().find_event(largest["id"])
        kept = desk.index.page(record.id, record.last_seq, record.n_articles)
        assert kept and _get(test_client, f"/events/{record.id}").text == kept
        assert kept == render_event(test_client.app.state.templates, desk.event(record.id))
        small, large, moved = _merge_smallest_into_largest(db)
        assert large.id == record.id
        page = _get(test_client, f"/events/{large.id}").text  # the store moved on: rendered now
        assert page != kept and f'merged <a href="/events/{small.id}">' in page
        for article_id in moved:
            assert f'href="/articles/{article_id}"' in page


@pytest.mark.issue(6)
def test_the_index_follows_merges_between_refreshes(desk_db, tmp_path):
    db = tmp_path / "merge.db"
    shutil.copy(desk_db, db)
    with TestClient(create_app(str(db))) as test_client:
        desk = test_client.app.state.desk
        before = {e["id"]: e for e in _all_events(test_client)}
        small, large, moved = _merge_smallest_into_largest(db)
        word = next(w for w in re.findall(r"[A-Za-z]{6,}", _text(test_client, moved[0]))
                    if _all_events(test_client, q=w) and
                    {e["id"] for e in _all_events(test_client, q=w)} == {small.id})
        desk.index.poke()
        desk.index._thread.join(timeout=60)  # the poke noticed the change id, not a new seq
        after = {e["id"]: e for e in _all_events(test_client)}
        assert set(after) == set(before) - {small.id}
        assert after[large.id]["n_articles"] == before[large.id]["n_articles"] + len(moved)
        assert [e["id"] for e in _all_events(test_client, q=word)] == [large.id]
        assert desk.index.indexed_change == 1
        assert desk.index.refresh() == 0  # nothing new: the change is not applied twice
        doc = _get(test_client, f"/api/events/{large.id}").json()
        assert set(moved) <= set(doc["event"]["articles"])
        row = next(a for a in doc["articles"] if a["id"] == moved[0])
        assert row["changes"][0]["other_id"] == small.id and row["changes"][0]["score"] == 0.41
        page = _get(test_client, f"/events/{large.id}").text
        assert f'merged <a href="/events/{small.id}">' in page and "&lt;b&gt;quay" in page
        article = _get(test_client, f"/api/articles/{moved[0]}").json()["article"]
        assert article["event"] == large.id and article["changes"][0]["event_id"] == large.id
        assert "Then merged" in _get(test_client, f"/articles/{moved[0]}").text
        for prefix in ("/events/", "/api/events/"):
            response = test_client.get(prefix + small.id, follow_redirects=False)
            assert response.status_code == 308
            assert response.headers["location"] == prefix + large.id


@pytest.mark.issue(6)
def test_a_store_without_the_changes_table_still_serves(desk_db, tmp_path):
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copy(desk_db, db)
    conn = sqlite3.connect(db)
    conn.executescript("DROP TABLE event_change_articles; DROP TABLE event_changes;")
    conn.close()
    with TestClient(create_app(str(db))) as test_client:
        events = _all_events(test_client)
        assert events and test_client.app.state.desk.index.indexed_change == 0
        test_client.app.state.desk.index.poke()
        _get(test_client, f"/events/{events[0]['id']}")
        _get(test_client, "/events/e-gone", status=404)


def _snapshot(client):
    """Every event's list row and page, as the desk serves them."""
    events = _all_events(client)
    return events, {e["id"]: _get(client, f"/events/{e['id']}").text for e in events}


@pytest.mark.issue(6)
def test_a_kept_index_is_reused_then_catches_up_and_is_rebuilt_for_another_store(
        desk_db, tmp_path):
    db, kept = tmp_path / "news.db", tmp_path / "desk" / "index.db"
    shutil.copy(desk_db, db)
    with TestClient(create_app(str(db), index=str(kept))) as test_client:
        assert not test_client.app.state.desk.index.reused and kept.is_file()
        first = _snapshot(test_client)
    assert kept.is_file()  # kept after the desk stops
    with TestClient(create_app(str(db), index=str(kept))) as test_client:
        index = test_client.app.state.desk.index
        assert index.reused and index.refresh() == 0  # nothing to catch up on
        assert _snapshot(test_client) == first
    small, large, moved = _merge_smallest_into_largest(db)  # the store moves on meanwhile
    with TestClient(create_app(str(db), index=str(kept))) as test_client:
        assert test_client.app.state.desk.index.reused
        after = {e["id"]: e for e in _all_events(test_client)}
        assert small.id not in after and after[large.id]["n_articles"] == \
            next(e for e in first[0] if e["id"] == large.id)["n_articles"] + len(moved)
    other = tmp_path / "other.db"
    store = open_store(str(other))
    try:
        ingest([_one_article(tmp_path)], store)
    finally:
        store.close()
    shutil.copy(other, db)  # another store at the same path: the kept index is not reused
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"news.db{suffix}").unlink(missing_ok=True)
    with TestClient(create_app(str(db), index=str(kept))) as test_client:
        assert not test_client.app.state.desk.index.reused
        assert [e["n_articles"] for e in _all_events(test_client)] == [1]


def _one_article(folder):
    """A JSON Lines file of one article of its own."""
    path = folder / "one.jsonl"
    path.write_text(json.dumps({
        "id": "lone-1", "source": "Tarn Post", "published": "2025-06-01",
        "title": "Ferry service to Holm resumes",
        "text": "The ferry service between Tarn and the island of Holm resumed on Sunday after "
                "a two-week strike by crews ended with a pay deal, the operator said."}) + "\n",
        encoding="utf-8")
    return path


@pytest.mark.issue(6)
def test_a_kept_index_serves_one_desk_at_a_time(desk_db, tmp_path):
    db, kept = tmp_path / "news.db", tmp_path / "index.db"
    shutil.copy(desk_db, db)
    with TestClient(create_app(str(db), index=str(kept))), \
            pytest.raises(UsageError, match="in use by another desk"):
        create_app(str(db), index=str(kept))
    with TestClient(create_app(str(db), index=str(kept))) as test_client:  # free again
        assert test_client.app.state.desk.index.reused
