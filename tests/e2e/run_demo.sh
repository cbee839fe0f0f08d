#!/usr/bin/env bash
# Run the browser tests against the real demo stack (simulated store + app + worker), the way a
# merchant would see it: start `python -m xsight.demo`, wait for its `App:` line, run the suite with
# XSIGHT_E2E_URL, stop the demo. Skips, saying so, when there is no Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e (demo): SKIPPED browser tests: no Chromium at $CHROMIUM (apt-get install chromium)"
  exit 0
fi
log=$(mktemp /tmp/xsight-demo.XXXXXX.log)
instance=$(mktemp -d /tmp/xsight-demo-instance.XXXXXX)
# No store activity: the tests compare what the page shows with what the API says.
DEMO_ACTIVITY_RATE=0 INSTANCE_PATH="$instance" PORT="${E2E_APP_PORT:-0}" .venv/bin/python -m xsight.demo >"$log" 2>&1 &
demo=$!
cleanup() { kill -TERM "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true; rm -rf "$instance"; }
trap cleanup EXIT
for _ in $(seq 600); do
  grep -q '^App: ' "$log" && break
  kill -0 "$demo" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.5
done
app=$(grep -m1 '^App: ' "$log" | sed 's/^App: //; s#/demo$##')
[ -n "$app" ] || { echo "the demo did not start:"; cat "$log"; exit 1; }
echo "e2e (demo): testing $app"
cd tests/e2e
XSIGHT_E2E_URL="$app" XSIGHT_E2E_SHOP=xsight-demo.myshopify.com ./run.sh
