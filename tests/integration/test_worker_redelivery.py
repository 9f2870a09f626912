"""acks_late in practice: a worker killed while running a task leaves its message
unacknowledged, and another worker runs it once the visibility timeout has passed."""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from accounts.tasks import ping_task

from .conftest import start_worker, stop_worker, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

QUEUE = f"redelivery-{os.getpid()}"


def _received_by(worker, task_id: str) -> bool:
    # A solo-pool worker running a task cannot answer `inspect`; its log says it took the task.
    worker.log.flush()
    return f"[{task_id}] received" in open(worker.log.name, encoding="utf-8").read()


def test_a_killed_workers_task_is_redelivered_to_another_worker(test_database):
    env = worker_env(test_database, CELERY_VISIBILITY_TIMEOUT="3")
    first_name = f"doomed-{os.getpid()}@localhost"
    first = start_worker(name=first_name, env=env, queues=QUEUE)
    token = uuid.uuid4().hex
    result = ping_task.apply_async((token, 8), queue=QUEUE)
    # given: the first worker is running the task, its message unacknowledged (acks_late)
    deadline = time.monotonic() + 30
    try:
        while not _received_by(first, result.id):
            assert time.monotonic() < deadline, "the first worker never started the task"
            time.sleep(0.3)
    except BaseException:
        stop_worker(first)  # never leave a worker behind a failed test
        raise
    # when: it is killed outright, and another worker comes up after the visibility timeout
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    first.log.close()
    assert result.state != "SUCCESS"
    time.sleep(4)
    second = start_worker(name=f"rescuer-{os.getpid()}@localhost", env=env, queues=QUEUE)
    try:
        # then: the second worker runs it to the end
        assert result.get(timeout=60) == {"token": token, "database": "postgresql"}
    finally:
        stop_worker(second)
