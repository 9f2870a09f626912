"""Spreadsheet 导入 and 导出 for the policy-data admin: the upload form and the mixin that adds
an import view (all rows or none), export links and export actions to a model's admin page.

Only users with add and change permission on a model (admins) may import; viewing and export
need the view permission. Used by :mod:`rules.admin` and :mod:`rules.admin_reference`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from rules.imports import (
    ImportRejected,
    TableSpec,
    table_export_csv,
    table_export_xlsx,
    table_import,
)

IMPORT_MAX_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# Import and export
# --------------------------------------------------------------------------------------------
class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8，可带BOM）或XLSX；第1行为表头，可用英文列名或中文列名。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    reason = forms.CharField(
        label=_("导入说明"),
        required=False,
        max_length=200,
        help_text=_("记入修改历史，如“省发展改革委2026年第3批清单”。缺省为文件名。"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过20MB。"))
        return upload


class ImportExportMixin:
    """Adds 导入 (a view) and 导出 CSV/XLSX (actions and links) for `import_spec`."""

    import_spec: TableSpec
    change_list_template = "admin/rules/change_list_import_export.html"
    actions = ["export_selected_csv", "export_selected_xlsx"]

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        name = f"{opts.app_label}_{opts.model_name}"
        site = self.admin_site  # type: ignore[attr-defined]
        return [
            path("import/", site.admin_view(self.import_view), name=f"{name}_import"),
            path("export/<str:fmt>/", site.admin_view(self.export_view), name=f"{name}_export"),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)  # type: ignore[attr-defined]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {
            "has_import_permission": self.has_import_permission(request),
            "export_query": request.GET.urlencode(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        opts = self.model._meta  # type: ignore[attr-defined]
        errors: list[str] = []
        bad_rows = 0
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    result = table_import(
                        self.import_spec,
                        upload.read(),
                        filename=upload.name,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ImportRejected as exc:
                    errors = exc.lines()
                    bad_rows = len(exc.rows)
                else:
                    self.message_user(  # type: ignore[attr-defined]
                        request, f"{upload.name}：{result.summary()}", messages.SUCCESS
                    )
                    return HttpResponseRedirect(
                        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                    )
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("导入%(name)s") % {"name": opts.verbose_name},
            "opts": opts,
            "form": form,
            "import_errors": errors,
            "bad_rows": bad_rows,
            "columns": self._column_help(),
        }
        return TemplateResponse(
            request, "admin/rules/import.html", context, status=400 if errors else 200
        )

    def _column_help(self) -> list[dict[str, str]]:
        spec = self.import_spec
        out = []
        for column in spec.columns:
            field = spec.model._meta.get_field(column.name)
            choices = getattr(field, "choices", None)
            out.append(
                {
                    "name": column.name,
                    "label": str(field.verbose_name),
                    "aliases": "、".join(column.labels),
                    "required": "是" if column.required else "否",
                    "values": "、".join(f"{label}（{value}）" for value, label in choices)
                    if choices
                    else "",
                }
            )
        return out

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if not self.has_view_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)  # type: ignore[attr-defined]
        return self._export(changelist.get_queryset(request), fmt)

    def _export(self, queryset: QuerySet[Any], fmt: str) -> HttpResponse:
        spec = self.import_spec
        queryset = queryset.order_by(*spec.key)
        if fmt == "xlsx":
            body = table_export_xlsx(spec, queryset.iterator())
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "csv":
            body = table_export_csv(spec, queryset.iterator())
            content_type = "text/csv; charset=utf-8"
        else:
            raise PermissionDenied
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{spec.slug}.{fmt}"'
        return response

    @admin.action(description=_("导出所选（CSV）"), permissions=["view"])
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(queryset, "csv")

    @admin.action(description=_("导出所选（XLSX）"), permissions=["view"])
    def export_selected_xlsx(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        return self._export(queryset, "xlsx")
