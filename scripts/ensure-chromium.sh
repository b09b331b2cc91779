#!/usr/bin/env bash
# Runs before `npm test`: the browser tests drive Debian's Chromium through playwright-core
# (`npx playwright install` cannot download browsers here). Installs it when missing and we are root.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  echo "Installed $("$chromium" --version 2>/dev/null || echo chromium)."
else
  echo "Chromium is missing at $chromium and cannot be installed automatically (needs root and apt-get)." >&2
  echo "Install it (e.g. sudo apt-get install -y chromium) or set CHROMIUM_PATH; the browser tests will fail without it." >&2
fi
