# Sourced by bench/run.sh and bench/ingest.sh (needs ROOT, BENCH, WORK and log()): builds the service
# jar when a source is newer than it, and the harness; sets JAR, DEP and BENCH_CP.
# SV_JAR (bench/ingest.sh --jar): measure that service jar as it is, e.g. an earlier build for a
# before/after comparison on the same machine.
JAR=${SV_JAR:-$ROOT/target/sideview.jar}
if [ -z "${SV_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/src" "$ROOT/pom.xml" -newer "$JAR" -print -quit)" ]; }; then
  log "building the service ($ROOT)"
  mvn -q -B -f "$ROOT/pom.xml" package -DskipTests
fi
log "building the harness"
mvn -q -B -f "$BENCH/pom.xml" package -DskipTests
DEP=org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
mvn -q -B -f "$BENCH/pom.xml" $DEP -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt"
BENCH_CP="$BENCH/target/classes:$(cat "$WORK/cp.txt")"
