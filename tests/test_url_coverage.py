"""Zulip's rule: the whole suite fails when one of our URL patterns was never requested.

Runs last (tests/url_coverage.py orders it), and only judges a run of the whole suite: a
subset, -k, -m or a run that stopped early says nothing about the pages nobody tests.
"""

import pytest

from tests import url_coverage


def test_every_url_pattern_of_ours_is_requested(request):
    if not url_coverage.run["whole_suite"]:
        pytest.skip("judged only when the whole suite runs")
    if request.session.testsfailed:
        pytest.skip("other tests failed: what they did not request says nothing yet")
    missing = url_coverage.unrequested()
    if missing:
        pytest.fail(
            "URL patterns no test requested (request each in a test of who may and who may"
            " not, or exempt it with its reason in tests/url_coverage.py EXEMPT):\n  "
            + "\n  ".join(missing),
            pytrace=False,
        )


def test_the_patterns_are_ours_and_named():
    patterns = url_coverage.our_patterns()
    assert patterns["healthz"] == "healthz"
    assert patterns["groups/<str:code>/reopen/"] == "groups:reopen"
    assert not any(name.startswith(("wagtail", "account_login")) for name in patterns.values())
    assert set(url_coverage.EXEMPT) <= set(patterns), "exempt only patterns that exist"
