#!/usr/bin/env bash
# Chorus (one node, then two) against the Node.js ws@8 peer, the seed article's Python websockets server, the
# machine's floor for echo and fan-out (NettyFloor, plain Netty from the test classes), for quiet nodes the
# stack's floor (ClusterFloor: two clustered Vert.x processes, no Chorus) and, for two nodes,
# Socket.IO 4.8 over its Redis adapter (two Node processes and a redis-server): the same
# scenarios, one at a time, each bounded in time, then a capacity ramp per server; prints one comparison table
# and the ramp's verdicts and writes them, the raw JSON results, the progress logs and a latency chart to $OUT.
# Compare servers by their own CPU per message (from /proc/<pid>/stat: user-space, which is the server's own
# code, and user + system, which on loopback includes the kernel's TCP work) and latency at the same offered
# load: the load generator shares the machine.
#
#   bench/compare.sh                 # about 10-12 minutes on 2 cores
#   DURATION=10s HOLD=5000 bench/compare.sh
#
# Needs: Java 17 + Maven (builds target/chat-server.jar and bench/target/chorus-bench.jar if missing),
# Node.js >= 20 + npm (installs ws, socket.io, @socket.io/redis-adapter and ioredis from
# bench/peers/package-lock.json), Debian's python3-websockets and redis-server.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-15s}          # measured window per scenario
WARMUP=${WARMUP:-3s}               # unmeasured warm-up before it
ECHO_CONNECTIONS=${ECHO_CONNECTIONS:-50}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-1000}
FANOUT_RATE=${FANOUT_RATE:-20}     # chat messages per second into the room, from FANOUT_SENDERS clients
FANOUT_SENDERS=${FANOUT_SENDERS:-2}
HOLD=${HOLD:-15000}                # idle connections
# How long they are held before resident memory is read: long enough for a node's server.memoryReturnSeconds
# (5 s) to pass after the last connect and its collection to finish.
HOLD_FOR=${HOLD_FOR:-25s}
# The capacity ramp: for each server in CAPACITY_SERVERS (chorus, node-ws, socketio-2-procs, chorus-2-nodes), msg/s
# into a room of FANOUT_CLIENTS from CAPACITY_SENDERS clients (or one per 10 msg/s, if more) at each of CAPACITY_RATES in turn, until a step
# fails (p99 >= CAPACITY_P99_MS or anything lost); the largest rate that passed is the server's capacity.
CAPACITY_RATES=${CAPACITY_RATES:-"25 50 75 100 150 200 300 400 600 800"}
CAPACITY_SERVERS=${CAPACITY_SERVERS:-"chorus node-ws socketio-2-procs"}
CAPACITY_SENDERS=${CAPACITY_SENDERS:-4}
CAPACITY_P99_MS=${CAPACITY_P99_MS:-100}
CAPACITY_DURATION=${CAPACITY_DURATION:-5s}
CAPACITY_WARMUP=${CAPACITY_WARMUP:-4s}   # the join storm (N(N+1)/2 status messages) must settle first
# A failed step is tried again up to CAPACITY_TRIES in all: on a shared machine one second of interference
# is enough to fail a 5 s step's p99.
CAPACITY_TRIES=${CAPACITY_TRIES:-2}
# Quiet nodes: QUIET_CONNECTIONS idle connections over both Chorus nodes, then both cluster-floor processes, then
# both Socket.IO processes, held for QUIET (at least one Socket.IO ping interval, 25 s); CPU % of a core per
# server process. QUIET=0 skips it.
QUIET=${QUIET:-30s}
QUIET_CONNECTIONS=${QUIET_CONNECTIONS:-$FANOUT_CLIENTS}
PYTHON=${PYTHON:-/usr/bin/python3}
# A bounded young generation keeps resident memory close to the live heap (docs/performance.md, round 2).
CHORUS_JAVA_OPTS=${CHORUS_JAVA_OPTS:-"-Xms256m -Xmx1g -Xmn64m"}
OUT=${OUT:-target/bench-$(date +%Y%m%d-%H%M%S)}
JAR=target/chat-server.jar
BENCH_JAR=bench/target/chorus-bench.jar
# The machine's floor for echo and fan-out (docs/performance.md, "The Netty floor"): plain Netty, frames only.
FLOOR_CLASSES=server/target/test-classes/dev/chorus/floor/NettyFloor.class
CLUSTER_FLOOR_CLASSES=server/target/test-classes/dev/chorus/floor/ClusterFloor.class
CLUSTER=bench-$$

