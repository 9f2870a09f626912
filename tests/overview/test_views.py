"""The authority pages through the client: permissions per persona, scoping, content, exports,
query counts, and the create → preview → publish flow."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from review.models import CaseState
from rules.models import EnergyBudget, PolicyVersion, RegionStatus
from rules.selectors import OVERVIEW_TABLES

pytestmark = pytest.mark.django_db

READ_PAGES = ["rules:overview", "rules:barometer", "rules:budgets", "rules:policy_versions"]
PERSONAS = ["alice", "carol", "bob", "erin", "dana"]
READERS = {"bob", "erin", "dana"}


def client_of(request, persona):
    return request.getfixturevalue(f"{persona}_client")


def version_post(**overrides):
    data = {
        "version": "2026-wg30k",
        "effective_from": "2026-07-01",
        "provincial_threshold_tce": "10000",
        "exempt_below_tce": "1000",
        "exempt_below_kwh": "5000000",
        "two_high_window_guidance_tce": "30000",
        "substitution_rules": "on",
        "equal_value_kgce_per_kwh": "0.3007",
        "measures_edition": "2023",
        "basis": "方案（七）",
    }
    data.update(overrides)
    return data


# --- permissions ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_reviewers_and_admins_read_applicants_get_403(request, persona, name):
    response = client_of(request, persona).get(reverse(name))
    assert response.status_code == (200 if persona in READERS else 403)


@pytest.mark.parametrize("name", READ_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "url",
    [
        reverse("rules:overview_export", args=["states", "csv"]),
        reverse("rules:barometer_export", args=["xlsx"]),
        reverse("rules:budgets_export", args=["csv"]),
    ],
)
@pytest.mark.parametrize("persona", PERSONAS)
def test_exports_follow_the_page_permissions(request, persona, url):
    response = client_of(request, persona).get(url)
    assert response.status_code == (200 if persona in READERS else 403)


@pytest.mark.parametrize("persona", ["alice", "carol", "bob", "erin"])
def test_only_admins_create_preview_or_publish_versions(request, dana, persona):
    draft = PolicyVersion.objects.create(
        version="draft",
        effective_from=date(2026, 7, 1),
        provincial_threshold_tce=10_000,
        exempt_below_tce=1_000,
        exempt_below_kwh=5_000_000,
        two_high_window_guidance_tce=30_000,
        substitution_rules=True,
        equal_value_kgce_per_kwh=0.3007,
        measures_edition="2023",
        published=False,
    )
    client = client_of(request, persona)
    count = PolicyVersion.objects.count()
    assert client.get(reverse("rules:policy_version_create")).status_code == 403
    assert client.post(reverse("rules:policy_version_create"), version_post()).status_code == 403
    assert client.get(reverse("rules:policy_version_preview", args=[draft.pk])).status_code == 403
    response = client.post(
        reverse("rules:policy_version_publish", args=[draft.pk]), {"confirm": "on"}
    )
    assert response.status_code == 403
    assert PolicyVersion.objects.count() == count
    draft.refresh_from_db()
    assert draft.published is False


def test_unknown_version_or_export_is_404(dana_client):
    assert dana_client.get(reverse("rules:policy_version_preview", args=[999])).status_code == 404
    assert dana_client.get("/policy/overview/export/nope.csv").status_code == 404
    assert dana_client.get("/policy/overview/export/states.pdf").status_code == 404


def test_the_versions_list_shows_every_version_to_reviewers_without_edit_links(bob_client):
    response = bob_client.get(reverse("rules:policy_versions"))
    body = response.content.decode()
    for version in ("2016", "2021", "2023"):
        assert f'data-version="{version}"' in body
    assert reverse("rules:policy_version_create") not in body


# --- overview content and scope ---------------------------------------------------------------
@pytest.fixture
def mixed_cases(make_case):
    today = timezone.localdate()
    return [
        make_case(tce=40_000, state=CaseState.UNDER_REVIEW, deadline=today - timedelta(days=3)),
        make_case(
            tce=60_000, state=CaseState.AWAITING_GUIDANCE, deadline=today - timedelta(days=9)
        ),
        make_case(tce=20_000, state=CaseState.ACCEPTED, deadline=today + timedelta(days=2)),
        make_case(
            tce=15_000,
            state=CaseState.APPROVED,
            submitted_on=date(2026, 1, 5),
            decided_on=date(2026, 2, 10),
            deadline=today - timedelta(days=30),
        ),
        make_case(
            tce=30_000, industry="2614", state=CaseState.SUBMITTED, submitted_on=date(2026, 2, 3)
        ),
        make_case(
            tce=5_000,
            industry="3911",
            region="110105",
            state=CaseState.UNDER_REVIEW,
            deadline=today - timedelta(days=1),
        ),
    ]


def rows_of(response, key):
    return response.context["tables"][key].rows


def test_dana_sees_every_province_and_the_figures_add_up(dana_client, mixed_cases):
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)
    response = dana_client.get(reverse("rules:overview"), {"year": 2026})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["total"], summary["open"], summary["overdue"], summary["two_high"]) == (
        6,
        5,
        2,
        5,
    )
    states = dict(rows_of(response, "states"))
    assert states["审查中"] == 2
    assert states["审查通过"] == 1
    assert states["已提交待受理"] == 1
    routes = dict(rows_of(response, "routes"))
    assert routes["两高项目·地方严格管理"] == 4
    assert routes["常规审查"] == 1
    assert routes["两高项目·国家窗口指导"] == 1
    recommendations = dict(rows_of(response, "recommendations"))
    assert recommendations["建议缓批"] == 1
    # Overdue: deadline passed and the authority's clock running (awaiting guidance is paused).
    overdue = rows_of(response, "overdue")
    assert [row[0] for row in overdue] == [mixed_cases[0].pk, mixed_cases[5].pk]
    assert overdue[0][6] == 3
    sectors = {row[0]: row[1:] for row in rows_of(response, "two_high")}
    assert sectors["建材"][:3] == (4, 3, 1)
    assert sectors["化工"][:3] == (1, 1, 0)
    assert sectors["建材"][3] == pytest.approx(135_000)
    budgets = rows_of(response, "budgets")
    assert [(r[0], r[3], r[4], r[5]) for r in budgets] == [("32", 100_000, 15_000, 85_000)]
    trend = rows_of(response, "trend")
    assert trend[0] == ("2026-01", 1, 0)
    assert trend[1] == ("2026-02", 1, 1)
    assert trend[2] == ("2026-03", 4, 0)
    today = timezone.localdate()
    assert len(trend) == (today.month if today.year == 2026 else 12)  # no future months
    body = response.content.decode()
    assert body.count('<svg class="chart"') == 6


def test_bob_sees_only_his_province(bob_client, mixed_cases):
    response = bob_client.get(reverse("rules:overview"), {"year": 2026})
    assert response.context["summary"]["total"] == 5
    assert [row[0] for row in rows_of(response, "overdue")] == [mixed_cases[0].pk]
    assert [r[0] for r in rows_of(response, "budgets")] == ["32"]
    body = response.content.decode()
    assert "北京市" not in body


def test_erin_sees_every_province(erin_client, mixed_cases):
    response = erin_client.get(reverse("rules:overview"), {"year": 2026})
    assert response.context["summary"]["total"] == 6


@pytest.mark.parametrize("key", sorted(OVERVIEW_TABLES))
def test_every_overview_table_exports_as_csv_and_xlsx(dana_client, mixed_cases, key):
    page = dana_client.get(reverse("rules:overview"), {"year": 2026})
    table = page.context["tables"][key]
    csv_response = dana_client.get(
        reverse("rules:overview_export", args=[key, "csv"]), {"year": 2026}
    )
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "attachment" in csv_response["Content-Disposition"]
    text = csv_response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert tuple(lines[0]) == table.columns
    assert len(lines) - 1 == len(table.rows)
    xlsx_response = dana_client.get(
        reverse("rules:overview_export", args=[key, "xlsx"]), {"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == table.columns
    assert len(values) - 1 == len(table.rows)
    for written, row in zip(values[1:], table.rows, strict=True):
        assert [normalise(cell) for cell in written] == [normalise(cell) for cell in row]
    for written, row in zip(lines[1:], table.rows, strict=True):
        assert written == [normalise_text(cell) for cell in row]


def normalise(value):
    """XLSX reads back dates as datetimes, empty strings as None and floats rounded to 2."""
    if isinstance(value, datetime):
        return value.date()
    if value == "":
        return None
    if isinstance(value, float):
        return round(value, 2)
    return value


def normalise_text(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(round(value, 2))
    return str(value)


def test_bobs_exports_are_scoped_too(bob_client, mixed_cases):
    response = bob_client.get(reverse("rules:overview_export", args=["overdue", "csv"]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(line[0]) for line in lines[1:]] == [mixed_cases[0].pk]


def count_overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("rules:overview"), {"year": 2026})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_makes_a_constant_number_of_queries(
    dana_client, make_case, django_assert_max_num_queries
):
    today = timezone.localdate()
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=100_000)

    def add(n: int) -> None:
        for i in range(n):
            make_case(
                tce=2_000 + 1_000 * i,
                industry=("3011", "2614", "3911")[i % 3],
                region=("320505", "110105", "370102")[i % 3],
                state=(CaseState.UNDER_REVIEW, CaseState.APPROVED, CaseState.SUBMITTED)[i % 3],
                decided_on=date(2026, 1 + i % 12, 3) if i % 3 == 1 else None,
                deadline=today - timedelta(days=1 + i),
            )

    add(3)
    # an empty cache before each count: the two-high snapshot (scale.snapshots) and the cached
    # session are read afresh both times
    cache.clear()
    with django_assert_max_num_queries(10):
        small = count_overview_queries(dana_client)
    add(17)
    cache.clear()
    with django_assert_max_num_queries(10):
        large = count_overview_queries(dana_client)
    assert small == large


# --- barometer and budgets ----------------------------------------------------------------------
def test_barometer_colours_the_31_mainland_provinces_by_warning_level(bob_client):
    RegionStatus.objects.create(
        province="32",
        year=2026,
        basic_target_pct=3.0,
        progress_pct=1.5,
        behind_basic_target=True,
        substitution_ratio=1.5,
        warning_level="red",
    )
    RegionStatus.objects.create(
        province="11", year=2026, basic_target_pct=3.0, progress_pct=3.3, warning_level="green"
    )
    RegionStatus.objects.create(province="33", year=2025, warning_level="yellow")
    response = bob_client.get(reverse("rules:barometer"), {"year": 2026})
    tiles = response.context["tiles"]
    assert len(tiles) == 31
    assert {t.province.code for t in tiles}.isdisjoint({"71", "81", "82"})
    levels = {t.province.code: t.level for t in tiles}
    assert (levels["32"], levels["11"], levels["33"]) == ("red", "green", "none")
    jiangsu = next(t for t in tiles if t.province.code == "32")
    assert jiangsu.target_ratio_pct == pytest.approx(50.0)
    body = response.content.decode()
    assert 'data-province="32" data-level="red"' in body
    assert "tile red mine" in body  # bob's own province is outlined
    legend = {value: count for value, _label, count in response.context["legend"]}
    assert legend == {"green": 1, "yellow": 0, "red": 1, "none": 29}
    table = response.context["table"]
    assert len(table.rows) == 31
    export = bob_client.get(reverse("rules:barometer_export", args=["csv"]), {"year": 2026})
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    jiangsu_row = next(line for line in lines if line[0] == "32")
    assert jiangsu_row[5:10] == ["1.5", "50.0", "是", "1.5", "红色"]


def test_barometer_defaults_to_the_latest_year_with_data(dana_client):
    RegionStatus.objects.create(province="32", year=2021, warning_level="yellow")
    response = dana_client.get(reverse("rules:barometer"))
    this_year = timezone.localdate().year
    assert response.context["year"] == (2021 if this_year != 2021 else this_year)


def test_budgets_page_shows_remaining_and_warns_when_exceeded(bob_client, dana_client, make_case):
    EnergyBudget.objects.create(province="32", year=2026, budget_tce=30_000)
    EnergyBudget.objects.create(province="11", year=2026, budget_tce=80_000)
    make_case(tce=40_000, state=CaseState.APPROVED, decided_on=date(2026, 3, 1))
    response = bob_client.get(reverse("rules:budgets"), {"year": 2026})
    statuses = response.context["statuses"]
    assert [(s.province, s.remaining_tce) for s in statuses] == [("32", -10_000)]
    assert 'data-exceeded="32"' in response.content.decode()
    everyone = dana_client.get(reverse("rules:budgets"), {"year": 2026})
    assert [s.province for s in everyone.context["statuses"]] == ["11", "32"]
    xlsx = dana_client.get(reverse("rules:budgets_export", args=["xlsx"]), {"year": 2026})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[1][:6] == ("11", "北京市", 2026, 80_000, 0, 80_000)
    assert rows[2][:6] == ("32", "江苏省", 2026, 30_000, 40_000, -10_000)


# --- create, preview, publish through the pages -----------------------------------------------
def test_dana_creates_previews_and_publishes_a_version(dana_client, make_case):
    moved = make_case(tce=40_000, state=CaseState.UNDER_REVIEW)
    make_case(tce=20_000, state=CaseState.UNDER_REVIEW)
    form = dana_client.get(reverse("rules:policy_version_create"))
    assert form.context["form"].initial["provincial_threshold_tce"] == 10_000  # from 2023
    response = dana_client.post(reverse("rules:policy_version_create"), version_post())
    version = PolicyVersion.objects.get(version="2026-wg30k")
    assert version.published is False
    assert response["Location"] == reverse("rules:policy_version_preview", args=[version.pk])

    preview = dana_client.get(response["Location"])
    assert [row["case_id"] for row in preview.context["rows"]] == [moved.pk]
    body = preview.content.decode()
    assert f'data-case="{moved.pk}"' in body
    assert "两高项目·地方严格管理" in body
    assert "两高项目·国家窗口指导" in body

    unconfirmed = dana_client.post(reverse("rules:policy_version_publish", args=[version.pk]))
    assert unconfirmed.status_code == 302
    version.refresh_from_db()
    assert version.published is False

    published = dana_client.post(
        reverse("rules:policy_version_publish", args=[version.pk]), {"confirm": "on"}
    )
    assert published["Location"] == reverse("rules:policy_versions")
    version.refresh_from_db()
    assert version.published is True


def test_an_invalid_version_form_shows_field_errors_and_stores_nothing(dana_client):
    count = PolicyVersion.objects.count()
    response = dana_client.post(
        reverse("rules:policy_version_create"),
        version_post(version="2023", effective_from="2022-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "version" in errors
    assert "effective_from" in errors
    assert PolicyVersion.objects.count() == count
