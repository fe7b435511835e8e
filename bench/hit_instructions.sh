#!/usr/bin/env bash
# Instructions per cached hit of one cuttle binary, counted by callgrind: the
# same figure whatever else the machine is doing, so hit-path changes can be
# compared on a busy machine (bench/hit_cpu.sh gives CPU time, which a busy
# machine disturbs; bench/hits.sh the side-by-side req/s, which needs a quiet one).
#
#   bench/hit_instructions.sh BINARY [SIZE_BYTES] [SECONDS]
#
# nginx is the origin; cuttle runs under valgrind --tool=callgrind with
# instrumentation off until the object is cached and wrk has warmed the
# connections, then on for SECONDS of wrk load (10 connections). Prints
#   requests N instructions I per-request P   and leaves hit-instructions.cg
# (callgrind_annotate it; counted: every cuttle thread, user space only).
set -eu
BIN=$1 SIZE=${2:-1024} SECS=${3:-8}
command -v valgrind >/dev/null && command -v wrk >/dev/null || { echo "needs valgrind and wrk" >&2; exit 2; }
OUT=$PWD/hit-instructions.cg
source "$(dirname "${BASH_SOURCE[0]}")/one_object.sh"
one_object_dir hit-instr "$SIZE"
start_origin
write_cuttle_conf
# Callgrind writes into $D: its last dump, at exit, holds nothing measured and
# must not overwrite the measured one copied to $OUT.
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$D/callgrind.out" "$BIN" -N -f "$D/cuttle.conf" \
  >"$D/cuttle.out" 2>&1 &
CUTTLE_PID=$!
await_hit
wrk -t1 -c10 -d2s -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >/dev/null
callgrind_control -i on $CUTTLE_PID >/dev/null
wrk -t1 -c10 -d"${SECS}s" -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk.out"
callgrind_control -i off $CUTTLE_PID >/dev/null
callgrind_control -d $CUTTLE_PID >/dev/null
sleep 1
requests=$(awk '/requests in/{print $1}' "$D/wrk.out")
instructions=$(callgrind_annotate "$D/callgrind.out.1" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",", "", $1); print $1}')
cp "$D/callgrind.out.1" "$OUT"
echo "requests $requests instructions $instructions per-request $((instructions / requests))"
