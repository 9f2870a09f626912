"""The public verification page in a browser: anonymous upload of the issued and of a modified
file (screenshots in var/screenshots/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_anyone_can_verify_an_issued_pdf_in_the_browser(page, make_case, issue, tmp_path):
    opinion = issue(make_case())
    issued = Path(opinion.file.path)
    modified = tmp_path / "modified.pdf"
    modified.write_bytes(issued.read_bytes().replace(b"/Producer", b"/Producex", 1))

    page.goto(f"{page.base_url}/verify/{opinion.token}")
    assert page.locator("[data-testid=number]").inner_text().startswith(opinion.number)
    assert opinion.sha256 in page.locator("[data-testid=sha256]").inner_text()

    page.set_input_files("input[type=file]", str(issued))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=result]").get_attribute("data-match") == "yes"
    screenshot(page, "opinion-verify-match")

    page.set_input_files("input[type=file]", str(modified))
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=result]").get_attribute("data-match") == "no"
    screenshot(page, "opinion-verify-mismatch")
