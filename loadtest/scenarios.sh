#!/usr/bin/env bash
# The seed's load scenarios by name (issue 19), each with its report (table, throughput and latency plots):
#   ./loadtest/scenarios.sh sustained|spike|knee|files|all [more LoadTest options, e.g. --sockets 1000 --batch 20]
#   sustained  100,000 messages/min for a minute (1700/s × 60 s)
#   spike      near idle, then 200,000/min at once (100/s × 10 s, 3400/s × 30 s)
#   knee       unpaced for 30 s: as fast as 64 connections go, where the system stops keeping up
#   files      50 concurrent 10 MB uploads through the presigned flow (loadtest/files.sh)
# Each LoadTest run also measures the HTTP floor (the same requests to a no-op endpoint) and prints the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}; shift || true
run() { echo "==> scenario $1"; dotnet run -c Release --project loadtest/LoadTest -- --scenario "$1" --floor 0 "${@:2}"; }
case "$which" in
  sustained|spike|knee) run "$which" "$@" ;;
  files) ./loadtest/files.sh --uploads 50 --size-mb 10 ;;
  all) for s in sustained spike knee; do run "$s" "$@"; done; ./loadtest/files.sh --uploads 50 --size-mb 10 ;;
  *) echo "usage: $0 sustained|spike|knee|files|all [LoadTest options]" >&2; exit 2 ;;
esac
