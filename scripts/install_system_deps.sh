#!/usr/bin/env bash
# Debian packages the service needs: Pango for WeasyPrint, CJK fonts for the official documents
# (Noto CJK and AR PL UKai / KaitiM GB as fallbacks), gettext for translations; with --test also
# poppler (pdftoppm, pdffonts) and Debian's chromium for browser tests. Then the documents' own
# faces after GB/T 9704-2012, the Fandol fonts (GPL): 仿宋 body, 宋体 bold title, 宋体 page numbers,
# 黑体 headings, taken out of Debian's texlive-lang-chinese without installing TeX Live.
set -eu
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"

# FandolFang-Regular (仿宋, body), FandolSong-Bold (小标宋-style title), FandolSong-Regular
# (宋体, the 「— N —」 page numbers) and FandolHei-Regular (黑体, headings) into $FONT_DIR, then
# fc-cache. The .deb is fetched with `apt-get download` into a cache and unpacked with
# `dpkg-deb -x` (nothing of TeX Live is installed). On failure the documents fall back to
# AR PL UKai (楷体) and Noto CJK, with a warning.
FONT_DIR="${ENERGYREVIEW_FONT_DIR:-/usr/local/share/fonts/energyreview}"
FANDOL="FandolFang-Regular.otf FandolSong-Bold.otf FandolSong-Regular.otf FandolHei-Regular.otf"
fandol_fonts() {
  have=1
  for f in $FANDOL; do [ -f "$FONT_DIR/$f" ] || have=0; done
  [ "$have" = 1 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
    echo "warning: no apt-get/dpkg-deb: FandolFang (仿宋) not installed; documents use AR PL UKai" >&2
    return 0
  fi
  cache="${ENERGYREVIEW_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/energyreview/debs}"
  mkdir -p "$cache"
  deb=$(ls "$cache"/texlive-lang-chinese_*.deb 2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then
    (cd "$cache" && apt-get download -q texlive-lang-chinese) \
      || { $SUDO apt-get update -q && (cd "$cache" && apt-get download -q texlive-lang-chinese); } \
      || true
    deb=$(ls "$cache"/texlive-lang-chinese_*.deb 2>/dev/null | head -n 1 || true)
  fi
  if [ -z "$deb" ]; then
    echo "warning: could not download texlive-lang-chinese: FandolFang (仿宋) not installed;" \
      "documents use AR PL UKai (楷体)" >&2
    return 0
  fi
  tmp=$(mktemp -d)
  dpkg-deb -x "$deb" "$tmp"
  $SUDO mkdir -p "$FONT_DIR"
  for f in $FANDOL; do
    found=$(find "$tmp" -name "$f" | head -n 1)
    if [ -n "$found" ]; then
      $SUDO install -m 644 "$found" "$FONT_DIR/"
    else
      echo "warning: $f not in $deb; documents fall back to AR PL UKai / Noto CJK" >&2
    fi
  done
  rm -rf "$tmp"
  $SUDO fc-cache -f "$FONT_DIR" >/dev/null 2>&1 || true
  echo "installed the Fandol fonts (仿宋, 宋体 bold and regular, 黑体) into $FONT_DIR"
}

# FandolSong-Bold.otf declares weight 400 (OS/2 usWeightClass), so fontconfig would see two
# regular FandolSong faces and give bold and regular text whichever comes first: a scan rule
# marks it bold (then regular text gets FandolSong-Regular, bold text FandolSong-Bold), and the
# font directory is scanned again.
FONTCONFIG_RULE="${ENERGYREVIEW_FONTCONFIG_RULE:-/etc/fonts/conf.d/64-energyreview-fandol.conf}"
fandol_fontconfig() {
  [ -f "$FONT_DIR/FandolSong-Bold.otf" ] || return 0
  rule='<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <!-- EnergyReview (scripts/install_system_deps.sh): FandolSong-Bold.otf declares weight 400;
       scan it as the bold face of FandolSong. -->
  <match target="scan">
    <test name="family"><string>FandolSong</string></test>
    <test name="style"><string>Bold</string></test>
    <edit name="weight" mode="assign"><const>bold</const></edit>
  </match>
</fontconfig>'
  if [ -f "$FONTCONFIG_RULE" ] && [ "$(cat "$FONTCONFIG_RULE")" = "$rule" ]; then
    return 0
  fi
  if ! $SUDO mkdir -p "$(dirname "$FONTCONFIG_RULE")" \
    || ! printf '%s\n' "$rule" | $SUDO tee "$FONTCONFIG_RULE" >/dev/null; then
    echo "warning: could not write $FONTCONFIG_RULE: FandolSong may print bold page numbers" >&2
    return 0
  fi
  $SUDO fc-cache -f "$FONT_DIR" >/dev/null 2>&1 || true
  echo "installed $FONTCONFIG_RULE (FandolSong-Bold scanned as bold)"
}

pkgs="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai"
pkgs="$pkgs fonts-arphic-gkai00mp gettext"
if [ "${1:-}" = "--test" ]; then
  pkgs="$pkgs poppler-utils chromium chromium-driver"
fi
missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian packages:$missing"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
  else
    echo "warning: apt-get not available; please install:$missing" >&2
  fi
fi
fandol_fonts
fandol_fontconfig
