"""What the supervision app does when the review app records a move: an approved two-high case
enters the two-high inventory as 拟建 at once (方案（七））. The review app does not know about
supervision; it only writes its audit event, which this receiver listens to.

The work runs inside the move's transaction but in a savepoint: a failure here is logged and
never undoes the approval (the daily ``inventory_sync_task`` catches up).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from review.models import CaseEvent, CaseState

logger = logging.getLogger(__name__)


@receiver(post_save, sender=CaseEvent, dispatch_uid="supervision_inventory_on_approval")
def inventory_on_approval(sender: Any, instance: CaseEvent, created: bool, **kwargs: Any) -> None:
    if not created or instance.to_state != CaseState.APPROVED or instance.action.startswith("sv_"):
        return
    from .services.inventory import inventory_follow

    try:
        with transaction.atomic():
            case = type(instance.case).objects.select_related("project").get(pk=instance.case_id)
            inventory_follow(case=case, by=instance.actor)
    except Exception:  # never undo the review move for the inventory
        logger.exception("two-high inventory update failed for case %s", instance.case_id)
