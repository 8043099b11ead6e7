-- Repairs of the grouping: an event merged into another, with the score and the reasons.
CREATE TABLE event_changes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    event_id TEXT NOT NULL,
    other_id TEXT NOT NULL,
    score REAL NOT NULL,
    reasons TEXT NOT NULL,
    article_ids TEXT NOT NULL,
    at_seq INTEGER NOT NULL
);
CREATE INDEX event_changes_event ON event_changes (event_id);

CREATE TABLE event_change_articles (
    change_id INTEGER NOT NULL REFERENCES event_changes (id),
    article_id TEXT NOT NULL
);
CREATE INDEX event_change_articles_article ON event_change_articles (article_id);
