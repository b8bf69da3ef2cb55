# Sourced by each demo: where the Host is (CHAT_URL), narration, and small curl + jq helpers.
# If nothing answers at CHAT_URL, starts the embedded Host there (dotnet run --project src/Host)
# with the settings the demos need, and stops it on exit.
set -euo pipefail
DEMOS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHAT_URL="${CHAT_URL:-http://localhost:8080}"
CHAT_URL="${CHAT_URL%/}"
# The cross-platform demo maps users to platform ids as an admin: the Host's Auth:Admins must name
# DEMO_ADMIN (the embedded Host started here does).
DEMO_ADMIN="${DEMO_ADMIN:-demo-admin}"
DEMO_PASSWORD="${DEMO_PASSWORD:-a demo password, 2 lines long}"
# Names of this run, so a demo can run again against the same Host.
RUN="${RUN:-$(date +%s | tail -c 6)$RANDOM}"

bold=$'\e[1m'; green=$'\e[32m'; red=$'\e[31m'; off=$'\e[0m'
[ -t 1 ] || { bold=""; green=""; red=""; off=""; }
step() { echo; echo "${bold}==> $*${off}"; }
say() { echo "    $*"; }
ok() { echo "    ${green}✓ $*${off}"; }
die() { echo "    ${red}✗ $*${off}" >&2; exit 1; }

# on_exit COMMAND: run at exit (in the order given).
CLEANUP=()
on_exit() { CLEANUP+=("$1"); }
trap 'for c in "${CLEANUP[@]}"; do eval "$c"; done' EXIT

ensure_host() {
  curl -sf "$CHAT_URL/health/live" >/dev/null 2>&1 && return
  step "Nothing answers at $CHAT_URL: starting the embedded Host there (dotnet run --project src/Host)"
  local data; data=$(mktemp -d /tmp/chat-demo.XXXXXX)
  Chat__DataDir="$data" Auth__Admins__0="$DEMO_ADMIN" \
    dotnet run --project "$DEMOS/../src/Host" -c Release -- --urls "$CHAT_URL" >"$data/host.log" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$data'"
  for _ in $(seq 1 240); do
    curl -sf "$CHAT_URL/health/ready" >/dev/null 2>&1 && { ok "the Host is ready (its log: $data/host.log)"; return; }
    kill -0 $pid 2>/dev/null || { cat "$data/host.log"; die "the Host did not start"; }
    sleep 0.5
  done
  die "the Host did not become ready within 2 minutes"
}

# api METHOD PATH [JSON body]: calls the API with $TOKEN; sets $STATUS (the HTTP status) and $BODY.
api() {
  local method=$1 path=$2 body=${3:-} out
  out=$(curl -s -w '\n%{http_code}' -X "$method" "$CHAT_URL$path" ${TOKEN:+-H "authorization: Bearer $TOKEN"} \
    ${body:+-H 'content-type: application/json' -d "$body"})
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# expect CODE: stops the demo unless the last call answered CODE.
expect() { [ "$STATUS" = "$1" ] || die "expected $1, got $STATUS: $BODY"; }

# user NAME: registers NAME (once) and prints an access token for it.
user() {
  local name=$1
  TOKEN= api POST /v1/auth/register "{\"username\":\"$name\",\"password\":\"$DEMO_PASSWORD\"}"
  [ "$STATUS" = 201 ] || [ "$STATUS" = 409 ] || die "could not register $name ($STATUS): $BODY"
  curl -sf "$CHAT_URL/v1/auth/token" -d grant_type=password --data-urlencode "username=$name" \
    --data-urlencode "password=$DEMO_PASSWORD" | jq -er .access_token || die "no token for $name"
}

# until_jq SECONDS FILTER METHOD PATH: polls until the answer passes the jq filter (then $BODY is it).
until_jq() {
  local seconds=$1 filter=$2; shift 2
  local deadline=$((SECONDS + seconds))
  while :; do
    api "$@"
    [ "$STATUS" = 200 ] && jq -e "$filter" >/dev/null 2>&1 <<<"$BODY" && return
    [ $SECONDS -lt $deadline ] || die "waited ${seconds}s for $filter on $*; last answer ($STATUS): $BODY"
    sleep 0.2
  done
}

# wait_for_line FILE PATTERN SECONDS: polls a file (a background listener's output) for a line.
wait_for_line() {
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "waited $3 s for '$2' in $1: $(cat "$1")"
    sleep 0.1
  done
}

# received FILE: the messages a listener printed, one JSON object a line.
received() { grep '^{' "$1" || true; }

# ws_listen TOKEN COUNT FILE: a WebSocket listener in the background, writing to FILE; stopped on exit.
ws_listen() {
  python3 "$DEMOS/lib/ws_listen.py" "$CHAT_URL" "$1" "$2" 60 >"$3" 2>&1 &
  LISTENERS+=($!)
}
LISTENERS=()
on_exit 'for pid in "${LISTENERS[@]}"; do kill "$pid" 2>/dev/null || true; done' 

for tool in curl jq python3; do command -v $tool >/dev/null || die "the demos need $tool (apt-get install $tool)"; done
ensure_host
