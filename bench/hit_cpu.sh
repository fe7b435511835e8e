#!/usr/bin/env bash
# CPU per cached hit of one cuttle binary, for A/B comparisons of hit-path changes
# on a machine that is not quiet: what is compared is the proxy's CPU time per
# request (utime+stime from /proc over the run / requests), which other load on
# the machine disturbs far less than requests/s.
#
#   bench/hit_cpu.sh BINARY SIZE [SECONDS] [CONNECTIONS]    SIZE: 1k 16k 256k 8m
#   CUTTLE_EXTRA_CONF="LINES" adds configuration lines (e.g. "buffered_logs on")
#
# nginx (core 1) is the origin, cuttle (core 0) caches the file, wrk (core 1)
# loads cuttle with absolute-URI requests for it. Prints one line:
#   SIZE req/s N p99 T cpu P% us/req U errs E
# PERF=1 adds `perf record -g` of cuttle (to bench-hit-cpu.perf.data),
# STRACE=1 a system-call count (to bench-hit-cpu.strace).
# For the full comparison with squid and nginx use bench/hits.sh.
set -eu
BIN=$1 SIZE=$2 SECS=${3:-5} CONNS=${4:-50}
declare -A BYTES=([1k]=1024 [16k]=16384 [256k]=262144 [8m]=8388608)
[[ -n "${BYTES[$SIZE]:-}" ]] || { echo "SIZE must be one of 1k 16k 256k 8m" >&2; exit 2; }
OUT=$PWD
source "$(dirname "${BASH_SOURCE[0]}")/one_object.sh"
one_object_dir hit-cpu "${BYTES[$SIZE]}"
start_origin 1
write_cuttle_conf "${CUTTLE_EXTRA_CONF:-}"
taskset -c 0 "$BIN" -N -f "$D/cuttle.conf" >"$D/cuttle.out" 2>&1 &
CUTTLE_PID=$!
await_hit
PROFILER=
if [[ -n "${STRACE:-}" ]]; then (sleep 1; timeout -s INT 3 strace -c -f -p $CUTTLE_PID -o "$OUT/bench-hit-cpu.strace") & PROFILER=$!; fi
if [[ -n "${PERF:-}" ]]; then perf record -o "$OUT/bench-hit-cpu.perf.data" -g -p $CUTTLE_PID -- sleep $((SECS - 1)) >/dev/null 2>&1 & PROFILER=$!; fi
before=$(awk '{print $14 + $15}' /proc/$CUTTLE_PID/stat)
taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk.out"
after=$(awk '{print $14 + $15}' /proc/$CUTTLE_PID/stat)
[[ -z "$PROFILER" ]] || wait $PROFILER || true
awk -v a="$before" -v b="$after" -v s="$SECS" -v hz="$(getconf CLK_TCK)" -v sz="$SIZE" \
  -v r="$(awk '/Requests\/sec/{print $2}' "$D/wrk.out")" -v p="$(awk '/ 99%/{print $2}' "$D/wrk.out")" \
  -v e="$(grep -c 'Non-2xx\|Socket errors' "$D/wrk.out" || true)" \
  'BEGIN { cpu = (b - a) / hz / s; printf "%s req/s %.0f p99 %s cpu %.0f%% us/req %.1f errs %s\n", sz, r, p, cpu * 100, cpu * 1e6 / r, e }'
