#!/usr/bin/env bash
# The load generator against distributed mode on this machine: every service its own process —
# the Host as broker only, Auth, Frontend, ROUTERS Routers, NODES Presence nodes — on etcd
# metadata, Redis presence and a shared SQLite message store (MongoDB cannot be installed here).
#   ROUTERS=2 NODES=2 ./loadtest/distributed.sh --sockets 1000 --phases 1700x30,3400x15,maxx15
# Arguments after the script name go to the load generator.
set -uo pipefail
cd "$(dirname "$0")/.."
ROUTERS=${ROUTERS:-2}
NODES=${NODES:-2}

fail() { echo "$*" >&2; exit 1; }
source scripts/servers.sh

echo "==> Building (Release)"
dotnet build Chat.sln -c Release --nologo -v quiet || fail "Build failed."

data=$(mktemp -d /tmp/chat-distributed.XXXXXX)
kafka_port=$(free_port)
common=(Chat__DataDir="$data" Kafka__BootstrapServers="127.0.0.1:$kafka_port" Kafka__SessionTimeoutMs=3000 Kafka__HeartbeatIntervalMs=500
        Metadata__Kind=etcd Etcd__Endpoints="$CHAT_TEST_ETCD" Presence__Kind=redis Redis__Configuration="$CHAT_TEST_REDIS"
        Logging__LogLevel__Default=Warning
        # One load user sends thousands a second: far beyond a person's Limits:SendPerMinute (30).
        Limits__SendPerMinute=100000000 Limits__ConversationsPerMinute=1000000)

# start NAME SERVICE PORT [VAR=VALUE ...]: a service process on PORT, waiting until it answers.
start() {
  local name=$1 service=$2 port=$3; shift 3
  env "${common[@]}" "$@" dotnet "src/$service/bin/Release/net10.0/Chat.$service.dll" --urls "http://127.0.0.1:$port" >"$data/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && { echo "    $name on :$port"; return; }; sleep 0.1; done
  cat "$data/$name.log"; fail "$name did not start."
}

echo "==> Starting $ROUTERS router(s) and $NODES presence node(s) as separate processes"
start broker Host "$(free_port)" Chat__Role=broker Kafka__EmbeddedPort="$kafka_port" Kafka__BootstrapServers=
auth_port=$(free_port); start auth Auth "$auth_port" Auth__PasswordHashCost=4 Auth__AuthRequestsPerMinute=1000000
jwks="http://127.0.0.1:$auth_port/.well-known/jwks.json"
frontend_port=$(free_port); start frontend Frontend "$frontend_port" Auth__JwksUrl="$jwks"
for i in $(seq 1 "$ROUTERS"); do start "router-$i" Router "$(free_port)" Auth__JwksUrl="$jwks"; done
nodes=()
for i in $(seq 1 "$NODES"); do
  port=$(free_port); start "node-$i" Presence "$port" Auth__JwksUrl="$jwks" Presence__NodeId="node-$i"
  nodes+=("http://127.0.0.1:$port")
done

echo "==> Load"
ws=$(IFS=,; echo "${nodes[*]}")
dotnet loadtest/LoadTest/bin/Release/net10.0/Chat.LoadTest.dll --url "http://127.0.0.1:$frontend_port" --auth-url "http://127.0.0.1:$auth_port" \
  --ws-url "$ws" --kafka "127.0.0.1:$kafka_port" --floor 0 "$@"
status=$?
rm -rf "$data"
exit $status
