"""Run by test_outbox_redis_outage.py in its own process (so that the test process's Celery app
never points at a broker that goes away): its own redis-server on REDIS_URL's port, a worker, a
decision while Redis is down, Redis back, the outbox dispatcher. Prints one JSON line."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

import django


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"redis-server did not start on {port}")


def main() -> None:
    case_pk = int(sys.argv[1])
    port = urlparse(os.environ["REDIS_URL"]).port
    redis = start_redis(port)
    django.setup()
    from django.conf import settings

    from accounts.services import DEMO_PASSWORD, personas_ensure
    from documents import services as drafts
    from outbox.models import OutboxMessage
    from outbox.services import dispatch_pending
    from review.documents import opinion_issue
    from review.models import Opinion, ReviewCase
    from tests.integration.conftest import start_worker, stop_worker

    personas = personas_ensure(password=DEMO_PASSWORD)
    env = dict(os.environ) | {"MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    worker = start_worker(name=f"outbox-{os.getpid()}@localhost", env=env)
    seen: dict[str, object] = {}
    try:
        case = ReviewCase.objects.get(pk=case_pk)
        redis.kill()  # Redis goes down before the decision
        redis.wait(timeout=10)
        started = time.monotonic()
        draft = opinion_issue(case=case, kind="approval")
        draft = drafts.draft_submit(draft=draft, by=personas["dana"])
        opinion = drafts.draft_sign(draft=draft, by=personas["helen"]).opinion
        seen["decision_seconds"] = time.monotonic() - started
        opinion.refresh_from_db()
        message = OutboxMessage.objects.get(args=[opinion.pk])
        seen |= {
            "opinion": opinion.pk,
            "state_after_decision": opinion.state,
            "sent_while_down": message.sent_at is not None,
            "error_while_down": message.last_error,
        }
        redis = start_redis(port)  # back, empty
        deadline = time.monotonic() + 90
        sent = 0
        while sent == 0 and time.monotonic() < deadline:  # beat's dispatch_outbox_task
            sent = dispatch_pending()
            time.sleep(1)
        seen["sent_when_back"] = sent
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            opinion.refresh_from_db()
            if opinion.state == Opinion.State.READY:
                break
            time.sleep(0.5)
        seen["sent_again"] = dispatch_pending()
        time.sleep(3)
        opinion.refresh_from_db()
        seen |= {"state_at_end": opinion.state, "attempts": opinion.attempts}
        seen["worker_alive"] = worker.poll() is None
    finally:
        stop_worker(worker)
        redis.kill()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
