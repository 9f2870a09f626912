"""A document's state is visible to the reviewer on the case page: pending, ready, or failed
with its error; admins get the re-render action."""

from __future__ import annotations

from django.db import transaction
from django.test import Client

from review.models import Opinion


def test_failed_document_shows_its_error_to_the_reviewer(make_case, sign_pending, bob):
    case = make_case()
    with transaction.atomic():
        opinion = sign_pending(case)
    Opinion.objects.filter(pk=opinion.pk).update(
        state=Opinion.State.FAILED, error="OSError: disk full", attempts=3
    )
    client = Client()
    client.force_login(bob)
    html = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert 'data-opinion-state="failed"' in html
    assert "OSError: disk full" in html
    assert "已尝试3次" in html
    assert "重新生成" not in html  # the retry action is the admins'


def test_admin_sees_the_rerender_action_on_a_ready_document(make_case, issue, dana):
    case = make_case()
    issue(case)
    client = Client()
    client.force_login(dana)
    html = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert 'data-opinion-state="ready"' in html
    assert "重新生成" in html
