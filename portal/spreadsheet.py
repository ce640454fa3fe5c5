"""Writing people's own text into a spreadsheet safely."""

# A text cell starting with one of these is a formula to a spreadsheet (CSV/formula injection):
# people type their own names and replies, so such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """The value itself, or text that a spreadsheet shows as the same text but never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
