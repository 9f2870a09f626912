"""Two heads approving the same extension request at the same moment, on real PostgreSQL
(《行政许可法》第四十二条: one extension of 10 working days): exactly one approval is recorded,
the deadline moves once, the other head gets a clear conflict."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections

from accounts import roles
from accounts.models import Profile
from authorities.models import Authority
from review import services
from review.models import CaseEvent, ExtensionRequest, ReviewCase
from review.services import CaseConflict
from tests.review.conftest import make_assessment, make_project, make_submission

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_head(personas: dict[str, User]) -> User:
    """Another head (分管负责人) of 江苏省发展和改革委员会, besides helen."""
    user = User.objects.create_user("henry", "henry@example.cn", "review-demo-2026")
    user.groups.set([Group.objects.get_or_create(name=roles.REVIEWER)[0]])
    Profile.objects.create(user=user, jurisdiction="32", display_name="何亨利")
    Authority.objects.get(code="32").heads.add(user)
    return user


@pytest.fixture
def case(alice: User, bob: User) -> ReviewCase:
    project = make_project(owner=alice)
    submission = make_submission(project=project, by=alice, assessment=make_assessment())
    opened = services.case_open(submission=submission, by=alice)
    accepted = services.case_accept(case=opened, by=bob, assign_to=bob)
    services.case_request_extension(case=accepted, by=bob, reason="需组织专家现场核查")
    accepted.refresh_from_db()
    return accepted


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


def test_two_heads_approving_one_extension_exactly_one_wins(case, personas, second_head):
    helen = personas["helen"]
    deadline, limit, seen = case.deadline, case.limit_working_days, case.version
    results = _in_threads(
        lambda: services.case_approve_extension(case=case, by=helen, expected_version=seen),
        lambda: services.case_approve_extension(case=case, by=second_head, expected_version=seen),
    )
    winners = [r for r in results if isinstance(r, ExtensionRequest)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert isinstance(losers[0], CaseConflict)
    assert "请刷新" in losers[0].message
    case.refresh_from_db()
    assert case.extended
    assert case.limit_working_days == limit + 10  # extended once, not twice
    assert case.deadline > deadline
    assert case.version == seen + 1
    request = ExtensionRequest.objects.get(case=case)
    assert request.state == ExtensionRequest.State.APPROVED
    assert request.decided_by == winners[0].decided_by
    assert CaseEvent.objects.filter(case=case, action="approve_extension").count() == 1


def test_without_a_version_the_second_head_finds_nothing_pending(case, personas, second_head):
    helen = personas["helen"]
    limit = case.limit_working_days
    results = _in_threads(
        lambda: services.case_approve_extension(case=case, by=helen),
        lambda: services.case_approve_extension(case=case, by=second_head),
    )
    assert sum(isinstance(r, ExtensionRequest) for r in results) == 1, results
    assert sum(isinstance(r, CaseConflict) for r in results) == 1, results
    case.refresh_from_db()
    assert case.limit_working_days == limit + 10
    assert CaseEvent.objects.filter(case=case, action="approve_extension").count() == 1
