#!/usr/bin/env bash
# `npm test`: everything that proves Parley works, in one command.
#   1. system packages the tests use (Debian's chromium, firefox-esr, coturn, redis-server)
#   2. lint + formatting, type checks (tsc, vue-tsc)
#   3. build (the e2e suite drives the built app)
#   4. unit + integration tests (Vitest; real Socket.IO clients, real coturn)
#   5. end-to-end tests in real Chromium and Firefox (Playwright / puppeteer-core)
# Steps 4 and 5 run in a network namespace holding only loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sys.sh

step() { printf '\n=== %s ===\n' "$*"; }

step "system packages"
ensure_debs chromium:chromium firefox-esr:firefox-esr coturn:turnserver redis-server:redis-server iproute2:ip iptables:iptables

if [ ! -d node_modules ]; then
  step "npm install"
  npm install --no-audit --no-fund
fi

step "lint"
npm run lint

step "type check"
npm run typecheck

step "build"
npm run build

step "unit + integration tests (vitest, loopback-only namespace)"
in_netns npx vitest run

step "end-to-end tests (playwright, loopback-only namespace)"
PARLEY_SKIP_BUILD=1 bash scripts/e2e.sh
