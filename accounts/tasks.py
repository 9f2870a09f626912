"""Operational tasks."""

from __future__ import annotations

import time

from celery import shared_task
from django.db import connection


@shared_task(name="accounts.ping")
def ping_task(token: str, hold_seconds: float = 0) -> dict[str, str]:
    """Round trip check: answers with the token and the database the worker talks to.

    `hold_seconds` (at most 30) keeps the task running, so that a test can kill the worker
    while it holds the unacknowledged message.
    """
    time.sleep(min(max(hold_seconds, 0), 30))
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"token": token, "database": connection.vendor}
