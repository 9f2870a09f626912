"""Shared by the drafting tests: client_for(), a test client logged in as the given user."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
