"""Shared by the spreadsheet import tests: state() of everything an import may change (rows and
their history), and rejected() asserting that a refused import changed none of it."""

from __future__ import annotations

from typing import Any

import pytest

from rules.imports import ImportRejected
from rules.models import EnergyBudget, RegionStatus, TwoHighEntry


def state() -> tuple[Any, ...]:
    """Everything an import may change: rows and their history."""
    return (
        list(TwoHighEntry.objects.order_by("pk").values()),
        list(RegionStatus.objects.order_by("pk").values()),
        TwoHighEntry.history.count(),
        RegionStatus.history.count(),
        EnergyBudget.history.count(),
    )


def rejected(call: Any) -> ImportRejected:
    before = state()
    with pytest.raises(ImportRejected) as info:
        call()
    assert state() == before, "a rejected import changed something"
    return info.value
