"""WARC archives written here with warcio: pages become articles, other records are skipped."""

from __future__ import annotations

import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsfuse.errors import REJECT_BINARY, REJECT_PARSE, REJECT_TOO_LARGE, REJECT_UNREADABLE
from newsfuse.ingest import InputOptions, read_inputs
from newsfuse.ingest.watch import entry_article_id
from newsfuse.model import RawArticle, Rejection
from newsfuse.pipeline import ingest

STORY = ("<p>Firefighters contained a blaze at a timber yard in Kestrel Bay on Friday night after "
         "six hours, the regional fire service said on Saturday.</p>"
         "<p>Nobody was hurt, but about 40 families living near the yard were asked to keep their "
         "windows closed because of the smoke, according to the service.</p>"
         "<p>The owner of the yard, Piet Van Loon, said the fire had destroyed two warehouses and "
         "most of the wood stored for the winter.</p>")
TRAM = ("<p>The tram line between the old port and the university will close for three weeks in "
        "July while engineers replace worn rails, the transport authority announced.</p>"
        "<p>Replacement buses will run every ten minutes during the day and every twenty minutes "
        "in the evening, a spokesperson for the authority said.</p>"
        "<p>Traders along the route said they feared losing customers in the busiest month of "
        "the tourist season.</p>")


def html(title: str, body: str, date: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>").encode()


def write_warc(path, records, compress=True) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)
        for uri, kind, status, content_type, payload, extra in records:
            headers = {"WARC-Date": "2024-06-14T08:00:00Z", **extra}
            http = None
            if kind in ("response", "request"):
                line = status if kind == "response" else "GET / HTTP/1.1"
                fields = [("Content-Type", content_type)] if content_type else []
                http = StatusAndHeaders(line, fields, protocol="HTTP/1.1",
                                        is_http_request=kind == "request")
            record = writer.create_warc_record(uri, kind, payload=io.BytesIO(payload),
                                               http_headers=http, warc_headers_dict=headers)
            writer.write_record(record)


RECORDS = [
    ("https://bay.example/fire", "request", "", "", b"", {}),
    ("https://bay.example/fire", "response", "200 OK", "text/html; charset=utf-8",
     html("Timber yard fire contained", STORY), {}),
    ("https://bay.example/logo.png", "response", "200 OK", "image/png", b"\x89PNG\x00\x01", {}),
    ("https://bay.example/old", "response", "301 Moved", "text/html", b"moved", {}),
    ("https://bay.example/gone", "response", "404 Not Found", "text/html", b"<p>gone</p>", {}),
    ("https://city.example/tram", "response", "200 OK", "text/html",
     html("Tram line to close for repairs", TRAM, "2024-06-10T07:15:00Z"), {}),
    ("https://city.example/empty", "response", "200 OK", "text/html",
     b"<html><body></body></html>", {}),
    ("https://city.example/binary", "response", "200 OK", "text/html", b"\x00\x01\x02" * 50, {}),
    ("https://city.example/cut", "response", "200 OK", "text/html", html("Cut", STORY),
     {"WARC-Truncated": "length"}),
    ("https://city.example/", "metadata", "", "", b"crawl notes", {}),
]


@pytest.fixture
def archive(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, RECORDS)
    return path


def test_pages_become_articles_and_bad_records_are_rejected(archive):
    items = list(read_inputs([archive]))
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.url for a in articles] == ["https://bay.example/fire", "https://city.example/tram"]
    fire, tram = articles
    assert fire.title == "Timber yard fire contained" and "40 families" in (fire.text or "")
    # No date on the page: the capture date stands in; the page's own date wins when present.
    assert fire.published == "2024-06-14T08:00:00" and tram.published == "2024-06-10"
    assert fire.metadata["captured"] == "2024-06-14T08:00:00"
    assert fire.metadata["warc_record_id"].startswith("<urn:uuid:")
    rejected = [(i.origin.rsplit(":", 1)[1], i.code) for i in items if isinstance(i, Rejection)]
    assert rejected == [("7", REJECT_PARSE), ("8", REJECT_BINARY), ("9", REJECT_TOO_LARGE)]


def test_reading_is_deterministic_and_ids_match_live_fetching(archive, tmp_path):
    plain = tmp_path / "crawl.warc"
    write_warc(plain, RECORDS, compress=False)
    first, again, uncompressed = (list(read_inputs([p])) for p in (archive, archive, plain))
    strip = [{k: v for k, v in i.model_dump().items() if k not in ("origin", "metadata")}
             for i in first if isinstance(i, RawArticle)]
    assert first == again
    assert strip == [{k: v for k, v in i.model_dump().items() if k not in ("origin", "metadata")}
                     for i in uncompressed if isinstance(i, RawArticle)]


def test_ingesting_an_archive_twice_adds_nothing_the_second_time(archive, store):
    first = ingest([archive.parent], store)
    assert (first.added, len(first.rejected)) == (2, 3)
    ids = sorted(a.id for a in store.articles())
    assert ids == sorted(entry_article_id(u) for u in ("https://bay.example/fire",
                                                        "https://city.example/tram"))
    second = ingest([archive], store)
    assert (second.added, second.skipped) == (0, 2)
    assert sorted(a.id for a in store.articles()) == ids


def test_a_corrupt_tail_ends_the_archive_with_one_rejection(tmp_path):
    path = tmp_path / "broken.warc.gz"
    write_warc(path, RECORDS[:2])
    with open(path, "ab") as out:
        out.write(gzip.compress(b"WARC/1.0\r\nthis is not a header\r\n\r\n")[:-12])
        out.write(b"garbage that is not gzip at all" * 10)
    items = list(read_inputs([path]))
    assert [type(i).__name__ for i in items] == ["RawArticle", "Rejection"]
    assert items[-1].code == REJECT_UNREADABLE and "archive unreadable" in items[-1].reason


def test_a_file_that_is_not_a_warc_is_rejected(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("just some notes, not an archive\n" * 5)
    [item] = list(read_inputs([path]))
    assert isinstance(item, Rejection) and item.code == REJECT_UNREADABLE


def test_record_payload_limit(archive):
    items = list(read_inputs([archive], InputOptions(max_file_bytes=300)))
    too_large = [i.origin.rsplit(":", 1)[1] for i in items
                 if isinstance(i, Rejection) and i.code == REJECT_TOO_LARGE]
    assert too_large == ["2", "6", "9"] and not any(isinstance(i, RawArticle) for i in items)
