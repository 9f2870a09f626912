"""Writing to the outbox and sending what it holds.

``enqueue`` is called inside the transaction that makes a task necessary (an issued decision
document needs rendering). After commit it tries to send at once; whatever could not be sent
(the broker down) stays unsent and ``dispatch_pending`` (beat, every 30 s, and after each commit)
sends it when the broker is back. Each row is sent once: it is locked while being sent and
marked sent in the same transaction; the consumers are idempotent for the rare resend after a
crash between the two.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

DISPATCH_BATCH = 200


def enqueue(
    task: str, *, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Record `task(*args, **kwargs)` to be sent once the current transaction commits."""
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: dispatch_pending(ids=[message.pk]), robust=True)
    return message


def _send(message: OutboxMessage) -> None:
    from config.celery import app

    app.loader.import_default_modules()  # the task must be registered in this process
    task = app.tasks[message.task]
    # retry=False: a broker that is down fails at once; the row stays for the next dispatch.
    task.apply_async(args=message.args, kwargs=message.kwargs, task_id=message.task_id, retry=False)


def dispatch_pending(*, ids: Iterable[int] | None = None, limit: int = DISPATCH_BATCH) -> int:
    """Send unsent messages (all, or those of `ids`) in id order; returns how many were sent.

    Stops at the first send that fails (the broker is down) and records the error on that row.
    """
    from config.celery import app

    if app.conf.task_always_eager:
        return _run_in_process(ids=ids, limit=limit)
    sent = 0
    with transaction.atomic():
        queryset = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            sent_at__isnull=True
        )
        if ids is not None:
            queryset = queryset.filter(pk__in=list(ids))
        for message in queryset.order_by("id")[:limit]:
            try:
                _send(message)
            except Exception as exc:  # the broker's many connection errors
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
                logger.warning("outbox: %s not sent (%s); will retry", message, exc)
                break
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
            )
            sent += 1
    return sent


def _run_in_process(*, ids: Iterable[int] | None, limit: int) -> int:
    """Without a broker (development, tests): claim the rows, then run each task here, outside
    the claiming transaction (a task may need its own transactions)."""
    with transaction.atomic():
        queryset = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            sent_at__isnull=True
        )
        if ids is not None:
            queryset = queryset.filter(pk__in=list(ids))
        claimed = list(queryset.order_by("id")[:limit])
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            sent_at=timezone.now(), attempts=1
        )
    done = 0
    for message in claimed:
        try:
            _send(message)
        except Exception as exc:  # give the row back for the next dispatch
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            logger.warning("outbox: %s not run (%s); will retry", message, exc)
            continue
        done += 1
    return done


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()
