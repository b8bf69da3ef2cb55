#!/usr/bin/env bash
# The test command (README): builds everything, checks the formatting (dotnet format), runs every
# test project against real parts (embedded Kafka-protocol broker, SQLite files, the Host on
# loopback), and ends with one line:
#   N passed, N failed, N skipped
# Installs and starts what the tests talk to (scripts/servers.sh: redis-server and etcd on free
# loopback ports, stopped again on exit).
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "$*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

source scripts/servers.sh

results="$PWD/TestResults"
rm -rf "$results"
mkdir -p "$results"

echo "==> Building Chat.sln"
dotnet build Chat.sln -c Release --nologo -v quiet || fail "Build failed: fix the errors above."

# The code is formatted as .editorconfig says (so merges show changes, not reformatting).
echo "==> Checking formatting"
dotnet format Chat.sln --verify-no-changes --no-restore -v quiet \
  || fail "Formatting differs from .editorconfig (files above): run 'dotnet format Chat.sln' and commit the result."

status=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "==> $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" || status=1
done

# Sum the counters of every TRX file: the one summary CI reads. Skipped tests are counted in
# total but not in executed (the TRX "notExecuted" counter stays 0 for them).
read -r passed failed skipped total < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["total"] - c["executed"] + c["inconclusive"], c["total"] }')
if [ "${total:-0}" -eq 0 ]; then
  echo "No test ran: that is a failure, not a pass." >&2
  status=1
fi
# The failed tests by name, last, where a reader of the log's tail sees them.
cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' \
  | grep -o 'testName="[^"]*"' | sed 's/^testName="\(.*\)"$/Failed: \1/'
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
