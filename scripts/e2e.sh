#!/usr/bin/env bash
# End-to-end tests of Parley in real browsers (Debian's Chromium and Firefox ESR).
#
#   npm run test:e2e [-- <playwright args>]   e.g. npm run test:e2e -- e2e/tests/call.spec.ts -g Decline
#   PARLEY_SKIP_BUILD=1 npm run test:e2e      reuse the current dist/ builds
#
# Playwright runs inside a fresh network namespace that holds only `lo`:
# browsers gather ICE candidates on every interface they see, and the tests
# must never send a packet off this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sys.sh

# Browsers come from Debian (Playwright never downloads its own); coturn is
# the relay of the NAT-traversal spec.
ensure_debs chromium:chromium firefox-esr:firefox-esr coturn:turnserver redis-server:redis-server iproute2:ip iptables:iptables
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Which browsers this run drives (the README lists the versions the suite has passed on).
echo "e2e browsers: $(/usr/bin/chromium --version 2>/dev/null | head -n1); $(/usr/bin/firefox-esr --version 2>/dev/null | head -n1)"

if [ "${PARLEY_SKIP_BUILD:-0}" != "1" ]; then
  npx tsc -b packages/protocol packages/client packages/server
  npm run build -w @parley/web
fi
for built in packages/server/dist/main.js packages/web/dist/index.html; do
  [ -f "$built" ] || { echo "e2e: $built is missing (build first, or unset PARLEY_SKIP_BUILD)" >&2; exit 1; }
done

# Inside the namespace: refuse to run if anything but lo is visible.
only_lo_then_run='
others=$(ip -o link show | awk -F": " "{ print \$2 }" | grep -v "^lo$" || true)
if [ -n "$others" ]; then
  echo "e2e: the namespace has interfaces besides lo ($others); refusing to run" >&2
  exit 1
fi
exec npx playwright test -c e2e/playwright.config.ts "$@"
'
in_netns sh -c "$only_lo_then_run" e2e "$@"
