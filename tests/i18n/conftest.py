"""The English catalogue for the i18n tests: ``*.mo`` files are gitignored and built by
``make messages``, so compile them here when missing or older than the ``.po``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="session", autouse=True)
def english_catalogue() -> Path:
    """Compile ``locale/en`` if needed and drop the translations already loaded in this process.

    Side effects: may write ``locale/en/LC_MESSAGES/django.mo``; resets Django's translation
    caches so that the next request loads the fresh catalogue.
    """
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        call_command("compilemessages", locale=["en"], ignore_patterns=[".venv"], verbosity=0)
    trans_real._translations = {}
    trans_real._default = None
    return PO
