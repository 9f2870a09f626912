"""Load the demo data idempotently and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.services import DEMO_PASSWORD, PERSONAS, personas_ensure


class Command(BaseCommand):
    help = "Create demo users for every role, organizations, policy data and sample projects."

    def handle(self, *args: Any, **options: Any) -> None:
        personas_ensure(password=DEMO_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(f"演示账号 / demo logins (password: {DEMO_PASSWORD})")
        )
        for spec in PERSONAS:
            self.stdout.write(f"  {spec.username:<6} {spec.display_name}  {spec.role}")
