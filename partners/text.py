"""Rich text from partners (job and programme descriptions), sanitised once on the way in."""

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>")


def sanitise_html(value: str) -> str:
    """Keep a small set of formatting tags; plain text becomes paragraphs."""
    value = (value or "").strip()
    if not _TAG.search(value):
        paragraphs = [p.strip() for p in value.split("\n\n") if p.strip()]
        value = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
