"""The lean list rows give exactly what the serializers they stand in for give (issue 14)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.utils import translation

from review import clock, selectors
from review.models import ReviewCase
from review.rows import case_rows, list_values
from review.serializers import CaseListSerializer

from .conftest import TODAY


def _walked_working_days(start: date, end: date) -> int:
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += clock.is_working_day(day)
    return count


def test_working_days_between_matches_a_day_by_day_walk():
    rng = random.Random(14)
    for _ in range(3000):
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 4000))
        end = start + timedelta(days=rng.randrange(-400, 1500))
        assert clock.working_days_between(start, end) == _walked_working_days(start, end)
    # across the holidays of 2026's Spring Festival and National Day
    assert clock.working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == _walked_working_days(
        date(2026, 2, 13), date(2026, 2, 24)
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_case_rows_equal_the_list_serializer(load, bob, language, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    ReviewCase.objects.filter(pk=ReviewCase.objects.order_by("pk")[0].pk).update(assignee=bob)
    cases = list(
        ReviewCase.objects.select_related(
            "project", "project__organization", "assignee", "assignee__profile", "authority"
        ).order_by("pk")
    )
    assert len(cases) > 40
    # every shape a row takes: with and without assignee, authority, deadline, a pending guidance
    assert any(c.assignee_id for c in cases)
    assert any(not c.assignee_id for c in cases)
    assert any(c.deadline for c in cases)
    assert any(not c.deadline for c in cases)
    values = list(list_values(ReviewCase.objects.order_by("pk")))
    with translation.override(language):
        expected = CaseListSerializer(cases, many=True).data
        assert case_rows(values, today=TODAY) == expected


def test_cases_api_pages_carry_the_serializer_rows(load, dana, dana_client):
    body = dana_client.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    ids = [row["id"] for row in body["results"]]
    assert len(ids) == 20
    by_id = selectors.case_list_for_user(user=dana).in_bulk(ids)
    with translation.override("zh-hans"):
        expected = CaseListSerializer([by_id[pk] for pk in ids], many=True).data
    assert body["results"] == [dict(row) for row in expected]


def test_table_body_is_escaped_markup_of_the_display_rows():
    from rules.charts import Table

    table = Table(
        key="t",
        title="t",
        columns=("a", "b"),
        rows=[("<b>甲&乙</b>", 1234.5), (None, None)],
        numeric=(1,),
    )
    assert table.body_html == (
        '<tr><td>&lt;b&gt;甲&amp;乙&lt;/b&gt;</td><td class="num">1,234.5</td></tr>'
        '<tr><td>—</td><td class="num">—</td></tr>'
    )


@pytest.mark.parametrize("user", ["dana", "bob"])
def test_project_rows_equal_the_list_serializer(load, user, request):
    from projects import rows as project_rows
    from projects.selectors import project_list_for_user
    from projects.serializers import ProjectListOutput
    from review.models import Opinion

    who = request.getfixturevalue(user)
    # issued opinions (two versions) on the latest cases, and one still rendering
    for index, case in enumerate(ReviewCase.objects.filter(state="approved").order_by("pk")[:3]):
        for version in (1, 2):
            Opinion.objects.create(
                case=case,
                kind="approval",
                number=f"苏发改能审〔2026〕{index}号",
                issued_on=date(2026, 11, 1 + version),
                version=version,
                state=Opinion.State.READY if index < 2 else Opinion.State.PENDING,
            )
    projects = list(project_list_for_user(user=who))
    lean = list(project_rows.list_queryset(project_list_for_user(user=who)))
    assert projects
    assert any(p.draft_assessment for p in projects)
    rows = project_rows.project_rows(lean)
    assert any(row["case"] and row["case"]["opinions"] for row in rows) or user == "bob"
    assert rows == ProjectListOutput(projects, many=True).data


def test_projects_api_page_carries_the_serializer_rows(load, dana, dana_client):
    from projects.selectors import project_list_for_user
    from projects.serializers import ProjectListOutput

    body = dana_client.get("/api/v1/projects/").json()
    ids = [row["id"] for row in body["results"]]
    assert len(ids) == 20
    by_id = {p.pk: p for p in project_list_for_user(user=dana).filter(pk__in=ids)}
    expected = ProjectListOutput([by_id[pk] for pk in ids], many=True).data
    assert body["results"] == [dict(row) for row in expected]
