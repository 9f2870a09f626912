"""Shared body of the `import_*` commands: all rows or none, every bad row printed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rules.imports import ImportRejected, TableSpec, table_import


class ImportCommand(BaseCommand):
    spec: TableSpec

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8, with or without BOM) or XLSX file")
        parser.add_argument("--user", help="username recorded in the change history")
        parser.add_argument("--reason", default="", help="change reason recorded in the history")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=2) from exc
        by = None
        if options.get("user"):
            try:
                by = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户不存在：{options['user']}", returncode=2) from None
        started = time.perf_counter()
        try:
            result = table_import(
                self.spec, data, filename=path.name, by=by, reason=options["reason"]
            )
        except ImportRejected as exc:
            for line in exc.lines():
                self.stdout.write(line)
            raise CommandError(
                f"{path.name}：{len(exc.rows)}行有误，未导入任何数据。", returncode=2
            ) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{self.spec.title}：{result.summary()}（用时{elapsed:.2f}秒）")
