"""The applicant's forms: five steps of one project, attachments, submission and organization.

Forms only parse HTTP input. The facts the engine reads (codes, quantities, units) arrive as
text and are judged by the engine through the services, so the page shows exactly the engine's
messages; the forms type-check what the engine does not see (dates, investment, files).
`StepForms` binds the forms of one step, turns them into the services' partial payload and puts
the errors the services return (by field path, e.g. `energy.1.quantity`) back on the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from common.numbers import normalize_number
from review.models import CaseState
from rules import engine

from . import limits, organization_rules
from .models import Attachment, ConstructionType, Organization, Project, ProjectStatus

# --------------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: Any
    fields: tuple[str, ...]  # top-level payload keys whose errors belong to this step


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "basics",
        _("基本信息"),
        (
            "project_code",
            "name",
            "region",
            "industry",
            "construction_type",
            "project_type",
            "unchanged_site_process_equipment",
            "national_major_project",
            "national_major_document",
            "national_major_relief_share",
            "planned_start",
            "planned_completion",
            "total_investment_wan",
            "description",
        ),
    ),
    Step(
        2,
        "energy",
        _("能源消费"),
        (
            "energy",
            "baseline_energy",
            "exported_energy",
            "renewable_electricity_kwh",
            "feedstock_tce",
        ),
    ),
    Step(3, "products", _("主要产品"), ("products",)),
    Step(4, "substitution", _("能耗替代来源"), ("substitution_sources",)),
    Step(5, "attachments", _("附件与提交"), ("attachments", "submitted_on", "non_field_errors")),
)
STEP_BY_NUMBER = {step.number: step for step in STEPS}
LAST_STEP = STEPS[-1].number


def step_of_path(path: str) -> int:
    """The step on which the field of an error path is entered."""
    head = path.split(".", 1)[0]
    for step in STEPS:
        if head in step.fields:
            return step.number
    return LAST_STEP


# --------------------------------------------------------------------------------------------
# Pickers built from the engine's reference data (rules/data)
# --------------------------------------------------------------------------------------------
class OptionAttrsSelect(forms.Select):
    """A select whose options carry data attributes (unit base, product unit ...)."""

    def __init__(self, option_attrs: Mapping[str, Mapping[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.option_attrs = dict(option_attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # noqa: ANN001, ANN201, PLR0913
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_attrs.get(str(value), {}))
        return option


def energy_type_choices() -> list[tuple[str, str]]:
    ref = engine.load_reference()
    return [("", "—— 请选择 ——")] + [(t.type, t.name_zh) for t in ref.energy_types.values()]


def unit_choices() -> list[tuple[str, str]]:
    ref = engine.load_reference()
    return [("", "——")] + [(u.unit, u.unit_zh) for u in ref.units.values()]


def product_choices(reference: engine.Reference | None = None) -> list[tuple[str, str]]:
    """Products with a benchmark row (`reference`: the admin-maintained rows; default the
    shipped table)."""
    ref = reference or engine.load_reference()
    return [("", "—— 请选择 ——")] + [
        (b.product, f"{b.name_zh}（{b.unit}）") for b in ref.benchmarks.values()
    ]


def project_type_choices() -> list[tuple[str, str]]:
    """The exempt project types admins maintain (发改环资规〔2017〕1975号), blank first."""
    from rules.reference_data import reference_for_input

    types = getattr(reference_for_input(), "exempt_project_types", {}) or {}
    return [("", _("—— 不属于下列项目类型 ——"))] + [
        (t.type, t.name_zh) for t in sorted(types.values(), key=lambda t: t.type)
    ]


def _energy_type_attrs() -> dict[str, dict[str, str]]:
    return {
        t.type: {"data-base": t.base_unit} for t in engine.load_reference().energy_types.values()
    }


def _unit_attrs() -> dict[str, dict[str, str]]:
    return {u.unit: {"data-base": u.base_unit} for u in engine.load_reference().units.values()}


def _product_attrs(reference: engine.Reference | None = None) -> dict[str, dict[str, str]]:
    return {
        b.product: {
            "data-unit": b.unit,
            "data-benchmark": f"{b.benchmark:g}",
            "data-baseline": f"{b.baseline:g}",
        }
        for b in (reference or engine.load_reference()).benchmarks.values()
    }


# Dates travel as ISO in <input type=date>; typed text may use slashes or dots too.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def date_input() -> forms.DateInput:
    """A date picker that shows the stored date back (ISO, whatever the active locale)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TypedDecimalField(forms.DecimalField):
    """A decimal typed as people print it: 「380,000」, full-width digits (common.numbers)."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(normalize_number(value))


def number_input(placeholder: str = "") -> forms.TextInput:
    """Numbers are typed as text and judged by the engine (its messages, its rules)."""
    return forms.TextInput(
        attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": placeholder}
    )


# --------------------------------------------------------------------------------------------
# Step forms
# --------------------------------------------------------------------------------------------
class BasicsForm(forms.Form):
    """Step 1 · 基本信息."""

    name = forms.CharField(label=_("项目名称"), max_length=200)
    project_code = forms.CharField(
        label=_("项目代码"),
        max_length=24,
        required=False,
        help_text=_("全国投资项目在线审批监管平台赋予的代码，格式 NNNN-NNNNNN-NN-NN-NNNNNN"),
        widget=forms.TextInput(attrs={"placeholder": "2611-320505-04-01-381276"}),
    )
    region = forms.CharField(
        label=_("建设地点（行政区划代码）"),
        max_length=6,
        required=False,
        help_text=_("GB/T 2260 六位代码，可输入地名查找"),
        widget=forms.TextInput(attrs={"list": "region-options", "autocomplete": "off"}),
    )
    industry = forms.CharField(
        label=_("所属行业（国民经济行业小类）"),
        max_length=4,
        required=False,
        help_text=_("GB/T 4754-2017 四位代码，可输入行业名称查找"),
        widget=forms.TextInput(attrs={"list": "industry-options", "autocomplete": "off"}),
    )
    construction_type = forms.ChoiceField(
        label=_("建设性质"),
        choices=ConstructionType.choices,
        initial=ConstructionType.NEW,
        widget=forms.RadioSelect,
    )
    project_type = forms.ChoiceField(
        label=_("项目类型"),
        required=False,
        choices=project_type_choices,
        help_text=_(
            "属于《不单独进行节能审查的行业目录》（发改环资规〔2017〕1975号）所列项目类型的，"
            "不单独进行节能审查"
        ),
    )
    unchanged_site_process_equipment = forms.BooleanField(
        label=_("改建项目：建设地点、主要生产工艺和设备均未改变"),
        required=False,
        help_text=_(
            "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第八条："
            "此类改建项目按增量计算年综合能源消费量"
        ),
    )
    national_major_project = forms.BooleanField(
        label=_(
            "党中央、国务院批准建设且报国务院备案的国家重大项目"
            "（《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（六））"
        ),
        required=False,
    )
    national_major_document = forms.CharField(
        label=_("国家重大项目备案文号"),
        required=False,
        max_length=limits.DOCUMENT_MAX,
        help_text=_("国家重大项目须填写"),
    )
    national_major_relief_share = forms.CharField(
        label=_("能耗减免比例（0～1）"),
        required=False,
        max_length=32,
        help_text=_("备案文件核定的在地区能耗双控考核中减免的比例，如0.5；国家重大项目须填写"),
        widget=number_input("0.5"),
    )
    planned_start = forms.DateField(
        label=_("计划开工"), required=False, widget=date_input(), input_formats=DATE_INPUT_FORMATS
    )
    planned_completion = forms.DateField(
        label=_("计划建成"), required=False, widget=date_input(), input_formats=DATE_INPUT_FORMATS
    )
    total_investment_wan = TypedDecimalField(
        label=_("总投资（万元）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("主要建设内容"),
        required=False,
        max_length=limits.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_completion")
        if start and end and end < start:
            self.add_error("planned_completion", _("计划建成日期不能早于计划开工日期。"))
        return data

    @staticmethod
    def initial_for(project: Project | None) -> dict[str, Any]:
        if project is None:
            return {"construction_type": ConstructionType.NEW}
        initial = {
            name: getattr(project, name)
            for name in (
                "name",
                "project_code",
                "region",
                "industry",
                "construction_type",
                "project_type",
                "unchanged_site_process_equipment",
                "national_major_project",
                "national_major_document",
                "planned_start",
                "planned_completion",
                "total_investment_wan",
                "description",
            )
        }
        share = project.national_major_relief_share
        initial["national_major_relief_share"] = _fmt(share) if share else ""
        return initial


class RowLabelsMixin:
    """Inputs in a table row have no <label> of their own: name them (and the row) for screen
    readers, e.g. 「年消费量（第2行）」."""

    def label_row_inputs(self) -> None:
        prefix = getattr(self, "prefix", "") or ""
        index = prefix.rsplit("-", 1)[-1]
        row = f"（第{int(index) + 1}行）" if index.isdigit() else ""
        for field in self.fields.values():  # type: ignore[attr-defined]
            if field.label and not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["aria-label"] = f"{field.label}{row}"


class EnergyLineForm(RowLabelsMixin, forms.Form):
    """One row of 能源消费 (or 改建前用能)."""

    type = forms.ChoiceField(label=_("能源品种"), choices=energy_type_choices)
    quantity = forms.CharField(label=_("年消费量"), widget=number_input())
    unit = forms.ChoiceField(label=_("计量单位"), choices=unit_choices)
    low_heat_value_kj = forms.CharField(
        label=_("实测低位发热量（千焦/千克或千焦/立方米，选填）"),
        required=False,
        widget=number_input(_("选填")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].widget = OptionAttrsSelect(
            _energy_type_attrs(), choices=self.fields["type"].choices
        )
        self.fields["unit"].widget = OptionAttrsSelect(
            _unit_attrs(), choices=self.fields["unit"].choices
        )
        self.label_row_inputs()


class EnergyTotalsForm(forms.Form):
    """Step 2's deductions: renewable electricity (方案（八）) and feedstock use (原料用能)."""

    renewable_electricity_kwh = forms.CharField(
        label=_("可再生能源电力（千瓦时/年）"),
        required=False,
        help_text=_(
            "项目自发或购买的新增可再生能源电力；自2022年11月16日起不计入地区能耗双控"
            "（《关于进一步做好新增可再生能源消费不纳入能源消费总量控制有关工作的通知》"
            "（发改运行〔2022〕1258号））"
        ),
        widget=number_input("0"),
    )
    feedstock_tce = forms.CharField(
        label=_("原料用能（吨标准煤/年）"),
        required=False,
        help_text=_("作为原料使用的能源，从计入能耗中扣除"),
        widget=number_input("0"),
    )


