"""节能验收: filing, comparison with the approved figures, the authority's check, rectification
to closure, overdue flags (2023《办法》)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from review.models import CaseEvent, Notice
from supervision.models import (
    Acceptance,
    AcceptanceState,
    FlagKind,
    Rectification,
    RectificationState,
    SupervisionFlag,
)
from supervision.services import acceptance as svc

from .conftest import acceptance_data, pdf_upload

TODAY = date(2026, 11, 2)


def test_filing_compares_actual_with_approved_using_the_engine(approved_case, started, alice):
    case = started(approved_case())
    acceptance = svc.acceptance_file(
        case=case, by=alice, data=acceptance_data(case), report=pdf_upload(), today=TODAY
    )
    cmp = acceptance.comparison
    approved = cmp["approved"]["counted_tce"]
    actual = cmp["actual"]["counted_tce"]
    # 10,500 t of raw coal against 10,000 t approved: the same coefficient, +5%
    assert actual == pytest.approx(approved * 1.05, rel=1e-3)
    assert cmp["change_pct"] == pytest.approx(5.0, abs=0.05)
    assert cmp["exceeds"] is False
    assert acceptance.exceeds_threshold is False
    assert cmp["unmet_conditions"] == 1
    assert [c["text"] for c in cmp["conditions"]] == [
        "投产前完成余热发电系统建设",
        "主要用能设备能效达到一级",
    ]
    assert acceptance.state == AcceptanceState.FILED
    assert acceptance.report.read().startswith(b"%PDF-")
    assert CaseEvent.objects.filter(case=case, action="sv_acceptance_filed").exists()


def test_ten_percent_above_approved_is_flagged_as_a_change(approved_case, started, alice, bob):
    case = started(approved_case())
    data = acceptance_data(
        case, energy_lines=[{"type": "raw_coal", "quantity": 11000, "unit": "t"}]
    )
    acceptance = svc.acceptance_file(
        case=case, by=alice, data=data, report=pdf_upload(), today=TODAY
    )
    assert acceptance.exceeds_threshold is True
    assert "10%" in acceptance.comparison["reasons"][0]
    assert Notice.objects.filter(user=bob, case=case, message__contains="应申请变更").exists()


def test_bad_filing_names_every_field_and_leaves_nothing(approved_case, started, alice):
    case = started(approved_case())
    data = acceptance_data(
        case,
        completed_on=date(2027, 1, 1),
        actual_capacity="",
        energy_lines=[{"type": "raw_coal", "quantity": "x", "unit": "t"}],
        conditions=[{"done": True, "evidence": ""}],
        committee_conclusion="",
    )
    with pytest.raises(ValidationError) as info:
        svc.acceptance_file(case=case, by=alice, data=data, report=None, today=TODAY)
    assert set(info.value.message_dict) >= {
        "completed_on",
        "actual_capacity",
        "energy_lines",
        "conditions",
        "committee_conclusion",
        "report",
    }
    assert not Acceptance.objects.exists()
    assert (
        not CaseEvent.objects.filter(case=case, action__startswith="sv_")
        .exclude(action="sv_inventory_status")
        .exists()
    )


def test_engine_rejects_unknown_energy_type_on_the_field(approved_case, started, alice):
    case = started(approved_case())
    data = acceptance_data(case, energy_lines=[{"type": "unobtainium", "quantity": 1, "unit": "t"}])
    with pytest.raises(ValidationError) as info:
        svc.acceptance_file(case=case, by=alice, data=data, report=pdf_upload(), today=TODAY)
    assert "energy_lines" in info.value.message_dict
    assert not Acceptance.objects.exists()


def test_not_a_pdf_is_refused(approved_case, started, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = started(approved_case())
    fake = SimpleUploadedFile("报告.pdf", b"hello", "application/pdf")
    with pytest.raises(ValidationError) as info:
        svc.acceptance_file(
            case=case, by=alice, data=acceptance_data(case), report=fake, today=TODAY
        )
    assert list(info.value.message_dict) == ["report"]


def test_only_the_owner_files_and_only_after_construction_start(
    approved_case, started, alice, carol, bob
):
    case = approved_case()
    with pytest.raises(ValidationError, match="开工"):
        svc.acceptance_file(
            case=case, by=alice, data=acceptance_data(case), report=pdf_upload(), today=TODAY
        )
    case = started(case)
    for outsider in (carol, bob):
        with pytest.raises(PermissionDenied):
            svc.acceptance_file(
                case=case, by=outsider, data=acceptance_data(case), report=pdf_upload(), today=TODAY
            )
    assert not Acceptance.objects.exists()


def test_check_orders_rectification_then_closure_records_the_acceptance(
    approved_case, started, alice, bob, carol
):
    case = started(approved_case())
    acceptance = svc.acceptance_file(
        case=case, by=alice, data=acceptance_data(case), report=pdf_upload(), today=TODAY
    )
    # carol (another organization) and alice (the owner) cannot check
    for user in (carol, alice):
        with pytest.raises(PermissionDenied):
            svc.acceptance_check(acceptance=acceptance, by=user, outcome="recorded", today=TODAY)
    with pytest.raises(ValidationError) as info:
        svc.acceptance_check(
            acceptance=acceptance,
            by=bob,
            outcome="rectification",
            items=[],
            deadline=TODAY,
            today=TODAY,
        )
    assert set(info.value.message_dict) == {"items", "deadline"}
    acceptance.refresh_from_db()
    assert acceptance.state == AcceptanceState.FILED
    assert not Rectification.objects.exists()

    svc.acceptance_check(
        acceptance=acceptance,
        by=bob,
        outcome="rectification",
        note="第2项条件未落实",
        items=["主要用能设备能效未达到一级，限期更换"],
        deadline=date(2026, 12, 31),
        today=TODAY,
    )
    acceptance.refresh_from_db()
    assert acceptance.state == AcceptanceState.RECTIFICATION
    rect = Rectification.objects.get(case=case)
    assert rect.items == ["主要用能设备能效未达到一级，限期更换"]
    assert Notice.objects.filter(user=alice, case=case, message__contains="责令整改").exists()

    with pytest.raises(PermissionDenied):
        svc.rectification_report(rectification=rect, by=carol, report="x")
    svc.rectification_report(rectification=rect, by=alice, report="已更换为一级能效电机")
    rect.refresh_from_db()
    assert rect.state == RectificationState.REPORTED
    with pytest.raises(PermissionDenied):
        svc.rectification_close(rectification=rect, by=alice, note="x")
    svc.rectification_close(rectification=rect, by=bob, note="现场核查已整改到位")
    rect.refresh_from_db()
    acceptance.refresh_from_db()
    assert rect.state == RectificationState.CLOSED
    assert acceptance.state == AcceptanceState.RECORDED
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    for action in (
        "sv_acceptance_filed",
        "sv_rectification_ordered",
        "sv_rectification_reported",
        "sv_rectification_closed",
    ):
        assert action in actions


def test_overdue_acceptance_is_flagged_once(approved_case, started, alice, bob):
    late = started(approved_case(planned_completion=date(2026, 9, 30)))
    on_time = approved_case(planned_completion=date(2027, 6, 30))
    assert svc.acceptance_overdue_flag(today=TODAY) == 1
    assert svc.acceptance_overdue_flag(today=TODAY) == 0  # idempotent
    flag = SupervisionFlag.objects.get(kind=FlagKind.ACCEPTANCE_OVERDUE)
    assert flag.case_id == late.pk
    assert not SupervisionFlag.objects.filter(case=on_time).exists()
    overdue = Notice.objects.filter(case=late, message__contains="未报备节能验收")
    assert overdue.filter(user=bob).count() == 1
    assert overdue.filter(user=alice).count() == 1
    # filing the acceptance resolves it
    svc.acceptance_file(
        case=late, by=alice, data=acceptance_data(late), report=pdf_upload(), today=TODAY
    )
    flag.refresh_from_db()
    assert flag.resolved_at is not None
