"""The load benchmark's databases and processes: which database, its environment, psql, manage.py.

``use_size`` points every later step (manage.py, psql, gunicorn) at the database of one size,
``er_scale_bench_<size>``: ``DATABASE_URL`` and ``CURRENT_DB`` here change with it (read them as
attributes of this module, or of ``bench_load``, never copy them). Also the benchmark's own Redis
database, the filling of a database with ``manage.py generate_load_data``, and the personas'
session cookies and API tokens. Used by ``bench_load.py`` and ``bench_burst.py``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
HOST = "127.0.0.1"
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "er_scale_bench")
# The database being measured: one per size (``<BENCH_DB>_<size>``), set by ``use_size``.
DATABASE_URL = f"{PG}/{DB}"
CURRENT_DB = DB


def use_size(size: int) -> str:
    """Point every later step (manage.py, psql, gunicorn) at the database of ``size``."""
    global DATABASE_URL, CURRENT_DB
    CURRENT_DB = f"{DB}_{size}"
    DATABASE_URL = f"{PG}/{CURRENT_DB}"
    return CURRENT_DB


# The server's cache is Redis, as in production (config/settings/base.py: CACHE_URL, default
# REDIS_URL): the API throttles and the overview's snapshots pay a round trip there. This Redis
# database belongs to the benchmark: it is emptied before each server starts.
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_up() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1):
            return True
    except OSError:
        return False


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.bench",
        DATABASE_URL=DATABASE_URL,
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if _redis_up():
        env["CACHE_URL"] = REDIS
    env.update(extra)
    return env


def _flush_bench_redis() -> None:
    if _redis_up():
        import redis

        redis.Redis.from_url(REDIS).flushdb()


def _postgres_up() -> bool:
    try:
        with socket.create_connection((HOST, 5432), timeout=1):
            return True
    except OSError:
        return False


def _manage(*args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=_env(), capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def _psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        [PY, "-c", _PSQL, f"{PG}/{db}", sql], cwd=ROOT, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return out.stdout.strip()


_PSQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as c:
    cur = c.execute(sys.argv[2])
    if cur.description:
        print("\\n".join("|".join(str(v) for v in row) for row in cur.fetchall()))
"""


def prepare_database(size: int, reuse: bool) -> None:
    """The database of ``size``: kept with ``--reuse`` when it holds ``size`` projects (or a few
    more: bench_burst.py adds 50 of its own), migrated to the code's models; otherwise dropped
    and generated again."""
    db = use_size(size)
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    if not (reuse and exists and size <= _existing_or_zero() <= size + 100):
        _psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{db}"')
    _manage("migrate", "--noinput", "-v0")


def project_count() -> int:
    return int(_psql("SELECT count(*) FROM projects_project", CURRENT_DB) or 0)


def grow_to(size: int) -> None:
    missing = size - project_count()
    if missing > 0:
        started = time.perf_counter()
        line = _manage("generate_load_data", "--projects", str(missing), "--seed", str(size))
        print(f"   generated {missing} projects in {time.perf_counter() - started:.1f} s")
        print("   " + line.strip().splitlines()[-1])


def credentials() -> dict[str, Any]:
    """Session cookies and API tokens of the personas, a case of bob's province."""
    script = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from rest_framework.authtoken.models import Token
from accounts.services import personas_ensure
from review.models import ReviewCase
from review.permissions import case_scope
out = {"sessions": {}, "tokens": {}}
personas = personas_ensure()
for name, user in personas.items():
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    out["sessions"][name] = s.session_key
    out["tokens"][name] = Token.objects.get_or_create(user=user)[0].key
# A case bob may open (his authority's, not the delegated city tier's).
cases = ReviewCase.objects.filter(case_scope(personas["bob"])).order_by("-id")
out["case"] = cases.filter(state="under_review").values_list("pk", flat=True).first() or (
    cases.values_list("pk", flat=True).first()
)
print(json.dumps(out))
"""
    out = subprocess.run([PY, "-c", script], cwd=ROOT, env=_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _existing_or_zero() -> int:
    try:
        return project_count()
    except SystemExit:
        return 0
