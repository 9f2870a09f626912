#!/usr/bin/env bash
# Debian packages the service needs: Pango for WeasyPrint, CJK fonts for the official documents
# (Noto CJK for title and headings; AR PL UKai / KaitiM GB, freely licensed 楷体-style faces, for
# the body per GB/T 9704-2012), gettext for translations; with --test also poppler (pdftoppm,
# pdffonts) and Debian's chromium for browser tests.
set -eu
pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai"
pkgs="$pkgs fonts-arphic-gkai00mp gettext"
if [ "${1:-}" = "--test" ]; then
  pkgs="$pkgs poppler-utils chromium chromium-driver"
fi
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "warning: apt-get not available; please install:$missing" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
echo "installing Debian packages:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
