from __future__ import annotations

from datetime import date

import pytest

from scale import loadgen

TODAY = date(2026, 11, 20)


@pytest.fixture
def load(personas):
    """A small load: 80 projects over every province and state (bulk_create on SQLite, COPY on
    PostgreSQL), assessed by the engine with one variant per province."""
    return loadgen.generate(projects=80, seed=7, today=TODAY, variants_per_province=1)
