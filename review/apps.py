from __future__ import annotations

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "节能审查"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import clock, holidays
        from .models import CalendarYear

        clock.official_years_loader(holidays.official_years)
        for signal in (post_save, post_delete):
            signal.connect(
                holidays.calendar_changed, sender=CalendarYear, dispatch_uid=f"calendar-{signal}"
            )
