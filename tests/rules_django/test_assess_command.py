"""`manage.py assess FILE|-`: exit 0 with the assessment, exit 2 with the errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from tests.rules_django.conftest import model_counts


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run like `python manage.py …`: the real exit status, stdout and stderr.

    `run_from_argv` closes every connection when it ends, which would end the test's
    transaction on PostgreSQL; the connections are kept open here.
    """
    try:
        with mock.patch("django.core.management.base.connections.close_all"):
            execute_from_command_line(["manage.py", *argv])
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.django_db
def test_valid_file_exits_0_with_the_assessment(
    tmp_path: Path, payload: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(payload), encoding="utf-8")

    code, out, _ = run(["assess", str(path)], capsys)

    assert code == 0
    body = json.loads(out)
    assert body["route"] == "national_window_guidance"
    assert body["policy_version"] == "2023"


@pytest.mark.django_db
def test_invalid_file_exits_2_with_errors_on_stdout(
    tmp_path: Path, payload: dict, capsys: pytest.CaptureFixture[str]
) -> None:
    payload["energy"][1]["quantity"] = -1
    payload["construction_type"] = "demolition"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    before = model_counts()

    code, out, err = run(["assess", str(path)], capsys)

    assert code == 2
    assert set(json.loads(out)["errors"]) == {"energy.1.quantity", "construction_type"}
    assert "输入有误" in err
    assert model_counts() == before


@pytest.mark.django_db
def test_reads_stdin_with_dash(
    payload: dict, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(payload)))

    code, out, _ = run(["assess", "-", "--lang", "en"], capsys)

    assert code == 0
    assert json.loads(out)["findings"][0]["message"].startswith("Annual energy")


@pytest.mark.django_db
def test_malformed_stdin_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("{"))

    code, out, _ = run(["assess", "-"], capsys)

    assert code == 2
    assert list(json.loads(out)["errors"]) == ["non_field_errors"]


@pytest.mark.django_db
def test_missing_file_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        call_command("assess", str(tmp_path / "absent.json"))

    assert info.value.returncode == 2


@pytest.mark.django_db
def test_english_errors_with_lang_en(tmp_path: Path, payload: dict) -> None:
    payload["region"] = "12345"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("assess", str(path), "--lang", "en", stdout=out)

    assert json.loads(out.getvalue()) == {
        "errors": {"region": ["Must be a 6-digit administrative division code (GB/T 2260)."]}
    }
