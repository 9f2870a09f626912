"""`manage.py reassess_projects`: every project's latest submission re-assessed and stored."""

from __future__ import annotations

import copy
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import Submission
from rules import demo
from rules.models import Reassessment
from rules.services import assessment_run

pytestmark = pytest.mark.django_db


def reassess(*args: str) -> str:
    out = io.StringIO()
    call_command("reassess_projects", *args, "--chunk-size", "2", stdout=out, stderr=out)
    return out.getvalue()


def test_latest_submission_of_every_project_is_reassessed(make_project, payload: dict) -> None:
    demo.seed()
    older_facts = copy.deepcopy(payload)
    older_facts["energy"] = payload["energy"][1:]
    project, _ = make_project(older_facts)
    latest = Submission.objects.create(
        project=project,
        number=2,
        facts=payload,
        assessment={},
        policy_version="2023",
        submitted_by=project.created_by,
    )
    others = [
        make_project({**payload, "project_code": f"2601-320505-04-01-00000{n}"})[1]
        for n in range(5)
    ]

    output = reassess()

    stored = {r.submission_id: r for r in Reassessment.objects.all()}
    assert set(stored) == {latest.pk, *(s.pk for s in others)}
    assert "reassess: 6 projects in" in output
    _, expected = assessment_run(payload, today=date(2026, 11, 29))
    row = stored[latest.pk]
    assert row.assessment == expected.as_dict()
    assert (row.version, row.route, row.review_level, row.recommendation) == (
        "2023",
        expected.route,
        expected.review_level,
        expected.recommendation,
    )
    assert row.counted_tce == pytest.approx(expected.counted_tce)


def test_running_again_replaces_rather_than_duplicates(make_project, payload: dict) -> None:
    _, submission = make_project(payload)
    reassess()
    first = Reassessment.objects.get()
    demo.seed()  # now province 32 is behind target in 2026 and the project is in the inventory

    reassess()

    again = Reassessment.objects.get()
    assert again.pk == first.pk
    assert first.assessment["substitution"]["required"] is False
    assert again.assessment["substitution"]["required"] is True
    assert again.assessment["two_high"]["basis"] == ["catalogue", "inventory"]
    assert again.assessed_at >= first.assessed_at


def test_given_version_applies_to_every_submission(make_project, payload: dict) -> None:
    _, submission = make_project(payload)

    reassess("--version", "2016")

    row = Reassessment.objects.get(submission_id=submission.pk)
    assert row.version == "2016"
    assert row.route == "standard"  # no two-high routing before the 2021 方案
    assert row.review_level == "provincial"


def test_unknown_version_exits_2(make_project, payload: dict) -> None:
    make_project(payload)

    with pytest.raises(CommandError) as info:
        reassess("--version", "1999")

    assert info.value.returncode == 2
    assert not Reassessment.objects.exists()


def test_submissions_that_no_longer_validate_are_reported_and_skipped(
    make_project, payload: dict
) -> None:
    _, good = make_project(payload)
    _, bad = make_project({**payload, "region": "320599"})  # not a GB/T 2260 code

    output = reassess()

    assert list(Reassessment.objects.values_list("submission_id", flat=True)) == [good.pk]
    assert f"1 submissions no longer validate and were skipped: {bad.pk}" in output
