#!/usr/bin/env bash
# Builds the benchmarks jar and runs core's JMH benchmarks: the request path (record +
# enqueue, with bytes allocated per request) and the uploader's serialising and gzipping.
# Extra arguments go to JMH, e.g. `benchmarks/core.sh -i 10` for longer measurements.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl benchmarks -am package -DskipTests
exec java -jar benchmarks/target/benchmarks.jar 'RecordBenchmark|SerializeBenchmark' \
    -prof gc -wi 3 -i 5 -f 1 -w 1 -r 1 "$@"
