"""Search: one query function over lessons, postings, organisations and activities, and for
coordinators the people and groups of their region (DESIGN.md, "Chinese text and search")."""


def query(user, text, filters=None, page=1):
    """search.query(user, text, filters, page) -> search.selectors.SearchResults."""
    from search.selectors import search_query

    return search_query(user, text, filters, page)
