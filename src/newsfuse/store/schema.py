"""The store schema, defined once as SQLAlchemy tables, and the numbered migrations over it."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)
from sqlalchemy.types import TypeEngine

# PostgreSQL sorts text by the server's locale; byte order ("C") is what SQLite does, so the
# same store gives the same orderings (event lists, rejections) on both.
TEXT: TypeEngine[str] = Text().with_variant(Text(collation="C"), "postgresql")
# Band keys are 63-bit hashes and sequence numbers may outgrow 32 bits on a server.
BIG: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", TEXT, primary_key=True),
    Column("seq", BIG, nullable=False, unique=True),
    Column("origin", TEXT, nullable=False),
    Column("url", TEXT),
    Column("source", TEXT),
    Column("title", TEXT),
    Column("published", TEXT),
    Column("author", TEXT),
    Column("text", TEXT, nullable=False),
    Column("removed", TEXT, nullable=False),
    Column("metadata", TEXT, nullable=False),
    Column("raw_hash", TEXT, nullable=False),
    Column("content_hash", TEXT, nullable=False),
    Column("duplicate_of", TEXT),
    Column("event_id", TEXT),
    Index("articles_event", "event_id"),
    Index("articles_content", "content_hash"),
)

analyses = Table(
    "analyses", metadata,
    Column("article_id", TEXT, ForeignKey("articles.id"), primary_key=True),
    Column("data", TEXT, nullable=False),
)

signatures = Table(
    "signatures", metadata,
    Column("article_id", TEXT, ForeignKey("articles.id"), primary_key=True),
    Column("sig", LargeBinary, nullable=False),
)

dedupe_bands = Table(
    "dedupe_bands", metadata,
    Column("band", Integer, nullable=False),
    Column("key", BIG, nullable=False),
    Column("article_id", TEXT, nullable=False),
    Index("dedupe_bands_key", "band", "key"),
)

events = Table(
    "events", metadata,
    Column("id", TEXT, primary_key=True),
    Column("title", TEXT),
    Column("start", TEXT),
    Column("end", TEXT),
    Column("n_articles", Integer, nullable=False),
    Column("first_seq", BIG, nullable=False),
    Column("last_seq", BIG, nullable=False),
    Column("state", TEXT, nullable=False),
)

assignments = Table(
    "assignments", metadata,
    Column("article_id", TEXT, ForeignKey("articles.id"), primary_key=True),
    Column("event_id", TEXT, nullable=False),
    Column("score", Double, nullable=False),
    Column("new_event", Integer, nullable=False),
    Column("reasons", TEXT, nullable=False),
    Column("runner_up", TEXT),
    Column("runner_up_score", Double),
)

rejections = Table(
    "rejections", metadata,
    Column("origin", TEXT, nullable=False),
    Column("code", TEXT, nullable=False),
    Column("stage", TEXT, nullable=False),
    Column("reason", TEXT, nullable=False),
    Column("article_id", TEXT),
    PrimaryKeyConstraint("origin", "code"),
)

source_lines = Table(
    "source_lines", metadata,
    Column("source", TEXT, nullable=False),
    Column("key", TEXT, nullable=False),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("source", "key"),
)

event_changes = Table(
    "event_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", TEXT, nullable=False),
    Column("event_id", TEXT, nullable=False),
    Column("other_id", TEXT, nullable=False),
    Column("score", Double, nullable=False),
    Column("reasons", TEXT, nullable=False),
    Column("article_ids", TEXT, nullable=False),
    Column("at_seq", BIG, nullable=False),
    Index("event_changes_event", "event_id"),
)

event_change_articles = Table(
    "event_change_articles", metadata,
    Column("change_id", Integer, ForeignKey("event_changes.id"), nullable=False),
    Column("article_id", TEXT, nullable=False),
    Index("event_change_articles_article", "article_id"),
)

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, nullable=False),
)

Migration = Callable[[Connection], None]


def _create(*tables: Table) -> Migration:
    """A migration that creates these tables with their indexes."""
    def run(conn: Connection) -> None:
        metadata.create_all(conn, tables=list(tables), checkfirst=False)
    return run


# Migration N brings a store from version N-1 to N. New migrations are Python functions over
# SQLAlchemy DDL and run on both databases; the first two predate SQLAlchemy, and SQLite stores
# keep running their shipped .sql scripts so that files created before keep their exact format.
MIGRATIONS: dict[int, Migration] = {
    1: _create(articles, analyses, signatures, dedupe_bands, events, assignments, rejections,
               source_lines),
    2: _create(event_changes, event_change_articles),
}


def sqlite_scripts() -> dict[int, str]:
    """The numbered SQLite migration scripts shipped with the package."""
    folder = resources.files("newsfuse.store") / "migrations"
    return {int(entry.name.split("_", 1)[0]): entry.read_text("utf-8")
            for entry in folder.iterdir() if entry.name.endswith(".sql")}


def latest() -> int:
    """The schema version this newsfuse writes."""
    return max(MIGRATIONS)
