"""Create the self-signed demo certificate that signs issued documents (PAdES)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from review import documents


class Command(BaseCommand):
    help = (
        "Write a self-signed signing certificate (PKCS#12) for demonstrations: to "
        "SIGNING_PKCS12_PATH, or MEDIA_ROOT/keys/demo-signing.p12 when that setting is empty. "
        "Production installs the authority's own certificate there instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", help="where to write (default: from settings)")
        parser.add_argument("--common-name", default="EnergyReview 节能审查电子签名（演示证书）")
        parser.add_argument("--days", type=int, default=3650)
        parser.add_argument("--force", action="store_true", help="replace an existing file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["path"]:
            path = Path(options["path"])
        elif settings.SIGNING_PKCS12_PATH:
            path = Path(settings.SIGNING_PKCS12_PATH)
        else:
            path = Path(settings.MEDIA_ROOT) / "keys" / documents.DEMO_CERT_NAME
        if path.exists() and not options["force"]:
            self.stdout.write(f"签名证书已存在，未改动 / exists, kept: {path}")
            return
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        documents.signing_certificate_create(
            path=path,
            password=settings.SIGNING_PKCS12_PASSWORD,
            common_name=options["common_name"],
            days=options["days"],
            overwrite=options["force"],
        )
        self.stdout.write(self.style.SUCCESS(f"已生成演示签名证书 / written: {path}"))
