#!/usr/bin/env bash
# The unit, app and browser layers: on SQLite (fast) and, at the same time, the app and browser
# layers on PostgreSQL (the engine production uses: locking, JSON and index behaviour differ).
# The two runs are separate processes with their own test database and media directory; each
# writes its log under var/ and both are printed when they end. Exit status: failed if either
# failed. PostgreSQL is skipped when unreachable unless REQUIRE_SERVICES=1.
set -u
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PG_APP_URL=${PG_APP_URL:-postgresql://postgres@127.0.0.1:5432/energyreview_app}
mkdir -p var
have_port() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

env -u DATABASE_URL -u REDIS_URL "$PY" -m pytest tests --ignore=tests/integration -q \
  >var/test-sqlite.log 2>&1 &
sqlite_pid=$!

pg_pid=""
if have_port 5432; then
  # The pure engine tests (tests/rules) touch no database: once, on SQLite, is enough.
  env -u REDIS_URL DATABASE_URL="$PG_APP_URL" "$PY" -m pytest tests --ignore=tests/integration \
    --ignore=tests/rules -q --create-db >var/test-postgresql.log 2>&1 &
  pg_pid=$!
elif [ "${REQUIRE_SERVICES:-}" = "1" ]; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432 (REQUIRE_SERVICES=1)" >&2
  kill "$sqlite_pid" 2>/dev/null
  exit 1
else
  echo "PostgreSQL layer skipped: 127.0.0.1:5432 not reachable"
fi

status=0
wait "$sqlite_pid" || status=1
echo "== unit, app and browser layers on SQLite (var/test-sqlite.log)"
cat var/test-sqlite.log
if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || status=1
  echo "== app and browser layers on PostgreSQL (var/test-postgresql.log)"
  cat var/test-postgresql.log
fi
exit "$status"
