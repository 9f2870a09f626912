"""The foundation's promises: production refuses a weak key and passes check --deploy; the
Makefile's Python finder picks a Python >= 3.12 or explains why it cannot."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # The browser fixture's async-safety switch must not leak into the deploy check.
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = _manage(
        "check", env={"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": ""}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "review.example.cn",
            "SIGNING_PKCS12_PATH": "/etc/energyreview/authority.p12",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_sign_with_a_demo_certificate():
    result = _manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "SIGNING_PKCS12_PATH": "",
        },
    )
    assert result.returncode != 0
    assert "SIGNING_PKCS12_PATH" in result.stderr


def test_database_connections_are_persistent_and_language_is_chinese_first():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in [(code, str(label)) for code, label in settings.LANGUAGES]


def test_python_finder_returns_a_python_of_at_least_3_12():
    result = subprocess.run(
        ["bash", "scripts/find_python.sh"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2] >= (3, 12))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == "True"


def test_python_finder_fails_clearly_when_no_python_3_12_exists(tmp_path):
    # A PATH with only a Python 3.11 stand-in and no pyenv.
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        ["/bin/bash", "scripts/find_python.sh"],
        cwd=ROOT,
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "needs Python >= 3.12" in result.stderr
