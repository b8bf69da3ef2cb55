#!/usr/bin/env python3
"""A WebSocket listener for the demos, on Python's standard library only (RFC 6455, client side).

    ws_listen.py <chat_url> <access_token> <count> [timeout_seconds]

Opens <chat_url>/v1/ws, prints "connected", then prints the message of each message.new frame as
one JSON line and answers it with an ack (so the sender sees "delivered"). After <count> messages it
prints "received <count>" and stays connected (a client that leaves at once may leave its last acks
unread) until the timeout (default 20 s) or until it is stopped; exits 1 if fewer came.
"""
import base64, json, os, socket, ssl, struct, sys, time, urllib.parse


def connect(url, token):
    u = urllib.parse.urlsplit(url)
    secure = u.scheme == "https"
    sock = socket.create_connection((u.hostname, u.port or (443 if secure else 80)), timeout=5)
    if secure:
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=u.hostname)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /v1/ws HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            sys.exit("the server closed the connection during the upgrade")
        head += chunk
    status = head.split(b"\r\n", 1)[0].decode()
    if " 101 " not in status + " ":
        sys.exit(f"no WebSocket: {status}")
    return sock


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("the server closed the socket")
        data += chunk
    return data


def send(sock, opcode, payload):
    """A client frame: FIN, the opcode, the length, and the payload masked (RFC 6455 §5.3)."""
    mask = os.urandom(4)
    n = len(payload)
    header = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack("!H", n)
                                       if n < 65536 else bytes([0x80 | 127]) + struct.pack("!Q", n))
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def messages(sock):
    """Yields each text message (joining fragments); answers pings; stops at a close."""
    text = b""
    while True:
        b0, b1 = read_exactly(sock, 2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", read_exactly(sock, 2))[0]
        elif n == 127:
            n = struct.unpack("!Q", read_exactly(sock, 8))[0]
        payload = read_exactly(sock, n)  # server frames are not masked
        opcode = b0 & 0x0F
        if opcode == 0x9:
            send(sock, 0xA, payload)
        elif opcode == 0x8:
            return
        elif opcode in (0x1, 0x0):
            text += payload
            if b0 & 0x80:
                yield text.decode()
                text = b""


def main():
    url, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 20)
    sock = connect(url, token)
    print("connected", flush=True)
    received = 0
    try:
        for text in messages(sock):
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            frame = json.loads(text)
            if frame.get("type") == "message.new":
                message = frame["message"]
                print(json.dumps(message), flush=True)
                send(sock, 0x1, json.dumps({"type": "ack", "message_id": message["message_id"]}).encode())
                received += 1
                if received == count:
                    print(f"received {count}", flush=True)
    except (socket.timeout, EOFError) as e:
        if received < count:
            print(f"got {received} of {count} messages: {e}", file=sys.stderr)
    return 0 if received >= count else 1


if __name__ == "__main__":
    sys.exit(main())
