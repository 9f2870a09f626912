"""Transactional outbox: a decision's render message is a row of the decision's transaction; with
the broker down the decision still commits, the row waits, and the dispatcher delivers it once
the broker is back: rendered exactly once."""

from __future__ import annotations

from unittest import mock

import pytest
from kombu.exceptions import OperationalError as BrokerDown

from outbox.models import OutboxMessage
from outbox.services import dispatch_pending, pending_count
from review.models import Opinion
from review.tasks import opinion_render_task
from tests.opinions.conftest import helen, make_case, reuse_rendered_pdf, sign_pending  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_decision_commits_with_the_broker_down_and_renders_once_it_is_back(
    make_case,  # noqa: F811
    sign_pending,  # noqa: F811
    reuse_rendered_pdf,  # noqa: F811
    policy_versions_loaded,
):
    case = make_case("approval")
    with mock.patch.object(
        opinion_render_task, "apply_async", side_effect=BrokerDown("Error 111 connecting")
    ):
        opinion = sign_pending(case)
    opinion.refresh_from_db()
    assert opinion.state == Opinion.State.PENDING  # the decision and its document committed
    message = OutboxMessage.objects.get()
    assert message.task == "review.tasks.opinion_render_task"
    assert message.args == [opinion.pk]
    assert message.sent_at is None
    assert "111" in message.last_error
    assert pending_count() == 1

    assert dispatch_pending() == 1  # the broker is back (beat's dispatch_outbox_task)
    opinion.refresh_from_db()
    assert opinion.state == Opinion.State.READY
    assert opinion.attempts == 1
    assert dispatch_pending() == 0  # delivered once, never again
    opinion.refresh_from_db()
    assert opinion.attempts == 1
    assert OutboxMessage.objects.get().sent_at is not None


def test_with_the_broker_up_the_render_is_sent_at_commit(
    make_case,  # noqa: F811
    sign_pending,  # noqa: F811
    reuse_rendered_pdf,  # noqa: F811
    policy_versions_loaded,
):
    opinion = sign_pending(make_case("approval"))
    opinion.refresh_from_db()
    assert opinion.state == Opinion.State.READY
    assert pending_count() == 0
    assert OutboxMessage.objects.get().task_id == f"outbox-{OutboxMessage.objects.get().pk}"
