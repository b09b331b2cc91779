#!/usr/bin/env bash
# Runs before `npm test`. The browser tests drive Debian's Chromium through playwright-core
# (`npx playwright install` cannot download browsers here), and the malware-scanning tests start a
# private clamd from Debian's clamav-daemon with a signature database they write themselves (they
# are skipped, saying why, where clamd is missing). Installs what is missing when we are root.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
[ -x /usr/sbin/clamd ] || missing+=(clamav-daemon)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' own services are not wanted (the tests start their own clamd); where a package
  # cannot be installed, the tests that need it fail (Chromium) or are skipped with the reason (clamd).
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || echo "Could not install ${missing[*]}; see above." >&2
else
  echo "Missing for the tests: ${missing[*]} (install with apt-get as root, or set CHROMIUM_PATH)." >&2
  echo "Without Chromium the browser tests fail; without clamd the scanning tests are skipped." >&2
fi
