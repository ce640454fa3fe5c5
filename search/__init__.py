"""Search: one query function over lessons, postings, organisations and activities, and for
coordinators the people and groups of their region (DESIGN.md, "Chinese text and search")."""


def query(user, text, filters=None, page=1):
    """search.query(user, text, filters, page) -> search.selectors.SearchResults."""
    from search.selectors import search_query

    return search_query(user, text, filters, page)


def ids(user, text, *, kind, limit=1000):
    """Ids of the `kind` documents matching `text` that `user` may see, best first (None when
    the text has no words): the list pages' search boxes narrow their lists with it."""
    from search.selectors import search_ids

    return search_ids(user, text, kind=kind, limit=limit)
