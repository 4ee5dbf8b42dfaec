#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker+controller) for tests and local distributed runs.
# The jars come from Maven Central (org.apache.kafka:kafka_2.13 + runtime deps) and run on the
# machine's Java 17: no Docker, no tarball download.
#
#   deploy/local/kafka.sh start|stop|status|restart|url
#
# Env: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1), KAFKA_VERSION (3.9.1),
#      EXGATE_CACHE (<repo>/.local), KAFKA_HEAP (-Xmx512m -Xms256m).
# Kafka 3.9.x on purpose: kafkajs 2.2.4 is not maintained for Kafka 4, which removed old protocol
# versions (KIP-896); see docs/adr/0002-bus.md.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${EXGATE_CACHE:-$repo_root/.local}"
version="${KAFKA_VERSION:-3.9.1}"
port="${KAFKA_PORT:-19092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
heap="${KAFKA_HEAP:--Xmx512m -Xms256m}"

libs="$cache/kafka-$version/libs"         # shared by every node on this machine
home="$cache/kafka/$port"                 # this node: config, data, pid
log_dir="$cache/kafka"
log_file="$log_dir/server.log"
[ "$port" = 19092 ] || log_file="$log_dir/server-$port.log"
pid_file="$home/kafka.pid"
data="$home/data"

say() { echo "kafka: $*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# During startup the background child may not have exec'd java yet: only ask whether it lives.
alive() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid; pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null || return 1
  # A pid file from before a reboot may name someone else's process now.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { say "mvn is required to fetch Kafka's jars"; exit 1; }
  command -v java >/dev/null || { say "java (17+) is required to run Kafka"; exit 1; }
  local started=$SECONDS work="$cache/kafka-$version/fetch"
  say "fetching org.apache.kafka:kafka_2.13:$version and its runtime dependencies from Maven Central"
  rm -rf "$libs" "$work"; mkdir -p "$work" "$libs"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>exgate.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-storage</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
    <!-- Kafka 3.x logs through slf4j to log4j 1 (reload4j is the maintained drop-in). -->
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
    <dependency><groupId>ch.qos.reload4j</groupId><artifactId>reload4j</artifactId><version>1.2.25</version></dependency>
  </dependencies>
</project>
POM
  local mvn_opts=(-q -B -f "$work/pom.xml" dependency:copy-dependencies
    -DoutputDirectory="$libs" -DincludeScope=runtime)
  [ -z "${EXGATE_M2_REPO:-}" ] || mvn_opts+=("-Dmaven.repo.local=$EXGATE_M2_REPO")
  if ! mvn "${mvn_opts[@]}" >"$work/mvn.log" 2>&1; then
    cat "$work/mvn.log" >&2; say "fetching the jars failed"; exit 1
  fi
  touch "$libs/.complete"
  say "fetched $(ls "$libs" | wc -l) jars in $((SECONDS - started))s"
}

configure() {
  mkdir -p "$home" "$data" "$log_dir"
  cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
# Topics are created by our admin code (ensureTopics), never by a typo in a consumer.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
log.segment.bytes=16777216
log.retention.hours=24
log.retention.check.interval.ms=60000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
delete.topic.enable=true
PROPS
  cat >"$home/log4j.properties" <<L4J
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$log_file
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
L4J
  # The CLI tools (storage format, the readiness probe) log warnings to stderr only.
  cat >"$home/tools-log4j.properties" <<L4J
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
L4J
}

java_cmd() {
  # Classpath wildcard: java expands libs/* itself.
  java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j.configuration="file:$home/tools-log4j.properties" \
    -cp "$libs/*" "$@"
}

# KRaft wants a base64 UUID (22 chars); a fixed one per port keeps re-formats reproducible.
cluster_id() { printf 'exgate%016d' "$port" | head -c 22; }

format_storage() {
  [ -f "$data/meta.properties" ] && return 0
  say "formatting KRaft storage in $data"
  java_cmd kafka.tools.StorageTool format -t "$(cluster_id)" \
    -c "$home/server.properties" --ignore-formatted >"$home/format.log" 2>&1 \
    || { cat "$home/format.log" >&2; say "storage format failed"; exit 1; }
}

# A metadata round-trip, not just an open port: the broker must be registered and serving.
metadata_ok() {
  java_cmd org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$port" --list \
    >/dev/null 2>&1
}

start() {
  # Several test runs may start at once: one starts the broker, the others wait and reuse it.
  mkdir -p "$home"
  exec 9>"$home/.start.lock"
  flock -w 300 9 || { say "timed out waiting for another start"; exit 1; }
  if pid="$(running_pid)" && port_open "$port"; then
    say "already running (pid $pid)"; echo "127.0.0.1:$port"; return 0
  fi
  fetch
  configure
  if port_open "$port"; then
    # Another checkout's broker (tests use unique topics, so sharing it is fine).
    if metadata_ok; then say "using the broker already on 127.0.0.1:$port"; echo "127.0.0.1:$port"; return 0; fi
    say "something that is not Kafka listens on 127.0.0.1:$port; set KAFKA_PORT"; exit 1
  fi
  format_storage
  local started=$SECONDS
  say "starting on 127.0.0.1:$port (log: $log_file)"
  # setsid: the broker outlives the shell that started it (tests reuse it).
  setsid bash -c 'exec "$@"' _ java $heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$home/log4j.properties" -Dkafka.logs.dir="$log_dir" \
    -cp "$libs/*" kafka.Kafka "$home/server.properties" </dev/null >>"$home/stdout.log" 2>&1 9>&- &
  echo $! >"$pid_file"
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-120}))
  until port_open "$port"; do
    if ! alive; then tail -n 40 "$log_file" >&2; say "exited during startup"; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then say "port $port did not open in time"; stop; exit 1; fi
    sleep 0.5
  done
  until metadata_ok; do
    if ! alive; then tail -n 40 "$log_file" >&2; say "exited during startup"; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then say "metadata requests fail"; stop; exit 1; fi
    sleep 1
  done
  say "ready in $((SECONDS - started))s (pid $(cat "$pid_file"))"
  echo "127.0.0.1:$port"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then say "not running"; rm -f "$pid_file"; return 0; fi
  say "stopping pid $pid"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then say "did not stop in 30s, killing"; kill -KILL "$pid"; fi
  rm -f "$pid_file"
}

status() {
  if pid="$(running_pid)" && port_open "$port"; then
    say "running (pid $pid) on 127.0.0.1:$port"; echo "127.0.0.1:$port"
  elif port_open "$port"; then
    say "something answers on 127.0.0.1:$port (not started from $cache)"; echo "127.0.0.1:$port"
  else
    say "not running"; return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  fetch) fetch ;;
  url) echo "127.0.0.1:$port" ;;
  *) echo "usage: $0 start|stop|restart|status|fetch|url" >&2; exit 2 ;;
esac
