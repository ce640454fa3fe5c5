"""The real browser of the journeys: Debian's Chromium (never a downloaded one) driven by
Playwright, headless, and pages the size of a phone. Fixtures that use it set
DJANGO_ALLOW_ASYNC_UNSAFE: Playwright runs an event loop in the test's thread, where Django
would otherwise refuse the ORM calls of the test and its live server."""

from contextlib import contextmanager

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, base_url, *, locale="en-US", phone=True, timeout=10_000, javascript=True):
    """A page in a context of its own (its own cookies: one person), a phone unless told.
    en-US by default: the portal must answer in Chinese whatever the browser asks for.
    javascript=False: what a page does for a browser that runs none."""
    context = browser.new_context(
        base_url=base_url,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        locale=locale,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(timeout)
    return context.new_page()
