"""Beat task of the outbox: send what could not be sent at commit time."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="outbox.tasks.dispatch_outbox_task", ignore_result=True)
def dispatch_outbox_task() -> int:
    from outbox.services import dispatch_pending

    return dispatch_pending()
