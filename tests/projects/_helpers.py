"""Shared by the applicant API and projects.services tests: the list URL, counts() of every row an
operation may store, media_files() on disk, post_json()/patch_json() sending a JSON body, and
refetch() of a project with its lines and cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse

from projects import selectors
from projects.models import (
    Attachment,
    EnergyLine,
    ProductLine,
    Project,
    Submission,
    SubstitutionSource,
)
from review.models import ReviewCase

LIST = reverse("api-project-list")


def counts() -> tuple[int, ...]:
    return (
        Project.objects.count(),
        EnergyLine.objects.count(),
        ProductLine.objects.count(),
        SubstitutionSource.objects.count(),
        Attachment.objects.count(),
        Submission.objects.count(),
        ReviewCase.objects.count(),
    )


def media_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch_json(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def refetch(project: Project) -> Project:
    return Project.objects.prefetch_related(*selectors.LINE_PREFETCHES, "cases").get(pk=project.pk)
