#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the media store (issued opinions, uploaded
# reports and evidence) into one directory, with a SHA-256 manifest of both files.
#
#   DATABASE_URL=postgresql://user@host:5432/energyreview MEDIA_ROOT=/srv/energyreview/media \
#     scripts/backup.sh /backups/energyreview/$(date +%Y%m%d-%H%M%S)
#
# The dump is consistent by itself (one transaction). Take it before the media archive: a file
# written between the two is then merely an extra file, never a row without its file.
set -euo pipefail

dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
root=$(cd "$(dirname "$0")/.." && pwd)
media=${MEDIA_ROOT:-$root/var/media}

case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not PostgreSQL ($DATABASE_URL)" >&2; exit 2 ;;
esac

mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file="$dest/db.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "backup written to $dest"
