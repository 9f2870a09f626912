from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "政策数据"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from rules.reference_data import MAINTAINED_MODELS, reference_clear

        def clear(sender: Any, **kwargs: Any) -> None:
            reference_clear()

        for model in MAINTAINED_MODELS:
            post_save.connect(clear, sender=model, dispatch_uid=f"rules_ref_save_{model.__name__}")
            post_delete.connect(
                clear, sender=model, dispatch_uid=f"rules_ref_delete_{model.__name__}"
            )
