# Sourced, not run: installs (Debian packages) nginx, promtool, amtool, jq, node and chromium (which tests start themselves) and
# installs and starts redis-server, etcd and an S3 server
# (Ceph's RADOS Gateway, scripts/s3-rgw.sh), each on a free loopback port with a throwaway data
# directory, exports CHAT_TEST_REDIS, CHAT_TEST_ETCD and CHAT_TEST_S3 (endpoint,access,secret), and
# stops them when the sourcing shell exits. Callers define fail().
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v etcd >/dev/null || need+=(etcd-server)
command -v radosgw >/dev/null || need+=(radosgw ceph-mon ceph-osd)
# ClamAV's clamd: the Files tests start their own (tests/Testing/ClamdServer.cs) with a local EICAR signature.
[ -x /usr/sbin/clamd ] || need+=(clamav-daemon)
command -v nginx >/dev/null || need+=(nginx)
command -v promtool >/dev/null || need+=(prometheus)
command -v amtool >/dev/null || need+=(prometheus-alertmanager)
# The demos (demos/*) and the guide's examples (docs/api-guide.md) run curl, jq, python3 and node.
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
command -v jq >/dev/null || need+=(jq)
command -v node >/dev/null || need+=(nodejs)
command -v openssl >/dev/null || need+=(openssl)
# Debian's Chromium for the browser tests (tests/Web.Tests point Playwright at /usr/bin/chromium;
# under CI=true a missing one fails them rather than skipping).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> Installing ${need[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || fail "Could not install ${need[*]} with apt-get; install them and run again."
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
servers=$(mktemp -d /tmp/chat-servers.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  # The Ceph daemons detach themselves; their pid files say where they went.
  for pidfile in "$servers"/rgw/run/*.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; done
  wait 2>/dev/null; rm -rf "$servers"
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$servers" --save "" --appendonly no >"$servers/redis.log" 2>&1 &
pids+=($!)
etcd_port=$(free_port); etcd_peer=$(free_port)
etcd --name n1 --data-dir "$servers/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "n1=http://127.0.0.1:$etcd_peer" >"$servers/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null 2>&1 || { cat "$servers/redis.log"; fail "redis-server did not start."; }
curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null || { cat "$servers/etcd.log"; fail "etcd did not start."; }
export CHAT_TEST_REDIS="127.0.0.1:$redis_port"
export CHAT_TEST_ETCD="http://127.0.0.1:$etcd_port"

echo "==> Starting an S3 server (Ceph RADOS Gateway, about 15 s)"
s3_port=$(free_port)
scripts/s3-rgw.sh "$servers/rgw" "$s3_port" "$(free_port)" chat-test-access chat-test-secret-key >"$servers/rgw.log" 2>&1 \
  || { cat "$servers/rgw.log"; fail "The S3 server (radosgw) did not start; see above."; }
export CHAT_TEST_NGINX=$(command -v nginx) CHAT_TEST_PROMTOOL=$(command -v promtool) CHAT_TEST_AMTOOL=$(command -v amtool)
export CHAT_TEST_S3="http://127.0.0.1:$s3_port,chat-test-access,chat-test-secret-key"
echo "==> redis at $CHAT_TEST_REDIS, etcd at $CHAT_TEST_ETCD, S3 at http://127.0.0.1:$s3_port"

