#!/usr/bin/env bash
# Soak benchmark (not a test): a steady 1:1 call under 1 % UDP loss for
# SOAK_MINUTES (default 30), Parley next to the textbook call, inside a
# network namespace holding only `lo` (iptables rules live and die there).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sys.sh
ensure_debs chromium:chromium iproute2:ip iptables:iptables
[ -f packages/server/dist/main.js ] && [ -f packages/web/dist/index.html ] || npm run build
in_netns node bench/soak/run.mjs
