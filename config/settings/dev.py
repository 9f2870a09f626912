"""Local development: `make run` on the embedded defaults (SQLite, in-process tasks)."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
