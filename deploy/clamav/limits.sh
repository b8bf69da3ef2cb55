#!/bin/sh
# Runs inside the clamav/clamav image before its own entrypoint (/init, which starts freshclam,
# keeping the signatures current, and clamd on :3310). clamd's defaults stop reading a stream at
# 25 MB and answer OK for what it skipped; the Files service takes up to Files:MaxSize (5 GiB), so
# the limits go to clamd's ceiling (4000M) and AlertExceedsMax flags anything larger: a big file is
# scanned or reported, never "clean" unscanned. The Files service treats an ERROR answer as no verdict.
set -e
conf=/etc/clamav/clamd.conf
sed -i -E '/^(StreamMaxLength|MaxFileSize|MaxScanSize|AlertExceedsMax|TCPSocket) /d' "$conf"
cat >>"$conf" <<'LIMITS'
TCPSocket 3310
StreamMaxLength 4000M
MaxFileSize 4000M
MaxScanSize 4000M
AlertExceedsMax yes
LIMITS
exec /init "$@"
