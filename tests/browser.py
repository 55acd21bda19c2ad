"""Headless Debian chromium for browser tests, driven by playwright (never `playwright install`)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_chromium() -> None:
    """Browser tests must run in CI: a missing chromium fails there and only skips locally."""
    if CHROMIUM.exists():
        return
    message = f"chromium not found at {CHROMIUM}; apt-get install -y chromium"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def browser_page(*, accept_downloads: bool = False) -> Iterator[Any]:
    """A fresh page in headless chromium, closed afterwards."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls a test makes between
    # browser steps are still plain synchronous calls, so Django's async guard is relaxed here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(
                accept_downloads=accept_downloads, viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(10_000)
            yield context.new_page()
            context.close()
            browser.close()
            # ORM calls made while playwright runs use a connection of their own (Django keeps
            # connections per context, and playwright's greenlets have their own); close it
            # here, in that context, or it outlives the test and blocks dropping the test
            # database at the end of the run.
            connections.close_all()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
