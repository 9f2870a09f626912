"""Browser layer. The `browser` and `page` fixtures live in tests/conftest.py so that every
browser test in the tree shares one Playwright session; helpers in tests/browser.py."""

from __future__ import annotations

from tests.browser import login, screenshot

__all__ = ["login", "screenshot"]
