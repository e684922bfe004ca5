#!/usr/bin/env bash
# Install the Debian packages the app needs when running as root; otherwise say what to install.
set -euo pipefail
what="${1:-runtime}"

# The CJK font for pages and certificates, DejaVu for Latin text and symbols, Pango for
# WeasyPrint, and HarfBuzz's subsetter (fontTools would take ~10 s a page without it); its
# hb-subset tool cuts the small document faces (greenbm/document_fonts.py) at install.
runtime=(fonts-noto-cjk fonts-dejavu-core fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libharfbuzz-bin)
# Headless Chromium for the end-to-end tests.
browser=(chromium)

case "$what" in
  runtime) wanted=("${runtime[@]}") ;;
  browser) wanted=("${runtime[@]}" "${browser[@]}") ;;
  *) echo "usage: $0 runtime|browser" >&2; exit 2 ;;
esac

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == *"install ok installed"* ]] || missing+=("$pkg")
  done
else
  echo "Not a Debian system: make sure these (or their equivalents) are installed: ${wanted[*]}" >&2
  exit 0
fi

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  [ "$what" = browser ] && echo "(the end-to-end tests are skipped without Chromium)" >&2
  exit 0
fi
