#!/usr/bin/env bash
# The Files benchmark: concurrent uploads through the presigned flow against the Files service as
# its own process, once on S3 (Ceph RGW on loopback: the bytes go from client to store) and once on
# the local store (embedded mode: the Files service receives the bytes itself), with that process's
# CPU for each.
#   ./loadtest/files.sh [--uploads 50] [--size-mb 10]
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "$*" >&2; exit 1; }
source scripts/servers.sh

echo "==> Building (Release)"
dotnet build Chat.sln -c Release --nologo -v quiet || fail "Build failed."

data=$(mktemp -d /tmp/chat-files-bench.XXXXXX)
kafka_port=$(free_port)
IFS=, read -r s3_endpoint s3_access s3_secret <<<"$CHAT_TEST_S3"
common=(Chat__DataDir="$data" Kafka__BootstrapServers="127.0.0.1:$kafka_port" Metadata__Kind=etcd Etcd__Endpoints="$CHAT_TEST_ETCD"
        Logging__LogLevel__Default=Warning)

# start NAME SERVICE PORT [VAR=VALUE ...]: a service process on PORT; sets last_pid.
start() {
  local name=$1 service=$2 port=$3; shift 3
  env "${common[@]}" "$@" dotnet "src/$service/bin/Release/net10.0/Chat.$service.dll" --urls "http://127.0.0.1:$port" >"$data/$name.log" 2>&1 &
  last_pid=$!; pids+=($last_pid)
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && { echo "    $name on :$port"; return; }; sleep 0.1; done
  cat "$data/$name.log"; fail "$name did not start."
}

start broker Host "$(free_port)" Chat__Role=broker Kafka__EmbeddedPort="$kafka_port" Kafka__BootstrapServers=
auth_port=$(free_port); start auth Auth "$auth_port" Auth__PasswordHashCost=4
jwks="http://127.0.0.1:$auth_port/.well-known/jwks.json"

status=0
for store in s3 local; do
  port=$(free_port)
  if [ "$store" = s3 ]; then
    start "files-$store" Files "$port" Auth__JwksUrl="$jwks" ObjectStore__Kind=s3 ObjectStore__Endpoint="$s3_endpoint" \
      ObjectStore__AccessKey="$s3_access" ObjectStore__SecretKey="$s3_secret" ObjectStore__Bucket=bench
  else
    start "files-$store" Files "$port" Auth__JwksUrl="$jwks" ObjectStore__Kind=local
  fi
  echo "==> $store"
  dotnet loadtest/FilesBench/bin/Release/net10.0/Chat.FilesBench.dll --files-url "http://127.0.0.1:$port" --auth-url "http://127.0.0.1:$auth_port" \
    --files-pid "$last_pid" --label "$store" "$@" || status=1
  kill "$last_pid"
done
rm -rf "$data"
exit $status
