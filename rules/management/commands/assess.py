"""`manage.py assess FILE|-`: the assessment contract's JSON for one project's facts.

Prints exactly the bytes `POST /api/v1/assessments/` answers for the same input. Exit 0 with
the assessment; exit 2 with `{"errors": {FIELD_PATH: [MESSAGE, ...]}}` on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from rest_framework.renderers import JSONRenderer

from rules import engine
from rules.services import assessment_as_dict, assessment_unreadable, language_of


class Command(BaseCommand):
    help = "Assess project facts (JSON file, or - for stdin) against the stored policy data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file of project facts, or - to read stdin")
        parser.add_argument(
            "--lang", default="zh", choices=["zh", "en"], help="message language (default zh)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = language_of(options["lang"])
        source = options["file"]
        try:
            text = (
                sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8-sig")
            )
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=2) from exc
        try:
            payload = json.loads(text)
        except ValueError as exc:
            self._fail(assessment_unreadable(detail=str(exc), lang=lang))
        self._require_migrated()
        try:
            result = assessment_as_dict(payload, lang=lang)
        except engine.InvalidFacts as exc:
            self._fail(exc.as_dict(lang))
        except DatabaseError as exc:
            # Never a traceback: one line naming the problem.
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"无法读取政策数据（数据库错误：{first}）。", returncode=1) from None
        self._write(result)

    def _require_migrated(self) -> None:
        """Exit 1 with one line when the database is unreachable or not fully migrated (the
        policy versions, regional status and inventory live in it)."""
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"无法连接数据库：{first}", returncode=1) from None
        if pending:
            raise CommandError(
                f"数据库尚未迁移（{len(pending)}个迁移未执行），"
                "请先运行 python manage.py migrate。",
                returncode=1,
            )

    def _write(self, data: dict[str, Any]) -> None:
        # DRF's renderer, so that the bytes equal the API's response body.
        self.stdout.write(JSONRenderer().render(data).decode("utf-8"))

    def _fail(self, errors: dict[str, Any]) -> NoReturn:
        self._write(errors)
        raise CommandError(f"输入有误（{len(errors['errors'])}处），见标准输出。", returncode=2)
