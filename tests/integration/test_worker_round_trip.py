from __future__ import annotations

import uuid

import pytest
from django.db import connection

from accounts.tasks import ping_task

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_task_round_trip_through_redis_and_a_real_worker(celery_worker_process):
    token = uuid.uuid4().hex
    result = ping_task.delay(token)
    answer = result.get(timeout=30)
    assert answer == {"token": token, "database": "postgresql"}
    assert celery_worker_process.poll() is None
