"""The render task: idempotent, retried on transient errors, failures visible, decisions kept."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from review import pdf
from review.documents import opinion_render, opinion_rerender
from review.models import CaseEvent, CaseState, Opinion
from review.tasks import opinion_render_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]


def test_running_the_task_twice_yields_one_document_and_the_same_file(make_case, issue):
    opinion = issue(make_case())
    assert opinion.state == Opinion.State.READY
    first = (opinion.file.name, opinion.sha256, opinion.rendered_at)
    with mock.patch("review.pdf.render_located", wraps=pdf.render_located) as render:
        assert opinion_render_task.delay(opinion.pk).get() == "ready"
        opinion_render(opinion_id=opinion.pk)
    assert not render.called
    opinion.refresh_from_db()
    assert (opinion.file.name, opinion.sha256, opinion.rendered_at) == first
    assert Opinion.objects.filter(case=opinion.case).count() == 1
    assert opinion.attempts == 1
    assert len(list(Path(opinion.file.path).parent.glob(f"{opinion.token}*"))) == 1


def test_transient_failure_is_retried_until_ready(make_case, issue):
    real_render = pdf.render_located
    calls = []

    def fail_once(html: str, **kwargs) -> bytes:
        calls.append(html)
        if len(calls) == 1:
            raise OSError("字体文件暂不可读")
        return real_render(html, **kwargs)

    with mock.patch("review.pdf.render_located", side_effect=fail_once) as render:
        opinion = issue(make_case())
    assert render.call_count == 2
    assert opinion.state == Opinion.State.READY
    assert opinion.error == ""
    assert opinion.attempts == 2
    assert opinion.sha256
    assert opinion.size > 0


def test_transient_failures_beyond_max_retries_leave_the_document_failed(make_case, issue):
    with mock.patch("review.pdf.render_located", side_effect=OSError("存储不可用")) as render:
        opinion = issue(make_case())
    assert render.call_count == opinion_render_task.max_retries + 1
    assert opinion.state == Opinion.State.FAILED
    assert "OSError: 存储不可用" in opinion.error
    assert opinion.attempts == opinion_render_task.max_retries + 1


def test_permanent_failure_is_recorded_once_and_the_decision_stands(make_case, issue):
    case = make_case("approval")
    with mock.patch("review.pdf.render_located", side_effect=ValueError("模板数据错误")) as render:
        opinion = issue(case, "approval")
    assert render.call_count == 1  # not a transient error: no retry
    assert opinion.state == Opinion.State.FAILED
    assert opinion.error == "ValueError: 模板数据错误"
    assert opinion.attempts == 1
    assert not opinion.file
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert opinion.number.endswith("〕1号")


def _decide_and_sign(case, bob, helen) -> None:
    """The decision's entry point (what the decision services call in their transaction), then
    the drafting workflow to sign-off."""
    from documents import services
    from documents.models import Draft
    from review.documents import opinion_issue

    with transaction.atomic():
        opinion_issue(case=case, kind="approval")
    draft = Draft.objects.get(case=case)
    assert not Opinion.objects.filter(case=case).exists()  # a decision opens a draft only
    services.draft_submit(draft=draft, by=bob)
    services.draft_sign(draft=draft, by=helen)


def test_decision_through_the_workflow_service_survives_a_failed_render(
    make_case, bob, helen, django_capture_on_commit_callbacks
):
    case = make_case("approval", state=CaseState.UNDER_REVIEW, assignee=bob, decided_at=None)
    with (
        mock.patch("review.pdf.render_located", side_effect=ValueError("渲染失败")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _decide_and_sign(case, bob, helen)
    case.refresh_from_db()
    assert case.state == CaseState.UNDER_REVIEW  # the render never touches the case
    opinion = Opinion.objects.get(case=case)
    assert opinion.kind == "approval"
    assert opinion.state == Opinion.State.FAILED
    assert "渲染失败" in opinion.error


def test_decision_through_the_workflow_service_issues_a_ready_document(
    make_case, bob, helen, django_capture_on_commit_callbacks
):
    case = make_case("approval", state=CaseState.UNDER_REVIEW, assignee=bob, decided_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        _decide_and_sign(case, bob, helen)
    opinion = Opinion.objects.get(case=case)
    assert opinion.state == Opinion.State.READY
    assert opinion.number.startswith("苏发改能审〔")


def test_admin_retry_of_a_failed_document_renders_the_same_row(make_case, issue, dana):
    with mock.patch("review.pdf.render_located", side_effect=ValueError("一次性错误")):
        failed = issue(make_case())
    assert failed.state == Opinion.State.FAILED
    result = _rerender(failed, dana)
    assert result.pk == failed.pk
    assert result.state == Opinion.State.READY
    assert result.error == ""
    assert result.attempts == 2
    assert Opinion.objects.filter(case=failed.case).count() == 1
    event = CaseEvent.objects.get(case=failed.case, action="opinion_retry")
    assert event.actor == dana
    assert event.data["opinion"] == failed.pk


def test_admin_rerender_of_a_ready_document_adds_a_version_and_keeps_the_old(
    make_case, issue, dana
):
    old = issue(make_case())
    new = _rerender(old, dana)
    assert new.pk != old.pk
    assert (new.number, new.kind, new.issued_on) == (old.number, old.kind, old.issued_on)
    assert new.version == 2
    assert new.state == Opinion.State.READY
    assert new.token != old.token
    old_again = Opinion.objects.get(pk=old.pk)
    assert old_again.state == Opinion.State.READY
    assert old_again.sha256 == old.sha256
    assert Path(old_again.file.path).exists()
    assert new.file.name != old.file.name
    assert CaseEvent.objects.filter(case=old.case, action="opinion_rerender").count() == 1


@pytest.mark.parametrize("persona", ["alice", "bob", "erin"])
def test_only_admins_may_rerender(make_case, issue, persona, request):
    opinion = issue(make_case())
    with pytest.raises(PermissionDenied):
        opinion_rerender(opinion=opinion, by=request.getfixturevalue(persona))
    assert Opinion.objects.filter(case=opinion.case).count() == 1
    assert not CaseEvent.objects.filter(case=opinion.case, action__startswith="opinion_").exists()


def test_failure_record_survives_when_opinion_render_raises(make_case, sign_pending):
    case = make_case()
    with transaction.atomic():
        opinion = sign_pending(case)
    with (
        mock.patch("review.pdf.render_located", side_effect=RuntimeError("坏了")),
        pytest.raises(RuntimeError),
    ):
        opinion_render(opinion_id=opinion.pk)
    opinion.refresh_from_db()
    assert opinion.state == Opinion.State.FAILED
    assert opinion.error == "RuntimeError: 坏了"


def _rerender(opinion: Opinion, by) -> Opinion:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        result = opinion_rerender(opinion=opinion, by=by)
    result.refresh_from_db()
    return result


def test_task_is_redelivered_if_a_worker_dies_and_backs_off_on_transient_errors():
    assert opinion_render_task.acks_late is True
    assert opinion_render_task.reject_on_worker_lost is True
    assert opinion_render_task.retry_backoff
    assert opinion_render_task.max_retries >= 3
    assert OSError in opinion_render_task.autoretry_for
    assert ValueError not in opinion_render_task.autoretry_for


def test_beat_tasks_call_the_workflow_services_with_today():
    from django.utils import timezone

    from review.tasks import expire_approvals_task, send_deadline_reminders_task

    with (
        mock.patch("review.services.case_expire_stale", return_value=2) as expire,
        mock.patch("review.services.deadline_reminders_send", return_value=3) as remind,
    ):
        assert expire_approvals_task.delay().get() == 2
        assert send_deadline_reminders_task.delay().get() == 3
    expire.assert_called_once_with(today=timezone.localdate())
    remind.assert_called_once_with(today=timezone.localdate())


def test_stale_pending_documents_are_queued_again(make_case, issue, sign_pending):
    from datetime import timedelta

    from django.utils import timezone

    from review.documents import opinion_requeue_stale
    from review.tasks import opinion_requeue_stale_task

    ready = issue(make_case())
    with transaction.atomic():  # never committed here: their messages are "lost"
        stale = sign_pending(make_case())
        fresh = sign_pending(make_case())
    Opinion.objects.filter(pk__in=[stale.pk, ready.pk]).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    with mock.patch("review.tasks.opinion_render_task.delay") as delay:
        assert opinion_requeue_stale() == 1
    delay.assert_called_once_with(stale.pk)
    assert opinion_requeue_stale_task.delay().get() == 1  # eager: renders it
    assert Opinion.objects.get(pk=stale.pk).state == Opinion.State.READY
    assert Opinion.objects.get(pk=fresh.pk).state == Opinion.State.PENDING


def test_of_two_concurrent_deliveries_the_first_store_wins_and_the_loser_leaves_no_file(
    make_case, sign_pending
):
    from review.documents import _opinion_store, opinion_pdf

    with transaction.atomic():
        opinion = sign_pending(make_case())
    # Both deliveries rendered before either stored (acks_late redelivery of a slow task).
    first, second = opinion_pdf(opinion=opinion), opinion_pdf(opinion=opinion)
    winner = _opinion_store(opinion=opinion, data=first)
    loser = _opinion_store(opinion=opinion, data=second)
    assert loser.pk == winner.pk
    assert (loser.file.name, loser.sha256) == (winner.file.name, winner.sha256)
    assert Path(winner.file.path).read_bytes() == first
    assert [p.name for p in Path(winner.file.path).parent.glob(f"{opinion.token}*")] == [
        Path(winner.file.name).name
    ]
