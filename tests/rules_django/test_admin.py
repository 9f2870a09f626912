"""Admin site for the policy data: per-persona access, 导入/导出, and inventory changes that record
who and why and flag the affected open cases."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from rules import demo
from rules.imports import REGION_STATUS, TWO_HIGH
from rules.models import EnergyBudget, PolicyVersion, RegionStatus, TwoHighEntry
from tests.rules_django.conftest import (
    REGION_HEADER,
    TWO_HIGH_HEADER,
    client_for_user,
    csv_bytes,
    two_high_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

MODELS = ["twohighentry", "regionstatus", "energybudget", "policyversion"]
CODE = "2611-320500-04-01-381276"


def url(model: str, view: str = "changelist") -> str:
    return f"/admin/rules/{model}/" + ("" if view == "changelist" else f"{view}/")


def upload(client: Client, model: str, data: bytes, name: str, reason: str = "") -> object:
    return client.post(
        url(model, "import"), {"file": SimpleUploadedFile(name, data), "reason": reason}
    )


def inventory_state() -> tuple[list[dict], int]:
    return list(TwoHighEntry.objects.order_by("pk").values()), TwoHighEntry.history.count()


# ---------------------------------------------------------------------------------------------
# Who may see and change the policy data
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS)
def test_dana_sees_the_list_the_import_page_and_exports(dana_client: Client, model: str) -> None:
    demo.seed()

    listing = dana_client.get(url(model))
    page = dana_client.get(url(model, "import"))

    assert listing.status_code == 200
    assert "导入" in listing.content.decode()
    assert page.status_code == 200
    assert dana_client.get(url(model, "export/csv")).status_code == 200
    assert dana_client.get(url(model, "export/xlsx")).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "erin"])
@pytest.mark.parametrize("model", MODELS)
def test_non_admins_are_sent_to_the_admin_login(
    persona: str, model: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    before = inventory_state()

    for path in (url(model), url(model, "import"), url(model, "export/csv")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = upload(client, model, csv_bytes([TWO_HIGH_HEADER, two_high_row(1)]), "x.csv")
    assert response.status_code == 302
    assert inventory_state() == before


@pytest.fixture
def bob_viewer(bob: User) -> Client:
    """bob made staff with view permissions only: may read and export, never change."""
    bob.is_staff = True
    bob.save()
    bob.user_permissions.set(
        Permission.objects.filter(content_type__app_label="rules", codename__startswith="view_")
    )
    return client_for_user(bob)


@pytest.mark.parametrize("model", MODELS)
def test_a_viewer_reads_and_exports_but_may_not_import(bob_viewer: Client, model: str) -> None:
    demo.seed()
    before = inventory_state()

    assert bob_viewer.get(url(model)).status_code == 200
    assert "import-link" not in bob_viewer.get(url(model)).content.decode()
    assert bob_viewer.get(url(model, "export/csv")).status_code == 200
    assert bob_viewer.get(url(model, "import")).status_code == 403
    data = csv_bytes([TWO_HIGH_HEADER, two_high_row(1)])
    assert upload(bob_viewer, model, data, "x.csv").status_code == 403
    assert inventory_state() == before


def test_a_viewer_cannot_change_an_entry(bob_viewer: Client) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)
    before = inventory_state()

    response = bob_viewer.post(
        url("twohighentry", f"{entry.pk}/change"),
        {"project_name": "x", "change_reason": "试图修改"},
    )

    assert response.status_code == 403
    assert inventory_state() == before


def test_inventory_list_makes_a_constant_number_of_queries(
    dana_client: Client, django_assert_max_num_queries
) -> None:
    demo.seed()
    rows = [TWO_HIGH_HEADER] + [two_high_row(n) for n in range(1, 120)]
    upload(dana_client, "twohighentry", csv_bytes(rows), "x.csv")

    with django_assert_max_num_queries(12):
        response = dana_client.get(
            url("twohighentry"), {"province": "32", "sector": "building_materials"}
        )

    assert response.status_code == 200
    assert "测试项目1" in response.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_every_list_makes_a_bounded_number_of_queries(
    dana_client: Client, model: str, django_assert_max_num_queries
) -> None:
    demo.seed()
    dana_client.get(url(model))  # warm the session and permission caches

    with django_assert_max_num_queries(12):
        response = dana_client.get(url(model))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) > 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"province": "33"}, {"2105-330206-04-01-662019", "2110-330523-04-01-203377"}),
        ({"disposal__exact": "stop"}, {"2110-330523-04-01-203377", "2012-370883-04-01-774120"}),
        ({"sector": "coal_power"}, {"2012-370883-04-01-774120"}),
        ({"industry": "3216"}, {"2107-371581-04-01-815502"}),
        ({"q": "铝业"}, {"2107-371581-04-01-815502"}),
        ({"q": "2611-320500"}, {CODE}),
    ],
)
def test_inventory_filters_and_search(dana_client: Client, query: dict, expected: set) -> None:
    demo.seed()

    response = dana_client.get(url("twohighentry"), query)

    shown = {e.project_code for e in response.context["cl"].result_list}
    assert shown == expected


# ---------------------------------------------------------------------------------------------
# Import through the admin
# ---------------------------------------------------------------------------------------------
def test_admin_import_success_reports_counts(dana_client: Client, dana: User) -> None:
    data = xlsx_bytes([TWO_HIGH_HEADER, two_high_row(1), two_high_row(2)])

    response = upload(dana_client, "twohighentry", data, "清单.xlsx", reason="第1批")

    assert response.status_code == 302
    followed = dana_client.get(response["Location"])
    assert "新增2条" in followed.content.decode()
    assert TwoHighEntry.objects.count() == 2
    assert set(TwoHighEntry.history.values_list("history_user", "history_change_reason")) == {
        (dana.pk, "第1批")
    }


def test_admin_import_failure_lists_every_bad_row_and_changes_nothing(dana_client: Client) -> None:
    demo.seed()
    before = inventory_state()
    rows = [TWO_HIGH_HEADER, two_high_row(1), two_high_row(2, region="1"), two_high_row(3)]
    rows.append(two_high_row(4, disposal="停止"))

    response = upload(dana_client, "twohighentry", csv_bytes(rows, bom=True), "x.csv")

    assert response.status_code == 400
    page = response.content.decode()
    assert "第3行" in page
    assert "第5行" in page
    assert "未导入任何数据" in page
    assert inventory_state() == before


def test_admin_import_of_region_status(dana_client: Client) -> None:
    data = csv_bytes([REGION_HEADER, ["江苏省", 2026, 3, 3.5, 1.0, "是", 1.5, "红"]])

    response = upload(dana_client, "regionstatus", data, "x.csv")

    assert response.status_code == 302
    assert RegionStatus.objects.get().warning_level == "red"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_unchanged(dana_client: Client, model: str, fmt: str) -> None:
    demo.seed()
    exported = dana_client.get(url(model, f"export/{fmt}"))
    counts = (
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
        EnergyBudget.history.count(),
        PolicyVersion.history.count(),
    )

    response = upload(dana_client, model, exported.content, f"export.{fmt}")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "新增0条，更新0条" in dana_client.get(response["Location"]).content.decode()
    assert counts == (
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
        EnergyBudget.history.count(),
        PolicyVersion.history.count(),
    )


def test_export_has_the_import_columns(dana_client: Client) -> None:
    demo.seed()

    csv_text = dana_client.get(url("twohighentry", "export/csv")).content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(dana_client.get(url("regionstatus", "export/xlsx")).content))

    # Chinese headers (each column's first accepted header) and labels, as people read them;
    # the export re-imports unchanged (test_export_reimports_unchanged).
    assert csv_text.splitlines()[0].split(",") == [c.labels[0] for c in TWO_HIGH.columns]
    assert len(TWO_HIGH.columns) == len(TWO_HIGH_HEADER)
    assert CODE in csv_text
    assert "in_construction" not in csv_text
    assert "在建" in csv_text
    region_header = [c.value for c in next(book.worksheets[0].iter_rows())]
    assert region_header == [c.labels[0] for c in REGION_STATUS.columns]
    assert len(region_header) == len(REGION_HEADER) + 1


def test_export_action_exports_the_selected_rows(dana_client: Client) -> None:
    demo.seed()
    chosen = TwoHighEntry.objects.filter(province="37").values_list("pk", flat=True)

    response = dana_client.post(
        url("twohighentry"),
        {"action": "export_selected_csv", "_selected_action": [str(pk) for pk in chosen]},
    )

    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(chosen)
    assert all(",37" in line for line in lines[1:])


def test_export_follows_the_list_filters(dana_client: Client) -> None:
    demo.seed()

    response = dana_client.get(url("twohighentry", "export/csv"), {"disposal__exact": "stop"})

    assert len(response.content.decode("utf-8-sig").splitlines()) == 3


# ---------------------------------------------------------------------------------------------
# Editing the inventory: who and why, affected cases flagged
# ---------------------------------------------------------------------------------------------
def change_data(entry: TwoHighEntry, **over: str) -> dict:
    data = {
        "project_name": entry.project_name,
        "region": entry.region,
        "industry": entry.industry,
        "status": entry.status,
        "annual_tce": str(entry.annual_tce),
        "disposal": entry.disposal,
        "note": entry.note,
        "change_reason": "",
    }
    data.update(over)
    return data


def test_a_change_requires_a_reason(dana_client: Client) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)
    before = inventory_state()

    response = dana_client.post(
        url("twohighentry", f"{entry.pk}/change"), change_data(entry, disposal="stop")
    )

    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    assert inventory_state() == before


def test_a_bad_region_is_refused_as_the_import_would(dana_client: Client) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)

    response = dana_client.post(
        url("twohighentry", f"{entry.pk}/change"),
        change_data(entry, region="999999", change_reason="更正地区"),
    )

    assert "region" in response.context["adminform"].form.errors
    entry.refresh_from_db()
    assert entry.region == "320505"


def test_disposal_change_records_who_and_why_and_flags_open_cases(
    dana_client: Client, dana: User, bob: User, make_case
) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)
    open_case = make_case(CODE, assignee=bob)
    unassigned = make_case(CODE, state="submitted")
    decided = make_case(CODE, state="rejected", assignee=bob)
    other = make_case("2611-320500-04-01-000001", assignee=bob)

    response = dana_client.post(
        url("twohighentry", f"{entry.pk}/change"),
        change_data(entry, disposal="stop", change_reason="省政府决定停建"),
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.disposal == "stop"
    record = entry.history.first()
    assert (record.history_user, record.history_change_reason) == (dana, "省政府决定停建")
    for case in (open_case, unassigned, decided, other):
        case.refresh_from_db()
    assert open_case.flagged
    assert "整改" in open_case.flag_reason
    assert "停建/淘汰" in open_case.flag_reason
    assert "省政府决定停建" in open_case.flag_reason
    assert unassigned.flagged
    assert not decided.flagged
    assert not other.flagged
    assert list(bob.notices.values_list("case", flat=True)) == [open_case.pk]


def test_change_without_disposal_change_flags_nothing(
    dana_client: Client, bob: User, make_case
) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)
    case = make_case(CODE, assignee=bob)

    dana_client.post(
        url("twohighentry", f"{entry.pk}/change"),
        change_data(entry, note="补充说明", change_reason="补充备注"),
    )

    case.refresh_from_db()
    entry.refresh_from_db()
    assert entry.note == "补充说明"
    assert not case.flagged
    assert not bob.notices.exists()


def test_adding_an_entry_derives_the_province(dana_client: Client) -> None:
    response = dana_client.post(
        url("twohighentry", "add"),
        {
            "project_code": "2601-370211-04-01-000009",
            "project_name": "新增项目",
            "region": "370211",
            "industry": "2511",
            "status": "planned",
            "annual_tce": "",
            "disposal": "continue",
            "note": "",
            "change_reason": "新列入清单",
        },
    )

    assert response.status_code == 302
    entry = TwoHighEntry.objects.get(project_code="2601-370211-04-01-000009")
    assert entry.province == "37"
    assert entry.history.get().history_change_reason == "新列入清单"


def test_deleting_an_entry_flags_its_open_cases(dana_client: Client, bob: User, make_case) -> None:
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code=CODE)
    case = make_case(CODE, assignee=bob)

    response = dana_client.post(url("twohighentry", f"{entry.pk}/delete"), {"post": "yes"})

    assert response.status_code == 302
    assert not TwoHighEntry.objects.filter(project_code=CODE).exists()
    case.refresh_from_db()
    assert case.flagged
    assert "未列入清单" in case.flag_reason


def test_region_status_change_is_kept_in_history(dana_client: Client, dana: User) -> None:
    demo.seed()
    row = RegionStatus.objects.get(province="32", year=2026)

    response = dana_client.post(
        url("regionstatus", f"{row.pk}/change"),
        {
            "province": "32",
            "year": "2026",
            "basic_target_pct": "3.0",
            "incentive_target_pct": "3.5",
            "progress_pct": "2.9",
            "behind_basic_target": "on",
            "substitution_ratio": "1.8",
            "warning_level": "red",
            "change_reason": "第三季度数据",
        },
    )

    assert response.status_code == 302
    record = RegionStatus.objects.get(pk=row.pk).history.first()
    assert (record.substitution_ratio, record.history_user, record.history_change_reason) == (
        1.8,
        dana,
        "第三季度数据",
    )
    assert dana_client.get(url("regionstatus", f"{row.pk}/history")).status_code == 200


def test_region_status_ratio_below_one_is_refused(dana_client: Client) -> None:
    demo.seed()
    row = RegionStatus.objects.get(province="32", year=2026)

    response = dana_client.post(
        url("regionstatus", f"{row.pk}/change"),
        {
            "province": "32",
            "year": "2026",
            "behind_basic_target": "on",
            "substitution_ratio": "0.8",
            "warning_level": "red",
        },
    )

    assert response.status_code == 200
    assert RegionStatus.objects.get(pk=row.pk).substitution_ratio == 1.5


def test_published_policy_version_is_read_only_and_a_draft_is_editable(dana_client: Client) -> None:
    published = PolicyVersion.objects.get(version="2023")
    draft = PolicyVersion.objects.create(
        version="2027",
        effective_from="2027-01-01",
        provincial_threshold_tce=10000,
        exempt_below_tce=1000,
        exempt_below_kwh=5000000,
        two_high_window_guidance_tce=50000,
        substitution_rules=True,
        equal_value_kgce_per_kwh=0.298,
        measures_edition="2023",
        published=False,
    )

    fixed = dana_client.get(url("policyversion", f"{published.pk}/change")).content.decode()
    editable = dana_client.get(url("policyversion", f"{draft.pk}/change")).content.decode()

    assert 'name="provincial_threshold_tce"' not in fixed
    assert 'name="provincial_threshold_tce"' in editable
    assert dana_client.get(url("policyversion", f"{published.pk}/delete")).status_code == 403
