#!/usr/bin/env bash
# Chorus (one node, then two) against the Node.js ws@8 peer and the seed article's Python websockets server:
# the same scenarios, one at a time, each bounded in time; prints one comparison table and writes it, the
# raw JSON results, the progress logs and a latency chart to $OUT. Compare servers by their own CPU per
# message (from /proc/<pid>/stat) and latency at the same offered load: the load generator shares the machine.
#
#   bench/compare.sh                 # about 6-8 minutes on 2 cores
#   DURATION=10s HOLD=5000 bench/compare.sh
#
# Needs: Java 17 + Maven (builds target/chat-server.jar and bench/target/chorus-bench.jar if missing), Node.js >= 18 + npm (installs ws from
# bench/peers/package-lock.json), Debian's python3-websockets (apt-get install python3-websockets).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}          # measured window per scenario
WARMUP=${WARMUP:-3s}               # unmeasured warm-up before it
ECHO_CONNECTIONS=${ECHO_CONNECTIONS:-50}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-1000}
FANOUT_RATE=${FANOUT_RATE:-20}     # chat messages per second into the room, from FANOUT_SENDERS clients
FANOUT_SENDERS=${FANOUT_SENDERS:-2}
HOLD=${HOLD:-15000}                # idle connections
CAPACITY_RATES=${CAPACITY_RATES:-"50 100"}   # Chorus one node, msg/s into a room of FANOUT_CLIENTS
PYTHON=${PYTHON:-/usr/bin/python3}
# A bounded young generation keeps resident memory close to the live heap (docs/performance.md, round 2).
CHORUS_JAVA_OPTS=${CHORUS_JAVA_OPTS:-"-Xms256m -Xmx1g -Xmn64m"}
OUT=${OUT:-target/bench-$(date +%Y%m%d-%H%M%S)}
JAR=target/chat-server.jar
BENCH_JAR=bench/target/chorus-bench.jar
CLUSTER=bench-$$

mkdir -p "$OUT"
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || mvn -B -q -DskipTests package
[ -d bench/peers/node_modules/ws ] || (cd bench/peers && npm ci --no-audit --no-fund >/dev/null)
"$PYTHON" -c 'import websockets' 2>/dev/null || { echo "python3-websockets is missing (apt-get install python3-websockets)" >&2; exit 2; }

STARTED=()
cleanup() {
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# wait_for <url>: until the HTTP URL answers (ready) or 60 s.
wait_for() {
  for _ in $(seq 120); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.5
  done
  echo "not up: $1" >&2; exit 1
}

start_chorus() { # <http port> <cluster port> [members]
  HTTP_HOST=127.0.0.1 HTTP_PORT=$1 CLUSTER_PORT=$2 CLUSTER_NAME=$CLUSTER CLUSTER_MEMBERS=${3:-} \
    java $CHORUS_JAVA_OPTS -jar "$PWD/$JAR" >"$OUT/chorus-$1.log" 2>&1 &
  STARTED+=($!)
  LAST_PID=$!
  for _ in $(seq 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$1/ready"; then return 0; fi
    sleep 0.5
  done
  echo "chorus on $1 not ready, see $OUT/chorus-$1.log" >&2; exit 1
}

RESULTS=()
bench() { # <scenario> <label> <pids> <command> [options...]
  local scenario=$1 label=$2 pids=$3 command=$4; shift 4
  local file="$OUT/$scenario-$label.json"
  echo "== $scenario: $label" >&2
  if java -Xmx2g -jar "$BENCH_JAR" "$command" --scenario "$scenario" --label "$label" \
      --pid "$pids" --duration "$DURATION" --warmup "$WARMUP" --json "$@" >"$file" 2>"$OUT/$scenario-$label.log"; then
    tail -n 1 "$OUT/$scenario-$label.log" >&2
  else
    echo "   failed: $(tail -n 1 "$OUT/$scenario-$label.log")" >&2
  fi
  RESULTS+=("$file")
}

start_chorus 18080 15701
CHORUS1=$LAST_PID
(cd bench/peers && PORT=19001 exec node ws-server.js) >"$OUT/node.log" 2>&1 &
STARTED+=($!); NODE=$!
PORT=19002 "$PYTHON" bench/peers/seed_server.py >"$OUT/python.log" 2>&1 &
STARTED+=($!); PY=$!
wait_for http://127.0.0.1:19001/
wait_for http://127.0.0.1:19002/

SERVERS=("chorus 18080 $CHORUS1" "node-ws 19001 $NODE" "python 19002 $PY")
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1); node: $(node -v); ws: $(node -p 'require("./bench/peers/node_modules/ws/package.json").version'); python websockets: $("$PYTHON" -c 'import websockets; print(websockets.__version__)')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt" >&2

for server in "${SERVERS[@]}"; do
  read -r label port pid <<<"$server"
  bench echo-$ECHO_CONNECTIONS "$label" "$pid" echo --url "ws://127.0.0.1:$port/echo" --connections "$ECHO_CONNECTIONS"
done
for server in "${SERVERS[@]}"; do
  read -r label port pid <<<"$server"
  bench fanout-$FANOUT_CLIENTS "$label" "$pid" fanout --url "ws://127.0.0.1:$port/chat" \
    --connections "$FANOUT_CLIENTS" --senders "$FANOUT_SENDERS" --rate "$FANOUT_RATE"
done
for server in "${SERVERS[@]}"; do
  read -r label port pid <<<"$server"
  bench hold-$HOLD "$label" "$pid" hold --url "ws://127.0.0.1:$port/chat" --connections "$HOLD" --sources 4 \
    --duration 5s
done
for rate in $CAPACITY_RATES; do
  bench capacity-$((rate * FANOUT_CLIENTS)) chorus "$CHORUS1" fanout --url ws://127.0.0.1:18080/chat \
    --connections "$FANOUT_CLIENTS" --senders 4 --rate "$rate"
done

# Two nodes: half the clients on each, senders on both; both nodes' CPU counts.
start_chorus 18081 15702 127.0.0.1:15701
CHORUS2=$LAST_PID
bench fanout-$FANOUT_CLIENTS chorus-2-nodes "$CHORUS1,$CHORUS2" fanout \
  --url ws://127.0.0.1:18080/chat,ws://127.0.0.1:18081/chat \
  --connections "$FANOUT_CLIENTS" --senders "$FANOUT_SENDERS" --rate "$FANOUT_RATE"

echo
java -jar "$BENCH_JAR" compare --baseline node-ws --svg "$OUT/latency.svg" "${RESULTS[@]}" \
  | tee "$OUT/table.md"
echo "(results, logs and latency.svg in $OUT)"
