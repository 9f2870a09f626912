"""manage.py generate_load_data: realistic spread, consistent rows, counters exact (issue 14)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from projects.models import Project, ProjectStatus, Submission
from review.models import CaseEvent, CaseState, Notice, ReviewCase
from scale import tally
from scale.models import CaseTally

from .conftest import TODAY


def test_load_spreads_projects_over_provinces_and_states(load):
    assert load.projects == 80 == Project.objects.filter(name__startswith="负载测试").count()
    assert load.cases == ReviewCase.objects.count() > 50
    assert load.submissions == Submission.objects.count()
    provinces = set(ReviewCase.objects.values_list("province", flat=True))
    assert "32" in provinces
    assert len(provinces) >= 10
    states = set(ReviewCase.objects.values_list("state", flat=True))
    assert {CaseState.APPROVED, CaseState.UNDER_REVIEW} <= states
    assert len(states) >= 5
    assert Project.objects.filter(status=ProjectStatus.DRAFT).exists()
    assert load.events == CaseEvent.objects.count() >= load.cases
    assert load.notices == Notice.objects.count() > 0


def test_every_case_is_consistent_with_its_submission_and_events(load):
    for case in ReviewCase.objects.select_related("submission"):
        assessment = case.submission.assessment
        assert case.submission.project_id == case.project_id
        assert case.route == assessment["route"]
        assert case.two_high == assessment["two_high"]["is_two_high"]
        if case.two_high:
            assert case.sector == (assessment["two_high"]["sector"] or "")
        events = list(case.events.order_by("at", "id"))
        assert events[0].action == "open"
        assert events[-1].to_state == case.state
        # Events refer to the frozen submission instead of copying its assessment.
        assert all(e.submission_id == case.submission_id and e.assessment is None for e in events)
    running = ReviewCase.objects.filter(state__in=["submitted", "accepted", "under_review"])
    assert all(c.deadline is not None for c in running)
    assert running.filter(deadline__lt=TODAY).exists()  # a few overdue


def test_counters_match_the_cases_after_a_load(load):
    by_state = dict(ReviewCase.objects.order_by().values_list("state").annotate(n=Count("id")))
    assert tally.counts_by("state") == by_state
    assert CaseTally.objects.filter(n__lt=0).count() == 0


def test_the_command_reports_what_it_added(personas):
    out = StringIO()
    call_command(
        "generate_load_data", "--projects", "12", "--variants", "1", "--seed", "3", stdout=out
    )
    assert "12 projects" in out.getvalue()
    assert Project.objects.count() == 12
    again = StringIO()
    call_command("generate_load_data", "--projects", "0", stderr=again, stdout=StringIO())
    assert "at least 1" in again.getvalue()
