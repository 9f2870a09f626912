"""DRF throttles whose rates come from the settings at request time (API_THROTTLE_USER,
API_THROTTLE_ANON), so deployments and tests can change them without reloading DRF."""

from __future__ import annotations

from django.conf import settings
from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per signed-in user (per client address for anonymous requests)."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_USER


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Anonymous requests per client address."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_ANON
