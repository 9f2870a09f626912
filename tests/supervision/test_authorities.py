"""Supervision follows the case's authority: 苏州 (grace) supervises the delegated-tier cases
of 3205xx, 江苏 (bob, helen) the provincial ones; neither sees the other's; tasks are idempotent."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from supervision import permissions, selectors
from supervision.models import Rectification, SupervisionFlag
from supervision.tasks import acceptance_overdue_flag_task, inventory_sync_task


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_city_and_provincial_authorities_supervise_their_own_cases(
    approved_case, bob, grace, helen
):
    city = approved_case(review_level="delegated", counted_tce=6000)
    province = approved_case()
    assert city.authority.code == "3205"
    assert province.authority.code == "32"
    assert [c.pk for c in selectors.supervised_cases(user=grace)] == [city.pk]
    assert [c.pk for c in selectors.supervised_cases(user=bob)] == [province.pk]
    assert permissions.can_supervise(helen, province)
    assert not permissions.can_supervise(grace, province)
    assert not permissions.can_supervise(bob, city)
    grace_client, bob_client = _client(grace), _client(bob)
    assert grace_client.get(reverse("supervision:case", args=[city.pk])).status_code == 200
    assert grace_client.get(reverse("supervision:case", args=[province.pk])).status_code == 404
    assert bob_client.get(reverse("supervision:case", args=[city.pk])).status_code == 404
    response = grace_client.post(
        reverse("supervision:rectify", args=[province.pk]), {"items": "x", "deadline": "2030-01-01"}
    )
    assert response.status_code == 404
    assert not Rectification.objects.exists()


def test_beat_tasks_are_idempotent(approved_case):
    approved_case(planned_completion=date(2025, 6, 30))
    two_high = approved_case(route="local_two_high")
    assert acceptance_overdue_flag_task.delay().get() == 1
    assert acceptance_overdue_flag_task.delay().get() == 0
    assert SupervisionFlag.objects.count() == 1
    assert inventory_sync_task.delay().get() == 1
    assert inventory_sync_task.delay().get() == 1  # handled again, nothing changed
    assert two_high.inventory_link.entry.status == "planned"
