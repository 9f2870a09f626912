"""The web's latency during a burst of 50 opinions rendered by a document worker apart (issue 14).

Run from the project root: ``.venv/bin/python benchmarks/bench_burst.py``. Needs PostgreSQL and
Redis on 127.0.0.1 and ``taskset`` (skipped with a message otherwise). On the benchmark database
of ``BENCH_BURST_SIZE`` projects (default 1,000; the one ``bench_load.py`` fills, reused), it
starts gunicorn (2 workers, ``config.settings.bench``) pinned to core 0 and a real Celery worker
of the ``documents`` queue pinned to core 1, standing in for a document machine (README,
production), both on the Redis database ``BENCH_REDIS_URL`` (emptied first: it belongs to the
benchmark). It samples the web (the queue page and the cases API, alternately; the client on core
0 too) while quiet, then queues 50 opinion renders and samples until all 50 are ready, then quiet
again, and prints the p95 of quiet and burst and their ratio (target ≤ 1.25). Bounded: at most
``--timeout`` seconds of burst (default 300).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_load as bench  # noqa: E402 - the load benchmark's database, server and client

TARGET_P95_RATIO = 1.25
OPINIONS = 50
TAG = "负载基准意见书"

PREPARE = """
import json, sys
from unittest import mock
import django
django.setup()
from django.db import transaction
from django.utils import timezone
from accounts.services import personas_ensure
from documents import services as drafting
from projects.models import Organization, Project, Submission
from projects.selectors import project_details
from review.documents import opinion_issue
from review.models import CaseState, Opinion, ReviewCase
from rules import engine
from rules.engine.examples import example_payload
from rules.services import assessment_run

n, tag = int(sys.argv[1]), sys.argv[2]
personas = personas_ensure()
alice, dana, helen = personas["alice"], personas["dana"], personas["helen"]
mine = Opinion.objects.filter(case__project__name__startswith=tag)
missing = n - mine.count()
if missing > 0:
    organization = Organization.objects.get(pk=alice.profile.organization_id)
    facts, assessment = assessment_run(example_payload(  # bench_opinions.py's cement line
        name="苏州东吴水泥熟料生产线技改项目", submitted_on="2026-03-20",
        energy=[{"type": "raw_coal", "quantity": 30000, "unit": "t"},
                {"type": "electricity", "quantity": 2.0e7, "unit": "kWh"},
                {"type": "natural_gas", "quantity": 50, "unit": "wan_m3"}],
        products=[{"product": "cement_clinker", "annual_output": 600000, "unit_energy": 100.0}],
        substitution_sources=[{"description": "关停1条2500t/d熟料线", "saved_tce": 25000}],
    ))
    frozen, result = engine.facts_to_payload(facts), assessment.as_dict(lang="zh")
    with mock.patch("review.documents._queue_render"):  # queued by the benchmark, not here
        for i in range(missing):
            project = Project.objects.create(
                organization=organization, created_by=alice, name=f"{tag}（{i + 1}）",
                project_code=frozen["project_code"], region=frozen["region"],
                industry=frozen["industry"], total_investment_wan="86000.00", status="submitted",
            )
            submission = Submission.objects.create(
                project=project, number=1, facts=frozen, assessment=result,
                policy_version=assessment.policy_version, submitted_by=alice,
                details=project_details(project),
            )
            with transaction.atomic():
                case = ReviewCase.objects.create(
                    project=project, submission=submission, province="32",
                    state=CaseState.APPROVED, route=result["route"],
                    review_level=result["review_level"],
                    two_high=result["two_high"]["is_two_high"],
                    recommendation=result["recommendation"],
                    counted_tce=result["energy"]["counted_tce"], submitted_at=timezone.now(),
                    decided_at=timezone.now(), decision_reason="项目能效达到标杆水平。",
                    conditions="余热发电系统与熟料线同步建成投运。",
                )
                draft = opinion_issue(case=case, kind="approval")
            drafting.draft_submit(draft=draft, by=dana)
            drafting.draft_sign(draft=draft, by=helen)
ids = list(mine.order_by("pk").values_list("pk", flat=True)[:n])
# Rendered again each run: back to pending, as a signed-off opinion waits for its worker.
Opinion.objects.filter(pk__in=ids).update(
    state=Opinion.State.PENDING, file="", sha256="", size=0, rendered_at=None, error=""
)
print(json.dumps(ids))
"""

ENQUEUE = """
import json, sys
import django
django.setup()
from review.tasks import opinion_render_task
for pk in json.loads(sys.argv[1]):
    opinion_render_task.delay(pk)
