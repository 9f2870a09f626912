from __future__ import annotations

from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "事中事后监管"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the review-event receiver)
