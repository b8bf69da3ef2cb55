#!/usr/bin/env bash
# A self-signed certificate for development: nginx/certs/chat.{crt,key} (or under DIR), for
# localhost and 127.0.0.1, valid 30 days. Browsers and curl need to be told to trust it (curl -k).
set -euo pipefail
dir=${1:-"$(dirname "$0")/certs"}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/chat.key" -out "$dir/chat.crt" 2>/dev/null
echo "Wrote $dir/chat.crt and $dir/chat.key"
