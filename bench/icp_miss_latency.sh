#!/usr/bin/env bash
# ICP miss latency: what asking two live siblings over ICP adds to a cache miss.
#
#   wrk (unique URLs) --> cuttle --ICP--> squid A, squid B   (siblings, both answer MISS)
#                            \----HTTP----> nginx origin
#
# Two cuttles run side by side, identical but for their peers: "none" has no
# cache_peer; "siblings" has two squid 5.7 siblings, asks both over ICP for every
# miss and goes to the origin once both answered MISS (neither holds the URLs:
# every request has a URL of its own). wrk keeps BENCH_CONNECTIONS (1) requests in
# flight, so latency is a request's own, not queueing. Runs alternate none,
# siblings, none, ... each after a thrown-away warm-up; the report is the median
# over rounds of each setup's p50 and p99, and their difference: the ICP cost.
#
# Checked, not assumed (the run aborts otherwise): a first request through the
# siblings setup is logged HIER_DIRECT without TIMEOUT_ and each squid logged the
# ICP query (UDP_MISS); every run has only 2xx replies, no socket error and no
# cache hit, and the squids' logs count two ICP queries per measured miss.
# Requests whose ICP wait ran out (TIMEOUT_ in access.log: a squid slower than
# the dynamic timeout, 5 ms at least) are counted and reported: they are part of
# what ICP costs.
#
# Everything listens on 127.0.0.1 only; every wait is bounded; all processes
# started here are stopped on exit.
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per measured run                   [10]
#   BENCH_WARMUP       seconds of warm-up before each run          [2]
#   BENCH_ROUNDS       measured runs per setup                     [3]
#   BENCH_CONNECTIONS  wrk connections                             [1]
#   BENCH_PROXY_CPU    core the cuttles are pinned to              [0]
#   BENCH_CLIENT_CPU   core wrk, nginx and the squids share        [1]
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES, BENCH_NICE,
#   BENCH_KEEP, CUTTLE_BINARY: as in bench/lib.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNS="${BENCH_CONNECTIONS:-1}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
require_uint DURATION WARMUP ROUNDS CONNS PROXY_CPU CLIENT_CPU
((ROUNDS >= 1 && DURATION >= 1 && CONNS >= 1)) || die "rounds, duration and connections must be >= 1"

bench_setup
bench_tmp

# ---------------------------------------------------------------- origin and siblings
mkdir -p "$TMP/www"
make_file "$TMP/www/obj" 1024
start_nginx "$CLIENT_CPU" "$TMP/www"
ORIGIN="127.0.0.1:$NGINX_PORT"

SQUID_PIDS=()
declare -A SQUID_HTTP SQUID_ICP
for s in a b; do
  free_port "SQUID_HTTP[$s]"
  free_port "SQUID_ICP[$s]"
  log "starting squid sibling $s on 127.0.0.1:${SQUID_HTTP[$s]} (ICP ${SQUID_ICP[$s]}, core $CLIENT_CPU)"
  start_squid "$TMP/squid-$s" "$CLIENT_CPU" "${SQUID_HTTP[$s]}" "icp_port ${SQUID_ICP[$s]}
icp_access allow localhost
icp_access deny all
log_icp_queries on"
  SQUID_PIDS+=("$LAST_PID")
done

# ---------------------------------------------------------------- the two cuttles
declare -A PORT PID
free_port "PORT[none]"
free_port "PORT[siblings]"
free_port CUTTLE_ICP
log "starting cuttle 'none' on 127.0.0.1:${PORT[none]} and 'siblings' on ${PORT[siblings]} (core $PROXY_CPU): $CUTTLE"
start_cuttle "$TMP/none" "$PROXY_CPU" "${PORT[none]}" "cache_mem 0 MB"
PID[none]=$LAST_PID
start_cuttle "$TMP/siblings" "$PROXY_CPU" "${PORT[siblings]}" "cache_mem 0 MB
icp_port $CUTTLE_ICP
cache_peer 127.0.0.1 sibling ${SQUID_HTTP[a]} ${SQUID_ICP[a]} no-digest name=squid-a
cache_peer 127.0.0.1 sibling ${SQUID_HTTP[b]} ${SQUID_ICP[b]} no-digest name=squid-b"
PID[siblings]=$LAST_PID

# Both squids answer ICP as soon as they listen; the first query through the
# siblings setup must see both MISS replies in time (no TIMEOUT_).
ok=""
for ((i = 0; i < 50; i++)); do
  url="http://$ORIGIN/obj?check-$i"
  code=$(curl -sS --max-time 5 -x "http://127.0.0.1:${PORT[siblings]}" -o /dev/null -w '%{http_code}' "$url" 2>/dev/null) || code=000
  line=$(tail -1 "$TMP/siblings/access.log" 2>/dev/null || true)  # strip_query_terms: the line shows /obj
  if [[ "$code" == 200 && "$line" == *" HIER_DIRECT/"* ]]; then ok=$url; break; fi
  sleep 0.2
done
[[ -n "$ok" ]] || die "no request through the siblings setup came back 200 HIER_DIRECT without TIMEOUT_ (last: $code '$line')"
for s in a b; do
  for ((i = 0; i < 50; i++)); do grep -qF "UDP_MISS/000 " "$TMP/squid-$s/access.log" 2>/dev/null && break; sleep 0.1; done
  grep -qF "UDP_MISS/000 " "$TMP/squid-$s/access.log" || die "squid $s logged no ICP query (see $TMP/squid-$s)"