mkdir -p "$OUT"
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] && [ -f "$FLOOR_CLASSES" ] && [ -f "$CLUSTER_FLOOR_CLASSES" ] || mvn -B -q -DskipTests package
[ -d bench/peers/node_modules/ws ] && [ -d bench/peers/node_modules/socket.io ] \
  || (cd bench/peers && npm ci --no-audit --no-fund >/dev/null)
"$PYTHON" -c 'import websockets' 2>/dev/null || { echo "python3-websockets is missing (apt-get install python3-websockets)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "redis-server is missing (apt-get install redis-server)" >&2; exit 2; }

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

# wait_line <file> <text>: until the log file has a line containing text or 60 s.
wait_line() {
  for _ in $(seq 120); do
    if grep -qF "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "not up: see $1" >&2; exit 1
}

# A TCP port free on loopback now.
free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start_chorus() { # <http port> <cluster port> [members]
  # Every bench client comes from 127.0.0.1: no per-address limit.
  HTTP_HOST=127.0.0.1 HTTP_PORT=$1 CLUSTER_PORT=$2 CLUSTER_NAME=$CLUSTER CLUSTER_MEMBERS=${3:-} MAX_CONNECTIONS_PER_ADDRESS=0 \
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
LAST_RESULT=
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
  LAST_RESULT=$file
}

# passed <result.json>: whether a capacity step held (p99 below CAPACITY_P99_MS, nothing lost); says why on stderr.
passed() {
  node -e '
    let f;
    try { f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).figures; } catch (e) { f = null; }
    if (!f) { console.error("   step failed: no result"); process.exit(1); }
    const ok = f.lost === 0 && f.p99_ms < Number(process.argv[2]);
    console.error(`   step ${ok ? "held" : "failed"}: p99 ${f.p99_ms} ms, lost ${f.lost}`);
    process.exit(ok ? 0 : 1);' "$1" "$CAPACITY_P99_MS"
}

CAPACITY=()
# ramp <label> <pids> <urls> [fanout options]: CAPACITY_RATES in turn until a step fails; records the last that held.
ramp() {
  local label=$1 pids=$2 urls=$3; shift 3
  case " $CAPACITY_SERVERS " in *" $label "*) ;; *) return 0 ;; esac
  local rate try ok held="none" failed=
  for rate in $CAPACITY_RATES; do
    ok=
    # Chorus limits each connection to limits.messagesPerSecond (20): at least one sender per 10 msg/s.
    local senders=$(( rate / 10 > CAPACITY_SENDERS ? rate / 10 : CAPACITY_SENDERS ))
    for try in $(seq "$CAPACITY_TRIES"); do
      bench capacity-$((rate * FANOUT_CLIENTS)) "$label" "$pids" fanout --url "$urls" --connections "$FANOUT_CLIENTS" \
        --senders "$senders" --rate "$rate" --duration "$CAPACITY_DURATION" --warmup "$CAPACITY_WARMUP" "$@"
      if passed "$LAST_RESULT"; then ok=1; break; fi
      if [ "$try" -lt "$CAPACITY_TRIES" ]; then
        # Keep the failed try beside the table (only the last try of a step is a row), then try again.
        mv "$LAST_RESULT" "${LAST_RESULT%.json}-try$try.json"
        mv "${LAST_RESULT%.json}.log" "${LAST_RESULT%.json}-try$try.log"
        unset 'RESULTS[-1]'
        echo "   trying $rate msg/s again" >&2
      fi
    done
    if [ -z "$ok" ]; then
      failed=" (failed at $rate msg/s, $CAPACITY_TRIES tries)"
      break
    fi
    held="$rate msg/s ($((rate * FANOUT_CLIENTS)) deliveries/s)"
  done
  CAPACITY+=("$(printf '%-18s %s%s' "$label" "$held" "${failed:- (held every step; raise CAPACITY_RATES)}")")
}

