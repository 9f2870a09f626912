"""Thin Celery tasks of the supervision app: call one idempotent service each (the daily beat
entries ``supervision-acceptance-overdue`` and ``supervision-inventory-sync`` in settings)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="supervision.tasks.acceptance_overdue_flag_task",
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=5,
)
def acceptance_overdue_flag_task() -> int:
    """Flag approved projects past their planned completion without a filed acceptance."""
    from supervision.services.acceptance import acceptance_overdue_flag

    return acceptance_overdue_flag()


@shared_task(
    name="supervision.tasks.inventory_sync_task",
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=5,
)
def inventory_sync_task() -> int:
    """Bring the two-high inventory entries of approved cases up to date."""
    from supervision.services.inventory import inventory_sync

    return inventory_sync()


@shared_task(
    name="supervision.tasks.monitoring_evaluate_task",
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    max_retries=5,
)
def monitoring_evaluate_task(project_ids: list[int]) -> int:
    """Re-evaluate monitored projects (e.g. after an approved change moved the figure)."""
    from supervision.services.monitoring import monitoring_evaluate

    return monitoring_evaluate(project_ids=project_ids)
