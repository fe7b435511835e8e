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
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
D=$(mktemp -d /tmp/cuttle-drift.XXXX)
chmod 755 "$D"
mkdir -p "$D/www"
head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 >"$D/www/obj"
chmod -R a+rX "$D/www"
NGINX_PORT=$((20000 + RANDOM % 5000)) CUTTLE_PORT=$((25000 + RANDOM % 5000))
cat >"$D/nginx.conf" <<N
worker_processes 1; daemon off; pid $D/nginx.pid; error_log $D/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NGINX_PORT; root $D/www; expires 1d; } }
N
taskset -c 0 "$NGINX" -c "$D/nginx.conf" -p "$D" &
NGINX_PID=$!
log_line="access_log $D/access.log"
[[ "$ALOG" == off ]] && log_line="access_log none"
cat >"$D/cuttle.conf" <<C
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $D/cuttle.pid
$log_line
workers 1
via on
cache_dir lmdb $D/store 256
http_access allow localhost
http_access deny all
C
taskset -c 0 "$BIN" -N -f "$D/cuttle.conf" >"$D/cuttle.out" 2>&1 &
CUTTLE=$!
trap 'kill $CUTTLE $NGINX_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
URL="http://127.0.0.1:$NGINX_PORT/obj"
for _ in $(seq 100); do curl -s -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL" && break; sleep 0.1; done
curl -s -D "$D/header" -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL"
grep -q "X-Cache: HIT" "$D/header" || { echo "not a hit:" >&2; cat "$D/header" >&2; exit 1; }
echo "wrk.path = \"$URL\"" >"$D/proxy.lua"
rps() { awk '/Requests\/sec/ { printf "%.0f", $2 } / Non-2xx| Socket errors/ { bad = 1 } END { if (bad) printf " (errors!)" }' "$1"; }
echo "run | cuttle req/s | nginx req/s | cuttle/nginx   (access log $ALOG, ${SECS}s runs, 50 connections)"
for ((r = 1; r <= ROUNDS; r++)); do
  taskset -c 1 wrk -t1 -c50 -d"${SECS}s" -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk-c.txt"
  taskset -c 1 wrk -t1 -c50 -d"${SECS}s" "$URL" >"$D/wrk-n.txt"
  c=$(rps "$D/wrk-c.txt") n=$(rps "$D/wrk-n.txt")
  awk -v r="$r" -v c="$c" -v n="$n" 'BEGIN { printf "%d | %s | %s | %.2f\n", r, c, n, c / n }'
done
