"""One project from approval to operation, through the real review moves: approval (two-high
inventory 拟建), construction start (在建), acceptance with one condition unmet (存量;
rectification ordered, reported, closed), twelve months of monitoring crossing 10% (flag,
notices, change offered), the dashboard counting it where its lists show it, and a spot-check
draw over the authority's approved and operating projects that reproduces from its seed."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from review import services as review_services
from review.models import CaseState, Notice
from rules.models import Disposal, InventoryStatus, TwoHighEntry
from rules.services import assessment_run, two_high_entry_update
from supervision import selectors
from supervision.models import AcceptanceState, InventoryLink, Rectification, RectificationState
from supervision.rolling import add_months
from supervision.services import acceptance as acceptance_services
from supervision.services import inspections, monitoring
from supervision.services.inventory import construction_start_record
from tests.review.conftest import decidable

from .conftest import acceptance_data, pdf_upload


def _engine_tce() -> float:
    from tests.review.conftest import make_submission  # noqa: F401  (same facts as the factory)

    facts = {
        "project_code": "2611-320505-04-01-000001",
        "name": "x",
        "region": "320505",
        "industry": "3011",
        "construction_type": "new",
        "national_major_project": False,
        "submitted_on": "2026-09-18",
        "energy": [{"type": "raw_coal", "quantity": 10000, "unit": "t"}],
        "baseline_energy": [],
        "renewable_electricity_kwh": 0,
        "feedstock_tce": 0,
        "products": [],
        "substitution_sources": [],
    }
    return assessment_run(facts)[1].as_dict()["energy"]["counted_tce"]


def test_walk_from_approval_to_operation(
    make_case, approved_case, alice, bob, alice_client, bob_client
):
    today = timezone.localdate()  # the approval is dated now; later steps follow it
    approved_tce = _engine_tce()
    case = make_case(route="local_two_high", counted_tce=approved_tce)
    case = decidable(case, by=bob)
    case = review_services.case_approve(
        case=case,
        by=bob,
        reason="符合节能审查要求",
        conditions=["投产前完成余热发电系统建设", "主要用能设备能效达到一级"],
    )
    assert case.state == CaseState.APPROVED
    # 拟建 on approval, linked both ways
    entry = TwoHighEntry.objects.get(project_code=case.project.project_code)
    assert entry.status == InventoryStatus.PLANNED
    assert entry.case_link.case_id == case.pk
    assert InventoryLink.objects.get(case=case).entry_id == entry.pk

    # 在建 on construction start
    case = construction_start_record(case=case, by=alice, started_on=today, today=today)
    entry.refresh_from_db()
    assert entry.status == InventoryStatus.IN_CONSTRUCTION

    # acceptance with the second condition unmet → 存量; rectification ordered and closed
    acceptance = acceptance_services.acceptance_file(
        case=case,
        by=alice,
        data=acceptance_data(case, completed_on=today),
        report=pdf_upload(),
        today=today,
    )
    entry.refresh_from_db()
    assert entry.status == InventoryStatus.EXISTING
    assert acceptance.comparison["unmet_conditions"] == 1
    acceptance_services.acceptance_check(
        acceptance=acceptance,
        by=bob,
        outcome="rectification",
        items=["主要用能设备能效未达到一级"],
        deadline=today + timedelta(days=60),
        today=today,
    )
    assert selectors.dashboard_counts(user=bob)["open_rectification"] == 1
    rect = Rectification.objects.get(case=case)
    acceptance_services.rectification_report(rectification=rect, by=alice, report="已更换电机")
    acceptance_services.rectification_close(rectification=rect, by=bob, note="现场核查到位")
    rect.refresh_from_db()
    acceptance.refresh_from_db()
    assert rect.state == RectificationState.CLOSED
    assert acceptance.state == AcceptanceState.RECORDED
    assert selectors.dashboard_counts(user=bob)["accepted"] == 1

    # a disposal changed in the inventory shows on the case
    two_high_entry_update(
        entry=entry, data={"disposal": Disposal.RECTIFY}, by=bob, reason="省清单复核"
    )
    page = bob_client.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert "整改" in page.split('data-testid="inventory"')[1][:200]
    review_page = bob_client.get(reverse("review:case", args=[case.pk])).content.decode()
    assert 'data-testid="case-disposal">整改<' in review_page
    assert reverse("supervision:case", args=[case.pk]) in review_page

    # twelve months of monitoring 12% above the approval
    records = [
        {
            "project_code": case.project.project_code,
            "month": add_months(today.replace(day=1), -i).strftime("%Y-%m"),
            "tce": approved_tce * 1.12 / 12,
        }
        for i in range(12)
    ]
    result = monitoring.monitoring_push(records, today=today)
    assert result.flagged == 1
    assert Notice.objects.filter(user=alice, case=case, message__contains="申请变更").exists()
    assert Notice.objects.filter(user=bob, case=case, message__contains="申请变更").exists()
    page = alice_client.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert reverse("projects:edit", args=[case.project_id, 1]) in page

    # the dashboard counts it where its lists show it
    counts = selectors.dashboard_counts(user=bob)
    assert counts["operating"] == 1
    assert counts["monitoring_excess"] == 1
    assert counts["open_rectification"] == 0
    listed = bob_client.get(reverse("supervision:cases") + "?key=monitoring_excess")
    assert f'data-case="{case.pk}"' in listed.content.decode()

    # a spot-check draw over bob's approved and operating projects reproduces from its seed
    others = [approved_case(real_assessment=False).pk for _ in range(7)]
    drawn = inspections.inspection_draw(by=bob, title="2026年双随机抽查", sample_size=3, seed=2026)
    assert drawn.population == sorted([case.pk, *others])
    assert inspections.inspection_verify(drawn)
    again = inspections.inspection_draw(by=bob, title="复核抽取", sample_size=3, seed=2026)
    assert again.sample == drawn.sample
    assert drawn.sample == inspections.draw_sample(drawn.population, size=3, seed=2026)
