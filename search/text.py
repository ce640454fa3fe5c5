"""Search's view of Chinese text: the words come from the core (portal.text: jieba, once, with
the domain's words), a query's cut from the same dictionary shared between processes
(search.lexicon); here the plain text, snippets and highlights of results."""

import re
from html import escape

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from portal.text import MAX_QUERY_CHARS, index_tokens
from search.lexicon import query_tokens

__all__ = ["MAX_QUERY_CHARS", "highlight", "index_tokens", "plain_text", "query_tokens", "snippet"]


def plain_text(html_or_text: str) -> str:
    return " ".join(strip_tags(html_or_text or "").split())


def snippet(text: str, terms: list[str], *, width: int = 120) -> SafeString:
    """A piece of `text` around the first matching term, every term wrapped in <mark>.

    Done here rather than by the engine so both backends show the same snippet of the same
    original (unsegmented) text.
    """
    text = text or ""
    lowered = text.lower()
    hits = [lowered.find(t) for t in terms if t and lowered.find(t) >= 0]
    start = max(0, min(hits) - width // 4) if hits else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, terms) + suffix)  # noqa: S308 - escaped in highlight


def highlight(text: str, terms: list[str]) -> str:
    """HTML-escaped text with each occurrence of a term (longest first) wrapped in <mark>."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    if not ordered:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
