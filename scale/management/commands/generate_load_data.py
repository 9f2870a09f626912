"""``manage.py generate_load_data --projects N``: load data at scale for benchmarks (issue 14)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scale import loadgen


class Command(BaseCommand):
    help = (
        "Add N projects with submissions, review cases, events and notices spread over every "
        "province and state (COPY on PostgreSQL). For benchmark and load-test databases only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=1000, help="projects to add")
        parser.add_argument("--seed", type=int, default=loadgen.SEED, help="random seed")
        parser.add_argument(
            "--variants", type=int, default=20, help="assessed fact variants per province"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["projects"] < 1:
            self.stderr.write("--projects must be at least 1")
            return
        started = time.perf_counter()
        report = loadgen.generate(
            projects=options["projects"],
            seed=options["seed"],
            variants_per_province=options["variants"],
            log=lambda line: self.stdout.write(f"  {line}"),
        )
        jiangsu = report.by_province.get("32", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.projects} projects, {report.submissions} submissions, {report.cases} "
                f"cases ({jiangsu} in 32), {report.events} events, {report.notices} notices "
                f"in {time.perf_counter() - started:.1f} s"
            )
        )
