#!/usr/bin/env bash
# Cache fills and revalidations: cuttle against squid 5.7, in one run.
#
#   wrk (core 1) --> cuttle | squid (core 0) --> nginx origin (core 1)
#
# Two kinds of traffic, both through a proxy that caches (unlike bench/forwarding.sh,
# where nothing is stored):
#   miss     every request a URL never seen before (/1k?<start>-<thread>-<n>); the
#            reply (Cache-Control: max-age=86400) is fetched and stored: TCP_MISS.
#   refresh  requests cycle over BENCH_OBJECTS stored objects whose replies are stale
#            at once (Cache-Control: max-age=0, with ETag and Last-Modified): every
#            request is a conditional GET to nginx, answered 304, and the stored
#            body is served: TCP_REFRESH_UNMODIFIED. With BENCH_OBJECTS >= the
#            connection count no two requests in flight want the same object.
#
# cuttle: `cache_dir lmdb` (2 GB), one worker. squid: `cache_mem 256 MB`,
# `cache_dir ufs` (2 GB), one worker. Both log every request.
#
# Correctness is checked, not assumed: before measuring, a fresh URL requested
# twice through each proxy must be a miss and then a hit (so the proxy does store
# these replies), and a stale object must be logged TCP_REFRESH_UNMODIFIED; every
# run must have zero non-2xx/3xx responses and socket errors, and every access.log
# line of a run must carry the run's result code (at most 1% others in refresh
# runs, reported). Any failure aborts loudly.
#
# Environment (defaults in brackets):
#   BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS   [10, 2, 1]
#   BENCH_CONNECTIONS  wrk connections                        [50]
#   BENCH_MODES        among miss refresh                     ["miss refresh"]
#   BENCH_OBJECTS      stale objects cycled in refresh runs   [1000]
#   BENCH_PROXY_CPU, BENCH_CLIENT_CPU, BENCH_ORIGIN_CPU       [0, 1, 1]
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES, BENCH_NICE,
#   BENCH_KEEP, CUTTLE_BINARY, BENCH_SUMMARY: as in bench/forwarding.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-1}"
CONNS="${BENCH_CONNECTIONS:-50}"
MODES="${BENCH_MODES:-miss refresh}"
OBJECTS="${BENCH_OBJECTS:-1000}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
ORIGIN_CPU="${BENCH_ORIGIN_CPU:-1}"
require_uint DURATION WARMUP ROUNDS CONNS OBJECTS PROXY_CPU CLIENT_CPU ORIGIN_CPU
((ROUNDS >= 1 && DURATION >= 1 && CONNS >= 1 && OBJECTS >= 1)) || die "rounds, duration, connections and objects must be >= 1"
for m in $MODES; do [[ "$m" == miss || "$m" == refresh ]] || die "unknown mode '$m' in BENCH_MODES (miss refresh)"; done
ncpu=$(nproc)
for c in "$PROXY_CPU" "$CLIENT_CPU" "$ORIGIN_CPU"; do ((c < ncpu)) || die "core $c does not exist (nproc=$ncpu)"; done

bench_setup
bench_tmp

# ---------------------------------------------------------------- origin
mkdir -p "$TMP/www/stale"
make_file "$TMP/www/1k" 1024
cp "$TMP/www/1k" "$TMP/www/stale/1k"
chmod -R a+rX "$TMP/www"
start_nginx "$ORIGIN_CPU" "$TMP/www" 'expires 1d;
    location /stale/ { expires off; add_header Cache-Control "max-age=0"; }'
ORIGIN="http://127.0.0.1:$NGINX_PORT"
got=$(curl -sS --noproxy '*' --max-time 5 -D "$TMP/nginx.headers" -o /dev/null -w '%{http_code}' "$ORIGIN/stale/1k") || got=curl-error
[[ "$got" == 200 ]] && grep -qi '^cache-control: max-age=0' "$TMP/nginx.headers" && grep -qi '^etag:' "$TMP/nginx.headers" ||
  die "nginx /stale/1k: status '$got' or no max-age=0/ETag (headers in $TMP/nginx.headers)"
