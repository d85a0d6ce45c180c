"""Headless Chromium (Debian's package, never `playwright install`) against the live server.

Without /usr/bin/chromium these tests skip with a hint; with CI=1 they fail instead.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Listens before any page script runs (init scripts are not subject to the page's CSP),
# so a violation is reported even where Chromium's own console message is missed.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        message = (f"browser tests need Chromium at {CHROMIUM}: "
                   "run `apt-get install chromium` (or `make browser-deps` as root)")
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django refuses ORM
    # calls while any loop runs (SynchronousOnlyOperation). The test code that sets up
    # data is plain synchronous code, so allow it for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Pages:
    """Opens pages in fresh browser contexts (each its own cookies and storage) and
    collects every console error, uncaught exception and CSP violation they report."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url = browser, base_url
        self.contexts, self.problems, self.expected = [], [], []

    def open(self, path="/", **context_options):
        context = self.browser.new_context(base_url=self.base_url, **context_options)
        context.set_default_timeout(15_000)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page)
        page.goto(path)
        return page

    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"{message.text} ({message.location.get('url')})"))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("dialog", lambda dialog: self.problems.append(f"dialog: {dialog.message}"))

    def expect_error(self, text):
        """A console error the test provokes on purpose, e.g. the 400 of a refused form."""
        self.expected.append(text)

    def unexpected_problems(self):
        return [p for p in self.problems if not any(text in p for text in self.expected)]

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live_server, settings):
    # Every test posts from 127.0.0.1; the shared cache's rate limits are tested elsewhere.
    settings.COMMENTS_THROTTLE_ENABLED = False
    pages = Pages(browser, live_server.url)
    yield pages
    pages.close()
    assert pages.unexpected_problems() == [], "console errors or CSP violations"


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, **options):
        options.setdefault("full_page", True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", **options)

    return take
