#!/bin/sh
# Installs what the browser tests (test/browser/) drive: Debian's chromium at /usr/bin/chromium, plus
# the fonts the Chinese UI needs (without a CJK font it renders as boxes in screenshots; the cards use
# emoji lights 🔴🟡🟢). Idempotent: installs only what is missing. Needs root (or sudo) and the
# distribution's apt sources; playwright-core drives this system browser, so npm downloads no browser.
set -eu

BROWSER=/usr/bin/chromium
missing=""
[ -x "$BROWSER" ] || missing="chromium"
for pkg in fonts-noto-cjk fonts-noto-color-emoji; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done

if [ -z "$missing" ]; then
  echo "install-browser: $BROWSER and fonts are installed ($("$BROWSER" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: apt-get not found; install Chromium so that $BROWSER exists (missing:$missing)" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-browser: not root and no sudo: run 'apt-get install -y$missing' as root" >&2
    exit 1
  fi
fi

echo "install-browser: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # the list is meant to split
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

if [ ! -x "$BROWSER" ]; then
  echo "install-browser: apt-get finished but $BROWSER is missing" >&2
  exit 1
fi
echo "install-browser: ready: $("$BROWSER" --version 2>/dev/null || echo chromium)"
