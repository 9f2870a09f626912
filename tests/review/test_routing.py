"""Authorities by tier (issue 10): cases route to the authority the facts name, queues and
permissions follow it, and a change of facts moves the case (or refuses it) every time."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import permissions as project_permissions
from projects.models import Attachment
from review import permissions, selectors, services
from review.models import CaseEvent, CaseState, Notice, ReviewCase

from .conftest import decidable, make_project, make_submission, resubmit

pytestmark = pytest.mark.django_db


def _suzhou(make_case, **kw) -> ReviewCase:
    """A delegated-tier project in Suzhou (3205xx): 苏州市发展和改革委员会's case."""
    return make_case(region="320505", review_level="delegated", counted_tce=6000, **kw)


def test_a_delegated_tier_project_in_suzhou_reaches_grace_not_bob(make_case, bob, grace):
    case = _suzhou(make_case)
    assert case.authority.name == "苏州市发展和改革委员会"
    assert case.doc_prefix == "苏州发改能审"
    assert Notice.objects.filter(user=grace, case=case).exists()
    assert not Notice.objects.filter(user=bob, case=case).exists()
    assert case in selectors.case_list_for_user(user=grace)
    assert case not in selectors.case_list_for_user(user=bob)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, by=bob)
    case = services.case_accept(case=case, by=grace, assign_to=grace)
    assert case.assignee == grace


def test_the_provincial_tier_and_delegated_tier_outside_suzhou_go_to_the_province(
    make_case, bob, grace
):
    provincial = make_case(region="320505", review_level="provincial")
    nanjing = make_case(region="320111", review_level="delegated", counted_tce=6000)
    for case in (provincial, nanjing):  # Nanjing has no city authority: the province keeps it
        assert case.authority.code == "32"
        assert case.doc_prefix == "苏发改能审"
        assert permissions.can_view_case(bob, case)
        assert not permissions.can_view_case(grace, case)


def test_a_region_without_an_authority_is_refused(alice):
    project = make_project(owner=alice, region="450102")
    submission = make_submission(project=project, by=alice)
    with pytest.raises(ValidationError) as info:
        services.case_open(submission=submission, by=alice)
    assert "尚未设置节能审查机关" in info.value.message_dict["region"][0]
    assert not ReviewCase.objects.filter(project=project).exists()


def test_grace_only_assigns_and_is_assigned_within_her_authority(make_case, bob, grace):
    case = services.case_accept(case=_suzhou(make_case), by=grace)
    with pytest.raises(ValidationError) as info:
        services.case_assign(case=case, by=grace, assignee=bob)
    assert "assignee" in info.value.message_dict
    assert list(selectors.assignee_choices(case=case)) == [grace]


def test_raising_the_figure_past_10000_tce_moves_the_case_to_the_province(
    make_case, alice, bob, grace
):
    case = decidable(_suzhou(make_case), by=grace)
    case = services.case_approve(case=case, by=grace, reason="符合要求")
    # 变更: the new figure is of the provincial tier
    bigger = resubmit(case, by=alice, counted_tce=12000, review_level="provincial")
    case = services.case_resubmit(case=case, submission=bigger, by=alice)
    assert case.state == CaseState.CHANGE_REQUESTED
    assert case.authority.code == "32"
    assert case.assignee is None
    moved = case.events.get(action="move_authority")
    assert moved.data["from_authority_name"] == "苏州市发展和改革委员会"
    assert moved.data["to_authority_name"] == "江苏省发展和改革委员会"
    assert "移交" in moved.reason
    assert Notice.objects.filter(user=bob, case=case, message__contains="移交本机关").exists()
    # grace no longer reads the case, nor the project's files and later submissions
    assert not permissions.can_view_case(grace, case)
    assert not project_permissions.can_view_project(grace, case.project)
    assert permissions.can_view_case(bob, case)
    assert project_permissions.can_view_project(bob, case.project)
    case = services.case_claim(case=case, by=bob)
    assert case.state == CaseState.UNDER_REVIEW


