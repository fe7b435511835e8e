#!/usr/bin/env python3
"""An external ACL helper for tests: answers each request line by rules.

    rules_helper.py RULES [--concurrent]

RULES has one rule per line, `REGEX<TAB>REPLY`: the first REGEX found in the
request line gives the REPLY (ERR when none does). The REPLY `crash` exits
without answering, `hang` never answers, and `sleep SECONDS REPLY` answers
REPLY after SECONDS.

With --concurrent every line starts with a channel ID (Squid's concurrency=N):
each request is answered on a thread of its own, so answers may come out of
order, each with its request's channel ID.
"""
import os
import re
import sys
import threading
import time

rules = []
with open(sys.argv[1]) as f:
    for line in f:
        line = line.rstrip("\n")
        if "\t" in line:
            pattern, reply = line.split("\t", 1)
            rules.append((re.compile(pattern), reply))
concurrent = "--concurrent" in sys.argv[2:]
write_lock = threading.Lock()


def reply_for(request):
    for pattern, reply in rules:
        if pattern.search(request):
            return reply
    return "ERR"


def handle(channel, request):
    reply = reply_for(request)
    while reply.startswith("sleep "):
        _, seconds, reply = reply.split(" ", 2)
        time.sleep(float(seconds))
    if reply == "crash":
        os._exit(3)
    if reply == "hang":
        return
    with write_lock:
        sys.stdout.write((channel + " " if channel is not None else "") + reply + "\n")
        sys.stdout.flush()


while True:
    line = sys.stdin.readline()
    if not line:
        break
    line = line.rstrip("\n")
    if concurrent:
        channel, _, request = line.partition(" ")
        threading.Thread(target=handle, args=(channel, request)).start()
    else:
        handle(None, line)