start_chorus 18080 15701
CHORUS1=$LAST_PID
(cd bench/peers && PORT=19001 exec node ws-server.js) >"$OUT/node.log" 2>&1 &
STARTED+=($!); NODE=$!
PORT=19002 "$PYTHON" bench/peers/seed_server.py >"$OUT/python.log" 2>&1 &
STARTED+=($!); PY=$!
java -cp server/target/test-classes:"$JAR" dev.chorus.floor.NettyFloor 19003 >"$OUT/floor.log" 2>&1 &
STARTED+=($!); FLOOR=$!
wait_for http://127.0.0.1:19001/
wait_for http://127.0.0.1:19002/
wait_line "$OUT/floor.log" "19003"

SERVERS=("chorus 18080 $CHORUS1" "node-ws 19001 $NODE" "python 19002 $PY")
# Echo and fan-out only: the floor holds connections like any Netty server, and has no rooms or limits.
FLOOR_SERVER="netty-floor 19003 $FLOOR"
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/{print $2}') GiB"
  echo "java: $(java -version 2>&1 | head -1); node: $(node -v); ws: $(node -p 'require("./bench/peers/node_modules/ws/package.json").version'); python websockets: $("$PYTHON" -c 'import websockets; print(websockets.__version__)')"
  peer() { node -p "require('./bench/peers/node_modules/$1/package.json').version"; }
  echo "socket.io: $(peer socket.io), @socket.io/redis-adapter: $(peer @socket.io/redis-adapter)," \
    "ioredis: $(peer ioredis); $(redis-server --version | cut -d' ' -f1-3)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt" >&2

for server in "${SERVERS[@]}" "$FLOOR_SERVER"; do
  read -r label port pid <<<"$server"
  bench echo-$ECHO_CONNECTIONS "$label" "$pid" echo --url "ws://127.0.0.1:$port/echo" --connections "$ECHO_CONNECTIONS"
done
for server in "${SERVERS[@]}" "$FLOOR_SERVER"; do
  read -r label port pid <<<"$server"
  bench fanout-$FANOUT_CLIENTS "$label" "$pid" fanout --url "ws://127.0.0.1:$port/chat" \
    --connections "$FANOUT_CLIENTS" --senders "$FANOUT_SENDERS" --rate "$FANOUT_RATE"
done
for server in "${SERVERS[@]}"; do
  read -r label port pid <<<"$server"
  bench hold-$HOLD "$label" "$pid" hold --url "ws://127.0.0.1:$port/chat" --connections "$HOLD" --sources 4 \
    --duration "$HOLD_FOR"
done
ramp chorus "$CHORUS1" ws://127.0.0.1:18080/chat
ramp node-ws "$NODE" ws://127.0.0.1:19001/chat

# Two nodes: half the clients on each, senders on both; both nodes' CPU counts. Socket.IO likewise: two
# processes sharing a Redis of its own, with both processes' and Redis's CPU counted.
start_chorus 18081 15702 127.0.0.1:15701
CHORUS2=$LAST_PID
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$OUT/redis.log" 2>&1 &
STARTED+=($!); REDIS=$!
wait_line "$OUT/redis.log" "Ready to accept connections"
SIO_PORTS=()
SIO_PIDS=()
for _ in 1 2; do
  port=$(free_port)
  (cd bench/peers && PORT=$port REDIS_PORT=$REDIS_PORT exec node socketio-server.js) >"$OUT/socketio-$port.log" 2>&1 &
  STARTED+=($!); SIO_PIDS+=($!); SIO_PORTS+=("$port")
  wait_for "http://127.0.0.1:$port/"
