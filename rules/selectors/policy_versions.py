"""Policy versions as the pages list them: all, newest first, and the latest published one."""

from __future__ import annotations

from django.db.models import QuerySet

from rules.models import PolicyVersion


# ------------------------------------------------------------------------------------------
# Policy versions
# ------------------------------------------------------------------------------------------
def policy_version_list() -> QuerySet[PolicyVersion]:
    """All versions, newest effective date first (one query)."""
    return PolicyVersion.objects.order_by("-effective_from", "-id")


def policy_version_latest_published() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(published=True).order_by("-effective_from").first()
