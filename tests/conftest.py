"""Personas shared by every test layer: alice and carol (applicants of two organizations), bob
(reviewer, province 32), erin (national window guidance) and dana (admin)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.services import DEMO_PASSWORD, personas_ensure


@pytest.fixture
def personas(db: None) -> dict[str, User]:
    return personas_ensure(password=DEMO_PASSWORD)


@pytest.fixture
def alice(personas: dict[str, User]) -> User:
    return personas["alice"]


@pytest.fixture
def carol(personas: dict[str, User]) -> User:
    return personas["carol"]


@pytest.fixture
def bob(personas: dict[str, User]) -> User:
    return personas["bob"]


@pytest.fixture
def erin(personas: dict[str, User]) -> User:
    return personas["erin"]


@pytest.fixture
def dana(personas: dict[str, User]) -> User:
    return personas["dana"]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice: User) -> Client:
    return client_for(alice)


@pytest.fixture
def carol_client(carol: User) -> Client:
    return client_for(carol)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return client_for(bob)


@pytest.fixture
def erin_client(erin: User) -> Client:
    return client_for(erin)


@pytest.fixture
def dana_client(dana: User) -> Client:
    return client_for(dana)
