"""What each source of an event reports that no other does: its own facts, versions and speakers.

The event page sets its sources side by side; for each one it lists the facts only that
source states, its own value of each disputed fact, and the speakers only it quotes. A copy
(a wire reprint) is not an independent source: it is credited to its original, so two copies
of one story never make a fact "reported by two".
"""

from __future__ import annotations

from typing import Any


def _origin(article: dict[str, Any], present: set[str]) -> str:
    """The story an article tells: its original when that is in the event, else itself."""
    original = article.get("duplicate_of")
    return str(original) if original in present else str(article["id"])


def speaker_key(quote: dict[str, Any]) -> str:
    """Who said it, as one key: the speaker id without its kind, else the lower-cased name.

    Extraction may call the same name a person in one article and an organisation in another.
    """
    ident = quote.get("speaker_id") or ""
    return ident.split(":", 1)[-1] if ident else str(quote.get("speaker") or "").lower()


def _claim(fact: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    """The part of a claim a source card shows: what is counted, the value and its words."""
    return {"predicate": fact["predicate"], "subject": fact.get("subject"),
            "status": fact["status"], "value": claim.get("value"), "text": claim["text"],
            "start": claim["start"], "end": claim["end"],
            "attribution": claim.get("attribution"), "article": claim["article"]}


def sole_reports(event: dict[str, Any], articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Per article id, what its story alone reports: `facts`, `versions` and `speakers`.

    `facts` are the facts no other story states, `versions` its own values of disputed facts,
    `speakers` the people only it quotes; a copy gets empty lists and `copy_of` its original.
    """
    present = {a["id"] for a in articles}
    origin_of = {a["id"]: _origin(a, present) for a in articles}
    found: dict[str, dict[str, Any]] = {
        a["id"]: {"copy_of": None, "facts": [], "versions": [], "speakers": []}
        for a in articles if origin_of[a["id"]] == a["id"]}
    for fact in event["facts"]:
        origins = {origin_of.get(c["article"], c["article"]) for c in fact["claims"]}
        for claim in fact["claims"]:
            entry = found.get(claim["article"])
            if entry is None:  # a copy's claim: its original has the same words
                continue
            if len(origins) == 1:
                entry["facts"].append(_claim(fact, claim))
            elif fact["status"] == "disputed":
                entry["versions"].append(_claim(fact, claim))
    speakers: dict[str, dict[str, Any]] = {}
    for quote in event["quotes"]:
        key = speaker_key(quote)
        if key:
            entry = speakers.setdefault(key, {"name": quote.get("speaker") or key,
                                              "id": quote.get("speaker_id"),
                                              "origins": set(), "first": quote})
            entry["origins"].add(origin_of.get(quote["article"], quote["article"]))
    for key in sorted(speakers):
        speaker = speakers[key]
        if len(speaker["origins"]) == 1:
            (origin,) = speaker["origins"]
            first = speaker["first"]
            if origin in found:
                found[origin]["speakers"].append(
                    {"name": speaker["name"], "id": speaker["id"], "article": first["article"],
                     "start": first["start"], "end": first["end"]})
    out: dict[str, Any] = {}
    for article in articles:
        origin = origin_of[article["id"]]
        if origin == article["id"]:
            out[article["id"]] = found[article["id"]]
        else:
            out[article["id"]] = {"copy_of": origin, "facts": [], "versions": [],
                                  "speakers": []}
    return out
