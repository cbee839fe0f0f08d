#!/usr/bin/env bash
# Run the browser tests in Debian's Chromium: against tests/e2e/mock_server.mjs by default, or
# against a running back end with XSIGHT_E2E_URL (and XSIGHT_E2E_SHOP). Skips, saying so, when
# there is no Chromium. Builds the front end first when xsight/static/app has no build.
set -euo pipefail
cd "$(dirname "$0")"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: SKIPPED browser tests: no Chromium at $CHROMIUM (apt-get install chromium)"
  exit 0
fi
if [ ! -f ../../xsight/static/app/.vite/manifest.json ]; then
  (cd ../../frontend_embedded && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
npm ci --no-audit --no-fund --loglevel=error
# Every *.test.mjs here (ui, analytics, settings, and any a page brings along), one file at a time.
exec node --test --test-concurrency=1 ./*.test.mjs
