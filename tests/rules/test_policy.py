"""Which policy version and which regional status row apply."""

from __future__ import annotations

from datetime import date

import pytest

from rules.engine import (
    RegionStatus,
    assess_payload,
    load_reference,
    policy_in_force,
    select_region_status,
)
from rules.engine.examples import example_payload

REF = load_reference()
VERSIONS = REF.policy_versions


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2017, 1, 1), "2016"),
        (date(2019, 6, 30), "2016"),
        (date(2021, 9, 10), "2016"),
        (date(2021, 9, 11), "2021"),
        (date(2022, 11, 15), "2021"),
        (date(2022, 11, 16), "2022"),
        (date(2023, 5, 31), "2022"),
        (date(2023, 6, 1), "2023"),
        (date(2030, 1, 1), "2023"),
    ],
)
def test_policy_in_force_on_effective_dates(day, version):
    assert policy_in_force(VERSIONS, day).version == version
    assert policy_in_force(list(reversed(VERSIONS)), day).version == version


def test_no_policy_before_the_first_version():
    with pytest.raises(LookupError):
        policy_in_force(VERSIONS, date(2016, 12, 31))
    with pytest.raises(LookupError):
        policy_in_force((), date(2026, 1, 1))


@pytest.mark.parametrize(
    ("submitted_on", "version"),
    [
        ("2021-09-10", "2016"),
        ("2021-09-11", "2021"),
        ("2022-11-15", "2021"),
        ("2022-11-16", "2022"),
        ("2023-05-31", "2022"),
        ("2023-06-01", "2023"),
    ],
)
def test_assessment_reports_the_version_in_force_on_submission(submitted_on, version):
    result = assess_payload(
        example_payload(submitted_on=submitted_on), reference=REF, today=date(2026, 1, 1)
    )
    assert result.policy_version == version
    assert result.as_dict()["policy_version"] == version
    assert result.as_dict()["policy"]["effective_from"] == result.policy.effective_from.isoformat()


def status(province: str, year: int, behind: bool = True) -> RegionStatus:
    return RegionStatus(province=province, year=year, behind_basic_target=behind)


STATUSES = [status("32", 2022), status("32", 2024, behind=False), status("33", 2026)]


@pytest.mark.parametrize(
    ("province", "year", "expected"),
    [
        ("32", 2024, STATUSES[1]),  # the year's own row
        ("32", 2026, STATUSES[1]),  # else the latest earlier year
        ("32", 2023, STATUSES[0]),
        ("32", 2022, STATUSES[0]),
        ("32", 2021, None),  # only later rows: none
        ("33", 2026, STATUSES[2]),
        ("11", 2026, None),  # another province's rows never apply
    ],
)
def test_select_region_status(province, year, expected):
    assert select_region_status(STATUSES, province, year) == expected
    assert select_region_status(iter(reversed(STATUSES)), province, year) == expected


def test_assess_payload_picks_the_region_status_of_the_province_and_year():
    result = assess_payload(
        example_payload(submitted_on="2023-12-01"),
        reference=REF,
        today=date(2026, 1, 1),
        region_statuses=STATUSES,
    )
    assert result.region_status == STATUSES[0]
    assert result.as_dict()["region_status"]["year"] == 2022