class ProductLineForm(RowLabelsMixin, forms.Form):
    """One row of 主要产品, compared with the 1609号 benchmark and baseline."""

    product = forms.ChoiceField(label=_("产品"), choices=product_choices)
    annual_output = forms.CharField(label=_("年产量"), required=False, widget=number_input())
    unit_energy = forms.CharField(label=_("单位产品综合能耗"), widget=number_input())

    def __init__(
        self, *args: Any, reference: engine.Reference | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if reference is not None:
            self.fields["product"].choices = product_choices(reference)
        self.fields["product"].widget = OptionAttrsSelect(
            _product_attrs(reference), choices=self.fields["product"].choices
        )
        self.label_row_inputs()


class SubstitutionSourceForm(RowLabelsMixin, forms.Form):
    """One row of 能耗替代来源 (方案（十二）): a verified saving elsewhere and its evidence."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label=_("替代来源说明"), max_length=300)
    saved_tce = forms.CharField(label=_("年节能量（吨标准煤）"), widget=number_input())
    evidence = forms.FileField(
        label=_("证明材料（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    # A file chosen before a validation error, kept on the server until the row is saved.
    evidence_pending = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_row_inputs()

    @property
    def pending_name(self) -> str:
        """The original name of the file kept from the last attempt, if any."""
        kept = pending_upload_read(self["evidence_pending"].value())
        return kept[1] if kept else ""


PENDING_SALT = "projects.evidence.pending"
PENDING_DIR = "pending"


def pending_upload_keep(upload: Any) -> str:
    """Store an upload the page could not save yet; return a signed token naming it."""
    name = default_storage.save(
        f"{PENDING_DIR}/{get_random_string(24)}.pdf", ContentFile(upload.read())
    )
    upload.seek(0)
    original = str(getattr(upload, "name", "") or "evidence.pdf")[-200:]
    return signing.dumps({"n": name, "o": original}, salt=PENDING_SALT)


def pending_upload_read(token: Any) -> tuple[str, str] | None:
    """(storage name, original name) of a kept upload, or None for no or a forged token."""
    if not token or not isinstance(token, str):
        return None
    try:
        data = signing.loads(token, salt=PENDING_SALT, max_age=2 * 24 * 3600)
    except signing.BadSignature:
        return None
    name = str(data.get("n", ""))
    if not name.startswith(f"{PENDING_DIR}/") or not default_storage.exists(name):
        return None
    return name, str(data.get("o", ""))


def pending_upload_open(token: Any) -> SimpleUploadedFile | None:
    kept = pending_upload_read(token)
    if kept is None:
        return None
    with default_storage.open(kept[0], "rb") as handle:
        content = handle.read()
    return SimpleUploadedFile(kept[1] or "evidence.pdf", content, "application/pdf")


def _formset(form: type[forms.Form], limit: int) -> type[forms.BaseFormSet]:
    return forms.formset_factory(
        form,
        extra=0,
        can_delete=True,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )


EnergyFormSet = _formset(EnergyLineForm, limits.ENERGY_LINES_MAX)
ProductFormSet = _formset(ProductLineForm, limits.PRODUCTS_MAX)
SourceFormSet = _formset(SubstitutionSourceForm, limits.SOURCES_MAX)

# payload list key -> (formset prefix, formset class, contract fields of a row)
LISTS: dict[str, tuple[str, type[forms.BaseFormSet], tuple[str, ...]]] = {
    "energy": ("energy", EnergyFormSet, ("type", "quantity", "unit", "low_heat_value_kj")),
    "baseline_energy": (
        "baseline",
        EnergyFormSet,
        ("type", "quantity", "unit", "low_heat_value_kj"),
    ),
    "exported_energy": (
        "exported",
        EnergyFormSet,
        ("type", "quantity", "unit", "low_heat_value_kj"),
    ),
    "products": ("products", ProductFormSet, ("product", "annual_output", "unit_energy")),
    "substitution_sources": ("sources", SourceFormSet, ("description", "saved_tce")),
}
STEP_LISTS = {
    2: ("energy", "baseline_energy", "exported_energy"),
    3: ("products",),
    4: ("substitution_sources",),
}
# Lists a step may be posted without (added with contract v2).
OPTIONAL_LISTS = frozenset({"exported_energy"})
ENERGY_LIST_KINDS = {
    "energy": "energy",
    "baseline_energy": "baseline",
    "exported_energy": "exported",
}


# The typed number inputs of the rows and totals (read with common.numbers).
NUMBER_FIELDS = frozenset(
    {
        "quantity",
        "low_heat_value_kj",
        "annual_output",
        "unit_energy",
        "saved_tce",
        "renewable_electricity_kwh",
        "feedstock_tce",
    }
)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.12g}"


def _list_initial(project: Project | None, key: str) -> list[dict[str, Any]]:
    if project is None:
        return []
    if key in ENERGY_LIST_KINDS:
        kind = ENERGY_LIST_KINDS[key]
        return [
            {
                "type": line.energy_type,
                "quantity": _fmt(line.quantity),
                "unit": line.unit,
                "low_heat_value_kj": _fmt(line.low_heat_value_kj),
            }
            for line in project.energy_lines.all()
            if line.kind == kind
        ]
    if key == "products":
        return [
            {
                "product": p.product,
                "annual_output": _fmt(p.annual_output),
                "unit_energy": _fmt(p.unit_energy),
            }
            for p in project.product_lines.all()
        ]
    return [
        {"id": s.pk, "description": s.description, "saved_tce": _fmt(s.saved_tce)}
        for s in project.substitution_sources.all()
    ]


class StepForms:
    """The bound (or unbound) forms of one step, their payload and their error placement."""

    def __init__(
        self,
        step: int,
        project: Project | None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
    ) -> None:
        self.step = step
        self.project = project
        if data is not None and hasattr(data, "copy"):
            # Mutable: a file chosen before a validation error is kept by a token (keep_uploads).
            data = data.copy()
        self.data = data
        self.basics: BasicsForm | None = None
        self.totals: EnergyTotalsForm | None = None
        self.formsets: dict[str, forms.BaseFormSet] = {}
        # payload path of a row -> formset form index, filled by `changes()`
        self._row_forms: dict[str, list[int]] = {}
        if step == 1:
            self.basics = BasicsForm(data, initial=BasicsForm.initial_for(project))
        if step == 2:
            initial = (
                {
                    "renewable_electricity_kwh": _fmt(project.renewable_electricity_kwh),
                    "feedstock_tce": _fmt(project.feedstock_tce),
                }
                if project is not None
                else {}
            )
            self.totals = EnergyTotalsForm(data, initial=initial)
        for key in STEP_LISTS.get(step, ()):
            prefix, formset_class, _fields = LISTS[key]
            if key in OPTIONAL_LISTS and data is not None and f"{prefix}-TOTAL_FORMS" not in data:
                # A post without this list (an older page or client) leaves it unchanged.
                continue
            extra: dict[str, Any] = {}
            if key == "products":
                # The benchmark rows admins maintain, read once for every row of the step.
                from rules.reference_data import reference_for_input

                extra["form_kwargs"] = {"reference": reference_for_input()}
            self.formsets[key] = formset_class(
                data, files, prefix=prefix, initial=_list_initial(project, key), **extra
            )

    # -- validation ------------------------------------------------------------------------
    def forms(self) -> list[forms.Form]:
        out: list[forms.Form] = [f for f in (self.basics, self.totals) if f is not None]
        for formset in self.formsets.values():
            out.extend(formset.forms)
        return out

    def is_valid(self) -> bool:
        parts = [f.is_valid() for f in (self.basics, self.totals) if f is not None]
        parts += [formset.is_valid() for formset in self.formsets.values()]
        return all(parts)

    def _rows(self, key: str, raw: bool) -> list[dict[str, Any]]:
        _prefix, _cls, fields = LISTS[key]
        formset = self.formsets[key]
        rows: list[dict[str, Any]] = []
        indexes: list[int] = []
        for index, form in enumerate(formset.forms):
            deleted = (
                form[forms.formsets.DELETION_FIELD_NAME].value() if formset.can_delete else False
            )
            if deleted in (True, "on", "true", "1"):
                continue
            if form.empty_permitted and not form.has_changed():
                continue
            row: dict[str, Any] = {}
            for name in fields:
                value = form[name].value()
                row[name] = value.strip() if isinstance(value, str) else value
                if name in NUMBER_FIELDS:
                    row[name] = normalize_number(row[name])
                if row[name] == "" and name in ("low_heat_value_kj", "annual_output"):
                    row[name] = None
            if key == "substitution_sources":
                row["id"] = form["id"].value() or None
                if not raw:
                    row["evidence"] = form.cleaned_data.get("evidence") or pending_upload_open(
                        form.cleaned_data.get("evidence_pending")
                    )
            rows.append(row)
            indexes.append(index)
        self._row_forms[key] = indexes
        return rows

    def changes(self, *, raw: bool = False) -> dict[str, Any]:
        """The step's partial payload for the services (after `is_valid()`, or `raw=True` for
        the live panel: the typed text as it stands, whatever it is)."""
        out: dict[str, Any] = {}
        if self.basics is not None:
            form = self.basics
            if raw:
                for name in form.fields:
                    value = form[name].value()
                    out[name] = value.strip() if isinstance(value, str) else value
                out["national_major_project"] = bool(form["national_major_project"].value())
                out["unchanged_site_process_equipment"] = bool(
                    form["unchanged_site_process_equipment"].value()
                )
                for name in ("planned_start", "planned_completion", "total_investment_wan"):
                    out.pop(name, None)  # details the engine does not read
            else:
                out.update(form.cleaned_data)
            share = out.get("national_major_relief_share")
            if isinstance(share, str):
                out["national_major_relief_share"] = normalize_number(share)
        if self.totals is not None:
            for name in self.totals.fields:
                value = self.totals[name].value()
                out[name] = normalize_number(value.strip() if isinstance(value, str) else value)
        for key in self.formsets:
            out[key] = self._rows(key, raw)
        return out

    # -- uploads -----------------------------------------------------------------------------
    def keep_uploads(self) -> None:
        """Keep the files chosen on a page that failed validation: the browser forgets them,
        so the page carries a token instead and the next save uses the kept file."""
        formset = self.formsets.get("substitution_sources")
        if formset is None or self.data is None or not formset.is_bound:
            return
        for form in formset.forms:
            upload = form.files.get(form.add_prefix("evidence")) if form.files else None
            if upload is None:
                continue
            self.data[form.add_prefix("evidence_pending")] = pending_upload_keep(upload)

    def discard_kept_uploads(self) -> None:
        """Delete the kept files once the rows they belong to are saved."""
        if self.data is None:
            return
        for key, token in self.data.items():
            if key.endswith("-evidence_pending"):
                kept = pending_upload_read(token)
                if kept is not None:
                    default_storage.delete(kept[0])

    # -- errors ----------------------------------------------------------------------------
    def _locate(self, path: str) -> tuple[forms.Form | None, str | None]:
        """The form and field of an error path on this step, if it is shown here."""
        parts = path.split(".")
        head = parts[0]
        if self.basics is not None and head in self.basics.fields:
            return self.basics, head
        if self.totals is not None and head in self.totals.fields:
            return self.totals, head
        if head in self.formsets:
            formset = self.formsets[head]
            if len(parts) == 1:
                return None, None
            indexes = self._row_forms.get(head, [])
            position = int(parts[1]) if parts[1].isdigit() else -1
            if not 0 <= position < len(indexes):
                return None, None
            form = formset.forms[indexes[position]]
            field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
            return form, field
        return None, None

    def html_name(self, path: str) -> str | None:
        """The input name (`energy-3-quantity`) an error path points to on this page."""
        form, field = self._locate(path)
        if form is None or field is None:
            return None
        return form.add_prefix(field)

    def add_errors(self, errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
        """Put each error on its input; return those that have no input on this step."""
        elsewhere: dict[str, list[str]] = {}
        for path, messages in errors.items():
            form, field = self._locate(path)
            if form is None:
                elsewhere[path] = list(messages)
                continue
            for message in messages:
                form.add_error(field, message)
        return elsewhere


# --------------------------------------------------------------------------------------------
# Step 5, the organization
# --------------------------------------------------------------------------------------------
class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("材料类别"), choices=Attachment.Kind.choices, initial=Attachment.Kind.ENERGY_REPORT
    )
    file = forms.FileField(
        label=_("PDF文件"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class SubmitForm(forms.Form):
    """Since 2023 the 节能报告 carries the applicant's pledge of truthfulness (《办法》(2023))."""

    pledge = forms.BooleanField(
        label=_(
            "本单位承诺：所填报的项目信息和上传的材料真实、准确、完整，如有不实，愿承担相应责任。"
        ),
        error_messages={"required": _("提交前须勾选承诺。")},
    )
    # 变更 (2023《办法》): an approved project's new submission states which changes apply.
    change_triggers = forms.MultipleChoiceField(
        label=_("变更事项（已通过审查的项目申请变更时勾选）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("site", _("建设地点变更")),
            ("content", _("建设内容或建设规模变更")),
            ("efficiency", _("能效水平变更")),
            ("energy", _("年综合能耗超过审查意见确定水平10%及以上")),
        ],
    )


class OrganizationForm(forms.ModelForm):
    """The applicant's organization; the credit code is checked with its GB 32100 check
    character (projects.validators.validate_uscc, on the model field)."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
        ]
        # Generic: never tell one tenant that another organization registered the code.
        error_messages = {"credit_code": {"unique": organization_rules.CREDIT_CODE_UNAVAILABLE}}

    def clean_credit_code(self) -> str:
        return self.cleaned_data["credit_code"].strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None:
            frozen = organization_rules.frozen_field_errors(self.instance, cleaned)
            for field, messages in frozen.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(label=_("项目状态"), required=False)
    case_state = forms.ChoiceField(label=_("审查状态"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("项目名称或项目代码")
        self.fields["status"].choices = [("", _("全部状态")), *ProjectStatus.choices]
        self.fields["case_state"].choices = [
            ("", _("全部")),
            ("none", _("未进入审查")),
            *CaseState.choices,
        ]
