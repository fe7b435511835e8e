#!/usr/bin/env python3
"""Runs a helper program and appends every request line it is sent to LOG.

    recording_helper.py LOG PROGRAM [ARGS...]

Lets a test count how often a proxy asks its helper (a credentials cache saves
asks) and see exactly what it sent, for squid and cuttle alike.
"""
import os
import subprocess
import sys
import threading

log_path, program = sys.argv[1], sys.argv[2:]
child = subprocess.Popen(program, stdin=subprocess.PIPE, stdout=sys.stdout, bufsize=0)
# A helper that dies takes its wrapper with it, so the proxy sees it die.
threading.Thread(target=lambda: os._exit(child.wait()), daemon=True).start()
while True:
    line = sys.stdin.buffer.readline()
    if not line:
        break
    with open(log_path, "ab") as log:
        log.write(line)
    child.stdin.write(line)
    child.stdin.flush()
child.stdin.close()
sys.exit(child.wait())
