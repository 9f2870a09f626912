"""Two reviewers deciding the same case at the same moment, on real PostgreSQL: exactly one
decision is recorded, the other reviewer gets a clear conflict (HTTP 409 in the API)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import close_old_connections, connection, connections, transaction
from rest_framework.test import APIClient

from documents import services as documents
from documents.models import Draft, NumberSequence
from review import services
from review.models import CaseEvent, CaseState, Opinion, ReviewCase
from review.services import CaseConflict
from review.workflow import TransitionNotAllowed
from tests.review.conftest import bob2 as bob2  # noqa: F401  (fixture)
from tests.review.conftest import helen as helen  # noqa: F401  (fixture)
from tests.review.conftest import make_assessment, make_project, make_submission
from tests.review_steps import evaluated

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_rendered(opinion: Opinion) -> Opinion:
    for _ in range(600):  # wait for the real worker (not a timed assertion)
        opinion.refresh_from_db()
        if opinion.state != Opinion.State.PENDING:
            break
        time.sleep(0.1)
    return opinion


@pytest.fixture(autouse=True)
def _worker_renders_the_documents(celery_worker_process):
    """Decisions queue their document on commit: let the real worker render it before the test's
    tables are emptied, so that no task is left behind for a later test."""
    yield
    for opinion in Opinion.objects.all():
        _wait_rendered(opinion)


@pytest.fixture
def case(alice, bob) -> ReviewCase:
    project = make_project(owner=alice)
    submission = make_submission(project=project, by=alice, assessment=make_assessment())
    opened = services.case_open(submission=submission, by=alice)
    accepted = services.case_accept(case=opened, by=bob, assign_to=bob)
    return evaluated(accepted, by=bob)  # a decision needs the evaluation report (issue 10)


def _in_threads(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once (released together by a barrier); each result or raised error."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return results


def _assert_one_decision(case: ReviewCase) -> None:
    decisions = CaseEvent.objects.filter(case=case, action__in=["approve", "reject", "defer"])
    assert decisions.count() == 1
    # The winner's decision opened one draft; no number is taken before the head signs it off.
    assert Draft.objects.filter(case=case).count() == 1
    assert not Opinion.objects.filter(case=case).exists()
    assert not NumberSequence.objects.exists()


def test_two_reviewers_deciding_at_once_exactly_one_succeeds(case, bob, bob2):
    seen = case.version
    results = _in_threads(
        lambda: services.case_approve(case=case, by=bob, reason="同意", expected_version=seen),
        lambda: services.case_defer(
            case=case,
            by=bob2,
            reason="替代来源待核实",
            deferral_lift="补充替代来源证明",
            justification="需核实",
            expected_version=seen,
        ),
    )
    winners = [r for r in results if isinstance(r, ReviewCase)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert isinstance(losers[0], CaseConflict)
    assert "请刷新" in losers[0].message
    case.refresh_from_db()
    assert case.state == winners[0].state
    assert case.version == seen + 1
    _assert_one_decision(case)


def test_without_a_version_the_second_finds_the_case_decided(case, bob, bob2):
    results = _in_threads(
        lambda: services.case_approve(case=case, by=bob, reason="同意"),
        lambda: services.case_approve(case=case, by=bob2, reason="同意"),
    )
    assert sum(isinstance(r, ReviewCase) for r in results) == 1
    assert sum(isinstance(r, TransitionNotAllowed) for r in results) == 1
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    _assert_one_decision(case)


def _waiting_on_a_lock(pid_of_holder: int) -> bool:
    # pg_locks is live (pg_stat_activity would be a snapshot frozen for this transaction)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> %s", [pid_of_holder]
        )
        return cursor.fetchone()[0] > 0


def test_the_second_decision_waits_for_the_row_lock_then_conflicts(case, bob, bob2):
    """Deterministic interleaving: reviewer 1 holds the lock; reviewer 2's decision is seen
    waiting on it; reviewer 1 commits; reviewer 2 then gets the conflict."""
    seen = case.version
    outcome: dict[str, Any] = {}

    def second() -> None:
        try:
            services.case_reject(
                case=case,
                by=bob2,
                reason="不同意",
                cited_findings=["TIER_PROVINCIAL"],
                justification="x",
                expected_version=seen,
            )
            outcome["result"] = "decided"
        except Exception as exc:  # asserted below
            outcome["result"] = exc
        finally:
            close_old_connections()
            connections.close_all()

    with transaction.atomic():
        locked = services.case_lock(pk=case.pk)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            holder = cursor.fetchone()[0]
        thread = threading.Thread(target=second)
        thread.start()
        for _ in range(600):  # wait (not assert) until reviewer 2 blocks on the row lock
            if _waiting_on_a_lock(holder):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second decision never waited on the row lock")
        services.case_approve(case=locked, by=bob, reason="同意", expected_version=seen)
    thread.join(60)
    assert isinstance(outcome["result"], CaseConflict)
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    _assert_one_decision(case)


def test_two_api_calls_at_once_one_200_one_409(case, bob, bob2):
    seen = case.version

    def post(user: Any, body: dict[str, Any], action: str) -> int:
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(f"/api/v1/cases/{case.pk}/{action}/", body, format="json")
        return response.status_code, response.json()

    results = _in_threads(
        lambda: post(bob, {"reason": "同意", "version": seen}, "approve"),
        lambda: post(
            bob2,
            {
                "reason": "缓批",
                "deferral_lift": "补充材料",
                "justification": "x",
                "version": seen,
            },
            "defer",
        ),
    )
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409], results
    conflict = next(body for code, body in results if code == 409)
    assert conflict["code"] == "conflict"
    _assert_one_decision(case)


def test_the_winners_opinion_is_rendered_by_the_worker(case, bob, bob2, helen):
    seen = case.version
    _in_threads(
        lambda: services.case_approve(case=case, by=bob, reason="同意", expected_version=seen),
        lambda: services.case_approve(case=case, by=bob2, reason="同意", expected_version=seen),
    )
    draft = Draft.objects.get(case=case)
    documents.draft_submit(draft=draft, by=bob)
    documents.draft_sign(draft=Draft.objects.get(pk=draft.pk), by=helen)
    opinion = _wait_rendered(Opinion.objects.get(case=case))
    assert opinion.number.startswith("苏发改能审〔")
    assert opinion.state == Opinion.State.READY, opinion.error
    # the worker has its own MEDIA_ROOT (a temporary directory per test process): check the
    # recorded digest rather than the file
    assert opinion.size > 0
    assert len(opinion.sha256) == 64


def test_audit_events_are_immutable_in_postgresql(case):
    """The database itself refuses to change or delete an audit event (migration 0002)."""
    from django.db import DatabaseError

    event = CaseEvent.objects.filter(case=case).first()
    for statement in (
        lambda: CaseEvent.objects.filter(pk=event.pk).update(reason="篡改"),
        lambda: CaseEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            statement()
    event.refresh_from_db()
    assert event.reason == ""
