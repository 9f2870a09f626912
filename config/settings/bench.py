"""The load benchmark's server (benchmarks/bench_load.py): production-like, on loopback.

DEBUG off (no query log), persistent connections, the application's URLs plus the one-query
ceiling view of ``scale.views`` (served by no other settings module).
"""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "scale.bench_urls"
# The API throttles stay on (their cost is part of every API request) at rates the benchmark's
# one client cannot reach: a 429 would be a fast non-answer counted as throughput.
API_THROTTLE_USER = "1000000/minute"
API_THROTTLE_ANON = "1000000/minute"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
