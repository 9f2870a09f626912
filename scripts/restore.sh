#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media directory.
#
#   createdb -h host -U user energyreview_restored
#   DATABASE_URL=postgresql://user@host:5432/energyreview_restored \
#     MEDIA_ROOT=/srv/energyreview/media-restored scripts/restore.sh /backups/energyreview/20261201-0200
#
# Checks the manifest first; refuses a database that already has tables or a non-empty media
# directory, so a restore never mixes with live data. Afterwards run
#   python manage.py verify_backup      (every issued opinion's SHA-256 against its file)
#   python manage.py verify_audit_chain (the audit trail's hash chain)
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the (empty) media directory to restore into}"

(cd "$src" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -tAc \
  "select count(*) from information_schema.tables where table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the target database is not empty ($tables tables); create a fresh one" >&2
  exit 2
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "restore.sh: $MEDIA_ROOT is not empty" >&2
  exit 2
fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/db.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$src/media.tar.gz"
echo "restored $src into $DATABASE_URL and $MEDIA_ROOT"
