#!/usr/bin/env python3
"""Starts a proxy and measures the time until it serves its first cache hit.
Used by bench/warm_start.sh.

    first_hit.py PROXY_PORT URL BODY_FILE TIMEOUT_SECONDS -- COMMAND...

Runs COMMAND (the proxy, left running), then, every millisecond, connects to
127.0.0.1:PROXY_PORT and asks for URL until the reply is 200 with
`X-Cache: HIT` and the body equals BODY_FILE. Prints one line

    FIRST pid=P listen_ms=L hit_ms=H attempts=N

(ms since COMMAND was started: first accepted connection, first hit) and
exits 0; exits 1 when TIMEOUT_SECONDS pass first or the proxy exits. Timing in
one process avoids the fork/exec cost of a shell polling loop, which on a loaded
machine is itself tens of milliseconds.
"""
import socket
import subprocess
import sys
import time


def ask(port, request, deadline):
    s = socket.create_connection(("127.0.0.1", port), timeout=max(0.05, min(2.0, deadline - time.monotonic())))
    try:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return True, None, None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return True, (lines[0], headers), body
    finally:
        s.close()


def main():
    sep = sys.argv.index("--")
    port, url, body_file, timeout = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
    command = sys.argv[sep + 1:]
    want = open(body_file, "rb").read()
    host = url.split("/")[2]
    request = ("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: cuttle-bench\r\n\r\n" % (url, host)).encode()
    t0 = time.monotonic()
    global proc
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = t0 + timeout
    listen = None
    attempts = 0
    last = "no reply"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print("the proxy exited with %s" % proc.returncode, file=sys.stderr)
            return 1
        attempts += 1
        try:
            ok, reply, body = ask(port, request, deadline)
        except OSError as e:
            last = str(e)
            time.sleep(0.001)
            continue
        if listen is None:
            listen = time.monotonic()
        if reply and reply[0].startswith(b"HTTP/1.1 200") and reply[1].get(b"x-cache", b"").startswith(b"HIT"):
            if body != want:
                print("first hit: body differs from %s" % body_file, file=sys.stderr)
                return 1
            hit = time.monotonic()
            print("FIRST pid=%d listen_ms=%.1f hit_ms=%.1f attempts=%d" %
                  (proc.pid, (listen - t0) * 1000, (hit - t0) * 1000, attempts), flush=True)
            return 0
        last = repr(reply[0]) if reply else "connection closed"
        time.sleep(0.001)
    print("no hit within %.0f s (last: %s)" % (timeout, last), file=sys.stderr)
    return 1


proc = None

if __name__ == "__main__":
    rc = 1
    try:
        rc = main()
    finally:
        if rc != 0 and proc is not None and proc.poll() is None:  # never leave a failed proxy behind
            proc.kill()
            proc.wait(timeout=10)
    sys.exit(rc)
