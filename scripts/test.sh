#!/usr/bin/env bash
# The test command (README): builds everything, runs every test project against real parts
# (embedded Kafka-protocol broker, SQLite files, the Host on loopback), and ends with one line:
#   N passed, N failed, N skipped
# Needs only the .NET SDK for now; servers later issues need are installed and started here too.
set -uo pipefail
cd "$(dirname "$0")/.."

results="$PWD/TestResults"
rm -rf "$results"
mkdir -p "$results"

echo "==> Building Chat.sln"
if ! dotnet build Chat.sln -c Release --nologo -v quiet; then
  echo "Build failed: fix the errors above." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "==> $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

# Sum the counters of every TRX file: the one summary CI reads.
read -r passed failed skipped total < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] + c["inconclusive"], c["total"] }')
if [ "${total:-0}" -eq 0 ]; then
  echo "No test ran: that is a failure, not a pass." >&2
  status=1
fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
