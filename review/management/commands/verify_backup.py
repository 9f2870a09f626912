"""After a restore: every issued opinion's stored file exists and has the SHA-256 on record."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from review.models import Opinion


class Command(BaseCommand):
    help = "Check every ready opinion's file against its recorded SHA-256 and size."

    def handle(self, *args: Any, **options: Any) -> None:
        checked = 0
        problems: list[str] = []
        for opinion in Opinion.objects.filter(state=Opinion.State.READY).order_by("pk").iterator():
            checked += 1
            if not opinion.file or not default_storage.exists(opinion.file.name):
                problems.append(f"{opinion.pk} {opinion.number}: 文件缺失 {opinion.file.name}")
                continue
            digest = hashlib.sha256()
            with default_storage.open(opinion.file.name, "rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
            if digest.hexdigest() != opinion.sha256:
                problems.append(f"{opinion.pk} {opinion.number}: SHA-256 不符")
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} 份文书与记录不符（共 {checked} 份）。")
        self.stdout.write(self.style.SUCCESS(f"{checked} 份已签发文书的文件与 SHA-256 一致。"))
