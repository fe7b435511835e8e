#!/usr/bin/env python3
"""Runs a helper program and appends every request line it is sent to LOG.

    recording_helper.py LOG PROGRAM [ARGS...]

Lets a test count how often a proxy asks its helper (a credentials cache saves
asks) and see exactly what it sent, for squid and cuttle alike.
"""
import subprocess
import sys

log_path, program = sys.argv[1], sys.argv[2:]
child = subprocess.Popen(program, stdin=subprocess.PIPE, stdout=sys.stdout, bufsize=0)
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
