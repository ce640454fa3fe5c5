"""Zulip's rule: the whole suite fails when one of our URL patterns was never requested. The
judging is done at the end of the run by tests/url_coverage.py (in xdist's controller, over
every worker's requests); this checks what it judges against."""

from tests import url_coverage


def test_the_patterns_are_ours_and_named():
    patterns = url_coverage.our_patterns()
    assert patterns["healthz"] == "healthz"
    assert patterns["groups/<slug:code>/reopen/"] == "groups:reopen"
    assert not any(name.startswith(("wagtail", "account_login")) for name in patterns.values())
    assert set(url_coverage.EXEMPT) <= set(patterns), "exempt only patterns that exist"
