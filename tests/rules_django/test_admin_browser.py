"""Browser: an admin imports an inventory spreadsheet with errors, corrects it, and edits an
entry's disposal with a reason (Playwright + Debian chromium)."""

from __future__ import annotations

import pytest

from rules import demo
from rules.models import TwoHighEntry
from tests.browser import login, screenshot
from tests.rules_django.conftest import TWO_HIGH_HEADER, two_high_row, xlsx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_import_with_errors_then_corrected(page, personas, tmp_path) -> None:  # noqa: F811
    demo.seed()
    bad = tmp_path / "清单.xlsx"
    bad.write_bytes(
        xlsx_bytes(
            [
                TWO_HIGH_HEADER,
                two_high_row(1),
                two_high_row(2, region="999999"),
                two_high_row(3, disposal="暂缓"),
            ]
        )
    )
    good = tmp_path / "清单-更正.xlsx"
    good.write_bytes(
        xlsx_bytes([TWO_HIGH_HEADER, two_high_row(1), two_high_row(2), two_high_row(3)])
    )
    login(page, "dana")

    page.goto(f"{page.base_url}/admin/rules/twohighentry/")
    screenshot(page, "admin-inventory-list")
    page.click("text=导入")
    page.set_input_files("input[type=file]", str(bad))
    page.fill("input[name=reason]", "2026年第2批")
    page.click("input[name=_import]")
    page.locator("#import-errors").wait_for()

    errors = page.locator("#import-errors li").all_inner_texts()
    assert [e.split("，")[0] for e in errors] == ["第3行", "第4行"]
    assert TwoHighEntry.objects.count() == 8
    screenshot(page, "admin-inventory-import-errors")

    page.set_input_files("input[type=file]", str(good))
    page.click("input[name=_import]")
    page.locator(".messagelist").wait_for()

    assert "新增3条" in page.locator(".messagelist").inner_text()
    assert TwoHighEntry.objects.count() == 11


def test_admin_changes_a_disposal_with_a_reason(page, personas) -> None:  # noqa: F811
    demo.seed()
    entry = TwoHighEntry.objects.get(project_code="2611-320500-04-01-381276")
    login(page, "dana")

    page.goto(f"{page.base_url}/admin/rules/twohighentry/{entry.pk}/change/")
    page.select_option("select[name=disposal]", "stop")
    page.click("input[name=_save]")
    page.locator(".field-change_reason .errorlist").wait_for()
    entry.refresh_from_db()
    assert entry.disposal == "rectify"
    page.fill("textarea[name=change_reason]", "省政府决定停建")
    screenshot(page, "admin-inventory-change")
    page.click("input[name=_save]")
    page.locator(".messagelist").wait_for()

    entry.refresh_from_db()
    assert entry.disposal == "stop"
    page.goto(f"{page.base_url}/admin/rules/twohighentry/{entry.pk}/history/")
    assert "省政府决定停建" in page.content()
    screenshot(page, "admin-inventory-history")
