"""Benchmark of issued documents (issues 6 and 11): seconds per opinion in a warm worker, side by
side with a bare WeasyPrint render of the same HTML, and opinions per minute with 1 and 2 worker
processes. Each opinion is drafted, sent and signed off first (numbers are taken at sign-off);
what is timed is the worker's part: content, GB/T 9704 layout, seal, signature, storage.

Run from the project root: ``.venv/bin/python benchmarks/bench_opinions.py [N]``.
Standalone: a temporary SQLite database and MEDIA_ROOT, migrated here; no broker (the service
`opinion_render` is what a worker's task runs). An "opinion" is the whole service: load the case,
build the content, render the template, the QR code, WeasyPrint, the PAdES signature, storing the
file with its SHA-256. Targets: opinion ≤ 1.3 × bare render (signature included); a warm bare
render ≤ 0.35 s.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.3
TARGET_WARM_S = 0.35
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-opinions-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["CONN_MAX_AGE"] = "0"
os.environ["DEBUG"] = "0"  # no query log
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("SIGNING_PKCS12_PATH", "")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from rules.engine.examples import example_payload  # noqa: E402 - after sys.path is set

FACTS: dict[str, Any] = example_payload(
    name="苏州东吴水泥熟料生产线技改项目",
    submitted_on="2026-03-20",
    energy=[
        {"type": "raw_coal", "quantity": 30000, "unit": "t"},
        {"type": "electricity", "quantity": 2.0e7, "unit": "kWh"},
        {"type": "natural_gas", "quantity": 50, "unit": "wan_m3"},
    ],
    products=[{"product": "cement_clinker", "annual_output": 600000, "unit_energy": 100.0}],
    substitution_sources=[{"description": "关停1条2500t/d熟料线", "saved_tce": 25000}],
)


def setup_django() -> None:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # per-page progress lines


def prepare(n: int) -> list[int]:
    """Migrate, create the personas and `n` decided cases, each with an approval drafted, sent
    and signed off (a pending Opinion, its render not run)."""
    from unittest import mock

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.services import personas_ensure
    from documents import services as drafting
    from projects.models import Organization, Project, Submission
    from projects.selectors import project_details
    from review.documents import opinion_issue
    from review.models import CaseState, ReviewCase
    from rules import engine
    from rules.services import assessment_run

    call_command("migrate", verbosity=0, interactive=False)
    personas = personas_ensure()
    alice, dana, helen = personas["alice"], personas["dana"], personas["helen"]
    organization = Organization.objects.get(pk=alice.profile.organization_id)
    facts, assessment = assessment_run(FACTS)
    frozen, result = engine.facts_to_payload(facts), assessment.as_dict(lang="zh")
    ids = []
    with mock.patch("review.documents._queue_render"):  # rendering is what is timed
        for i in range(n):
            project = Project.objects.create(
                organization=organization,
                created_by=alice,
                project_code=frozen["project_code"],
                name=f"{frozen['name']}（{i + 1}）",
                region=frozen["region"],
                industry=frozen["industry"],
                total_investment_wan="186500.00",
                description="新建一条5000t/d新型干法水泥熟料生产线，配套余热发电。",
                status="submitted",
            )
            submission = Submission.objects.create(
                project=project,
                number=1,
                facts=frozen,
                assessment=result,
                policy_version=assessment.policy_version,
                submitted_by=alice,
                details=project_details(project),
            )
            with transaction.atomic():
                case = ReviewCase.objects.create(
                    project=project,
                    submission=submission,
                    province="32",
                    state=CaseState.APPROVED,
                    route=result["route"],
                    review_level=result["review_level"],
                    two_high=result["two_high"]["is_two_high"],
                    recommendation=result["recommendation"],
                    counted_tce=result["energy"]["counted_tce"],
                    submitted_at=timezone.now(),
                    decided_at=timezone.now(),
                    decision_reason="项目能效达到标杆水平，节能措施可行。",
                    conditions="余热发电系统与熟料线同步建成投运。",
                )
                draft = opinion_issue(case=case, kind="approval")
            drafting.draft_submit(draft=draft, by=dana)
            ids.append(drafting.draft_sign(draft=draft, by=helen).opinion_id)
    return ids


def warm_up() -> float:
    """The first document of a fresh process (imports, fonts, key): returns its seconds."""
    from review.documents import opinion_renderer_warm_up

    started = time.perf_counter()
    opinion_renderer_warm_up()
    return time.perf_counter() - started


def side_by_side(ids: list[int]) -> tuple[dict[str, list[float]], int]:
    """Alternate: bare WeasyPrint render of a document's HTML, then the whole opinion.

    Wall and CPU seconds of this process for each: the CPU figure is what a document costs a
    worker and barely moves when other processes compete for the cores; wall time does.
    """
    from pypdf import PdfReader

    from review import pdf
    from review.documents import opinion_html, opinion_render
    from review.models import Opinion

    times: dict[str, list[float]] = {"bare": [], "full": [], "bare_cpu": [], "full_cpu": []}
    pages = 0

    def timed(key: str, fn: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times[key].append(time.perf_counter() - wall)
        times[f"{key}_cpu"].append(time.process_time() - cpu)
        return result

    for i, pk in enumerate(ids):
        html = opinion_html(opinion=Opinion.objects.select_related("case").get(pk=pk))
        steps = [
            ("bare", lambda html=html: pdf.render(html)),
            ("full", lambda pk=pk: opinion_render(opinion_id=pk)),
        ]
        if i % 2:  # alternate the order so that neither side always runs first
            steps.reverse()
        results = {key: timed(key, fn) for key, fn in steps}
        assert results["full"].state == "ready", results["full"].error
        pages = len(PdfReader(io.BytesIO(results["bare"])).pages)
    return times, pages


def _worker(queue: Any, ready: Any, start: Any, done: Any) -> None:
    from django.db import connections

    connections.close_all()
    from review.documents import opinion_render

    warm_up()
    ready.put(os.getpid())
    start.wait()
    count = 0
    while True:
        pk = queue.get()
        if pk is None:
            break
        opinion_render(opinion_id=pk)
        count += 1
    done.put(count)


def throughput(ids: list[int], processes: int) -> float:
    """Opinions per minute with `processes` warm worker processes sharing a queue."""
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    queue, ready, done = ctx.Queue(), ctx.Queue(), ctx.Queue()
    start = ctx.Event()
    for pk in ids:
        queue.put(pk)
    for _ in range(processes):
        queue.put(None)
    workers = [
        ctx.Process(target=_worker, args=(queue, ready, start, done)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    started = time.perf_counter()
    start.set()
    rendered = sum(done.get(timeout=600) for _ in workers)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    assert rendered == len(ids), (rendered, len(ids))
    return rendered / elapsed * 60


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    setup_django()
    ids = prepare(1 + n + 2 * n)
    cold = warm_up()
    from review.documents import opinion_render

    opinion_render(opinion_id=ids[0])  # the first real document warms templates and the DB
    times, pages = side_by_side(ids[1 : 1 + n])
    med = {key: statistics.median(values) for key, values in times.items()}
    print(f"cpus: {os.cpu_count()}; {n} approval opinions of {pages} A4 pages each")
    print(f"fresh process, first document (imports, fonts, key): {cold:.2f} s")
    print(
        "warm, seconds per document (median wall / CPU): "
        f"bare WeasyPrint {med['bare']:.3f} / {med['bare_cpu']:.3f} s   "
        f"opinion (content + render + sign + store) {med['full']:.3f} / {med['full_cpu']:.3f} s"
    )
    ratio_cpu = med["full_cpu"] / med["bare_cpu"]
    ratio_wall = med["full"] / med["bare"]
    verdict = "within" if ratio_cpu <= TARGET_RATIO else "OVER"
    print(
        f"opinion / bare = {ratio_cpu:.2f}x CPU, {ratio_wall:.2f}x wall "
        f"({verdict} the {TARGET_RATIO}x target on CPU time)"
    )
    warm = "within" if med["bare_cpu"] <= TARGET_WARM_S else "OVER"
    print(f"warm bare render {med['bare_cpu']:.3f} s CPU ({warm} the {TARGET_WARM_S} s target)")
    rest = ids[1 + n :]
    for processes, batch in ((1, rest[:n]), (2, rest[n:])):
        per_minute = throughput(batch, processes)
        print(f"{processes} warm worker process(es): {per_minute:.0f} opinions per minute")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
