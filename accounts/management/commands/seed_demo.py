"""Load the demo data idempotently and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from accounts.services import DEMO_PASSWORD, PERSONAS, personas_ensure
from projects import demo as project_demo
from review import demo as review_demo
from rules import demo as rules_demo


class Command(BaseCommand):
    help = "Create demo users for every role, organizations, policy data and sample projects."

    def handle(self, *args: Any, **options: Any) -> None:
        personas = personas_ensure(password=DEMO_PASSWORD)
        rules_demo.seed()
        project_demo.seed(personas)
        review_demo.seed(personas)
        self.stdout.write(self.style.SUCCESS(f"演示账号 / demo logins (password: {DEMO_PASSWORD})"))
        for spec in PERSONAS:
            self.stdout.write(f"  {spec.username:<6} {spec.display_name}  {spec.role}")
        self.stdout.write("打开 / open http://127.0.0.1:8000/")
