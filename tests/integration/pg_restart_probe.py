"""Run by test_postgres_restart.py in its own process, against a PostgreSQL instance of its own
(DATABASE_URL) whose data directory it may restart (PGDATA, PG_CTL_AS).

Decisions run in a thread while the server restarts twice (fast shutdown); every decision that
returned is recorded. /healthz is read while the server is down and after it is back, in the same
process. Prints one JSON line with what it saw."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import django


def pg_ctl(*args: str) -> None:
    user = os.environ.get("PG_CTL_AS", "postgres")
    log = os.path.join(os.environ["PGDATA"], "server.log")
    cmd = ["pg_ctl", "-D", os.environ["PGDATA"], "-w", "-t", "60", "-l", log, *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", user, "--", *cmd]
    # No pipes: a (re)started server inherits them and would keep them open forever.
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


STARTED = time.monotonic()


def step(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {text}", file=sys.stderr, flush=True)


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.test import Client

    step("migrate")
    call_command("migrate", verbosity=0)
    step("migrated")
    from accounts.services import DEMO_PASSWORD, personas_ensure
    from review import services
    from review.models import ReviewCase
    from tests.review.conftest import make_assessment, make_project, make_submission

    personas = personas_ensure(password=DEMO_PASSWORD)
    alice, bob = personas["alice"], personas["bob"]
    cases = []
    for _ in range(40):
        project = make_project(owner=alice)
        submission = make_submission(project=project, by=alice, assessment=make_assessment())
        cases.append(services.case_open(submission=submission, by=alice).pk)
    connection.close()
    step("cases opened")

    committed: list[int] = []
    unacknowledged: list[int] = []
    failed: list[str] = []
    done = threading.Event()

    def decide() -> None:
        for pk in cases:
            for _attempt in range(60):
                close_old_connections()
                try:
                    case = ReviewCase.objects.get(pk=pk)
                    if case.state != "submitted":  # committed, but the answer was lost
                        unacknowledged.append(pk)
                        break
                    services.case_accept(case=case, by=bob, note="受理")
                except Exception as exc:  # the outage: the client sees an error, retries
                    failed.append(type(exc).__name__)
                    time.sleep(0.5)
                    continue
                committed.append(pk)
                break
            time.sleep(0.05)
        done.set()

    worker = threading.Thread(target=decide)
    worker.start()
    while len(committed) < 5:
        time.sleep(0.1)
    step("restart")
    pg_ctl("restart", "-m", "fast")  # under load
    step("restarted")
    while len(committed) < 15:
        time.sleep(0.1)
    client = Client()
    pg_ctl("stop", "-m", "fast")
    close_old_connections()
    down = client.get("/healthz").status_code
    step(f"healthz while down: {down}")
    pg_ctl("start")
    back = None
    for _ in range(30):
        close_old_connections()
        back = client.get("/healthz").status_code
        if back == 200:
            break
        time.sleep(1)
    step(f"healthz back: {back}")
    done.wait(timeout=240)
    step(f"decisions done: {len(committed)} answered, {len(unacknowledged)} unanswered")
    worker.join(timeout=5)
    close_old_connections()
    accepted = set(
        ReviewCase.objects.filter(pk__in=cases)
        .exclude(state="submitted")
        .values_list("pk", flat=True)
    )
    print(
        json.dumps(
            {
                "cases": len(cases),
                "committed": committed,
                "unacknowledged": unacknowledged,
                "accepted": sorted(accepted),
                "errors_during_outage": len(failed),
                "healthz_down": down,
                "healthz_back": back,
            }
        )
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
