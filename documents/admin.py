"""Read-only admin views of drafts, their versions, the number sequences and revocations: the
workflow writes them through `documents.services`, never by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from accounts import roles
from documents.models import Draft, DraftVersion, NumberSequence, Revocation


class ReadOnly(admin.ModelAdmin):
    """Viewable by the service's admins (the admin role), changeable by nobody."""

    def has_module_permission(self, request: Any) -> bool:
        return roles.is_admin(request.user)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return roles.is_admin(request.user)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class VersionInline(admin.TabularInline):
    model = DraftVersion
    extra = 0
    can_delete = False
    readonly_fields = ("revision", "action", "note", "by", "at")
    fields = readonly_fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Draft)
class DraftAdmin(ReadOnly):
    list_display = ("pk", "kind", "state", "number", "case", "authority", "updated_at")
    list_filter = ("kind", "state")
    search_fields = ("number", "case__project__name")
    list_select_related = ("case__project", "authority")
    inlines = [VersionInline]


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnly):
    list_display = ("key", "year", "last")


@admin.register(Revocation)
class RevocationAdmin(ReadOnly):
    list_display = ("opinion", "by", "at")
    list_select_related = ("opinion", "by")
