from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "建设单位与项目"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to review.signals)
