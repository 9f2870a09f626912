"""`manage.py reassess_projects [--version V]`: re-assess every project's latest submission.

Streams the latest submissions in id-ordered chunks (keyset pagination: constant memory),
assesses each chunk with the context preloaded (`rules.services.assessment_run_with`, the same
engine call as the API) and stores the results as `rules.Reassessment` rows with one set-based
write per chunk (`UPDATE … FROM (VALUES …)` on PostgreSQL). With `--workers N` each chunk is
read, assessed and written by one of N forked processes, each with its own connection, so the
database work runs in parallel too. The submissions' own frozen assessments are never changed.
Prints the throughput.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections
from django.utils import timezone

from rules import engine
from rules.models import PolicyVersion
from rules.services import (
    PolicyData,
    ReassessmentRow,
    assessment_run_with,
    inventory_for_codes,
    policy_data_load,
    policy_version_get,
    reassessments_store,
    submissions_latest_between,
    submissions_latest_ranges,
)

# UTF-8 as it is: Chinese messages stay 3 bytes a character instead of 6-byte \u escapes
# (half the rows written), and the C encoder is faster without escaping.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Job:
    """What every chunk needs; set before the workers fork and read-only afterwards."""

    data: PolicyData
    policy: engine.PolicyVersion | None
    today: date


_JOB: Job | None = None


@dataclass(frozen=True, slots=True)
class ChunkResult:
    stored: int
    invalid: tuple[int, ...]
    recommendations: Counter[str]


def assess_rows(rows: list[tuple[int, Any]], job: Job) -> tuple[list[ReassessmentRow], list[int]]:
    """Assess `(submission id, facts)` rows (no database but the inventory lookup)."""
    codes = (str(f.get("project_code") or "").strip() for _, f in rows if isinstance(f, dict))
    inventory = inventory_for_codes(codes)
    out: list[ReassessmentRow] = []
    invalid: list[int] = []
    for submission_id, facts in rows:
        try:
            result = assessment_run_with(
                facts, data=job.data, inventory=inventory, policy=job.policy, today=job.today
            )
        except engine.InvalidFacts:
            invalid.append(submission_id)
            continue
        out.append(
            ReassessmentRow(
                submission_id=submission_id,
                version=result.policy_version,
                assessment_json=_ENCODER.encode(result.as_dict()),
                route=result.route,
                review_level=result.review_level,
                recommendation=result.recommendation,
                counted_tce=result.counted_tce,
            )
        )
    return out, invalid


def reassess_range(first: int, last: int) -> ChunkResult:
    """Read, assess and store one chunk of latest submissions (ids `first`..`last`)."""
    assert _JOB is not None
    rows = submissions_latest_between(first=first, last=last)
    results, invalid = assess_rows(rows, _JOB)
    reassessments_store(rows=results)
    return ChunkResult(
        stored=len(results),
        invalid=tuple(invalid),
        recommendations=Counter(r.recommendation for r in results),
    )


class Command(BaseCommand):
    help = (
        "Re-assess every project's latest submission against a policy version (default: the "
        "version in force on each submission date) and store the results (rules.Reassessment)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # `--version` names the policy version here, replacing Django's own `--version`.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--version", help="policy version applied to every submission (may be unpublished)"
        )
        parser.add_argument("--chunk-size", type=int, default=2000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes working in parallel (default: CPUs, 1 on SQLite)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        global _JOB
        policy = None
        if options["version"]:
            try:
                policy = policy_version_get(version=options["version"])
            except PolicyVersion.DoesNotExist:
                raise CommandError(f"政策版本不存在：{options['version']}", returncode=2) from None
        _JOB = Job(data=policy_data_load(), policy=policy, today=timezone.localdate())
        workers = options["workers"]
        if workers is None:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        if connection.in_atomic_block:
            # Forked workers could not see this transaction's rows, and its connection must
            # stay open: assess in this process.
            workers = 1
        workers = max(1, workers)
        chunk_size = max(1, options["chunk_size"])

        started = time.perf_counter()
        done = 0
        invalid: list[int] = []
        recommendations: Counter[str] = Counter()
        for result in self._run(chunk_size, workers):
            done += result.stored
            invalid.extend(result.invalid)
            recommendations.update(result.recommendations)
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done} …")
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        which = options["version"] or "in force on each submission date"
        self.stdout.write(
            f"reassess: {done} projects in {elapsed:.2f} s = {rate:,.0f}/s "
            f"(policy version: {which}; workers: {workers})"
        )
        if recommendations:
            self.stdout.write(
                "recommendations: "
                + ", ".join(f"{k} {v}" for k, v in sorted(recommendations.items()))
            )
        if invalid:
            shown = ", ".join(str(i) for i in invalid[:20])
            more = " …" if len(invalid) > 20 else ""
            self.stderr.write(
                f"{len(invalid)} submissions no longer validate and were skipped: {shown}{more}"
            )

    def _run(self, chunk_size: int, workers: int) -> Iterator[ChunkResult]:
        ranges = submissions_latest_ranges(chunk_size=chunk_size)
        if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
            for first, last in ranges:
                yield reassess_range(first, last)
            return
        # Forked workers inherit _JOB and open their own connections; none is shared.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # At most two chunks per worker in flight: memory stays bounded.
            pending: deque[Any] = deque()
            for first, last in ranges:
                pending.append(pool.apply_async(reassess_range, (first, last)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
            pool.close()
            pool.join()
