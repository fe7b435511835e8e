#!/usr/bin/env bash
# Memory per idle keep-alive client connection: cuttle against squid 5.7.
# Target: <= 16 KiB per connection (cuttle).
#
# For each proxy in turn (one worker, pinned to core 0; the nginx origin on core 1):
#   1. warm: a 1 KiB object (Cache-Control: max-age=86400) is requested until it
#      is a hit (X-Cache: HIT, byte-exact body);
#   2. baseline: VmRSS (/proc/PID/status) and Anonymous (/proc/PID/smaps_rollup)
#      of the proxy, 2 s after the warm-up;
#   3. bench/idle_clients.py opens BENCH_CLIENTS connections one after another,
#      sends one request for the object on each, reads the whole reply (200,
#      Content-Length 1024, no `Connection: close`) and keeps them all open, idle;
#   4. 2 s later, the same figures again, and the proxy's open fd count (must have
#      grown by at least BENCH_CLIENTS: the connections are really held);
#   5. the clients close; the script checks none was closed by the proxy.
# Reported: (after - before) / BENCH_CLIENTS, for RSS and for anonymous memory
# (RSS also counts file pages such as cuttle's LMDB map; anonymous memory is
# what connections allocate).
#
# Environment (defaults in brackets):
#   BENCH_CLIENTS   idle connections per proxy                  [10000]
#   BENCH_PROXY_CPU / BENCH_CLIENT_CPU                          [0] / [1]
#   BENCH_KEEP, CUTTLE_BINARY: as in forwarding.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"

CLIENTS="${BENCH_CLIENTS:-10000}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
require_uint CLIENTS PROXY_CPU CLIENT_CPU
((CLIENTS >= 1)) || die "BENCH_CLIENTS must be >= 1"
command -v python3 >/dev/null || die "python3 is needed for bench/idle_clients.py"

# The proxy and the client process each need a descriptor per connection, plus
# their own (the limit is per process).
NOFILE=$((CLIENTS + 4096))
if [[ "$(ulimit -Hn)" != unlimited ]] && (($(ulimit -Hn) < NOFILE)); then
  ulimit -Hn "$NOFILE" 2>/dev/null || die "the hard fd limit is $(ulimit -Hn) and cannot be raised to $NOFILE: lower BENCH_CLIENTS"
fi
ulimit -Sn "$NOFILE" || die "cannot raise the fd limit to $NOFILE"

bench_setup
bench_tmp

mkdir -p "$TMP/www"
make_file "$TMP/www/1k" 1024
chmod -R a+rX "$TMP/www"
start_nginx "$CLIENT_CPU" "$TMP/www" "expires 1d;"
URL="http://127.0.0.1:$NGINX_PORT/1k"

free_port CUTTLE_PORT
mkdir -p "$TMP/cuttle"
cat >"$TMP/cuttle/cuttle.conf" <<EOF
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $TMP/cuttle/cuttle.pid
access_log $TMP/cuttle/access.log
workers 1
cache_dir lmdb $TMP/cuttle/store 256
http_access allow localhost
http_access deny all
EOF
chown -R proxy:proxy "$TMP/cuttle"  # started as root, cuttle becomes proxy (cache_effective_user)
"$CUTTLE" -k parse -f "$TMP/cuttle/cuttle.conf" >"$TMP/cuttle/parse.log" 2>&1 ||
  die "cuttle rejects its config: $(cat "$TMP/cuttle/parse.log")"

free_port SQUID_PORT
mkdir -p "$TMP/squid"
cat >"$TMP/squid/squid.conf" <<EOF
http_port 127.0.0.1:$SQUID_PORT
workers 1
max_filedescriptors $NOFILE
cache_mem 64 MB
via on
pid_filename $TMP/squid/squid.pid
cache_log $TMP/squid/cache.log
access_log stdio:$TMP/squid/access.log
coredump_dir $TMP/squid
netdb_filename none
icp_port 0
htcp_port 0
pinger_enable off
shutdown_lifetime 1 second
http_access allow localhost
http_access deny all
EOF
chown -R proxy:proxy "$TMP/squid"
"$SQUID" -k parse -f "$TMP/squid/squid.conf" >"$TMP/squid/parse.log" 2>&1 ||
  die "squid rejects its config: $(tail -5 "$TMP/squid/parse.log")"