lm=$(sed -n 's/^[Ll]ast-[Mm]odified: \(.*\)\r$/\1/p' "$TMP/nginx.headers")
got=$(curl -sS --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $lm" "$ORIGIN/stale/1k") || got=curl-error
[[ "$got" == 304 ]] || die "nginx answers a conditional GET of /stale/1k with '$got', not 304"

# ---------------------------------------------------------------- proxies
free_port CUTTLE_PORT
start_cuttle "$TMP/cuttle" "$PROXY_CPU" "$CUTTLE_PORT" "via on
cache_dir lmdb $TMP/cuttle/store 2048"
CUTTLE_PID=$LAST_PID
free_port SQUID_PORT
mkdir -p "$TMP/squid/cache"
chown -R proxy:proxy "$TMP/squid"
SQUID_CONFIG="workers 1
cache_mem 256 MB
cache_dir ufs $TMP/squid/cache 2048 16 256
via on
icp_port 0"
printf '%s\nhttp_port 127.0.0.1:%s\npid_filename %s\ncache_log %s\n' "$SQUID_CONFIG" "$SQUID_PORT" \
  "$TMP/squid/z.pid" "$TMP/squid/z.log" >"$TMP/squid/z.conf"
timeout 60 "$SQUID" -N -z -f "$TMP/squid/z.conf" >"$TMP/squid/z.out" 2>&1 || die "squid -z failed: $(tail -5 "$TMP/squid/z.out")"
chown -R proxy:proxy "$TMP/squid"
start_squid "$TMP/squid" "$PROXY_CPU" "$SQUID_PORT" "$SQUID_CONFIG"
SQUID_PID=$LAST_PID
server_port() { case "$1" in cuttle) echo "$CUTTLE_PORT" ;; squid) echo "$SQUID_PORT" ;; esac; }
server_pid() { case "$1" in cuttle) echo "$CUTTLE_PID" ;; squid) echo "$SQUID_PID" ;; esac; }
# the run's result code; _ABORTED/000: requests in flight when wrk stops
code_of() { case "$1" in miss) echo ' TCP_MISS(/200|_ABORTED/[0-9]+) ' ;; refresh) echo ' TCP_REFRESH_UNMODIFIED(/200|_ABORTED/[0-9]+) ' ;; esac; }

# wait_logged PROXY URL CODE: the access.log shows CODE for URL (both proxies log
# URLs without their query, strip_query_terms; squid's stdio log is written with a
# delay: bounded wait)
wait_logged() {
  local deadline=$((SECONDS + 20)) logged_url="${2%%\?*}"
  while ((SECONDS < deadline)); do
    grep -F " $logged_url" "$TMP/$1/access.log" 2>/dev/null | grep -qF " $3 " && return 0
    sleep 0.2
  done
  die "$1: no '$3' line in its access.log for $2 (last: $(grep -F " $logged_url" "$TMP/$1/access.log" | tail -1))"
}

# ---------------------------------------------------------------- verify and fill
for p in cuttle squid; do
  proxy="http://127.0.0.1:$(server_port "$p")"
  url="$ORIGIN/1k?check-$p"
  for want in MISS HIT; do
    out=$(curl -sS --max-time 10 -x "$proxy" -D "$TMP/$p.headers" -o "$TMP/$p.body" -w '%{http_code}' "$url") || out=curl-error
    [[ "$out" == 200 ]] && cmp -s "$TMP/$p.body" "$TMP/www/1k" || die "$p $url: status '$out' or body differs"
    grep -qi "^x-cache: $want" "$TMP/$p.headers" || die "$p $url: expected X-Cache: $want (headers in $TMP/$p.headers)"
    sleep 0.3  # the store commits asynchronously
  done
  wait_logged "$p" "$url" "TCP_MISS/200"
  # the stale objects of the refresh runs: fetched once each, over one connection
  if [[ " $MODES " == *" refresh "* ]]; then
    for ((i = 0; i < OBJECTS; i++)); do printf 'url = "%s/stale/1k?%d"\noutput = /dev/null\n' "$ORIGIN" "$i"; done >"$TMP/fill.curl"
    curl -sS --max-time 120 -x "$proxy" -K "$TMP/fill.curl" || die "$p: filling $OBJECTS stale objects failed"
    sleep 1
    out=$(curl -sS --max-time 10 -x "$proxy" -o "$TMP/$p.body" -w '%{http_code}' "$ORIGIN/stale/1k?0") || out=curl-error
    [[ "$out" == 200 ]] && cmp -s "$TMP/$p.body" "$TMP/www/1k" || die "$p stale/1k?0: status '$out' or body differs"
    wait_logged "$p" "$ORIGIN/stale/1k?0" "TCP_REFRESH_UNMODIFIED/200"
  fi
  log "$p: stores fresh replies (MISS then HIT)$([[ " $MODES " == *" refresh "* ]] && echo ", $OBJECTS stale objects stored and revalidated with 304")"
