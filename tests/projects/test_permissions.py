"""Who may see and change what: every applicant page and API endpoint, per persona.

alice and carol are applicants of organizations A and B; bob reviews province 32; erin gives
national window guidance; dana is the admin. Another organization's objects answer 404;
applicant pages answer 403 to the authority side; downloads follow projects.permissions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from projects import permissions, services
from projects.models import Project
from tests.review_steps import provincial_authority

from .conftest import BIG_CEMENT, MID_FACTORY, pdf_upload

pytestmark = pytest.mark.django_db

PERSONAS = ("alice", "carol", "bob", "erin", "dana")


@dataclass
class World:
    draft: Project  # alice's draft, never submitted
    submitted: Project  # alice's, case in province 32, route standard
    guidance: Project  # alice's, case in province 32, route national window guidance
    beijing: Project  # alice's, case in province 11
    carols: Project  # carol's draft


@pytest.fixture
def world(personas, make_project, make_submitted) -> World:
    alice, carol = personas["alice"], personas["carol"]
    draft = make_project(alice, {**MID_FACTORY, "name": "草稿"})
    services.attachment_add(project=draft, by=alice, upload=pdf_upload())
    submitted = make_submitted(alice, MID_FACTORY)
    services.project_update(
        project=Project.objects.get(pk=draft.pk),
        by=alice,
        data={
            "substitution_sources": [
                {"description": "关停锅炉", "saved_tce": 1, "evidence": pdf_upload()}
            ]
        },
    )
    guidance = make_submitted(alice, BIG_CEMENT)
    source = guidance.substitution_sources.get()
    services.project_mark_for_correction(project=guidance, items=["补充证明"])
    services.project_update(
        project=Project.objects.get(pk=guidance.pk),
        by=alice,
        data={
            "substitution_sources": [
                {
                    "id": source.pk,
                    "description": "关停",
                    "saved_tce": 40000,
                    "evidence": pdf_upload(),
                }
            ]
        },
    )
    provincial_authority("11", "北京市发展和改革委员会", "京发改能审")  # routing needs one
    beijing = make_submitted(alice, {**MID_FACTORY, "name": "北京项目", "region": "110105"})
    carols = make_project(carol, {**MID_FACTORY, "name": "卡罗的项目"})
    for project in (draft, submitted, guidance, beijing):
        project.refresh_from_db()
    return World(draft, submitted, guidance, beijing, carols)


def _client(personas, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(personas[who])
    return client


# --------------------------------------------------------------------------------------------
# The rule itself
# --------------------------------------------------------------------------------------------
VIEW_MATRIX = {
    # project: alice, carol, bob, erin, dana
    "draft": (True, False, False, False, True),
    "submitted": (True, False, True, False, True),
    "guidance": (True, False, True, True, True),
    "beijing": (True, False, False, False, True),
    "carols": (False, True, False, False, True),
}


@pytest.mark.parametrize("which", list(VIEW_MATRIX))
def test_can_view_project_per_persona(personas, world, which):
    project = getattr(world, which)
    seen = tuple(permissions.can_view_project(personas[p], project) for p in PERSONAS)
    assert seen == VIEW_MATRIX[which]
    scoped = tuple(
        Project.objects.filter(permissions.project_scope(personas[p]), pk=project.pk).exists()
        for p in PERSONAS
    )
    assert scoped == seen
    assert not permissions.can_view_project(AnonymousUser(), project)


def test_only_the_organization_edits_and_only_while_editable(personas, world):
    alice = personas["alice"]
    assert permissions.can_edit_project(alice, world.draft)
    assert not permissions.can_edit_project(alice, world.submitted)
    assert permissions.can_edit_project(alice, world.guidance)  # correction round
    for other in ("carol", "bob", "erin", "dana"):
        assert not permissions.can_edit_project(personas[other], world.draft)


def test_staff_download_only_files_handed_in(personas, world):
    bob, dana = personas["bob"], personas["dana"]
    handed_in = world.submitted.attachments.get()
    unsent = world.draft.attachments.get()
    assert permissions.can_download_attachment(bob, handed_in)
    assert permissions.can_download_attachment(dana, handed_in)
    assert not permissions.can_download_attachment(dana, unsent)
    assert permissions.can_download_attachment(personas["alice"], unsent)
    assert not permissions.can_download_attachment(personas["carol"], handed_in)


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------
def _pages(world: World) -> list[tuple[str, str, str, dict]]:
    d, s = world.draft, world.submitted
    a = d.attachments.get()
    return [
        ("GET", "dashboard", reverse("projects:dashboard"), {}),
        ("GET", "create", reverse("projects:create"), {}),
        ("GET", "organization", reverse("projects:organization"), {}),
        ("POST", "assess_new", reverse("projects:assess_live_new"), {"step": "1"}),
        ("GET", "detail", reverse("projects:detail", args=[d.pk]), {}),
        ("GET", "edit1", reverse("projects:edit", args=[d.pk, 1]), {}),
        ("GET", "edit5", reverse("projects:edit", args=[d.pk, 5]), {}),
        ("POST", "assess", reverse("projects:assess_live", args=[d.pk]), {"step": "5"}),
        ("GET", "submission", reverse("projects:submission", args=[s.pk, 1]), {}),
        ("GET", "submitted", reverse("projects:submitted", args=[s.pk]), {}),
        ("POST", "upload", reverse("projects:attachment_upload", args=[d.pk]), {"kind": "other"}),
        ("POST", "att_delete", reverse("projects:attachment_delete", args=[d.pk, a.pk]), {}),
        ("POST", "submit", reverse("projects:submit", args=[d.pk]), {}),
        ("POST", "delete", reverse("projects:delete", args=[d.pk]), {}),
    ]


PAGE_NAMES = [
    "dashboard",
    "create",
    "organization",
    "assess_new",
    "detail",
    "edit1",
    "edit5",
    "assess",
    "submission",
    "submitted",
    "upload",
    "att_delete",
    "submit",
    "delete",
]
OWN_PAGE_STATUS = {"upload": 400, "submit": 400, "att_delete": 302, "delete": 302}
OBJECT_PAGES = set(PAGE_NAMES) - {"dashboard", "create", "organization", "assess_new"}


def _expected_page_status(page: str, who: str) -> int:
    if page == "submission" and who in ("bob", "erin", "dana"):
        # A frozen submission opens to the authority side that may read the project (the
        # correction round is compared on it): bob's province, the admin; not erin's guidance.
        return {"bob": 200, "dana": 200, "erin": 404}[who]
    if who in ("bob", "erin", "dana"):
        return 403
    if who == "carol":
        return 404 if page in OBJECT_PAGES else (400 if page == "assess_new" else 200)
    return OWN_PAGE_STATUS.get(page, 400 if page == "assess_new" else 200)


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_applicant_pages_per_persona(personas, world, page):
    method, _name, url, data = next(p for p in _pages(world) if p[1] == page)
    # alice last: her POSTs change the draft the others must not touch
    for who in ("anonymous", "carol", "bob", "erin", "dana", "alice"):
        client = _client(personas, who)
        response = client.post(url, data) if method == "POST" else client.get(url)
        if who == "anonymous":
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))
            continue
        assert response.status_code == _expected_page_status(page, who), who
        if who != "alice":
            assert Project.objects.filter(pk=world.draft.pk).exists()
            assert world.draft.attachments.count() == 1


def test_carol_sees_none_of_alices_projects_on_her_dashboard(personas, world):
    response = _client(personas, "carol").get(reverse("projects:dashboard"))
    assert [p.name for p in response.context["page"]] == ["卡罗的项目"]


DOWNLOAD_MATRIX = {
    # (project, file): alice, carol, bob, erin, dana
    ("draft", "attachment"): (200, 404, 404, 404, 404),
    ("submitted", "attachment"): (200, 404, 200, 404, 200),
    ("guidance", "attachment"): (200, 404, 200, 200, 200),
    ("beijing", "attachment"): (200, 404, 404, 404, 200),
    ("guidance", "evidence"): (200, 404, 200, 200, 200),
    ("draft", "evidence"): (200, 404, 404, 404, 404),
}


@pytest.mark.parametrize(("which", "kind"), list(DOWNLOAD_MATRIX))
@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_downloads_per_persona(personas, world, which, kind, api):
    project = getattr(world, which)
    if kind == "attachment":
        obj = project.attachments.order_by("pk").first()
        name = "api-project-attachment" if api else "projects:attachment_download"
    else:
        obj = project.substitution_sources.get()
        name = "api-project-evidence" if api else "projects:evidence_download"
    url = reverse(name, args=[project.pk, obj.pk])
    got = tuple(_client(personas, who).get(url).status_code for who in PERSONAS)
    assert got == DOWNLOAD_MATRIX[(which, kind)]
    assert Client().get(url).status_code in (302, 401, 403)


def test_a_file_of_one_project_is_not_served_under_another(personas, world):
    other = world.submitted.attachments.get()
    url = reverse("projects:attachment_download", args=[world.draft.pk, other.pk])
    assert _client(personas, "alice").get(url).status_code == 404


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
API_LIST = {
    "alice": {"草稿", MID_FACTORY["name"], BIG_CEMENT["name"], "北京项目"},
    "carol": {"卡罗的项目"},
    "bob": {MID_FACTORY["name"], BIG_CEMENT["name"]},
    "erin": {BIG_CEMENT["name"]},
    "dana": {"草稿", MID_FACTORY["name"], BIG_CEMENT["name"], "北京项目", "卡罗的项目"},
}


@pytest.mark.parametrize("who", PERSONAS)
def test_api_list_is_scoped_per_persona(personas, world, who):
    response = _client(personas, who).get(reverse("api-project-list"))
    assert response.status_code == 200
    assert {p["name"] for p in response.json()["results"]} == API_LIST[who]


def _api_endpoints(world: World) -> list[tuple[str, str, str, dict | None]]:
    d = world.draft
    a = d.attachments.get()
    line = d.energy_lines.first()
    return [
        ("GET", "detail", reverse("api-project-detail", args=[d.pk]), None),
        ("PATCH", "update", reverse("api-project-detail", args=[d.pk]), {"name": "改"}),
        ("GET", "status", reverse("api-project-status", args=[d.pk]), None),
        ("GET", "assessment", reverse("api-project-assessment", args=[d.pk]), None),
        ("GET", "attachments", reverse("api-project-attachments", args=[d.pk]), None),
        (
            "POST",
            "add_line",
            reverse("api-project-lines", args=[d.pk, "energy"]),
            {"type": "diesel", "quantity": 1, "unit": "t"},
        ),
        ("DELETE", "del_line", reverse("api-project-line", args=[d.pk, "energy", line.pk]), None),
        ("DELETE", "del_attachment", reverse("api-project-attachment", args=[d.pk, a.pk]), None),
        ("POST", "submit", reverse("api-project-submit", args=[d.pk]), {"pledge": True}),
        ("DELETE", "delete", reverse("api-project-detail", args=[d.pk]), None),
    ]


API_NAMES = [
    "detail",
    "update",
    "status",
    "assessment",
    "attachments",
    "add_line",
    "del_line",
    "del_attachment",
    "submit",
    "delete",
]
API_OWN = {"add_line": 201, "del_line": 204, "del_attachment": 204, "submit": 201, "delete": 204}
API_WRITES = {"update", "add_line", "del_line", "del_attachment", "submit", "delete"}


def _expected_api_status(endpoint: str, who: str) -> tuple[int, ...]:
    if who == "anonymous":
        return (401, 403)
    if who in ("carol", "bob", "erin"):
        return (404,)  # nobody but alice's organization and the admin sees the draft
    if who == "dana":
        return (403,) if endpoint in API_WRITES else (200,)
    return (API_OWN.get(endpoint, 200),)


@pytest.mark.parametrize("endpoint", API_NAMES)
def test_api_endpoints_per_persona_on_alices_draft(personas, world, endpoint):
    method, _name, url, body = next(e for e in _api_endpoints(world) if e[1] == endpoint)
    for who in ("anonymous", "carol", "bob", "erin", "dana", "alice"):
        response = _client(personas, who).generic(
            method,
            url,
            data=None if body is None else json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code in _expected_api_status(endpoint, who), who
        if who != "alice":
            draft = Project.objects.get(pk=world.draft.pk)
            assert draft.name == "草稿"
            assert draft.energy_lines.count() == 2
            assert not draft.submissions.exists()


@pytest.mark.parametrize("who", ["bob", "dana"])
def test_api_writes_on_a_visible_project_are_forbidden_to_the_authority(personas, world, who):
    url = reverse("api-project-detail", args=[world.submitted.pk])
    client = _client(personas, who)
    assert client.get(url).status_code == 200
    assert client.patch(url, {"name": "x"}, content_type="application/json").status_code == 403
    assert (
        client.post(
            reverse("api-project-list"), {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.get(reverse("api-organization")).status_code == 403


def test_api_token_authentication_scopes_like_the_session(personas, world):
    token = Token.objects.create(user=personas["carol"])
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(reverse("api-project-detail", args=[world.draft.pk])).status_code == 404
    listed = client.get(reverse("api-project-list")).json()["results"]
    assert [p["name"] for p in listed] == ["卡罗的项目"]
    bad = Client(HTTP_AUTHORIZATION="Token not-a-token")
    assert bad.get(reverse("api-project-list")).status_code == 401


def test_api_submission_and_status_of_another_organization_answer_404(personas, world):
    client = _client(personas, "carol")
    assert client.get(reverse("api-project-status", args=[world.submitted.pk])).status_code == 404
    url = reverse("api-project-submission", args=[world.submitted.pk, 1])
    assert client.get(url).status_code == 404
    assert _client(personas, "bob").get(url).status_code == 200