mem_of() {  # mem_of PID: "VmRSS_kB Anonymous_kB fds"
  echo "$(awk '/^VmRSS/ { print $2 }' "/proc/$1/status") $(awk '/^Anonymous/ { print $2 }' "/proc/$1/smaps_rollup") $(ls "/proc/$1/fd" | wc -l)"
}

RESULTS="$TMP/results.tsv"  # proxy clients rss0 rss1 anon0 anon1 fd0 fd1
: >"$RESULTS"
for p in cuttle squid; do
  if [[ "$p" == cuttle ]]; then
    port=$CUTTLE_PORT
    taskset -c "$PROXY_CPU" "$CUTTLE" -N -f "$TMP/cuttle/cuttle.conf" >"$TMP/cuttle/out.log" 2>&1 &
  else
    port=$SQUID_PORT
    taskset -c "$PROXY_CPU" "$SQUID" -N -f "$TMP/squid/squid.conf" >"$TMP/squid/out.log" 2>&1 &
  fi
  pid=$!
  PIDS+=("$pid")
  log "started $p on 127.0.0.1:$port (core $PROXY_CPU), pid $pid"
  wait_listen "$port" "$pid" "$p"
  hit="" deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    out=$(curl -sS --max-time 5 -x "http://127.0.0.1:$port" -D "$TMP/$p.headers" -o "$TMP/$p.body" -w '%{http_code}' "$URL" 2>/dev/null) || out=curl-error
    if [[ "$out" == 200 ]]; then
      cmp -s "$TMP/$p.body" "$TMP/www/1k" || die "$p: body differs from the file"
      grep -qi '^x-cache: HIT' "$TMP/$p.headers" && { hit=1; break; }
    fi
    sleep 0.2
  done
  [[ -n "$hit" ]] || die "$p never answered $URL as a hit within 30 s (last: $out)"
  sleep 2
  read -r rss0 anon0 fd0 <<<"$(mem_of "$pid")"

  mkfifo "$TMP/hold-$p"
  taskset -c "$CLIENT_CPU" python3 "$ROOT/bench/idle_clients.py" "$port" "$URL" 1024 "$CLIENTS" 600 \
    <"$TMP/hold-$p" >"$TMP/clients-$p.out" 2>"$TMP/clients-$p.err" &
  client=$!
  exec 7>"$TMP/hold-$p"  # holds the clients' stdin open until we close it
  PIDS+=("$client")
  deadline=$((SECONDS + 300))
  until grep -q '^READY' "$TMP/clients-$p.out"; do
    kill -0 "$client" 2>/dev/null || die "$p: idle clients failed: $(cat "$TMP/clients-$p.err")"
    ((SECONDS < deadline)) || die "$p: $CLIENTS connections not open within 300 s"
    sleep 0.5
  done
  sleep 2
  read -r rss1 anon1 fd1 <<<"$(mem_of "$pid")"
  exec 7>&-
  rc=0
  wait "$client" || rc=$?
  ((rc == 0)) || die "$p: idle clients: $(cat "$TMP/clients-$p.err")"
  ((fd1 - fd0 >= CLIENTS)) || die "$p holds only $((fd1 - fd0)) more descriptors with $CLIENTS clients open"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$CLIENTS" "$rss0" "$rss1" "$anon0" "$anon1" "$fd0" "$fd1" >>"$RESULTS"
  log "$p: VmRSS $rss0 -> $rss1 kB, Anonymous $anon0 -> $anon1 kB, fds $fd0 -> $fd1 with $CLIENTS idle connections"
  stop_pid "$pid"
done

echo
echo "memory per idle keep-alive client connection -- $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cuttle: $(cuttle_origin)"
echo "squid: $("$SQUID" -v | sed -n '1s/.*Version //p'); machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "each connection: one request for a cached 1 KiB object (a hit), reply read, then idle"
echo
echo "| proxy | connections | VmRSS before → after (kB) | RSS per connection | Anonymous before → after (kB) | anonymous per connection |"
echo "|---|---:|---|---:|---|---:|"
awk -F'\t' '{ printf "| %s | %d | %d → %d | %.1f KiB | %d → %d | %.1f KiB |\n", $1, $2, $3, $4, ($4 - $3) / $2, $5, $6, ($6 - $5) / $2 }' "$RESULTS"
echo
awk -F'\t' '$1 == "cuttle" { r = ($4 - $3) / $2; printf "cuttle: %.1f KiB RSS per idle connection (target <= 16 KiB: %s)\n", r, r <= 16 ? "met" : "MISSED" }' "$RESULTS"
