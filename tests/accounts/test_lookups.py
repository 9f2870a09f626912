"""A request's user lookups (groups, authority memberships, profile, unread notices) are one
query, and say what the separate reads they replaced said (issue 14)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from accounts.context_processors import roles as roles_context
from accounts.lookups import user_lookups
from accounts.models import Profile
from authorities import selectors as authority_selectors
from authorities.models import Authority, AuthorityLevel
from review.models import Notice

pytestmark = pytest.mark.django_db


def _separate_reads(user: User) -> dict[str, object]:
    active = Authority.objects.filter(is_active=True)
    reviewer = set(active.filter(reviewers=user).values_list("pk", flat=True))
    head = set(active.filter(heads=user).values_list("pk", flat=True))
    provinces = set(
        active.filter(pk__in=reviewer | head, level=AuthorityLevel.PROVINCIAL).values_list(
            "province", flat=True
        )
    )
    return {
        "groups": set(user.groups.values_list("name", flat=True)),
        "reviewer_of": reviewer,
        "head_of": head,
        "provincial_provinces": provinces,
        "unread_notices": Notice.objects.filter(user=user, read_at__isnull=True).count(),
    }


@pytest.mark.parametrize("username", ["alice", "bob", "helen", "grace", "erin", "dana"])
def test_one_query_says_what_the_separate_reads_say(personas, username, django_assert_num_queries):
    stored = personas[username]
    Notice.objects.create(user=stored, message="读过的")
    Notice.objects.create(user=stored, message="未读的")
    Notice.objects.filter(message="读过的").update(read_at="2026-01-01T00:00:00Z")
    user = User.objects.get(pk=stored.pk)
    with django_assert_num_queries(1):
        found = user_lookups(user)
        # everything else asked about the user in a request reads what that query read
        roles.primary_role(user)
        roles.organization_id(user)
        roles.jurisdiction(user)
        authority_selectors.member_authority_ids(user)
        authority_selectors.provincial_provinces(user)
        display_name = user.profile.display_name
    expected = _separate_reads(User.objects.get(pk=stored.pk))
    assert {key: set(v) if isinstance(v, frozenset) else v for key, v in vars(found).items()} == (
        expected
    )
    assert found.unread_notices == 1
    profile = Profile.objects.get(user=stored)
    assert (roles.organization_id(user), roles.jurisdiction(user), display_name) == (
        profile.organization_id,
        profile.jurisdiction,
        profile.display_name,
    )
    assert user.profile.pk == profile.pk
    assert user.profile.user is user
    assert user.profile.organization == profile.organization  # a real model instance


def test_inactive_authorities_count_for_nothing(bob):
    Authority.objects.filter(reviewers=bob).update(is_active=False)
    user = User.objects.get(pk=bob.pk)
    assert authority_selectors.member_authority_ids(user) == frozenset()
    assert authority_selectors.provincial_provinces(user) == frozenset()
    assert roles.is_reviewer(user)  # the group still says so


def test_a_user_without_profile_or_groups(db, django_assert_num_queries):
    user = User.objects.get(pk=User.objects.create_user("nobody").pk)
    with django_assert_num_queries(1):
        assert roles.primary_role(user) is None
        assert roles.organization_id(user) is None
        assert roles.jurisdiction(user) == ""
        assert not hasattr(user, "profile")  # as Django says when there is none
    Group.objects.get_or_create(name=roles.ADMIN)[0].user_set.add(user)
    assert roles.is_admin(User.objects.get(pk=user.pk))  # a new request reads it afresh


def test_a_profile_already_loaded_is_kept(alice, django_assert_num_queries):
    user = User.objects.select_related("profile").get(pk=alice.pk)
    profile = user.profile
    with django_assert_num_queries(1):
        assert roles.organization_id(user) == profile.organization_id
    assert user.profile is profile


def test_anonymous_users_cost_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert roles.primary_role(AnonymousUser()) is None
        assert authority_selectors.member_authority_ids(AnonymousUser()) == frozenset()


def test_a_page_reads_roles_profile_and_bell_in_one_query(bob, bob_client):
    Notice.objects.create(user=bob, message="请处理")
    with CaptureQueriesContext(connection) as ctx:
        response = bob_client.get(reverse("review:notices"))
    assert response.status_code == 200
    assert 'data-testid="bell-count">1<' in response.content.decode()
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum("auth_group" in sql for sql in sqls) == 1
    assert sum("accounts_profile" in sql for sql in sqls) == 1
    assert sum("COUNT" in sql and "review_notice" in sql for sql in sqls) == 1
    assert sum("authorities_authority_reviewers" in sql for sql in sqls) == 1
    # the next request counts afresh
    Notice.objects.create(user=bob, message="又一条")
    again = bob_client.get(reverse("review:notices")).content.decode()
    assert 'data-testid="bell-count">2<' in again


def test_after_a_post_the_bell_counts_afresh(bob):
    user = User.objects.get(pk=bob.pk)
    assert user_lookups(user).unread_notices == 0
    Notice.objects.create(user=bob, message="提交后产生的通知")
    for method, expected in (("post", 1), ("get", 0)):
        request = getattr(RequestFactory(), method)("/")
        request.user = user
        # a POST may have written notices after the lookups were read; a GET writes none
        assert roles_context(request)["unread_notices"] == expected


@pytest.mark.parametrize(("unread", "shown"), [(99, "99"), (100, "99+"), (250, "99+")])
def test_the_bell_counts_up_to_its_cap(bob, bob_client, unread, shown):
    """The bell reads at most BELL_CAP unread notices (a reviewer with thousands paid for all of
    them on every page) and shows 「99+」 from there on, on a page and after a POST alike."""
    Notice.objects.bulk_create(Notice(user=bob, message=f"通知{i}") for i in range(unread))
    html = bob_client.get(reverse("review:notices")).content.decode()
    assert f'data-testid="bell-count">{shown}<' in html
    request = RequestFactory().post("/")
    request.user = User.objects.get(pk=bob.pk)
    assert str(roles_context(request)["unread_notices"]) == shown
