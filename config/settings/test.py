"""Test settings: fast hashing, in-memory email, eager Celery unless a test asks for a worker."""

from __future__ import annotations

import os
import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
# The integration layer (CELERY_WORKER_TESTS=1) sends tasks to a real worker through Redis.
CELERY_WORKER_TESTS = bool(os.environ.get("CELERY_WORKER_TESTS"))
CELERY_TASK_ALWAYS_EAGER = not CELERY_WORKER_TESTS
CELERY_BROKER_URL = os.environ.get("REDIS_URL") or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("REDIS_URL") or None
# Each test process keeps its own cache (emptied before every test, tests/conftest.py), also when
# REDIS_URL points the integration layer's Celery at Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="energyreview-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The whole suite signs in the same personas many times a minute: throttling is tested on its own
# (tests/security) with lower rates set there.
API_THROTTLE_USER = "1000000/minute"
API_THROTTLE_ANON = "1000000/minute"
