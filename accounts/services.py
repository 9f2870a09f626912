"""Writes for users: the demo/test personas and role assignment."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from accounts import roles
from accounts.models import Profile
from projects.models import Organization


@dataclass(frozen=True)
class PersonaSpec:
    username: str
    display_name: str
    role: str
    organization: str | None = None
    jurisdiction: str = ""
    authority: str = ""  # code of the authority (authorities app) he works for
    head: bool = False  # the authority's head (分管负责人) rather than a reviewer


ORGANIZATIONS: dict[str, dict[str, str]] = {
    "A": {
        "name": "苏州东吴水泥有限公司",
        "credit_code": "91320505MA1XY2KP3R",
        "contact_name": "李爱丽",
        "contact_phone": "0512-66880001",
        "contact_email": "alice@example.cn",
        "address": "江苏省苏州市虎丘区",
    },
    "B": {
        "name": "南京长江化工股份有限公司",
        "credit_code": "91320000MA20ABC01K",
        "contact_name": "陈卡罗",
        "contact_phone": "025-88990002",
        "contact_email": "carol@example.cn",
        "address": "江苏省南京市江北新区",
    },
}

PERSONAS: tuple[PersonaSpec, ...] = (
    PersonaSpec("alice", "李爱丽", roles.APPLICANT, organization="A"),
    PersonaSpec("carol", "陈卡罗", roles.APPLICANT, organization="B"),
    PersonaSpec("bob", "王博", roles.REVIEWER, jurisdiction="32", authority="32"),
    PersonaSpec("helen", "何海伦", roles.REVIEWER, jurisdiction="32", authority="32", head=True),
    PersonaSpec("grace", "顾格蕾", roles.REVIEWER, jurisdiction="32", authority="3205"),
    PersonaSpec("erin", "赵怡然", roles.NATIONAL_REVIEWER),
    PersonaSpec("dana", "孙丹", roles.ADMIN),
)
DEMO_PASSWORD = "review-demo-2026"


def organization_ensure(*, key: str) -> Organization:
    data = ORGANIZATIONS[key]
    org, _ = Organization.objects.update_or_create(
        credit_code=data["credit_code"], defaults={k: v for k, v in data.items()}
    )
    return org


def user_ensure(*, spec: PersonaSpec, password: str = DEMO_PASSWORD) -> User:
    """Create or update one persona with its group and profile (idempotent)."""
    user, created = User.objects.get_or_create(
        username=spec.username, defaults={"email": f"{spec.username}@example.cn"}
    )
    if created or not user.has_usable_password():
        user.set_password(password)
    user.is_staff = spec.role == roles.ADMIN
    user.save()
    group = Group.objects.get_or_create(name=spec.role)[0]
    if spec.role == roles.ADMIN:
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=("rules", "projects", "review", "accounts", "auth")
            )
        )
    user.groups.set([group])
    org = organization_ensure(key=spec.organization) if spec.organization else None
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "organization": org,
            "jurisdiction": spec.jurisdiction,
            "display_name": spec.display_name,
        },
    )
    return user


@transaction.atomic
def personas_ensure(*, password: str = DEMO_PASSWORD) -> dict[str, User]:
    """The named personas every test and the demo data use: alice, carol (applicants), bob
    (reviewer of 江苏省发展和改革委员会), helen (its head), grace (reviewer of
    苏州市发展和改革委员会), erin (national window guidance), dana (admin). The Jiangsu
    authorities are ensured with their members."""
    from authorities.services import demo_authorities_ensure

    users = {spec.username: user_ensure(spec=spec, password=password) for spec in PERSONAS}
    reviewers: dict[str, list[User]] = {}
    heads: dict[str, list[User]] = {}
    for spec in PERSONAS:
        if spec.authority:
            (heads if spec.head else reviewers).setdefault(spec.authority, []).append(
                users[spec.username]
            )
    demo_authorities_ensure(reviewers=reviewers, heads=heads)
    return users
