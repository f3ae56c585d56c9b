#!/usr/bin/env bash
# `npm run example:clinic`: Parley (join tokens required, the clinic's origin
# allowed) and the clinic example, sharing one development JOIN_TOKEN_SECRET.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JOIN_TOKEN_SECRET=${JOIN_TOKEN_SECRET:-$(node -e "console.log(require('crypto').randomBytes(32).toString('hex'))")}
CLINIC_PORT=${CLINIC_PORT:-4000}
npm run build
npm run build -w @parley/example-clinic
REQUIRE_JOIN_TOKEN=1 ALLOWED_ORIGINS=http://127.0.0.1:$CLINIC_PORT node packages/server/dist/main.js &
parley=$!
trap 'kill $parley' EXIT
CLINIC_PORT=$CLINIC_PORT PARLEY_URL=http://127.0.0.1:${PORT:-3000} node examples/clinic/server.mjs
