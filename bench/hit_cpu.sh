#!/usr/bin/env bash
# CPU per cached hit of one cuttle binary, for A/B comparisons of hit-path changes
# on a machine that is not quiet: what is compared is the proxy's CPU time per
# request (utime+stime from /proc over the run / requests), which other load on
# the machine disturbs far less than requests/s.
#
#   bench/hit_cpu.sh BINARY SIZE [SECONDS] [CONNECTIONS]    SIZE: 1k 16k 256k 8m
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
D=$(mktemp -d /tmp/cuttle-hit-cpu.XXXX)
chmod 755 "$D"
mkdir -p "$D/www"
head -c "${BYTES[$SIZE]}" /dev/urandom | base64 -w0 | head -c "${BYTES[$SIZE]}" >"$D/www/$SIZE" || true
chmod -R a+rX "$D/www"
NGINX_PORT=$((20000 + RANDOM % 10000)) CUTTLE_PORT=$((30000 + RANDOM % 10000))
cat >"$D/nginx.conf" <<N
worker_processes 1; daemon off; pid $D/nginx.pid; error_log $D/nginx.err;
events { worker_connections 1024; }
http { access_log off; sendfile on; server { listen 127.0.0.1:$NGINX_PORT; root $D/www; expires 1d; } }
N
taskset -c 1 nginx -c "$D/nginx.conf" -p "$D" &
NGINX=$!
cat >"$D/cuttle.conf" <<C
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $D/cuttle.pid
access_log $D/access.log
workers 1
via on
cache_dir lmdb $D/store 1024
maximum_object_size 16 MB
http_access allow localhost
http_access deny all
C
taskset -c 0 "$BIN" -N -f "$D/cuttle.conf" >"$D/cuttle.out" 2>&1 &
CUTTLE=$!
trap 'kill $CUTTLE $NGINX 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
URL="http://127.0.0.1:$NGINX_PORT/$SIZE"
for _ in $(seq 50); do curl -s -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL" && break; sleep 0.1; done
for _ in 1 2 3; do curl -s -D "$D/header" -o "$D/body" -x "127.0.0.1:$CUTTLE_PORT" "$URL"; done
grep -q "X-Cache: HIT" "$D/header" && cmp -s "$D/body" "$D/www/$SIZE" || { echo "not a byte-exact hit:" >&2; cat "$D/header" >&2; exit 1; }
echo "wrk.path = \"$URL\"" >"$D/proxy.lua"
PROFILER=
if [[ -n "${STRACE:-}" ]]; then (sleep 1; timeout -s INT 3 strace -c -f -p $CUTTLE -o "$OUT/bench-hit-cpu.strace") & PROFILER=$!; fi
if [[ -n "${PERF:-}" ]]; then perf record -o "$OUT/bench-hit-cpu.perf.data" -g -p $CUTTLE -- sleep $((SECS - 1)) >/dev/null 2>&1 & PROFILER=$!; fi
before=$(awk '{print $14 + $15}' /proc/$CUTTLE/stat)
taskset -c 1 wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk.out"
after=$(awk '{print $14 + $15}' /proc/$CUTTLE/stat)
[[ -z "$PROFILER" ]] || wait $PROFILER || true
awk -v a="$before" -v b="$after" -v s="$SECS" -v hz="$(getconf CLK_TCK)" -v sz="$SIZE" \
  -v r="$(awk '/Requests\/sec/{print $2}' "$D/wrk.out")" -v p="$(awk '/ 99%/{print $2}' "$D/wrk.out")" \
  -v e="$(grep -c 'Non-2xx\|Socket errors' "$D/wrk.out" || true)" \
  'BEGIN { cpu = (b - a) / hz / s; printf "%s req/s %.0f p99 %s cpu %.0f%% us/req %.1f errs %s\n", sz, r, p, cpu * 100, cpu * 1e6 / r, e }'