done

write_wrk_lua "$TMP/miss.lua" "$ORIGIN/1k" "127.0.0.1:$NGINX_PORT" unique
cat >"$TMP/refresh.lua" <<EOF
wrk.method = "GET"
wrk.headers["Host"] = "127.0.0.1:$NGINX_PORT"
local n = 0
function request() n = (n + 1) % $OBJECTS; return wrk.format(nil, "$ORIGIN/stale/1k?" .. n) end
$(sed -n '/^function done/,$p' "$TMP/miss.lua")
EOF

# ---------------------------------------------------------------- measure
RESULTS="$TMP/results.tsv"  # proxy mode round req/s p99_ms proxy_cpu% client_core% other% others_in_log
: >"$RESULTS"
measure_once() {  # PROXY MODE ROUND: sets ROW and OTHER
  local p="$1" m="$2" r="$3" port pid out lines0 t0 m0 k0 n0 w0 t1 m1 k1 n1 w1 logged wrong code
  port=$(server_port "$p") pid=$(server_pid "$p") out="$TMP/wrk-$p-$m-$r.txt" code=$(code_of "$m")
  kill -0 "$pid" 2>/dev/null || die "$p is no longer running (see $TMP)"
  if ((WARMUP > 0)); then
    run_wrk_at "$CLIENT_CPU" "$port" "$TMP/$m.lua" "$WARMUP" "$out.warmup" 1 "$CONNS"
    parse_wrk "$out.warmup" "$p $m (warm-up)"
    sleep 1  # squid's log catches up
  fi
  lines0=$(log_lines "$TMP/$p/access.log")
  t0=$(proc_ticks "$pid") n0=$(proc_ticks "$CUTTLE_PID" "$SQUID_PID" "${NGINX_PIDS[@]}") m0=$(machine_busy) k0=$(core_busy "$CLIENT_CPU") w0=$(now_ns)
  run_wrk_at "$CLIENT_CPU" "$port" "$TMP/$m.lua" "$DURATION" "$out" 1 "$CONNS"
  t1=$(proc_ticks "$pid") n1=$(proc_ticks "$CUTTLE_PID" "$SQUID_PID" "${NGINX_PIDS[@]}") m1=$(machine_busy) k1=$(core_busy "$CLIENT_CPU") w1=$(now_ns)
  parse_wrk "$out" "$p $m"
  sleep 1
  logged=$(($(log_lines "$TMP/$p/access.log") - lines0))
  ((logged + 500 >= REQUESTS)) || die "$p $m: wrk completed $REQUESTS requests but the access.log grew by only $logged lines"
  wrong=$(tail -n +"$((lines0 + 1))" "$TMP/$p/access.log" | grep -vE "$NOT_A_REQUEST_RE" | grep -vcE "$code" || true)
  if [[ "$m" == miss ]]; then
    ((wrong == 0)) || die "$p miss: $wrong access.log line(s) are not $code, e.g. $(tail -n +"$((lines0 + 1))" "$TMP/$p/access.log" | grep -vE "$NOT_A_REQUEST_RE" | grep -vE "$code" | head -1)"
  else
    ((wrong * 100 <= logged)) || die "$p refresh: $wrong of $logged access.log lines are not $code, e.g. $(tail -n +"$((lines0 + 1))" "$TMP/$p/access.log" | grep -vE "$NOT_A_REQUEST_RE" | grep -vE "$code" | head -1)"
  fi
  ROW=$(awk -v p="$p" -v m="$m" -v r="$r" -v n="$REQUESTS" -v d="$DUR_US" -v p99="$P99_US" -v hz="$CLK_TCK" \
    -v tp="$((t1 - t0))" -v tn="$((n1 - n0))" -v tw="$WRK_TICKS" -v tm="$((m1 - m0))" -v wall="$((w1 - w0))" \
    -v kb="$(($(cut -d' ' -f1 <<<"$k1") - $(cut -d' ' -f1 <<<"$k0")))" -v kt="$(($(cut -d' ' -f2 <<<"$k1") - $(cut -d' ' -f2 <<<"$k0")))" -v wrong="$wrong" \
    'BEGIN { secs = d / 1e6; w = wall / 1e9; other = 100 * (tm - tn - tw) / hz / w; if (other < 0) other = 0;
             printf "%s\t%s\t%s\t%.0f\t%.3f\t%.0f\t%.0f\t%.0f\t%d\n", p, m, r, n / secs, p99 / 1000, 100 * tp / hz / secs,
                    kt ? 100 * kb / kt : 0, other, wrong }')
  OTHER=$(cut -f8 <<<"$ROW")
  awk -F'\t' '{ printf "[bench] %-6s %-7s round %s: %7s req/s  p99 %7.2f ms  proxy CPU %3s%%  wrk+nginx core %3s%%  others %3s%%  other log codes %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' <<<"$ROW" >&2
}
log "measuring: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNS connections, $ROUNDS round(s), modes: $MODES"
for ((r = 1; r <= ROUNDS; r++)); do
  for m in $MODES; do
    for p in cuttle squid; do measure "$p" "$m" "$r"; done
  done
