"""双随机抽查: a seeded draw that reproduces, inspectors and findings, rectification to
closure, penalties with the 2023《办法》 article; every step an audit event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from review.models import CaseEvent
from supervision.legal import MEASURES_2023, PENALTY_BASES
from supervision.models import Inspection, InspectionTarget, Penalty, TargetState
from supervision.services import inspections as svc

TODAY = date(2026, 11, 2)


def test_draw_is_reproducible_from_its_seed():
    population = list(range(1, 101))
    first = svc.draw_sample(population, size=10, seed=20261102)
    assert first == svc.draw_sample(list(reversed(population)), size=10, seed=20261102)
    assert first != svc.draw_sample(population, size=10, seed=20261103)
    assert len(set(first)) == 10


def test_bob_draws_from_his_approved_cases_only(approved_case, make_case, bob, bob2, alice, carol):
    mine = [approved_case() for _ in range(5)]
    approved_case(region="330106")  # Zhejiang: another authority
    make_case()  # submitted, not approved
    inspection = svc.inspection_draw(
        by=bob, title="2026年第四季度双随机抽查", sample_size=3, seed=42
    )
    assert inspection.population == sorted(c.pk for c in mine)
    assert len(inspection.sample) == 3
    assert svc.inspection_verify(inspection)
    assert inspection.sample == svc.draw_sample(inspection.population, size=3, seed=42)
    assert CaseEvent.objects.filter(action="sv_inspection_drawn").count() == 3
    # tampering with the record is detectable
    others = [pk for pk in inspection.population if pk not in inspection.sample]
    tampered = sorted([*others, inspection.sample[0]])
    Inspection.objects.filter(pk=inspection.pk).update(sample=tampered)
    inspection.refresh_from_db()
    assert not svc.inspection_verify(inspection)
    for outsider in (alice, carol):
        with pytest.raises(PermissionDenied):
            svc.inspection_draw(by=outsider, title="x", sample_size=1)


def test_draw_rejects_bad_input_and_writes_nothing(approved_case, bob):
    approved_case()
    with pytest.raises(ValidationError) as info:
        svc.inspection_draw(by=bob, title="", sample_size=0, seed=-1)
    assert set(info.value.message_dict) == {"title", "sample_size", "seed"}
    assert not Inspection.objects.exists()


def test_findings_rectification_and_penalty(approved_case, bob, bob2, alice, carol):
    from supervision.services.acceptance import rectification_close, rectification_order

    case = approved_case()
    inspection = svc.inspection_draw(by=bob, title="抽查", sample_size=1, seed=7)
    target = InspectionTarget.objects.get(inspection=inspection)
    with pytest.raises(ValidationError) as info:
        svc.inspection_target_record(
            target=target,
            by=bob,
            inspectors=["alice"],
            inspected_on=None,
            compliant=False,
            findings="",
        )
    assert set(info.value.message_dict) == {"inspectors", "inspected_on", "findings"}
    svc.inspection_target_record(
        target=target,
        by=bob,
        inspectors=["bob", "bob2"],
        inspected_on=date(2026, 10, 20),
        compliant=False,
        findings="余热发电未建设",
        today=TODAY,
    )
    target.refresh_from_db()
    assert target.state == TargetState.INSPECTED
    assert {u.username for u in target.inspectors.all()} == {"bob", "bob2"}
    rect = rectification_order(
        case=case,
        by=bob,
        items=["建成余热发电"],
        deadline=date(2027, 3, 31),
        target=target,
        today=TODAY,
    )
    assert rect.target_id == target.pk
    rectification_close(rectification=rect, by=bob, note="已建成")
    with pytest.raises(ValidationError) as info:
        svc.penalty_record(
            case=case,
            by=bob,
            basis="m2023_unreviewed",
            measure="罚款",
            amount_yuan=Decimal("200000"),
            decided_on=TODAY,
            description="擅自投入生产",
            today=TODAY,
        )
    assert list(info.value.message_dict) == ["amount_yuan"]
    with pytest.raises(PermissionDenied):
        svc.penalty_record(
            case=case,
            by=carol,
            basis="m2023_conditions",
            measure="x",
            amount_yuan=None,
            decided_on=TODAY,
            description="x",
            today=TODAY,
        )
    penalty = svc.penalty_record(
        case=case,
        by=bob,
        basis="m2023_conditions",
        measure="责令限期整改并通报批评",
        amount_yuan=None,
        decided_on=TODAY,
        description="未落实节能审查意见",
        target=target,
        today=TODAY,
    )
    assert Penalty.objects.get(pk=penalty.pk).basis == "m2023_conditions"
    event = CaseEvent.objects.get(case=case, action="sv_penalty")
    assert MEASURES_2023 in event.reason
    assert PENALTY_BASES["m2023_conditions"].article in event.reason
    actions = set(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert {
        "sv_inspection_drawn",
        "sv_inspection_recorded",
        "sv_rectification_ordered",
        "sv_rectification_closed",
        "sv_penalty",
    } <= actions


def test_every_citation_names_the_2023_measures_in_full():
    for basis in PENALTY_BASES.values():
        assert basis.citation.startswith(
            "《固定资产投资项目节能审查办法》（国家发展改革委令2023年第2号）第"
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("bob", 200), ("dana", 200), ("alice", 403), ("carol", 403), ("erin", 403)],
)
def test_inspection_pages_by_persona(approved_case, bob, request, persona, expected):
    approved_case()
    inspection = svc.inspection_draw(by=bob, title="抽查", sample_size=1, seed=1)
    client = request.getfixturevalue(f"{persona}_client")
    assert client.get(reverse("supervision:inspections")).status_code == expected
    detail = client.get(reverse("supervision:inspection", args=[inspection.pk]))
    assert detail.status_code == expected
    if expected == 200:
        assert "按种子复核一致" in detail.content.decode()


def test_reviewer_of_another_province_does_not_see_the_inspection(approved_case, bob, frank_client):
    approved_case()
    inspection = svc.inspection_draw(by=bob, title="抽查", sample_size=1, seed=1)
    assert (
        frank_client.get(reverse("supervision:inspection", args=[inspection.pk])).status_code == 404
    )


def test_draw_through_the_page(approved_case, bob_client):
    approved_case()
    response = bob_client.post(
        reverse("supervision:inspections"), {"title": "页面抽查", "sample_size": "1", "seed": "99"}
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.title, inspection.seed, inspection.sample_size) == ("页面抽查", 99, 1)
