#!/usr/bin/env bash
# Load benchmark of the adapters: a hello-world endpoint on the servlet filter (Jetty 12), the
# Spring Boot starter (Spring MVC on Tomcat, --frameworks spring; WebFlux on Tomcat's reactive
# adapter, --frameworks webflux), Javalin 7, Vert.x 5, Micronaut 4 (its Netty server,
# --frameworks micronaut) and Quarkus 3 (Quarkus REST, --frameworks quarkus), each with and
# without the middleware, driven by wrk on loopback in alternating pairs; the middleware posts to a collector sink, so its whole path is measured.
# Prints one line per pair and a Markdown table at the end. Needs wrk (apt-get install wrk).
# Options go to the driver, e.g. `benchmarks/run-load.sh --seconds 10 --pairs 9 --frameworks javalin`.
set -euo pipefail
cd "$(dirname "$0")/.."
# the sink is the JDK HttpServer: nodelay, or Nagle and delayed ACKs cap it at a few posts per second
# compiles benchmarks/ with core, the adapters and the starter from this tree (nothing installed); leaves the JMH jar alone
mvn -B -q -pl benchmarks -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/load-classpath.txt -Dmdep.includeScope=runtime
# the Quarkus hello world is an application its Maven plugin assembles (twice: with the adapter and
# with it switched off), run in JVMs of its own
mvn -B -q -pl benchmarks-quarkus -am package -DskipTests
exec java -Xms256m -Xmx256m -Dsun.net.httpserver.nodelay=true -cp "benchmarks/target/classes:$(cat benchmarks/target/load-classpath.txt)" \
    dev.apianalytics.benchmarks.load.AdapterLoadBenchmark "$@"
