#!/usr/bin/env bash
# Runs before `npm test`. The browser tests drive Debian's Chromium through playwright-core
# (`npx playwright install` cannot download browsers here), the malware-scanning tests start a
# private clamd from Debian's clamav-daemon with a signature database they write themselves, and the
# monitoring tests run Debian's Prometheus (and promtool) against the shipped scrape and alert files
# (those two are skipped, saying why, where the tool is missing). Installs what is missing when we are root.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
[ -x /usr/sbin/clamd ] || missing+=(clamav-daemon)
[ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ] || missing+=(prometheus)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' own services are not wanted (the tests start their own clamd and Prometheus); where a
  # package cannot be installed, the tests that need it fail (Chromium) or are skipped with the reason
  # (clamd, Prometheus).
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || echo "Could not install ${missing[*]}; see above." >&2
else
  echo "Missing for the tests: ${missing[*]} (install with apt-get as root, or set CHROMIUM_PATH)." >&2
  echo "Without Chromium the browser tests fail; without clamd or Prometheus their tests are skipped." >&2
fi