done

# ---------------------------------------------------------------- report
echo
echo "squid $("$SQUID" -v | sed -n '1s/.*Version //p'), nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///'), cuttle $CUTTLE"
echo "wrk: $CONNS connections, 1 thread, ${DURATION}s per run after ${WARMUP}s warm-up, $ROUNDS round(s); proxy on core $PROXY_CPU, wrk on $CLIENT_CPU, nginx on $ORIGIN_CPU"
echo "conditions: $(bench_conditions)"
echo
echo "| traffic | proxy | req/s | p99 (ms) | proxy CPU | wrk+nginx core | other CPU | all runs req/s |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
for m in $MODES; do
  for p in cuttle squid; do
    awk -F'\t' -v p="$p" -v m="$m" '$1 == p && $2 == m' "$RESULTS" >"$TMP/sel.tsv"
    bench_summary misses "$m" "$p" "$(cut -f4 "$TMP/sel.tsv" | median)" "$(cut -f5 "$TMP/sel.tsv" | median)"
    printf '| %s | %s | %s | %s | %s%% | %s%% | %s%% | %s |\n' "$m" "$p" \
      "$(cut -f4 "$TMP/sel.tsv" | median)" "$(cut -f5 "$TMP/sel.tsv" | median)" "$(cut -f6 "$TMP/sel.tsv" | median)" \
      "$(cut -f7 "$TMP/sel.tsv" | median)" "$(cut -f8 "$TMP/sel.tsv" | sort -g | tail -1)" "$(cut -f4 "$TMP/sel.tsv" | tr '\n' ' ' | sed 's/ $//')"
  done
done
echo
echo "| traffic | cuttle/squid req/s | p99 cuttle/squid | target (issue 8) | met |"
echo "|---|---:|---:|---|---|"
for m in $MODES; do
  c=$(awk -F'\t' -v m="$m" '$1 == "cuttle" && $2 == m { print $4 }' "$RESULTS" | median)
  s=$(awk -F'\t' -v m="$m" '$1 == "squid" && $2 == m { print $4 }' "$RESULTS" | median)
  cp99=$(awk -F'\t' -v m="$m" '$1 == "cuttle" && $2 == m { print $5 }' "$RESULTS" | median)
  sp99=$(awk -F'\t' -v m="$m" '$1 == "squid" && $2 == m { print $5 }' "$RESULTS" | median)
  awk -v m="$m" -v c="$c" -v s="$s" -v cp="$cp99" -v sp="$sp99" 'BEGIN { r = c / s; printf "| %s | %.2f | %.2f | >= 1.5x squid | %s |\n", m, r, cp / sp, (r >= 1.5 ? "yes" : "NO") }'
done
