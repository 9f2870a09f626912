"""The `import_*` management commands: exit 2 printing every bad row, success and idempotence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rules.models import TwoHighEntry
from tests.rules_django._helpers import state
from tests.rules_django.conftest import (
    REGION_HEADER,
    TWO_HIGH_HEADER,
    csv_bytes,
    two_high_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
def test_import_two_high_command_exits_2_printing_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "清单.csv"
    path.write_bytes(
        csv_bytes(
            [
                TWO_HIGH_HEADER,
                two_high_row(1, region="1"),
                two_high_row(2),
                two_high_row(3, disposal="?"),
            ]
        )
    )
    out = io.StringIO()
    before = state()

    with pytest.raises(CommandError) as info:
        call_command("import_two_high", str(path), stdout=out)

    assert info.value.returncode == 2
    lines = out.getvalue().splitlines()
    assert [line.split("，")[0] for line in lines] == ["第2行", "第4行"]
    assert state() == before


def test_import_commands_succeed_and_are_idempotent(tmp_path: Path, dana) -> None:
    inventory = tmp_path / "inventory.xlsx"
    inventory.write_bytes(xlsx_bytes([TWO_HIGH_HEADER, two_high_row(1), two_high_row(2)]))
    regions = tmp_path / "regions.csv"
    regions.write_bytes(
        csv_bytes([REGION_HEADER, ["32", 2026, 3, 3.5, 1.2, "是", 1.5, "red"]], bom=True)
    )
    out = io.StringIO()

    call_command("import_two_high", str(inventory), "--user", "dana", stdout=out)
    call_command("import_region_status", str(regions), stdout=out)
    before = state()
    call_command("import_two_high", str(inventory), stdout=out)
    call_command("import_region_status", str(regions), stdout=out)

    assert state() == before
    assert "新增2条" in out.getvalue()
    assert "未变化2条" in out.getvalue()
    assert TwoHighEntry.history.filter(history_user=dana).count() == 2
