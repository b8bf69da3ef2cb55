#!/usr/bin/env bash
# A real S3 server on loopback for the tests: a one-monitor, one-OSD (memstore, nothing on disk)
# Ceph cluster with the RADOS Gateway answering the S3 API (SigV4 checked, presigned URLs,
# multipart). Everything lives under DIR; `kill $(cat DIR/run/*.pid)` stops it.
#   usage: s3-rgw.sh DIR PORT MON_PORT ACCESS_KEY SECRET_KEY
# Traps it avoids: cephx off (no keyrings to hand around), msgr2 crc mode on every path, pools of
# size 1 allowed, pg autoscaling off, and the data-availability warnings that block a tiny disk.
set -euo pipefail
dir=${1:?usage: s3-rgw.sh DIR PORT MON_PORT ACCESS_KEY SECRET_KEY}; port=$2; mon_port=$3; access=$4; secret=$5
rm -rf "$dir"; mkdir -p "$dir"/{run,log,mon.a,osd.0,rgw}; cd "$dir"
fsid=$(cat /proc/sys/kernel/random/uuid)
cat > ceph.conf <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$mon_port
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
ms service mode = crc
ms cluster mode = crc
ms mon service mode = crc
ms mon cluster mode = crc
ms bind ipv6 = false
public network = 127.0.0.0/8
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
log file = $dir/log/\$cluster-\$name.log
pid file = $dir/run/\$cluster-\$name.pid
keyring = $dir/keyring
mon data = $dir/mon.\$id
osd data = $dir/osd.\$id
osd objectstore = memstore
# Held in memory: enough for the tests' uploads (a 100 MB multipart among them) and the benchmark's.
memstore device bytes = 8589934592
[mon.a]
host = $(hostname)
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
CONF
ceph-authtool --create-keyring keyring --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" --enable-all-features --clobber monmap >/dev/null
ceph-mon -c ceph.conf --mkfs -i a --monmap monmap --keyring keyring
ceph-mon -c ceph.conf -i a
osd=$(timeout 30 ceph -c ceph.conf osd create)
ceph-osd -c ceph.conf -i "$osd" --mkfs >/dev/null 2>&1
ceph-osd -c ceph.conf -i "$osd" >/dev/null 2>&1
radosgw -c ceph.conf -n client.rgw.a
for _ in $(seq 1 120); do curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.5; done
curl -sf -m 2 -o /dev/null "http://127.0.0.1:$port/" || { tail -20 log/*rgw*.log >&2; echo "radosgw did not answer on port $port" >&2; exit 1; }
timeout 60 radosgw-admin -c ceph.conf user create --uid=chat-tests --display-name=chat-tests --access-key="$access" --secret="$secret" >/dev/null
