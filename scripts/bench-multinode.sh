#!/usr/bin/env bash
# Multi-node half of `npm run bench`: one node in memory, one node on Redis
# and two nodes on Redis (every call crossing nodes), in this run, on
# loopback, against a real redis-server (installed when missing, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sys.sh
ensure_debs redis-server:redis-server
node bench/multiNode.mjs
