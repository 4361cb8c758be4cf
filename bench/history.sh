#!/usr/bin/env bash
# History stores side by side, on one node: acked chats per second, send-to-ack latency and the server's CPU
# per ack with history.store memory and with history.store postgres (a local PostgreSQL with fsync and
# synchronous_commit on, as shipped: an ack means committed). With BASELINE_JAR, also the memory store of
# that jar against this one, interleaved (baseline, current, baseline, current): fan-out CPU per delivery,
# and publish-to-deliver latency of a small room (mostly the sequencing). Prints one table.
#
#   bench/history.sh                                              # about 3 minutes on 2 cores
#   BASELINE_JAR=/tmp/old/target/chat-server.jar bench/history.sh # plus the A/B, about 6 more minutes
#   SKIP_ACK=1 ROUNDS=3 BASELINE_JAR=... bench/history.sh          # the A/B alone, three rounds
#
# Needs: Java 17 + Maven (builds the jars if missing) and Debian's postgresql (apt-get install postgresql).
# As root, PostgreSQL runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
ACK_CONNECTIONS=${ACK_CONNECTIONS:-100}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-1000}
FANOUT_RATE=${FANOUT_RATE:-20}
SMALL_CLIENTS=${SMALL_CLIENTS:-10}
SMALL_RATE=${SMALL_RATE:-200}
ROUNDS=${ROUNDS:-2}                # A/B rounds with BASELINE_JAR
SKIP_ACK=${SKIP_ACK:-}             # set: only the A/B
CHORUS_JAVA_OPTS=${CHORUS_JAVA_OPTS:-"-Xms256m -Xmx1g -Xmn64m"}
OUT=$(realpath -m "${OUT:-target/bench-history-$(date +%Y%m%d-%H%M%S)}")
JAR=$PWD/target/chat-server.jar
BENCH_JAR=$PWD/bench/target/chorus-bench.jar
PG_PORT=${PG_PORT:-15432}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

mkdir -p "$OUT"
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || mvn -B -q -DskipTests package
[ -n "$PG_BIN" ] || { echo "PostgreSQL is missing (apt-get install postgresql)" >&2; exit 2; }

STARTED=()
PGDIR=$(mktemp -d /tmp/chorus-bench-pg-XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT

echo "bench-password" >"$PGDIR/password"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDIR"
as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U chorus --pwfile "$PGDIR/password" --auth=scram-sha-256 -E UTF8 \
  --locale=C >"$OUT/initdb.log"
as_pg "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PG_PORT -k $PGDIR -c listen_addresses=127.0.0.1" start >/dev/null
PG_URL=postgresql://chorus:bench-password@127.0.0.1:$PG_PORT/postgres

# CPU seconds of every PostgreSQL process (postmaster and backends), from /proc.
pg_cpu() {
  local ticks=0 pid
  for pid in $(pgrep -f "postgres.*$PGDIR|postgres: " || true); do
    [ -r "/proc/$pid/stat" ] && ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "scale=3; $ticks / $(getconf CLK_TCK)" | bc
}

start_chorus() { # <jar> <http port> <cluster port> [env...]
  local jar=$1 port=$2 cport=$3; shift 3
  # In $OUT, away from conf/: each jar runs with its own packaged defaults (a baseline may know fewer settings).
  (cd "$OUT" && exec env HTTP_HOST=127.0.0.1 HTTP_PORT="$port" CLUSTER_PORT="$cport" \
    CLUSTER_NAME="bench-history-$$-$port" RATE_MESSAGES_PER_SECOND=100000 RATE_BURST=100000 \
    MAX_CONNECTIONS_PER_ADDRESS=0 "$@" \
    java $CHORUS_JAVA_OPTS -jar "$jar") >"$OUT/chorus-$port.log" 2>&1 &
  STARTED+=($!)
  LAST_PID=$!
  for _ in $(seq 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/ready"; then return 0; fi
    sleep 0.5
  done
  echo "chorus on $port not ready, see $OUT/chorus-$port.log" >&2; exit 1
}

stop_chorus() {
  kill "$LAST_PID"; wait "$LAST_PID" 2>/dev/null || true
}

RESULTS=()
bench() { # <scenario> <label> <pid> <command> [options...]
  local scenario=$1 label=$2 pid=$3 command=$4; shift 4
  local file="$OUT/$scenario-$label.json"
  echo "== $scenario: $label" >&2
  java -Xmx2g -jar "$BENCH_JAR" "$command" --scenario "$scenario" --label "$label" --pid "$pid" \
    --duration "$DURATION" --warmup "$WARMUP" --json "$@" >"$file" 2>"$OUT/$scenario-$label.log" \
    && tail -n 1 "$OUT/$scenario-$label.log" >&2 || echo "   failed: $(tail -n 1 "$OUT/$scenario-$label.log")" >&2
  RESULTS+=("$file")
}

{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1); postgresql: $("$PG_BIN/postgres" --version)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt" >&2

if [ -z "$SKIP_ACK" ]; then
start_chorus "$JAR" 18090 15790
bench ack-$ACK_CONNECTIONS memory "$LAST_PID" ack --url ws://127.0.0.1:18090/chat --connections "$ACK_CONNECTIONS"
stop_chorus

start_chorus "$JAR" 18091 15791 HISTORY_STORE=postgres HISTORY_POSTGRES_URL="$PG_URL"
PG_BEFORE=$(pg_cpu)
bench ack-$ACK_CONNECTIONS postgres "$LAST_PID" ack --url ws://127.0.0.1:18091/chat --connections "$ACK_CONNECTIONS"
PG_AFTER=$(pg_cpu)
stop_chorus
echo "PostgreSQL's own CPU during the postgres run (warm-up included): $(echo "$PG_AFTER - $PG_BEFORE" | bc) s" \
  | tee "$OUT/postgres-cpu.txt" >&2
fi

if [ -n "${BASELINE_JAR:-}" ]; then
  for round in $(seq "$ROUNDS"); do
    for side in baseline current; do
      jar=$JAR; [ "$side" = baseline ] && jar=$BASELINE_JAR
      start_chorus "$jar" 18092 15792
      bench fanout-$FANOUT_CLIENTS "$side-$round" "$LAST_PID" fanout --url ws://127.0.0.1:18092/chat \
        --connections "$FANOUT_CLIENTS" --senders 2 --rate "$FANOUT_RATE"
      bench small-room-$SMALL_RATE "$side-$round" "$LAST_PID" fanout --url ws://127.0.0.1:18092/chat \
        --connections "$SMALL_CLIENTS" --senders 2 --rate "$SMALL_RATE" --room small
      stop_chorus
    done
  done
fi

echo
java -jar "$BENCH_JAR" compare "${RESULTS[@]}" | tee "$OUT/table.md"
cat "$OUT/postgres-cpu.txt" 2>/dev/null || true
echo "(results and logs in $OUT)"
