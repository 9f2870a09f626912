"""Operational tasks."""

from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task(name="accounts.ping")
def ping_task(token: str) -> dict[str, str]:
    """Round trip check: answers with the token and the database the worker talks to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"token": token, "database": connection.vendor}
