"""Load the demo data idempotently and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import DEMO_PASSWORD, PERSONAS, personas_ensure
from projects import demo as project_demo
from review import demo as review_demo
from rules import demo as rules_demo


class Command(BaseCommand):
    help = "Create demo users for every role, organizations, policy data and sample projects."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="load the demo data although DEBUG is off (never under production settings)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo accounts share a published password (an admin among them): never in production.
        if "production" in (settings.SETTINGS_MODULE or ""):
            raise CommandError("seed_demo 拒绝在生产配置下运行：演示账号使用公开的密码。")
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "seed_demo 仅用于开发环境（DEBUG=true）；确需加载请加 --allow-without-debug。"
            )
        personas = personas_ensure(password=DEMO_PASSWORD)
        rules_demo.seed()
        project_demo.seed(personas)
        review_demo.seed(personas)
        self.stdout.write(self.style.SUCCESS(f"演示账号 / demo logins (password: {DEMO_PASSWORD})"))
        for spec in PERSONAS:
            self.stdout.write(f"  {spec.username:<6} {spec.display_name}  {spec.role}")
        self.stdout.write("打开 / open http://127.0.0.1:8000/")
