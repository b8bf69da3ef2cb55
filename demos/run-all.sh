#!/usr/bin/env bash
# Runs the four demos against CHAT_URL (default http://localhost:8080; if nothing answers there the
# embedded Host is started once, here, for all four). Exits non-zero if any demo fails.
source "$(dirname "$0")/lib/demo.sh"
set +e
failed=()
for demo in basic-chat cross-platform file-sharing offline-delivery; do
  echo; echo "${bold}######## demos/$demo${off}"
  CHAT_URL=$CHAT_URL "$DEMOS/$demo" || failed+=("$demo")
done
echo
[ ${#failed[@]} -eq 0 ] && { ok "all four demos ran as shown"; exit 0; }
die "failed: ${failed[*]}"