"""


_DB: list[object] = []


def _pending(ids: list[int]) -> int:
    """Opinions of ``ids`` not ready yet (one open connection: polling stays cheap)."""
    import psycopg

    if not _DB:
        _DB.append(psycopg.connect(bench.DATABASE_URL, autocommit=True))
    row = (
        _DB[0]
        .execute(  # type: ignore[attr-defined]
            "SELECT count(*) FROM review_opinion WHERE id = ANY(%s) AND state <> 'ready'", [ids]
        )
        .fetchone()
    )
    return int(row[0])


def _failed(ids: list[int]) -> str:
    listed = ",".join(str(pk) for pk in ids)
    return bench._psql(
        f"SELECT id, error FROM review_opinion WHERE id IN ({listed}) AND state = 'failed' LIMIT 3",
        bench.CURRENT_DB,
    )


def _sample(port: int, paths: list[tuple[str, dict[str, str]]], until) -> list[float]:
    latencies: list[float] = []
    i = 0
    while not until(len(latencies)):
        path, headers = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        status, content = bench.request(port, "GET", path, headers)
        latencies.append(time.perf_counter() - t0)
        if status >= 400:
            raise SystemExit(f"{path} answered {status}: {content[:200]!r}")
    return latencies


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            "taskset",
            "-c",
            "1",
            bench.PY,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "documents",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=bench.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the banner; errors go to stderr
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run(size: int, port: int, quiet_seconds: float, timeout: float) -> bool:
    bench.prepare_database(size, reuse=True)
    bench.grow_to(size)
    creds = bench.credentials()
    media = tempfile.mkdtemp(prefix="bench-burst-media-")
    extra = {"REDIS_URL": bench.REDIS, "MEDIA_ROOT": media}
    env = bench._env(**extra)
    out = subprocess.run(
        [bench.PY, "-c", PREPARE, str(OPINIONS), TAG],
        cwd=bench.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    ids = [int(pk) for pk in json.loads(out.stdout.strip().splitlines()[-1])]
    bench._flush_bench_redis()
    page = {"Cookie": f"sessionid={creds['sessions']['bob']}", "Accept-Language": "zh-hans"}
    api = {"Authorization": f"Token {creds['tokens']['bob']}", "Accept": "application/json"}
    paths = [("/review/", page), ("/api/v1/cases/", api)]
    worker = None
    try:
        with bench.Server(port, pin="0", env_extra=extra):
            worker = _worker(env)
            # warm: the worker renders one opinion (fonts, key), the web answers a few requests
            subprocess.run(
                [bench.PY, "-c", ENQUEUE, f"[{ids[0]}]"], cwd=bench.ROOT, env=env, check=True
            )
            deadline = time.monotonic() + 120
            while _pending(ids[:1]) and time.monotonic() < deadline:
                _sample(port, paths, lambda n: n >= 5)
            if _pending(ids[:1]):
                raise SystemExit(f"the document worker rendered nothing: {_failed(ids[:1])}")
            started = time.perf_counter()
            quiet = _sample(port, paths, lambda n: time.perf_counter() - started > quiet_seconds)
            burst_ids = ids[1:] + ids[:1]
            subprocess.run(
                [bench.PY, "-c", PREPARE, str(OPINIONS), TAG],
                cwd=bench.ROOT,
                env=env,
                check=True,
                capture_output=True,
            )  # all 50 pending again, the warm one included
            subprocess.run(
                [bench.PY, "-c", ENQUEUE, str(burst_ids)], cwd=bench.ROOT, env=env, check=True
            )
            began = time.perf_counter()
            last_check = [0.0]
            left = [OPINIONS]

            def done(n: int) -> bool:
                now = time.perf_counter()
                if now - last_check[0] > 1.0:
                    last_check[0] = now
                    left[0] = _pending(ids)
                return left[0] == 0 or now - began > timeout

            during = _sample(port, paths, done)
            elapsed = time.perf_counter() - began
            # quiet again after the burst: other load on the machine drifts, so the quiet
            # figure is taken on both sides of the burst
            started = time.perf_counter()
            quiet += _sample(port, paths, lambda n: time.perf_counter() - started > quiet_seconds)
    finally:
        _stop(worker)
        shutil.rmtree(media, ignore_errors=True)
    rendered = OPINIONS - left[0]
    ratio = _p95(during) / _p95(quiet)
    print(f"\n== burst of {OPINIONS} opinions, {size:,} projects (web on core 0, worker on core 1)")
    print(f"{'':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for name, values in (("quiet", quiet), ("during the burst", during)):
        p50 = statistics.median(values) * 1000
        print(f"{name:<22}{len(values):>9}{p50:>9.1f}{_p95(values):>9.1f}")
    print(
        f"{rendered} of {OPINIONS} rendered in {elapsed:.1f} s "
        f"({rendered / elapsed * 60:.0f}/min); web p95 during / quiet = {ratio:.2f} "
        f"(target ≤ {TARGET_P95_RATIO})"
    )
    if rendered < OPINIONS:
        print(f"  ! not all rendered within {timeout:.0f} s: {_failed(ids)}")
    return ratio <= TARGET_P95_RATIO and rendered == OPINIONS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=int(os.environ.get("BENCH_BURST_SIZE", 1000)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)) + 1)
    parser.add_argument("--quiet-seconds", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if not bench._postgres_up() or not bench._redis_up() or not shutil.which("taskset"):
        print("bench_burst skipped: needs PostgreSQL and Redis on 127.0.0.1 and taskset")
        return 0
    if (os.cpu_count() or 1) < 2:
        print("bench_burst skipped: needs two cores (web on one, the document worker on the other)")
        return 0
    # The client shares core 0 with the web (the worker's core stands for another machine).
    os.sched_setaffinity(0, {0})
    ok = run(args.size, args.port, args.quiet_seconds, args.timeout)
    print("target met" if ok else "target missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
