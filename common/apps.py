from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """Pieces every page shares: number parsing and display, error pages, the admin's words."""

    name = "common"
    verbose_name = "通用"

    def ready(self) -> None:
        from django.contrib import admin
        from django.db.models import fields

        # The data-maintenance pages speak the service's language, not Django's defaults.
        admin.site.site_header = _("节能审查管理")
        admin.site.site_title = _("节能审查管理")
        admin.site.index_title = _("数据维护")
        # Django 6.1's new empty choice has no Chinese translation yet (「- Select an option -」).
        fields.BLANK_CHOICE_LABEL = _("—— 请选择 ——")
