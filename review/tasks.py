"""Thin Celery tasks of the review app: take ids or nothing, call one service.

Services are imported inside the task bodies, so importing this module (the workers' autodiscovery,
`review.documents` queueing a render) never pulls in the workflow's import graph.
"""

from __future__ import annotations

import os
from typing import Any

from celery import shared_task
from celery.signals import worker_process_init
from django.db import InterfaceError, OperationalError
from django.utils import timezone

TRANSIENT_RENDER_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # file system, fonts, storage, network
    OperationalError,  # database connection dropped, lock timeout, serialization failure
    InterfaceError,
)
"""Retried with backoff; anything else (a template or data error) fails at once, visibly."""

# A render never runs unbounded: past the soft limit the task gets SoftTimeLimitExceeded (the
# document records the failure), past the hard limit the worker process is replaced.
RENDER_SOFT_TIME_LIMIT = int(os.environ.get("OPINION_RENDER_SOFT_TIME_LIMIT", "120"))
RENDER_TIME_LIMIT = int(os.environ.get("OPINION_RENDER_TIME_LIMIT", "150"))


@shared_task(
    bind=True,
    name="review.tasks.opinion_render_task",
    autoretry_for=TRANSIENT_RENDER_ERRORS,
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
    ignore_result=True,  # the document row records the outcome; nobody reads the result
)
def opinion_render_task(self: Any, opinion_id: int) -> str:
    """Render, sign and store one issued document; safe to run twice (ready stays ready).

    acks_late + reject_on_worker_lost: a worker killed mid-render leaves the message to be
    redelivered. The service records every failure on the document before re-raising.
    """
    from review.documents import opinion_render

    return opinion_render(opinion_id=opinion_id).state


@shared_task(name="review.tasks.opinion_requeue_stale_task", ignore_result=True)
def opinion_requeue_stale_task() -> int:
    """Every few minutes (beat): queue again documents whose render message was lost."""
    from review.documents import opinion_requeue_stale

    return opinion_requeue_stale()


@worker_process_init.connect
def _warm_opinion_renderer(**_: Any) -> None:
    """Each worker process loads fonts and the signing key before its first document."""
    import logging
    import time

    from review.documents import opinion_renderer_warm_up

    logger = logging.getLogger(__name__)
    started = time.perf_counter()
    try:
        opinion_renderer_warm_up()
    except Exception:  # a cold first render is slower, not wrong
        logger.exception("opinion renderer warm-up failed")
    else:
        logger.info("opinion renderer warm in %.2f s", time.perf_counter() - started)


@shared_task(name="review.tasks.expire_approvals_task", ignore_result=True)
def expire_approvals_task() -> int:
    """Daily (beat): approvals older than their validity without a construction start expire."""
    from review import services

    return services.case_expire_stale(today=timezone.localdate())


@shared_task(name="review.tasks.deem_accepted_task", ignore_result=True)
def deem_accepted_task() -> int:
    """Daily (beat): reports unanswered past the 5-working-day intake limit count as accepted
    from the day of receipt (《行政许可法》第三十二条). Idempotent."""
    from review import services

    return services.intake_deem_accepted(today=timezone.localdate())


@shared_task(name="review.tasks.send_deadline_reminders_task", ignore_result=True)
def send_deadline_reminders_task() -> int:
    """Daily (beat): remind assignees of cases whose statutory deadline is near or past."""
    from review import services

    return services.deadline_reminders_send(today=timezone.localdate())
