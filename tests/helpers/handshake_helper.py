#!/usr/bin/env python3
"""A stateful authenticator for tests (NTLM and Negotiate speak the same lines):
the client's token says what to answer.

    YR <token>        TT challenge-<token>  (this process now holds a handshake)
    KK good-<user>    OK user=<user> (--negotiate: OK token=final-<user> user=<user>)
    KK old-<user>     AF <user>      (--negotiate: AF final-<user> <user>)
    KK bad            NA bad password
    KK broken         BH something broke
    KK <other>        TT again-<other>

Words after the token (key_extras) are ignored. A KK reaching a process that did not answer this handshake's YR (the proxy did
not keep the process for the client) is answered BH.
"""
import sys

negotiate = "--negotiate" in sys.argv[1:]
in_handshake = False


def answer(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def handle(kind, token):
    global in_handshake
    if kind == "YR":
        in_handshake = True
        return "TT challenge-" + token
    if kind != "KK" or not in_handshake:
        return "BH no handshake on this process"
    if token.startswith("good-") or token.startswith("old-"):
        in_handshake = False
        user = token.split("-", 1)[1]
        if token.startswith("old-"):
            return "AF final-" + user + " " + user if negotiate else "AF " + user
        return "OK token=final-" + user + " user=" + user if negotiate else "OK user=" + user
    if token == "bad":
        in_handshake = False
        return "NA bad password"
    if token == "broken":
        in_handshake = False
        return "BH something broke"
    return "TT again-" + token


for line in sys.stdin:
    kind, _, rest = line.rstrip("\n").partition(" ")
    token = rest.split(" ")[0]
    answer(handle(kind, token))