done
SIO_URLS=ws://127.0.0.1:${SIO_PORTS[0]},ws://127.0.0.1:${SIO_PORTS[1]}
SIO_ALL="${SIO_PIDS[0]},${SIO_PIDS[1]},$REDIS"
# The quiet rows' floor (docs/performance.md, "The cluster floor"): two clustered Vert.x processes with Chorus's
# Hazelcast configuration that only hold and ping their connections; their connect path run once, unmeasured.
if [ "$QUIET" != 0 ]; then
  CFLOOR_PIDS=()
  for n in 1 2; do
    HTTP_HOST=127.0.0.1 HTTP_PORT=1900$((n + 3)) CLUSTER_PORT=1580$n CLUSTER_NAME=$CLUSTER-floor \
      CLUSTER_MEMBERS=$([ "$n" = 2 ] && echo 127.0.0.1:15801) \
      java $CHORUS_JAVA_OPTS -cp server/target/test-classes:"$JAR" dev.chorus.floor.ClusterFloor \
      >"$OUT/cluster-floor-$n.log" 2>&1 &
    STARTED+=($!); CFLOOR_PIDS+=($!)
    wait_line "$OUT/cluster-floor-$n.log" "cluster floor listening"
  done
  CFLOOR_URLS=ws://127.0.0.1:19004/chat,ws://127.0.0.1:19005/chat
  java -jar "$BENCH_JAR" hold --url "$CFLOOR_URLS" --connections "$QUIET_CONNECTIONS" --duration 5s \
    >/dev/null 2>"$OUT/cluster-floor-warmup.log"
fi

bench fanout-$FANOUT_CLIENTS chorus-2-nodes "$CHORUS1,$CHORUS2" fanout \
  --url ws://127.0.0.1:18080/chat,ws://127.0.0.1:18081/chat \
  --connections "$FANOUT_CLIENTS" --senders "$FANOUT_SENDERS" --rate "$FANOUT_RATE"
bench fanout-$FANOUT_CLIENTS socketio-2-procs "$SIO_ALL" fanout --protocol socketio --url "$SIO_URLS" \
  --connections "$FANOUT_CLIENTS" --senders "$FANOUT_SENDERS" --rate "$FANOUT_RATE"

# Quiet nodes: what a server process costs while its connections idle (heartbeats, cluster upkeep).
if [ "$QUIET" != 0 ]; then
  bench quiet-$QUIET_CONNECTIONS chorus-2-nodes "$CHORUS1,$CHORUS2" hold \
    --url ws://127.0.0.1:18080/chat,ws://127.0.0.1:18081/chat --connections "$QUIET_CONNECTIONS" --duration "$QUIET"
  bench quiet-$QUIET_CONNECTIONS cluster-floor-2-procs "${CFLOOR_PIDS[0]},${CFLOOR_PIDS[1]}" hold \
    --url "$CFLOOR_URLS" --connections "$QUIET_CONNECTIONS" --duration "$QUIET"
  kill "${CFLOOR_PIDS[@]}" 2>/dev/null || true
  bench quiet-$QUIET_CONNECTIONS socketio-2-procs "${SIO_PIDS[0]},${SIO_PIDS[1]}" hold --protocol socketio \
    --url "$SIO_URLS" --connections "$QUIET_CONNECTIONS" --duration "$QUIET"
fi

ramp socketio-2-procs "$SIO_ALL" "$SIO_URLS" --protocol socketio
ramp chorus-2-nodes "$CHORUS1,$CHORUS2" ws://127.0.0.1:18080/chat,ws://127.0.0.1:18081/chat

echo
{
  java -jar "$BENCH_JAR" compare --baseline node-ws --svg "$OUT/latency.svg" "${RESULTS[@]}"
  if [ ${#CAPACITY[@]} -gt 0 ]; then
    echo
    echo "Capacity: the largest rate into a room of $FANOUT_CLIENTS clients (from $CAPACITY_SENDERS senders, or one" \
      "per 10 msg/s above $((CAPACITY_SENDERS * 10)) msg/s)" \
      "that held p99 < $CAPACITY_P99_MS ms with nothing lost, $CAPACITY_DURATION per step ($CAPACITY_TRIES tries)," \
      "steps $CAPACITY_RATES msg/s:"
    printf '  %s\n' "${CAPACITY[@]}"
  fi
} | tee "$OUT/table.md"
echo "(results, logs and latency.svg in $OUT)"
