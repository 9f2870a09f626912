"""Download permissions per persona, the admin retry action and the public verification page."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from review.documents import verify_url
from review.models import Opinion
from review.opinion_selectors import opinion_list_for_case, opinion_list_for_project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reuse_rendered_pdf")]

PERSONAS = ("alice", "carol", "bob", "erin", "dana")


def _download(client, opinion):
    return client.get(reverse("review:opinion_download", kwargs={"pk": opinion.pk}))


@pytest.mark.parametrize(
    ("scenario", "allowed"),
    [
        # local two-high route: the applicant, the province's reviewer and the admin
        ("approval", {"alice", "bob", "dana"}),
        # national window guidance: erin too
        ("deferral", {"alice", "bob", "erin", "dana"}),
    ],
)
def test_download_is_allowed_exactly_for_the_right_personas(
    make_case, issue, request, scenario, allowed
):
    opinion = issue(make_case(scenario), scenario)
    data = Path(opinion.file.path).read_bytes()
    for persona in PERSONAS:
        client = request.getfixturevalue(f"{persona}_client")
        response = _download(client, opinion)
        if persona in allowed:
            assert response.status_code == 200, persona
            assert response["Content-Type"] == "application/pdf"
            assert "attachment" in response["Content-Disposition"]
            assert "filename*=utf-8''" in response["Content-Disposition"]
            assert b"".join(response.streaming_content) == data
        else:
            assert response.status_code == 404, persona


def test_reviewer_of_another_province_gets_404(make_case, issue, helen, bob_client, dana_client):
    from authorities.models import Authority

    zhejiang = Authority.objects.create(
        code="33",
        name="浙江省发展和改革委员会",
        level="provincial",
        province="33",
        doc_prefix="浙发改能审",
    )
    zhejiang.heads.add(helen)
    opinion = issue(make_case(region="330106"))
    assert opinion.number.startswith("浙")
    assert _download(bob_client, opinion).status_code == 404
    assert _download(dana_client, opinion).status_code == 200


def test_anonymous_download_redirects_to_login(make_case, issue, client):
    opinion = issue(make_case())
    response = _download(client, opinion)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_document_not_yet_rendered_is_not_downloadable(
    make_case, sign_pending, alice_client, dana_client
):
    with transaction.atomic():  # the render task is queued on commit, which never comes here
        opinion = sign_pending(make_case())
    assert opinion.state == Opinion.State.PENDING
    assert _download(alice_client, opinion).status_code == 404
    assert _download(dana_client, opinion).status_code == 404


def test_unknown_document_is_404(dana_client):
    response = dana_client.get(reverse("review:opinion_download", kwargs={"pk": 999999}))
    assert response.status_code == 404


# --- admin retry ---------------------------------------------------------------------------
def _retry(client, opinion, **data):
    return client.post(reverse("review:opinion_retry", kwargs={"pk": opinion.pk}), data)


def test_admin_retry_creates_a_new_version_and_redirects_to_the_case(
    make_case, issue, dana_client, django_capture_on_commit_callbacks
):
    opinion = issue(make_case())
    with django_capture_on_commit_callbacks(execute=True):
        response = _retry(dana_client, opinion)
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case", kwargs={"pk": opinion.case_id})
    versions = list(Opinion.objects.filter(case=opinion.case).order_by("version"))
    assert [(o.version, o.state) for o in versions] == [(1, "ready"), (2, "ready")]


def test_retry_follows_a_safe_next_and_ignores_an_external_one(make_case, issue, dana_client):
    opinion = issue(make_case())
    assert _retry(dana_client, opinion, next="/review/")["Location"] == "/review/"
    response = _retry(dana_client, opinion, next="https://evil.example/")
    assert response["Location"] == reverse("review:case", kwargs={"pk": opinion.case_id})


@pytest.mark.parametrize(
    ("persona", "status"), [("bob", 403), ("alice", 403), ("carol", 404), ("erin", 404)]
)
def test_retry_is_admin_only(make_case, issue, request, persona, status):
    opinion = issue(make_case())
    response = _retry(request.getfixturevalue(f"{persona}_client"), opinion)
    assert response.status_code == status
    assert Opinion.objects.filter(case=opinion.case).count() == 1


def test_retry_needs_post(make_case, issue, dana_client):
    opinion = issue(make_case())
    response = dana_client.get(reverse("review:opinion_retry", kwargs={"pk": opinion.pk}))
    assert response.status_code == 405


# --- public verification ------------------------------------------------------------------
def test_qr_url_opens_the_public_page_with_the_issued_facts(
    make_case, issue, client, django_assert_max_num_queries
):
    opinion = issue(make_case())
    path = verify_url(opinion.token).removeprefix("http://127.0.0.1:8000")
    assert path == f"/verify/{opinion.token}"
    with django_assert_max_num_queries(3):
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        opinion.number,
        "苏州东吴水泥熟料生产线技改项目",
        "节能审查通过",
        f"{opinion.issued_on.year}年{opinion.issued_on.month}月{opinion.issued_on.day}日",
        opinion.sha256,
        "江苏省发展和改革委员会",
    ):
        assert text in html, text
    assert client.get(path + "/").status_code == 200


def test_verify_page_is_the_same_for_every_persona(make_case, issue, request):
    opinion = issue(make_case())
    for persona in PERSONAS:
        client = request.getfixturevalue(f"{persona}_client")
        response = client.get(f"/verify/{opinion.token}")
        assert response.status_code == 200, persona
        assert opinion.sha256 in response.content.decode()


def test_upload_of_the_issued_file_matches(make_case, issue, client):
    opinion = issue(make_case())
    data = Path(opinion.file.path).read_bytes()
    response = client.post(
        reverse("opinion_verify", kwargs={"token": opinion.token}),
        {"file": SimpleUploadedFile("意见.pdf", data, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert 'data-match="yes"' in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d + b"\n%%EOF\n",
        lambda d: d.replace(b"/Producer", b"/Producex", 1),
        lambda d: d[:-10],
    ],
    ids=["appended", "edited", "truncated"],
)
def test_upload_of_a_modified_file_does_not_match(make_case, issue, client, tamper):
    opinion = issue(make_case())
    data = tamper(Path(opinion.file.path).read_bytes())
    response = client.post(
        reverse("opinion_verify", kwargs={"token": opinion.token}),
        {"file": SimpleUploadedFile("意见.pdf", data, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert 'data-match="no"' in response.content.decode()


def test_another_documents_file_does_not_match(make_case, issue, client):
    one = issue(make_case())
    other = issue(make_case())
    response = client.post(
        reverse("opinion_verify", kwargs={"token": one.token}),
        {"file": SimpleUploadedFile("x.pdf", Path(other.file.path).read_bytes())},
    )
    assert 'data-match="no"' in response.content.decode()


def test_upload_without_a_file_is_a_form_error(make_case, issue, client):
    opinion = issue(make_case())
    response = client.post(reverse("opinion_verify", kwargs={"token": opinion.token}), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html
    assert "data-match" not in html


def test_unknown_or_unready_tokens_are_404(make_case, sign_pending, client):
    assert client.get(f"/verify/{uuid.uuid4()}").status_code == 404
    assert client.get("/verify/not-a-token").status_code == 404
    with transaction.atomic():
        pending = sign_pending(make_case())
    response = client.get(f"/verify/{pending.token}")
    assert response.status_code == 404
    assert "未找到与该核验码对应的审查文书" in response.content.decode()


def test_old_version_stays_verifiable_and_points_to_the_new_one(
    make_case, issue, dana, client, django_capture_on_commit_callbacks
):
    from review.documents import opinion_rerender

    old = issue(make_case())
    with django_capture_on_commit_callbacks(execute=True):
        opinion_rerender(opinion=old, by=dana)
    response = client.post(
        reverse("opinion_verify", kwargs={"token": old.token}),
        {"file": SimpleUploadedFile("old.pdf", Path(old.file.path).read_bytes())},
    )
    html = response.content.decode()
    assert 'data-match="yes"' in html
    assert "重新生成为第2版" in html


# --- selectors ------------------------------------------------------------------------------
def test_list_selectors_show_ready_documents_in_one_query(
    make_case, issue, sign_pending, django_assert_num_queries
):
    ready = issue(make_case())
    case = ready.case
    project = case.project
    with transaction.atomic():
        pending = sign_pending(case)
    with django_assert_num_queries(1):
        listed = list(opinion_list_for_project(project=project))
        assert [o.case.pk for o in listed] == [case.pk]
    assert listed == [ready]
    with django_assert_num_queries(1):
        everything = list(opinion_list_for_project(project=project, include_unready=True))
    assert set(everything) == {ready, pending}
    with django_assert_num_queries(1):
        assert set(opinion_list_for_case(case=case)) == {ready, pending}
