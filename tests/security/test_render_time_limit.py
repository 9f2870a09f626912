"""Rendering is bounded: the opinion render task has a soft and a hard time limit, both below the
broker's visibility timeout (so a message is never redelivered while its render still runs), and
running out of time is a failure, not a retry loop."""

from __future__ import annotations

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from review.tasks import TRANSIENT_RENDER_ERRORS, opinion_render_task


def test_the_render_task_has_soft_and_hard_time_limits():
    soft = opinion_render_task.soft_time_limit
    hard = opinion_render_task.time_limit
    assert soft is not None
    assert hard is not None
    assert 0 < soft < hard
    assert hard < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_running_out_of_time_is_not_retried():
    assert not issubclass(SoftTimeLimitExceeded, TRANSIENT_RENDER_ERRORS)
