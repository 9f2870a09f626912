"""The stored context the engine sees through `assessment_run`: regional status (submission year,
else the latest earlier one) and the two-high inventory."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rules import demo
from rules.models import RegionStatus, TwoHighEntry
from rules.services import assessment_as_dict, assessment_run, assessment_run_many

pytestmark = pytest.mark.django_db


def status(province: str, year: int, *, behind: bool, ratio: float = 1.0) -> RegionStatus:
    return RegionStatus.objects.create(
        province=province,
        year=year,
        behind_basic_target=behind,
        substitution_ratio=ratio,
        warning_level="red" if behind else "green",
    )


def entry(code: str, *, disposal: str = "continue", **over: Any) -> TwoHighEntry:
    values = {
        "project_code": code,
        "project_name": "清单项目",
        "region": "320505",
        "province": "32",
        "industry": "3011",
        "status": "in_construction",
        "annual_tce": 90000.0,
        "disposal": disposal,
    }
    values.update(over)
    return TwoHighEntry.objects.create(**values)


def codes(result: dict) -> list[str]:
    return [f["code"] for f in result["findings"]]


@pytest.mark.parametrize(
    ("stored", "submitted_on", "expected_year"),
    [
        ([2025, 2026], "2026-11-20", 2026),
        ([2024, 2025], "2026-11-20", 2025),
        ([2023, 2025, 2027], "2026-03-01", 2025),
        ([2027], "2026-03-01", None),
        ([], "2026-03-01", None),
    ],
    ids=["same-year", "latest-earlier", "ignores-later", "only-later", "none"],
)
def test_region_status_of_the_submission_year_else_latest_earlier(
    payload: dict, stored: list[int], submitted_on: str, expected_year: int | None
) -> None:
    for year in stored:
        status("32", year, behind=True, ratio=1.0 + (year - 2020) / 10)
    status("33", 2026, behind=True, ratio=2.0)  # another province never applies
    payload["submitted_on"] = submitted_on

    result = assessment_as_dict(payload)

    if expected_year is None:
        assert result["region_status"] is None
        assert "REGION_BEHIND_TARGET" not in codes(result)
        assert result["substitution"]["required"] is False
    else:
        assert result["region_status"]["year"] == expected_year
        assert result["substitution"]["ratio"] == pytest.approx(1.0 + (expected_year - 2020) / 10)
        assert "REGION_BEHIND_TARGET" in codes(result)


def test_behind_target_province_requires_substitution_at_its_ratio(payload: dict) -> None:
    status("32", 2026, behind=True, ratio=1.5)

    result = assessment_as_dict(payload)

    sub = result["substitution"]
    assert sub["required"] is True
    assert sub["required_tce"] == pytest.approx(120277.66 * 1.5, abs=0.01)
    assert sub["shortfall_tce"] == pytest.approx(120277.66 * 1.5 - 40000, abs=0.01)
    assert "SUBSTITUTION_SHORTFALL" in codes(result)


def test_province_on_target_requires_no_substitution(payload: dict) -> None:
    status("32", 2026, behind=False)

    result = assessment_as_dict(payload)

    assert result["substitution"]["required"] is False
    assert "REGION_BEHIND_TARGET" not in codes(result)


def test_inventory_adds_to_the_catalogue_basis(payload: dict) -> None:
    entry(payload["project_code"], disposal="rectify")

    result = assessment_as_dict(payload)

    assert result["two_high"]["basis"] == ["catalogue", "inventory"]
    assert result["two_high"]["inventory"] == {
        "status": "in_construction",
        "disposal": "rectify",
        "annual_tce": 90000.0,
    }
    assert "TWO_HIGH_INVENTORY" in codes(result)
    assert "INVENTORY_DISPOSAL_STOP" not in codes(result)


def test_inventory_alone_makes_a_project_two_high(payload: dict) -> None:
    payload["industry"] = "3311"  # not in the two-high catalogue
    payload["products"] = []
    entry(payload["project_code"], industry="3311")

    result = assessment_as_dict(payload)

    assert result["two_high"]["is_two_high"] is True
    assert result["two_high"]["basis"] == ["inventory"]
    assert result["route"] == "national_window_guidance"


def test_project_not_in_inventory_is_not_two_high_by_inventory(payload: dict) -> None:
    payload["industry"] = "3311"
    payload["products"] = []
    entry("2611-320500-04-01-000000", industry="3311")

    result = assessment_as_dict(payload)

    assert result["two_high"]["is_two_high"] is False
    assert result["two_high"]["inventory"] is None


def test_stop_disposal_rejects(payload: dict) -> None:
    entry(payload["project_code"], disposal="stop")

    result = assessment_as_dict(payload)

    stop = [f for f in result["findings"] if f["code"] == "INVENTORY_DISPOSAL_STOP"]
    assert len(stop) == 1
    assert (
        stop[0]["basis"] == "《完善能源消费强度和总量双控制度方案》（发改环资〔2021〕1310号）（七）"
    )
    assert result["recommendation"] == "reject"


def test_demo_data_applies_to_the_contract_example(payload: dict) -> None:
    demo.seed()

    _, assessment = assessment_run(payload, today=date(2026, 11, 29))
    result = assessment.as_dict()

    assert result["two_high"]["basis"] == ["catalogue", "inventory"]
    assert result["two_high"]["inventory"]["disposal"] == "rectify"
    assert result["substitution"]["ratio"] == 1.5
    assert result["recommendation"] == "defer"


def test_demo_seed_is_idempotent() -> None:
    demo.seed()
    counts = (
        TwoHighEntry.objects.count(),
        RegionStatus.objects.count(),
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
    )

    demo.seed()

    assert counts == (
        TwoHighEntry.objects.count(),
        RegionStatus.objects.count(),
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
    )
    assert counts[:2] == (8, 62)
    assert RegionStatus.objects.filter(year=2026, province="32").get().substitution_ratio == 1.5
    assert set(RegionStatus.objects.values_list("warning_level", flat=True)) == {
        "green",
        "yellow",
        "red",
    }


def test_batch_assessment_gives_the_same_answers_as_one_by_one(payload: dict) -> None:
    demo.seed()
    variants = []
    for code, region, day in [
        ("2611-320500-04-01-381276", "320505", "2026-11-20"),
        ("2110-330523-04-01-203377", "330523", "2025-05-01"),
        ("", "370883", "2024-01-10"),
        ("2012-370883-04-01-774120", "370883", "2022-02-02"),
    ]:
        variants.append({**payload, "project_code": code, "region": region, "submitted_on": day})
    variants.append({**payload, "region": "000000"})

    batch = assessment_run_many(variants, today=date(2026, 11, 29))

    for one, result in zip(variants[:-1], batch[:-1], strict=True):
        _, single = assessment_run(one, today=date(2026, 11, 29))
        assert result.as_dict() == single.as_dict()
    assert "region" in batch[-1].errors