def test_a_project_moved_to_another_province_is_refused_with_a_clear_message(make_case, alice, bob):
    case = services.case_return_for_correction(case=make_case(), by=bob, items=["补充附表"])
    moved = resubmit(case, by=alice, region="330106")  # answers the item first
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as info:
        services.case_resubmit(case=case, submission=moved, by=alice)
    message = info.value.message_dict["region"][0]
    assert "其他省份" in message
    assert "江苏省发展和改革委员会" in message
    case.refresh_from_db()
    assert (case.state, case.authority.code) == (CaseState.RETURNED, "32")
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_corrected_submission_in_another_city_moves_to_that_authority(
    make_case, alice, bob, grace
):
    case = make_case(region="320111", review_level="delegated", counted_tce=6000)
    assert case.authority.code == "32"
    case = services.case_return_for_correction(case=case, by=bob, items=["建设地点有误"])
    corrected = resubmit(
        case, by=alice, region="320505", review_level="delegated", counted_tce=6000
    )
    case = services.case_resubmit(case=case, submission=corrected, by=alice)
    assert case.authority.code == "3205"
    assert case.state == CaseState.SUBMITTED
    assert permissions.can_view_case(grace, case)
    assert not permissions.can_view_case(bob, case)


def test_old_authority_cannot_download_files_of_later_submissions(
    make_case, alice, bob, grace, client
):
    """Issue 15 item 7: after the project moved to another authority's case, the old authority's
    reviewer reads neither its later submissions nor its files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case(region="320111", review_level="delegated", counted_tce=6000)
    case = services.case_return_for_correction(case=case, by=bob, items=["建设地点有误"])
    attachment = Attachment(
        project=case.project, kind="energy_report", original_name="r.pdf", uploaded_by=alice
    )
    attachment.file.save("r.pdf", SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), save=False)
    attachment.size = 10
    attachment.save()
    corrected = resubmit(
        case, by=alice, region="320505", review_level="delegated", counted_tce=6000
    )
    corrected.attachments.set([attachment])
    services.case_resubmit(case=case, submission=corrected, by=alice)
    assert not project_permissions.can_download_attachment(bob, attachment)
    assert project_permissions.can_download_attachment(grace, attachment)
    client.force_login(bob)
    assert client.get(reverse("review:case", args=[case.pk])).status_code == 404
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_helen_reads_her_authoritys_cases_but_does_not_act_as_reviewer(make_case, helen, grace):
    provincial = make_case()
    suzhou = _suzhou(make_case)
    assert permissions.can_view_case(helen, provincial)
    assert not permissions.can_view_case(helen, suzhou)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=provincial, by=helen)


def test_queue_of_grace_shows_only_suzhou_with_constant_queries(
    make_case, grace, django_assert_max_num_queries
):
    from django.test import Client

    for _ in range(3):
        _suzhou(make_case)
    make_case()  # the province's
    client = Client()
    client.force_login(grace)
    client.get(reverse("review:queue"))  # warm the session
    with django_assert_max_num_queries(5) as captured:
        response = client.get(reverse("review:queue"))
    few = len(captured.captured_queries)
    for _ in range(5):
        _suzhou(make_case)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("review:queue"))
    assert len(response.context["cases"]) == 8
    assert all(c.authority.code == "3205" for c in response.context["cases"])
    assert "苏州市发展改革委" in response.content.decode()


def test_cases_from_before_routing_take_their_authority_in_the_backfill(make_case, alice, grace):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("review.migrations.0006_backfill_case_authority").backfill
    suzhou = _suzhou(make_case)
    provincial = make_case()
    ReviewCase.objects.filter(pk__in=[suzhou.pk, provincial.pk]).update(authority=None)
    # before the backfill, the provincial authority sees the rows without an authority
    suzhou.refresh_from_db()
    assert not permissions.can_view_case(grace, suzhou)
    backfill(apps, None)
    codes = dict(ReviewCase.objects.values_list("pk", "authority__code"))
    assert codes[suzhou.pk] == "3205"
    assert codes[provincial.pk] == "32"
