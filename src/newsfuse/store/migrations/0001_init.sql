-- The first schema: articles, their analyses, dedupe signatures, events and rejections.
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    url TEXT,
    source TEXT,
    title TEXT,
    published TEXT,
    author TEXT,
    text TEXT NOT NULL,
    removed TEXT NOT NULL,
    metadata TEXT NOT NULL,
    raw_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    duplicate_of TEXT,
    event_id TEXT
);
CREATE INDEX articles_event ON articles (event_id);
CREATE INDEX articles_content ON articles (content_hash);

CREATE TABLE analyses (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    data TEXT NOT NULL
);

CREATE TABLE signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    sig BLOB NOT NULL
);

CREATE TABLE dedupe_bands (
    band INTEGER NOT NULL,
    key INTEGER NOT NULL,
    article_id TEXT NOT NULL
);
CREATE INDEX dedupe_bands_key ON dedupe_bands (band, key);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    title TEXT,
    start TEXT,
    "end" TEXT,
    n_articles INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    state TEXT NOT NULL
);

CREATE TABLE assignments (
    article_id TEXT PRIMARY KEY REFERENCES articles (id),
    event_id TEXT NOT NULL,
    score REAL NOT NULL,
    new_event INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    runner_up TEXT,
    runner_up_score REAL
);

CREATE TABLE rejections (
    origin TEXT NOT NULL,
    code TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    article_id TEXT,
    PRIMARY KEY (origin, code)
);

CREATE TABLE source_lines (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (source, key)
);
