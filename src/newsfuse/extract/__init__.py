"""The extract stage: times, places, actors, quotes and counts, each with its span in the text."""

from typing import Any

_TEXT = "newsfuse.text"


def parses(doc: Any, text: str) -> bool:
    """Whether `doc` is a parse of exactly `text`. spaCy rebuilds `doc.text` from every token on
    each access, so the text is kept on the doc after the first look (extractors ask often)."""
    if doc is None:
        return False
    known = doc.user_data.get(_TEXT) if hasattr(doc, "user_data") else None
    if known is None:
        known = getattr(doc, "text", None)
        if hasattr(doc, "user_data"):
            doc.user_data[_TEXT] = known
    return bool(known == text)
