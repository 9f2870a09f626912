from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_tally(sender: AppConfig, using: str = "default", **_: Any) -> None:
    """After every migrate: (re)install the case counters' triggers and recount them."""
    from django.db import connections

    from . import tally

    if tally.install(connections[using]):
        tally.rebuild(using=using)


class ScaleConfig(AppConfig):
    """Load data at scale, database-kept case counters and the benchmark's ceiling (issue 14)."""

    name = "scale"
    verbose_name = "Scale"

    def ready(self) -> None:
        post_migrate.connect(_install_tally, sender=self, dispatch_uid="scale.install_tally")
