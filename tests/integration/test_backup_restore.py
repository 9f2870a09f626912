"""Backups: scripts/backup.sh dumps the database and the media store; scripts/restore.sh puts
them into a fresh database and directory; every issued opinion's file there has its SHA-256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.conf import settings

from review.documents import opinion_render
from review.models import Opinion
from tests.opinions.conftest import (  # noqa: F401 - fixtures
    helen,
    make_case,
    reuse_rendered_pdf,
    sign_pending,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _url(db: dict, name: str) -> str:
    return f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        args, cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def fresh_database(test_database: dict):
    name = f"er_restore_{uuid.uuid4().hex[:8]}"
    admin = _url(test_database, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield _url(test_database, name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_every_opinion_intact(
    test_database,
    fresh_database,
    tmp_path,
    make_case,  # noqa: F811
    sign_pending,  # noqa: F811
    reuse_rendered_pdf,  # noqa: F811
    policy_versions_loaded,
):
    with mock.patch("review.documents._queue_render"):
        issued = [sign_pending(make_case(kind)) for kind in ("approval", "rejection")]
    for opinion in issued:
        opinion_render(opinion_id=opinion.pk)
    ready = list(Opinion.objects.filter(state=Opinion.State.READY).values_list("pk", "sha256"))
    assert len(ready) == 2

    backup = tmp_path / "backup"
    source = {"DATABASE_URL": _url(test_database, test_database["NAME"])}
    result = _run(
        ["bash", "scripts/backup.sh", str(backup)],
        source | {"MEDIA_ROOT": str(settings.MEDIA_ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert {p.name for p in backup.iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS"}

    media = tmp_path / "restored-media"
    target = {"DATABASE_URL": fresh_database, "MEDIA_ROOT": str(media)}
    result = _run(["bash", "scripts/restore.sh", str(backup)], target)
    assert result.returncode == 0, result.stderr

    with psycopg.connect(fresh_database) as conn:
        rows = conn.execute(
            "SELECT id, file, sha256 FROM review_opinion WHERE state = 'ready' ORDER BY id"
        ).fetchall()
    assert [(pk, sha) for pk, _file, sha in rows] == sorted(ready)
    for _pk, name, sha in rows:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha

    manage = [sys.executable, "manage.py"]
    env = target | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    check = _run([*manage, "verify_backup"], env)
    assert check.returncode == 0, check.stderr
    assert "2 份已签发文书" in check.stdout
    chain = _run([*manage, "verify_audit_chain"], env)
    assert chain.returncode == 0, chain.stderr

    # The check can fail: a damaged file is reported.
    (media / rows[0][1]).write_bytes(b"%PDF-1.7 damaged")
    damaged = _run([*manage, "verify_backup"], env)
    assert damaged.returncode != 0
    assert "SHA-256 不符" in damaged.stderr

    # A second restore into the same (now non-empty) database is refused.
    again = _run(
        ["bash", "scripts/restore.sh", str(backup)], target | {"MEDIA_ROOT": str(tmp_path / "m2")}
    )
    assert again.returncode != 0
