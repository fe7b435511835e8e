#!/usr/bin/env python3
"""A helper for tests that does what each request line tells it to.

    reply TEXT        answers TEXT
    sleep SECONDS REQUEST  does REQUEST after SECONDS
    crash             exits at once (status 3) without answering
    hang              never answers (and keeps reading)
    pid TEXT          answers TEXT with " pid=<its pid>" appended

With --concurrent, every line starts with a channel ID (Squid's concurrency=N):
each request is handled on a thread of its own, so a later request that sleeps
less is answered first, and each answer carries its request's channel ID.

With --unescape, %XX in a request is decoded first: an authenticator is sent
"user password" %-escaped, so the credentials `sleep:0.2 reply OK` become the
command "sleep 0.2 reply OK".
"""
import os
import sys
import threading
import time
import urllib.parse

concurrent = "--concurrent" in sys.argv[1:]
unescape = "--unescape" in sys.argv[1:]
write_lock = threading.Lock()


def answer(channel, text):
    with write_lock:
        sys.stdout.write((channel + " " if channel is not None else "") + text + "\n")
        sys.stdout.flush()


def handle(channel, request):
    command, _, rest = request.partition(" ")
    if command == "reply":
        answer(channel, rest)
    elif command == "sleep":
        seconds, _, then = rest.partition(" ")
        time.sleep(float(seconds))
        handle(channel, then)
    elif command == "crash":
        os._exit(3)
    elif command == "pid":
        answer(channel, rest + " pid=" + str(os.getpid()))
    elif command != "hang":
        answer(channel, "BH unknown command " + command)


while True:
    line = sys.stdin.readline()
    if not line:
        break
    line = line.rstrip("\n")
    if unescape:
        line = urllib.parse.unquote(line)
    if concurrent:
        channel, _, request = line.partition(" ")
        threading.Thread(target=handle, args=(channel, request)).start()
    else:
        handle(None, line)
