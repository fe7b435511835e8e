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
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
OUT=$PWD/hit-instructions.cg
D=$(mktemp -d /tmp/cuttle-hit-instr.XXXX)
chmod 755 "$D"
mkdir -p "$D/www"
head -c "$SIZE" /dev/urandom | base64 -w0 | head -c "$SIZE" >"$D/www/obj"
chmod -R a+rX "$D/www"
NGINX_PORT=$((20000 + RANDOM % 10000)) CUTTLE_PORT=$((30000 + RANDOM % 10000))
cat >"$D/nginx.conf" <<N
worker_processes 1; daemon off; pid $D/nginx.pid; error_log $D/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NGINX_PORT; root $D/www; expires 1d; } }
N
"$NGINX" -c "$D/nginx.conf" -p "$D" &
NGINX_PID=$!
cat >"$D/cuttle.conf" <<C
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $D/cuttle.pid
access_log $D/access.log
workers 1
via on
cache_dir lmdb $D/store 256
http_access allow localhost
http_access deny all
C
# Callgrind writes into $D: its last dump, at exit, holds nothing measured and
# must not overwrite the measured one copied to $OUT.
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$D/callgrind.out" "$BIN" -N -f "$D/cuttle.conf" \
  >"$D/cuttle.out" 2>&1 &
CUTTLE=$!
trap 'kill $CUTTLE $NGINX_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
URL="http://127.0.0.1:$NGINX_PORT/obj"
for _ in $(seq 150); do curl -s -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL" && break; sleep 0.2; done
for _ in 1 2 3; do curl -s -D "$D/header" -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL"; done
grep -q "X-Cache: HIT" "$D/header" || { echo "not a hit:" >&2; cat "$D/header" >&2; exit 1; }
echo "wrk.path = \"$URL\"" >"$D/proxy.lua"
wrk -t1 -c10 -d2s -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >/dev/null
callgrind_control -i on $CUTTLE >/dev/null
wrk -t1 -c10 -d"${SECS}s" -s "$D/proxy.lua" "http://127.0.0.1:$CUTTLE_PORT/" >"$D/wrk.out"
callgrind_control -i off $CUTTLE >/dev/null
callgrind_control -d $CUTTLE >/dev/null
sleep 1
requests=$(awk '/requests in/{print $1}' "$D/wrk.out")
instructions=$(callgrind_annotate "$D/callgrind.out.1" 2>/dev/null | awk '/PROGRAM TOTALS/{gsub(",", "", $1); print $1}')
cp "$D/callgrind.out.1" "$OUT"
echo "requests $requests instructions $instructions per-request $((instructions / requests))"
