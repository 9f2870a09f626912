"""Fixtures of the applicant portal tests: PDFs, complete project data and projects in each
state, all made through the services (no hand-written rows)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from projects import services
from projects.models import Project

# The contract's example, as a project: a cement clinker line in Suzhou (两高, ≥ 50,000 tce).
BIG_CEMENT: dict[str, Any] = {
    "name": "某水泥熟料生产线技改项目",
    "project_code": "2611-320505-04-01-381276",
    "region": "320505",
    "industry": "3011",
    "construction_type": "new",
    "energy": [
        {"type": "raw_coal", "quantity": 150000, "unit": "t"},
        {"type": "electricity", "quantity": 9.5e7, "unit": "kWh"},
        {"type": "natural_gas", "quantity": 120, "unit": "wan_m3"},
    ],
    "products": [{"product": "cement_clinker", "annual_output": 1500000, "unit_energy": 100.0}],
    "substitution_sources": [{"description": "关停2条2500t/d熟料线", "saved_tce": 40000}],
}
# A workshop below both exemption thresholds (< 1,000 tce and < 5,000,000 kWh).
SMALL_WORKSHOP: dict[str, Any] = {
    "name": "小型装配车间项目",
    "project_code": "2611-320505-04-01-100001",
    "region": "320505",
    "industry": "3484",
    "construction_type": "new",
    "energy": [{"type": "electricity", "quantity": 200, "unit": "wan_kWh"}],
}
# Provincial review (≥ 10,000 tce under the 2023 version), not two-high.
MID_FACTORY: dict[str, Any] = {
    "name": "机械制造基地项目",
    "project_code": "2611-320505-04-01-100002",
    "region": "320505",
    "industry": "3484",
    "construction_type": "new",
    "energy": [
        {"type": "electricity", "quantity": 6000, "unit": "wan_kWh"},
        {"type": "natural_gas", "quantity": 500, "unit": "wan_m3"},
    ],
}


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "节能报告.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


@pytest.fixture
def make_project() -> Callable[..., Project]:
    """A draft of `user`'s organization from `data` (default: the big cement line)."""

    def make(user: User, data: dict[str, Any] | None = None, **changes: Any) -> Project:
        return services.project_create(
            organization=user.profile.organization,
            by=user,
            data={**(data if data is not None else BIG_CEMENT), **changes},
        )

    return make


@pytest.fixture
def make_submitted(make_project: Callable[..., Project]) -> Callable[..., Project]:
    """A submitted project (with its energy report) and its review case."""

    def make(user: User, data: dict[str, Any] | None = None, today: date | None = None) -> Project:
        project = make_project(user, data)
        services.attachment_add(project=project, by=user, upload=pdf_upload())
        services.project_submit(project=project, by=user, today=today)
        project.refresh_from_db()
        return project

    return make
