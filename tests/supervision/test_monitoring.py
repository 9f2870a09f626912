"""能耗在线监测: import (admin, CSV/XLSX) and push (API), all or nothing, idempotent upsert,
the rolling 12 months against the approved figure, flag, notices and the change offered."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from review.models import CaseEvent, Notice
from rules.imports import ImportRejected
from supervision.models import FlagKind, MonthlyEnergy, SupervisionFlag
from supervision.rolling import Rolling, add_months, rolling_at
from supervision.services import monitoring as svc

TODAY = date(2026, 11, 20)
CODE = "2611-320505-04-01-900001"


def _csv(rows: list[tuple[str, str, object]]) -> bytes:
    lines = ["项目代码,月份,综合能源消费量"] + [f"{c},{m},{t}" for c, m, t in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _year(
    code: str, monthly: float, *, first: date = date(2025, 11, 1)
) -> list[tuple[str, str, object]]:
    return [(code, add_months(first, i).strftime("%Y-%m"), monthly) for i in range(12)]


@pytest.fixture
def monitored(approved_case):
    # approved figure: the engine's count for 10,000 t of raw coal (about 7,143 tce)
    return approved_case(project_code=CODE)


def test_rolling_needs_twelve_months_and_flags_at_ten_percent():
    values = {add_months(date(2026, 1, 1), i): 100.0 for i in range(11)}
    assert not rolling_at(values, end=date(2026, 11, 1), approved_tce=1000).complete
    values[date(2026, 12, 1)] = 100.0
    r = rolling_at(values, end=date(2026, 12, 1), approved_tce=1090.90)
    assert r.complete
    assert r.total_tce == 1200
    assert r.exceeds  # 1200 >= 1090.90 × 1.1 = 1199.99
    assert not Rolling(date(2026, 12, 1), 1199.0, 12, 1090.90).exceeds


def test_twelve_months_above_ten_percent_flag_notify_and_offer_a_change(
    monitored, alice, bob, alice_client, bob_client
):
    approved = monitored.counted_tce
    result = svc.monitoring_import(_csv(_year(CODE, approved * 1.12 / 12)), by=None, today=TODAY)
    assert (result.rows, result.created, result.flagged) == (12, 12, 1)
    flag = SupervisionFlag.objects.get(case=monitored, kind=FlagKind.MONITORING_EXCESS)
    assert flag.period == date(2026, 10, 1)
    assert flag.detail["excess_pct"] == pytest.approx(12.0, abs=0.01)
    assert Notice.objects.filter(user=bob, case=monitored, message__contains="申请变更").exists()
    assert Notice.objects.filter(user=alice, case=monitored, message__contains="申请变更").exists()
    assert CaseEvent.objects.filter(case=monitored, action="sv_monitoring_excess").exists()
    page = alice_client.get(reverse("supervision:case", args=[monitored.pk])).content.decode()
    assert 'data-testid="change-offer"' in page
    assert reverse("projects:edit", args=[monitored.project_id, 1]) in page
    assert "<svg" in page
    # the reviewer sees the flag but is not offered the applicant's change form
    page = bob_client.get(reverse("supervision:case", args=[monitored.pk])).content.decode()
    assert 'data-testid="monitoring-flag"' in page
    assert 'data-testid="change-offer"' not in page
    # importing the same file again changes nothing and notifies nobody
    before = Notice.objects.count()
    again = svc.monitoring_import(_csv(_year(CODE, approved * 1.12 / 12)), today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.flagged) == (0, 0, 12, 0)
    assert Notice.objects.count() == before


def test_below_ten_percent_is_not_flagged(monitored):
    svc.monitoring_import(_csv(_year(CODE, monitored.counted_tce * 1.09 / 12)), today=TODAY)
    assert not SupervisionFlag.objects.exists()


def test_a_bad_row_changes_nothing_and_every_bad_row_is_reported(monitored):
    svc.monitoring_import(_csv(_year(CODE, 500.0)), today=TODAY)
    rows = _year(CODE, 900.0)
    rows[3] = (CODE, "2026-13", 1)
    rows[5] = ("2611-320505-04-01-999999", "2026-04", 1)
    rows[7] = (CODE, rows[7][1], "-5")
    rows.append((CODE, rows[0][1], 1))  # duplicate month
    with pytest.raises(ImportRejected) as info:
        svc.monitoring_import(_csv(rows), today=TODAY)
    assert info.value.rows == [5, 7, 9, 14]
    text = " ".join(info.value.lines())
    assert "第5行" in text
    assert "第14行" in text
    assert set(MonthlyEnergy.objects.values_list("tce", flat=True)) == {500.0}


def test_xlsx_import_updates_changed_months(monitored):
    from openpyxl import Workbook

    svc.monitoring_import(_csv(_year(CODE, 500.0)), today=TODAY)
    book = Workbook()
    sheet = book.active
    sheet.append(["project_code", "month", "tce"])
    sheet.append([CODE, "2026-10", 600])
    sheet.append([CODE, date(2026, 9, 1), 500])
    buffer = io.BytesIO()
    book.save(buffer)
    result = svc.monitoring_import(buffer.getvalue(), filename="m.xlsx", today=TODAY)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert MonthlyEnergy.objects.get(month=date(2026, 10, 1)).tce == 600


def test_dana_imports_through_the_admin(monitored, dana_client, alice_client):
    url = reverse("admin:supervision_monthlyenergy_import")
    assert dana_client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("m.csv", _csv(_year(CODE, 500.0)), "text/csv")
    response = dana_client.post(url, {"file": upload})
    assert response.status_code == 302
    assert MonthlyEnergy.objects.count() == 12
    bad = SimpleUploadedFile("m.csv", _csv([(CODE, "bad", 1)]), "text/csv")
    response = dana_client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "第2行" in response.content.decode()
    assert alice_client.get(url).status_code in (302, 403)


def test_platform_pushes_with_a_token(monitored, dana, bob, alice):
    client = APIClient()
    token = Token.objects.create(user=dana)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("api-sv-monitoring")
    records = [{"project_code": CODE, "month": m, "tce": t} for _, m, t in _year(CODE, 400.0)]
    response = client.post(url, {"records": records}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 12
    response = client.post(
        url, {"records": [{"project_code": CODE, "month": "2026-10", "tce": "x"}]}, format="json"
    )
    assert response.status_code == 400
    assert "第1条" in response.json()["errors"]["records"][0]
    for user in (bob, alice):
        other = APIClient()
        other.force_authenticate(user)
        assert other.post(url, {"records": records}, format="json").status_code == 403
    assert APIClient().post(url, {"records": records}, format="json").status_code in (401, 403)


def test_a_platform_account_with_the_import_permission_may_push(monitored):
    from django.contrib.auth.models import Permission, User

    platform = User.objects.create_user("monitoring-platform", password="x" * 16)
    platform.user_permissions.add(Permission.objects.get(codename="add_monthlyenergy"))
    client = APIClient()
    client.force_authenticate(platform)
    records = [{"project_code": CODE, "month": "2026-10", "tce": 123.5}]
    response = client.post(reverse("api-sv-monitoring"), {"records": records}, format="json")
    assert response.status_code == 200
    assert MonthlyEnergy.objects.get(month=date(2026, 10, 1)).source == "api"
    # the platform account sees nothing else
    assert client.get(reverse("api-sv-dashboard")).status_code == 403
    assert client.get(reverse("api-sv-case", args=[monitored.pk])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,234.5", 1234.5), ("１，２３４．５", 1234.5), ("800", 800.0), (650, 650.0)],
)
def test_monitored_figures_are_read_as_people_type_them(typed, value):
    assert svc.parse_tce(typed) == value


@pytest.mark.parametrize("typed", ["1,00", "12,34.5", "abc", ""])
def test_a_mistyped_monitored_figure_is_refused_with_a_reason(typed):
    with pytest.raises(ValueError, match="千位分隔符|应为数字|不能为空"):
        svc.parse_tce(typed)


def test_a_file_with_separators_imports_and_a_misgrouped_one_names_its_row(monitored):
    rows = [(c, m, '"1,200.5"') for c, m, _t in _year(CODE, 0)]
    svc.monitoring_import(_csv(rows), today=TODAY)
    assert set(MonthlyEnergy.objects.values_list("tce", flat=True)) == {1200.5}
    bad = [
        (c, m, '"1,20"') if i == 2 else (c, m, 700) for i, (c, m, _t) in enumerate(_year(CODE, 0))
    ]
    with pytest.raises(ImportRejected) as info:
        svc.monitoring_import(_csv(bad), today=TODAY)
    assert info.value.rows == [4]
    assert "千位分隔符" in " ".join(info.value.lines())
    assert set(MonthlyEnergy.objects.values_list("tce", flat=True)) == {1200.5}
