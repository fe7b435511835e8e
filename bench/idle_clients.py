#!/usr/bin/env python3
"""Opens N keep-alive connections to a proxy, sends one request on each and
reads its whole reply (which must be 200 with the expected body length), then
keeps every connection open and idle. Used by bench/conn_memory.sh.

    idle_clients.py PROXY_PORT URL BODY_BYTES N HOLD_SECONDS

Prints "READY <n>" once all N are open and answered, then holds them for at
most HOLD_SECONDS (or until stdin closes) and exits. Any failure: exit 1 with
a message on stderr. Every socket operation has a timeout.
"""
import select
import socket
import sys
import time


def read_reply(sock, body_bytes):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed before the reply header")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines[0].startswith(b"HTTP/1.1 200"):
        raise RuntimeError("reply: %r" % lines[0])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"connection" and b"close" in value.lower():
            raise RuntimeError("proxy answered Connection: close")
    if length != body_bytes:
        raise RuntimeError("Content-Length %r, want %d" % (length, body_bytes))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed mid-body")
        rest += chunk
    if len(rest) != length:
        raise RuntimeError("extra bytes after the body")


def main():
    port, url, body_bytes, n, hold = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    host = url.split("/")[2]
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: cuttle-bench\r\nAccept: */*\r\n\r\n" % (url, host)).encode()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
        s.sendall(request)
        try:
            read_reply(s, body_bytes)
        except Exception as e:
            print("connection %d: %s" % (i, e), file=sys.stderr)
            return 1
        socks.append(s)
    print("READY %d" % len(socks), flush=True)
    deadline = time.monotonic() + hold
    while time.monotonic() < deadline:
        r, _, _ = select.select([sys.stdin], [], [], 0.5)
        if r and not sys.stdin.read(1):
            break
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        s.close()
    if closed:
        print("%d connections were closed by the proxy while idle" % closed, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
