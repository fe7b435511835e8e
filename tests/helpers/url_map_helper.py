#!/usr/bin/env python3
"""A URL rewriter for tests: answers by the last path segment of the URL it is sent.

    /redirect-NNN  OK status=NNN url=<same origin>/target
    /redirect      OK url=<same origin>/target           (status left to the proxy)
    /rewrite       OK rewrite-url=<same origin>/rewritten
    /legacy-NNN    NNN:<same origin>/target              (the old reply form)
    /legacy-bare   <same origin>/rewritten               (the old reply form)
    /invalid       OK rewrite-url=notaurl
    /err           ERR
    /bh            BH rewriter is broken
    /hang          no answer at all (the other requests are still answered)
    anything else  OK

A leading channel ID (concurrency) is answered back.
"""
import re
import sys

while True:
    line = sys.stdin.readline()
    if not line:
        break
    words = line.split()
    channel = ""
    if words and words[0].isdigit():
        channel = words.pop(0) + " "
    url = words[0] if words else ""
    origin = re.match(r"^[a-z]+://[^/]+", url)
    origin = origin.group(0) if origin else ""
    last = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    if last.startswith("redirect-"):
        answer = "OK status=%s url=%s/target" % (last[9:], origin)
    elif last == "redirect":
        answer = "OK url=%s/target" % origin
    elif last == "rewrite":
        answer = "OK rewrite-url=%s/rewritten" % origin
    elif last.startswith("legacy-") and last[7:].isdigit():
        answer = "%s:%s/target" % (last[7:], origin)
    elif last == "legacy-bare":
        answer = "%s/rewritten" % origin
    elif last == "invalid":
        answer = "OK rewrite-url=notaurl"
    elif last == "err":
        answer = "ERR"
    elif last == "bh":
        answer = "BH rewriter is broken"
    elif last == "hang":
        continue
    else:
        answer = "OK"
    sys.stdout.write(channel + answer + "\n")
    sys.stdout.flush()
