"""Local development: `make run` on the embedded defaults (SQLite, in-process tasks)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)

# Reminder emails of the demo land as files in var/mail/ instead of flooding the console.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(BASE_DIR / "var" / "mail")},  # noqa: F405
    }
}
