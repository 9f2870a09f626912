"""The split-project check's query is a UNION of two branches, each served by its own index.

PostgreSQL only (skipped on SQLite): sequential scans are priced out (``enable_seqscan`` off) so
that the plan shows whether an index can serve each branch at all, as it must at 100,000 cases
(tests/scale/test_indexes.py does the same). Figures at 100,000 projects:
benchmarks/bench_split.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from scale import loadgen
from supervision.split import related_cases, related_sql

SITE_INDEX = "project_site_idx"  # projects_project (region, industry)
OWNER_SCAN = "Index Cond: (organization_id = "  # an index of projects_project.organization_id
CASES_BY_PROJECT = "review_reviewcase_project_id"  # the foreign key's index


@pytest.fixture
def plan(personas):
    if connection.vendor != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    # Other enterprises' projects and cases over every province (COPY), so that reading every
    # case is priced as what it is.
    loadgen.generate(projects=400, seed=12, today=date(2026, 11, 20), variants_per_province=1)

    def explain(case) -> str:
        sql, params = related_sql(case)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    return explain


@pytest.fixture
def neighbourhood(make_case, carol):
    """A split pair of alice's at one site, carol's project at the same site, and carol's
    project elsewhere (not related)."""
    first = make_case(counted_tce=6000.0, name="熟料线一期")
    second = make_case(counted_tce=6000.0, name="熟料线二期")
    neighbour = make_case(counted_tce=3000.0, owner=carol, name="邻厂技改")
    elsewhere = make_case(counted_tce=3000.0, owner=carol, region="320106", name="南京项目")
    return first, second, neighbour, elsewhere


def test_the_related_query_is_a_union_of_an_owner_branch_and_a_site_branch(plan, neighbourhood):
    _, second, *_ = neighbourhood
    text = plan(second)
    assert "Append" in text or "Union" in text or "HashSetOp" in text, text
    # owner: the owner's projects by organization, not a scan of every project
    assert OWNER_SCAN in text, text
    # site: the projects of one region and industry
    assert SITE_INDEX in text, text
    # each branch reaches its few cases through the project foreign key's index
    assert text.count(f"{CASES_BY_PROJECT}") >= 2, text
    assert text.count("Index Cond: (project_id = ") >= 2, text
    # only the policy versions in force (a handful of rows, read once) are read whole
    scans = [line for line in text.splitlines() if "Seq Scan" in line]
    assert all("rules_policyversion" in line for line in scans), text


def test_without_a_site_the_query_is_the_owner_branch_alone(plan, neighbourhood):
    _, second, *_ = neighbourhood
    second.project.industry = ""
    text = plan(second)
    assert OWNER_SCAN in text, text
    assert SITE_INDEX not in text, text


def test_the_union_finds_the_same_cases_as_the_two_rules(neighbourhood):
    first, second, neighbour, elsewhere = neighbourhood
    owner, site = related_cases(second)
    assert {c.pk for c in owner} == {first.pk}
    assert {c.pk for c in site} == {first.pk, neighbour.pk}
    # carol's project elsewhere relates to her other project by owner only
    owner, site = related_cases(elsewhere)
    assert ({c.pk for c in owner}, site) == ({neighbour.pk}, [])
