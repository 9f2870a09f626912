"""Verify the hash chain of every case's audit events (review/audit.py); exit 1 on any break."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from review import audit


class Command(BaseCommand):
    help = "Recompute each case's audit-event hash chain and report every case where it breaks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("case_ids", nargs="*", type=int, help="only these cases")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = audit.verify_all(options["case_ids"] or None)
        broken = [r for r in reports if not r.ok]
        events = sum(r.events for r in reports)
        for report in broken:
            self.stderr.write(
                f"案件 {report.case_id}: 审查记录链在记录 {report.broken_at} 处断裂"
                f"（{report.reason}）"
            )
        if broken:
            raise CommandError(
                f"{len(broken)} 个案件的审查记录链不完整（共 {len(reports)} 个案件）。"
            )
        self.stdout.write(
            self.style.SUCCESS(f"审查记录链完整：{len(reports)} 个案件，{events} 条记录。")
        )
