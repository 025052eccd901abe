#!/usr/bin/env bash
# Builds what the demo needs and runs it: the collector, an instrumented API and some traffic.
# Options are passed to the demo (see --port, --api-port, --data-dir, --geo-db, --requests).
set -euo pipefail
cd "$(dirname "$0")"
# without Maven installed, the wrapper fetches it
MVN=mvn
command -v mvn >/dev/null 2>&1 || MVN=./mvnw
echo "[demo] Building the collector, the Javalin adapter and the demo API (the first build downloads dependencies)..."
"$MVN" -B -ntp -DskipTests -pl examples/demo -am package 2>&1 \
  | grep --line-buffered -E '^\[INFO\] Building API|ERROR|FAIL' | sed -u 's/^\[INFO\] /[demo]   /' || true
if [ ! -f examples/demo/target/api-analytics-demo.jar ]; then
  echo "[demo] The build failed; run: $MVN -B -DskipTests -pl examples/demo -am package" >&2
  exit 1
fi
# a country database makes the Locations panel work; fetched once from npm into a cache
if [ -z "${API_ANALYTICS_GEO_DB:-}" ] && command -v npm >/dev/null 2>&1; then
  API_ANALYTICS_GEO_DB=$(bash .ci/geodb.sh 2>/dev/null || true)
  export API_ANALYTICS_GEO_DB
fi
exec java -jar examples/demo/target/api-analytics-demo.jar "$@"