done
log "checked: cuttle asks both squid siblings, hears two MISS replies in time and goes direct"

# ---------------------------------------------------------------- runs
write_wrk_lua "$TMP/wrk.lua" "http://$ORIGIN/obj" "$ORIGIN" unique
RESULTS="$TMP/results.tsv"
: >"$RESULTS"
icp_queries() { cat "$TMP"/squid-*/access.log 2>/dev/null | grep -c ' ICP_QUERY ' || true; }

measure_once() {  # SETUP ROUND: sets ROW (setup round p50_ms p99_ms requests timeouts) and OTHER
  local setup="$1" round="$2" port="${PORT[$1]}" alog="$TMP/$1/access.log" out="$TMP/wrk-$1-$2.txt"
  run_wrk_at "$CLIENT_CPU" "$port" "$TMP/wrk.lua" "$WARMUP" "$out.warmup" 1 "$CONNS"
  parse_wrk "$out.warmup" "$setup (warm-up)"
  local lines0 q0 t0 m0 w0
  lines0=$(log_lines "$alog")
  q0=$(icp_queries)
  t0=$(proc_ticks "${PID[$setup]}" "${SQUID_PIDS[@]}" "${NGINX_PIDS[@]}")
  m0=$(machine_busy)
  w0=$(now_ns)
  run_wrk_at "$CLIENT_CPU" "$port" "$TMP/wrk.lua" "$DURATION" "$out" 1 "$CONNS"
  local t1 m1 w1
  w1=$(now_ns)
  t1=$(proc_ticks "${PID[$setup]}" "${SQUID_PIDS[@]}" "${NGINX_PIDS[@]}")
  m1=$(machine_busy)
  parse_wrk "$out" "$setup"
  local logged timeouts hits queries
  logged=$(($(log_lines "$alog") - lines0))
  ((logged >= REQUESTS)) || die "$setup: wrk completed $REQUESTS requests but $alog grew by only $logged lines"
  hits=$(tail -n "$logged" "$alog" | grep -c 'HIT/' || true)
  timeouts=$(tail -n "$logged" "$alog" | grep -c 'TIMEOUT_' || true)
  ((hits == 0)) || die "$setup: $hits cache hits in a run of unique URLs (see $alog)"
  if [[ "$setup" == siblings ]]; then
    # squid's stdio log may lag a little: wait (bounded) for two queries per miss.
    for ((i = 0; i < 50; i++)); do
      queries=$(($(icp_queries) - q0))
      ((queries >= 2 * logged)) && break
      sleep 0.1
    done
    ((queries >= 2 * logged)) || die "siblings: $logged misses but the squids logged $queries ICP queries"
  fi
  OTHER=$(awk -v tm="$((m1 - m0))" -v tp="$((t1 - t0))" -v tw="$WRK_TICKS" -v hz="$CLK_TCK" -v wall="$((w1 - w0))" \
    'BEGIN { o = 100 * (tm - tp - tw) / hz / (wall / 1e9); printf "%d", o < 0 ? 0 : o }')
  ROW=$(awk -v s="$setup" -v r="$round" -v p50="$P50_US" -v p99="$P99_US" -v n="$REQUESTS" -v t="$timeouts" \
    'BEGIN { printf "%s\t%s\t%.3f\t%.3f\t%s\t%s", s, r, p50 / 1000, p99 / 1000, n, t }')
  log "$(printf '%-8s round %s: %6s requests  p50 %s ms  p99 %s ms  ICP timeouts %s  others %s%% of a core' "$setup" \
    "$round" "$REQUESTS" "$(cut -f3 <<<"$ROW")" "$(cut -f4 <<<"$ROW")" "$timeouts" "$OTHER")"
}

log "measuring: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNS connection(s), $ROUNDS round(s); cuttles on core $PROXY_CPU, wrk, nginx and squids on core $CLIENT_CPU"
for ((r = 1; r <= ROUNDS; r++)); do
  for setup in none siblings; do measure "$setup" "$r"; done
done

# ---------------------------------------------------------------- report
col_median() { awk -F'\t' -v s="$1" -v c="$2" '$1 == s { print $c }' "$RESULTS" | median; }
echo
echo "ICP miss latency: cuttle with two squid $("$SQUID" -v | sed -n '1s/.*Version //p') siblings vs no peers -- $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cuttle: $(cuttle_origin)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), kernel $(uname -r); $(bench_conditions)"
echo "runs: ${DURATION}s after ${WARMUP}s warm-up, $CONNS connection(s), $ROUNDS round(s), 1 KiB object, every URL unique"
printf '%-9s %10s %10s %10s %13s\n' setup 'p50 ms' 'p99 ms' 'requests' 'ICP timeouts'
for setup in none siblings; do
  printf '%-9s %10s %10s %10s %13s\n' "$setup" "$(col_median "$setup" 3)" "$(col_median "$setup" 4)" \
    "$(col_median "$setup" 5)" "$(awk -F'\t' -v s="$setup" '$1 == s { t += $6 } END { print t + 0 }' "$RESULTS")"
done
awk -v n50="$(col_median none 3)" -v n99="$(col_median none 4)" -v s50="$(col_median siblings 3)" -v s99="$(col_median siblings 4)" \
  'BEGIN { printf "added by ICP (medians of rounds): p50 %+.3f ms, p99 %+.3f ms (target: p99 < 2 ms)\n", s50 - n50, s99 - n99 }'
echo "per round (setup, round, p50 ms, p99 ms, requests, ICP timeouts):"
sed 's/^/  /' "$RESULTS"
