#!/usr/bin/env bash
# Media half of `npm run bench`: 1:1 call setup and a 4-party meeting in real Chromium, Parley
# against the textbook call and mesh, inside a network namespace holding only `lo`
# (browsers gather ICE candidates on every interface they see).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sys.sh
ensure_debs chromium:chromium iproute2:ip
in_netns node bench/media/run.mjs
in_netns node bench/media/meeting.mjs
