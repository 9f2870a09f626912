"""Stored assessments keep each finding in Chinese and English, so a reader who switched to
English sees the findings of a submitted case in English."""

from __future__ import annotations

from django.test import Client

from .conftest import BIG_CEMENT


def test_submission_stores_findings_in_both_languages(make_submitted, alice):
    project = make_submitted(alice, BIG_CEMENT)
    findings = project.submissions.get().assessment["findings"]
    assert findings
    for finding in findings:
        assert finding["message"] != finding["message_en"]
        assert finding["message_en"][:8].isascii()  # English text (names may stay Chinese)


def test_case_page_shows_frozen_findings_in_the_readers_language(make_submitted, alice, bob):
    project = make_submitted(alice, BIG_CEMENT)
    case = project.cases.get()
    finding = case.submission.assessment["findings"][0]
    client = Client()
    client.force_login(bob)
    chinese = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert finding["message"] in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/review/"})
    english = client.get(f"/review/cases/{case.pk}/").content.decode()
    assert finding["message_en"] in english
    assert finding["message"] not in english
