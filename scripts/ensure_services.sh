#!/usr/bin/env bash
# Make PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379) available: install
# them with apt-get where absent, start them where down. Used by .ci/run.
set -eu
have_port() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! have_port 5432; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    conf=/etc/postgresql/$ver/main/pg_hba.conf
    sed -i -E 's/^(local|host)(\s+all\s+all\s+.*)\s(peer|scram-sha-256|md5)$/\1\2 trust/' "$conf"
    sed -i -E 's/^(local\s+all\s+postgres\s+)peer$/\1trust/' "$conf"
  fi
  ver=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  for _ in $(seq 1 30); do have_port 5432 && break; sleep 1; done
fi
have_port 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
if ! have_port 6379; then
  command -v redis-server >/dev/null 2>&1 || {
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
  }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do have_port 6379 && break; sleep 1; done
fi
have_port 6379 || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
echo "services: PostgreSQL and Redis are up"
