"""Bytes to text: binary detection, UTF-8 first, then a detected legacy encoding, never a crash."""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br",
           "figcaption", "section", "article", "header", "footer", "ul", "ol", "table"}


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32 or byte == 127)
    return controls / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), else the detected encoding, else cp1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    for candidate in (encoding, "cp1252", "latin-1"):
        if not candidate:
            continue
        try:
            return data.decode(candidate), candidate
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"  # latin-1 decodes any byte


def _detect(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # the detector is a heuristic helper: any failure falls back to cp1252
        return None
    return best.encoding if best is not None else None


def strip_controls(text: str) -> str:
    """Remove control characters that have no place in article text."""
    return _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one block per line."""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
