#!/usr/bin/env bash
# Does the machine's speed drift between benchmark rounds? Alternates one cuttle
# process (cached 1 KiB hits) and nginx (the same file, served directly), both
# pinned to core 0, under the same wrk load on core 1, and prints each run's
# req/s. If both servers slow down together, a round's ratio reflects the machine,
# not the proxy (docs/performance.md, "Session 7").
#
#   bench/speed_drift.sh BINARY [ROUNDS] [SECONDS] [ACCESS_LOG]
#
# ROUNDS [6], SECONDS per run [8], ACCESS_LOG on|off [on]. Needs nginx, wrk, curl
# (bench/hits.sh installs them). Loopback only; everything is stopped on exit.
set -euo pipefail
BIN=$1 ROUNDS=${2:-6} SECS=${3:-8} ALOG=${4:-on}
[[ "$ROUNDS" =~ ^[0-9]+$ && "$SECS" =~ ^[0-9]+$ && "$ALOG" =~ ^(on|off)$ ]] || { echo "usage: $0 BINARY [ROUNDS] [SECONDS] [on|off]" >&2; exit 2; }
for tool in wrk curl taskset; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
source "$(dirname "${BASH_SOURCE[0]}")/one_object.sh"
one_object_dir drift 1024
start_origin 0
write_cuttle_conf "$([[ "$ALOG" == off ]] && echo "access_log none" || true)"
taskset -c 0 "$BIN" -N -f "$D/cuttle.conf" >"$D/cuttle.out" 2>&1 &
CUTTLE_PID=$!
await_hit
rps() { awk '/Requests\/sec/ { printf "%.0f", $2 } / Non-2xx| Socket errors/ { bad = 1 } END { if (bad) printf " (errors!)" }' "$1"; }
echo "run | cuttle req/s | nginx req/s | cuttle/nginx   (access log $ALOG, ${SECS}s runs, 50 connections)"
for ((r = 1; r <= ROUNDS; r++)); do
  taskset -c 1 wrk -t1 -c50 -d"${SECS}s" -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk-c.txt"
  taskset -c 1 wrk -t1 -c50 -d"${SECS}s" "$URL" >"$D/wrk-n.txt"
  c=$(rps "$D/wrk-c.txt") n=$(rps "$D/wrk-n.txt")
  awk -v r="$r" -v c="$c" -v n="$n" 'BEGIN { printf "%d | %s | %s | %.2f\n", r, c, n, c / n }'
done
