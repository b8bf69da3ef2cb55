#!/usr/bin/env python3
"""Scan time per MB through clamd's INSTREAM, as the Files service streams an upload (64 KiB chunks).

Starts clamd (Debian's clamav-daemon) on a free loopback port with the tests' local EICAR signatures
(a full freshclam database is slower: measure against a real clamd with --address host:port).
    python3 loadtest/clamd-scan-bench.py [--address host:port] [--sizes 1,10,30]
"""
import argparse, os, socket, struct, subprocess, tempfile, time

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

def scan(address, data):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"zINSTREAM\0")
        for i in range(0, len(data), 65536):
            chunk = data[i:i + 65536]
            s.sendall(struct.pack(">I", len(chunk)) + chunk)
        s.sendall(struct.pack(">I", 0))
        return s.recv(256).rstrip(b"\0").decode()

def start_clamd(directory):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    with open(os.path.join(directory, "test.ndb"), "w") as f: f.write(f"Eicar-Test-Body:0:*:{EICAR.hex()}\n")
    conf = os.path.join(directory, "clamd.conf")
    with open(conf, "w") as f:
        f.write(f"Foreground yes\nDatabaseDirectory {directory}\nTCPSocket {port}\nTCPAddr 127.0.0.1\n"
                "StreamMaxLength 200M\nMaxFileSize 200M\nMaxScanSize 200M\n")
    process = subprocess.Popen(["/usr/sbin/clamd", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as s:
                s.sendall(b"zPING\0")
                if s.recv(8).startswith(b"PONG"): return process, f"127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("clamd did not start")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address"); parser.add_argument("--sizes", default="1,10,30")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        process, address = (None, args.address) if args.address else start_clamd(directory)
        try:
            for mb in map(int, args.sizes.split(",")):
                data = os.urandom(mb << 20)
                best = min(timed(address, data) for _ in range(3))
                print(f"{mb:4d} MB  {best * 1000 / mb:6.1f} ms/MB  ({scan(address, data)})")
        finally:
            if process: process.terminate(); process.wait()

def timed(address, data):
    start = time.perf_counter(); scan(address, data); return time.perf_counter() - start

if __name__ == "__main__":
    main()
