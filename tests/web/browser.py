"""Headless Debian chromium for browser tests, driven by playwright (never `playwright install`)."""

import os
from pathlib import Path

import pytest

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
