from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from authorities.models import Authority, ProvinceSetting


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "province", "doc_prefix", "is_active")
    list_filter = ("level", "province", "is_active")
    search_fields = ("code", "name", "short_name", "doc_prefix")
    filter_horizontal = ("heads", "reviewers")


@admin.register(ProvinceSetting)
class ProvinceSettingAdmin(SimpleHistoryAdmin):
    list_display = ("province", "delegated_tier_to")
