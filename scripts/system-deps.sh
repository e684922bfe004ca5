#!/usr/bin/env bash
# Install the Debian packages the app needs when running as root; otherwise say what to install.
set -euo pipefail
what="${1:-fonts}"

missing=()
case "$what" in
  fonts)
    # A CJK font for Chinese text in pages and, later, PDF certificates.
    if ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-noto-cjk fontconfig); fi
    ;;
  browser)
    # Headless Chromium for the end-to-end tests.
    if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
    if ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing+=(fonts-noto-cjk fontconfig); fi
    ;;
  *) echo "usage: $0 fonts|browser" >&2; exit 2 ;;
esac

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
