#!/usr/bin/env bash
# `workers 1` against `workers 2`: cached 1 KiB hits through cuttle and through
# squid 5.7, in one run.
#
#   workers 1:  wrk (1 thread, core 1) --> cuttle | squid (core 0)     as bench/hits.sh
#   workers 2:  wrk (2 threads)        --> cuttle | squid              nothing pinned
#
# The machine has 2 cores, so with `workers 2` the proxy's workers and wrk's threads
# share both cores under the kernel's scheduler: the figures are reported as they
# come, as what a second worker buys on this machine, not as a scaling curve.
#
# cuttle: `cache_dir lmdb` (1 GB), `maximum_object_size 16 MB`, `workers 1` or 2
#         (threads of one process; SO_REUSEPORT listeners, one shared store).
# squid:  `cache_mem 256 MB`, `maximum_object_size_in_memory 16 MB`, no cache_dir
#         (ufs is not SMP-aware; hits come from memory anyway, TCP_MEM_HIT, as in
#         bench/hits.sh). `workers 1` runs as `squid -N` like the other scripts;
#         `workers 2` in SMP mode (`--foreground`: a master, two worker kids and a
#         coordinator), whose memory cache is shared between the workers. Each SMP
#         kid writes its own access log (squid's stdio module does not append).
# nginx (core 0) is the origin while warming; every measured request is a hit.
#
# Correctness, as in bench/hits.sh, checked and fatal: the object is requested
# through each configuration until it is answered as a hit (8 times in a row with
# `workers 2`, over new connections, so both workers are asked), byte-exact every
# time, and the access log shows TCP_HIT/TCP_MEM_HIT for it; every run has zero
# non-2xx responses and socket errors, the access logs grew by the number of
# requests (+-500) and every line they got since warming is a hit. One exception:
# squid `workers 2` under wrk's load now and then stops finding the object in its
# shared memory cache, and for a while every request refetches it from nginx
# (TCP_MISS): 3% and 14% of the lines in two 2-second smoke runs, none at a few
# requests/s over 45 s. That is squid's behaviour, not a broken setup, so its
# non-hits are counted and shown in the table, and only more than
# BENCH_SMP_NON_HITS_MAX % of its lines abort the run (a setup that does not cache).
#
# Runs alternate cuttle w1, cuttle w2, squid w1, squid w2 per round, each after a
# thrown-away warm-up run; the quiet-machine wait and the repeat of disturbed runs
# are those of the other scripts (bench/lib.sh).
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per measured run                   [10]
#   BENCH_WARMUP       seconds of warm-up before each run          [2]
#   BENCH_ROUNDS       measured runs per configuration             [1]
#   BENCH_CONNECTIONS  wrk connections                             [50]
#   BENCH_THREADS      wrk threads against `workers 1`             [1]  (wrk has one core)
#   BENCH_THREADS_W2   wrk threads against `workers 2`             [2]  (wrk may use both)
#   BENCH_PROXIES      among cuttle squid                          ["cuttle squid"]
#   BENCH_SMP_NON_HITS_MAX  % of squid `workers 2` log lines that may be misses [25]
#   BENCH_PROXY_CPU    core of the `workers 1` proxies and nginx   [0]
#   BENCH_CLIENT_CPU   core of wrk against `workers 1`             [1]
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES: as in forwarding.sh
#   BENCH_NICE         e.g. -10: run at that priority (see bench/lib.sh; needs setsid)
#   BENCH_KEEP         1: keep the temp dir (configs, logs, wrk outputs)
#   CUTTLE_BINARY      use this cuttle instead of building build-bench/cuttle
#   BENCH_SUMMARY      FILE: also append each median as a tab-separated row
#                      "workers <workers N> <proxy> req/s p99_ms" to FILE (bench/compare.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-1}"
CONNS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-1}"
THREADS_W2="${BENCH_THREADS_W2:-2}"
PROXIES="${BENCH_PROXIES:-cuttle squid}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
SMP_NON_HITS_MAX="${BENCH_SMP_NON_HITS_MAX:-25}"
require_uint DURATION WARMUP ROUNDS CONNS THREADS THREADS_W2 PROXY_CPU CLIENT_CPU SMP_NON_HITS_MAX
((ROUNDS >= 1 && DURATION >= 1 && CONNS >= 1 && THREADS >= 1 && THREADS_W2 >= 1)) || die "rounds, duration, connections and threads must be >= 1"
((THREADS <= CONNS && THREADS_W2 <= CONNS)) || die "BENCH_THREADS(_W2) must not exceed BENCH_CONNECTIONS"
[[ -n "${PROXIES// /}" ]] || die "BENCH_PROXIES is empty"
for p in $PROXIES; do [[ "$p" == cuttle || "$p" == squid ]] || die "unknown proxy '$p' in BENCH_PROXIES (cuttle squid)"; done
ncpu=$(nproc)
for c in "$PROXY_CPU" "$CLIENT_CPU"; do ((c < ncpu)) || die "core $c does not exist (nproc=$ncpu)"; done
((ncpu >= 2)) || die "workers 2 needs at least 2 cores (nproc=$ncpu)"
ALL_CPUS="0-$((ncpu - 1))"  # "not pinned", as a taskset list

bench_setup
bench_tmp

# ---------------------------------------------------------------- origin and proxies
mkdir -p "$TMP/www"
make_file "$TMP/www/1k" 1024
chmod -R a+rX "$TMP/www"
start_nginx "$PROXY_CPU" "$TMP/www" "expires 1d;"
URL="http://127.0.0.1:$NGINX_PORT/1k"

# Per configuration (proxy-wN): port, processes, wrk's cores and threads.
declare -A PORT SRV_PIDS WRK_CPUS WRK_THREADS
CONFIGS=()
SQUID_SERVICE="cuttlebench$$"  # names squid's SMP shared memory and sockets
for p in $PROXIES; do
  for w in 1 2; do
    c="$p-w$w"
    CONFIGS+=("$c")
    free_port "PORT[$c]"
    cpu="$PROXY_CPU" WRK_CPUS[$c]="$CLIENT_CPU" WRK_THREADS[$c]="$THREADS"
    ((w == 1)) || cpu="$ALL_CPUS" WRK_CPUS[$c]="$ALL_CPUS" WRK_THREADS[$c]="$THREADS_W2"
    if [[ "$p" == cuttle ]]; then
      log "starting cuttle workers $w on 127.0.0.1:${PORT[$c]} (cores $cpu): $CUTTLE"
      start_cuttle "$TMP/$c" "$cpu" "${PORT[$c]}" "via on
cache_dir lmdb $TMP/$c/store 1024
maximum_object_size 16 MB" "$w"
      SRV_PIDS[$c]="$LAST_PID"
    else
      log "starting squid $("$SQUID" -v | sed -n '1s/.*Version //p') workers $w on 127.0.0.1:${PORT[$c]} (cores $cpu)"
      start_squid "$TMP/$c" "$cpu" "${PORT[$c]}" "workers $w
cache_mem 256 MB
maximum_object_size_in_memory 16 MB
maximum_object_size 16 MB
collapsed_forwarding off
via on
icp_port 0" "$( ((w == 1)) || echo "$SQUID_SERVICE")"
      SRV_PIDS[$c]="${LAST_PIDS[*]}"
    fi
  done
done

# ---------------------------------------------------------------- warm and verify
declare -A LOG_FROM NON_HITS_OF LINES_OF
for c in "${CONFIGS[@]}"; do
  warm_hit "$c" "${PORT[$c]}" "$URL" "$TMP/www/1k" "$TMP/$c" "$([[ "$c" == *-w1 ]] && echo 1 || echo 8)"
done
# From here on every request to a proxy must be a hit: remember where the logs are.
for c in "${CONFIGS[@]}"; do LOG_FROM[$c]=$(alog_mark "$TMP/$c") NON_HITS_OF[$c]=0 LINES_OF[$c]=0; done
write_wrk_lua "$TMP/wrk.lua" "$URL" "127.0.0.1:$NGINX_PORT"

# ---------------------------------------------------------------- measure
RESULTS="$TMP/results.tsv"  # config round req/s p99_ms server_cpu% wrk_cpu% other% attempt non_hits
: >"$RESULTS"
read -r -a ALL_PIDS <<<"${SRV_PIDS[*]} ${NGINX_PIDS[*]}"

measure_once() {  # measure_once CONFIG ROUND ATTEMPT: sets ROW and OTHER
  local c="$1" r="$2" a="$3" out pids pid t0 n0 m0 w0 t1 n1 m1 w1 new
  out="$TMP/wrk-$c-$r-$a.txt"
  read -r -a pids <<<"${SRV_PIDS[$c]}"
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "$c: process $pid is no longer running (see $TMP/$c)"; done
  if ((WARMUP > 0)); then
    run_wrk_at "${WRK_CPUS[$c]}" "${PORT[$c]}" "$TMP/wrk.lua" "$WARMUP" "$out.warmup" "${WRK_THREADS[$c]}" "$CONNS"
    parse_wrk "$out.warmup" "$c (warm-up)"
  fi
  local lines0
  lines0=$(alog_lines "$TMP/$c")
  t0=$(proc_ticks "${pids[@]}") n0=$(proc_ticks "${ALL_PIDS[@]}") m0=$(machine_busy) w0=$(now_ns)
  run_wrk_at "${WRK_CPUS[$c]}" "${PORT[$c]}" "$TMP/wrk.lua" "$DURATION" "$out" "${WRK_THREADS[$c]}" "$CONNS"
  w1=$(now_ns) t1=$(proc_ticks "${pids[@]}") n1=$(proc_ticks "${ALL_PIDS[@]}") m1=$(machine_busy)
  parse_wrk "$out" "$c"
  check_logged "$c" "$TMP/$c" "$lines0" "$REQUESTS"
  check_hits "$c" "$TMP/$c" "${LOG_FROM[$c]}" "$([[ "$c" == squid-w2 ]] && echo "$SMP_NON_HITS_MAX" || echo 0)"
  new=$((NON_HITS - NON_HITS_OF[$c]))  # (a log written late may put some in the next run)
  NON_HITS_OF[$c]=$NON_HITS LINES_OF[$c]=$REQUEST_LINES
  # other = machine busy time minus every server here and wrk (softirq excluded)
  ROW=$(awk -v c="$c" -v r="$r" -v a="$a" -v n="$REQUESTS" -v d="$DUR_US" -v p99="$P99_US" -v hz="$CLK_TCK" \
    -v tp="$((t1 - t0))" -v tn="$((n1 - n0))" -v tw="$WRK_TICKS" -v tm="$((m1 - m0))" -v wall="$((w1 - w0))" -v nh="$new" \
    'BEGIN { secs = d / 1e6; w = wall / 1e9; other = 100 * (tm - tn - tw) / hz / w; if (other < 0) other = 0;
             printf "%s\t%s\t%.0f\t%.3f\t%.0f\t%.0f\t%.0f\t%s\t%d\n", c, r, n / secs, p99 / 1000,
                    100 * tp / hz / secs, 100 * tw / hz / secs, other, a, nh }')
  OTHER=$(cut -f7 <<<"$ROW")
  awk -F'\t' '{ printf "[bench] %-9s round %s: %8s req/s  p99 %8.2f ms  server CPU %3s%%  wrk CPU %3s%%  others %3s%% of a core  non-hits %s\n",
                $1, $2, $3, $4, $5, $6, $7, $9 }' <<<"$ROW" >&2
}

log "measuring: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNS connections, $ROUNDS round(s): ${CONFIGS[*]}"
log "pinning: workers 1: proxy on core $PROXY_CPU, wrk ($THREADS thread(s)) on core $CLIENT_CPU; workers 2: proxy and wrk ($THREADS_W2 threads) on cores $ALL_CPUS"
for ((r = 1; r <= ROUNDS; r++)); do
  for c in "${CONFIGS[@]}"; do measure "$c" "$r"; done
done

# ---------------------------------------------------------------- report
col() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c { print $k }' "$RESULTS"; }
echo
echo "workers 1 vs workers 2, cached 1 KiB hits: $PROXIES (squid $("$SQUID" -v | sed -n '1s/.*Version //p')) -- $(date -u '+%Y-%m-%d %H:%M UTC')"
[[ " $PROXIES " == *" cuttle "* ]] && echo "cuttle: $(cuttle_origin)"
echo "machine: $ncpu cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "wrk: $CONNS connections, ${DURATION}s per run after ${WARMUP}s warm-up, $ROUNDS round(s), alternating"
echo "pinning: workers 1: proxy on core $PROXY_CPU, wrk ($THREADS thread(s)) on core $CLIENT_CPU;"
echo "         workers 2: proxy and wrk ($THREADS_W2 threads) not pinned (cores $ALL_CPUS), sharing the machine; access logging on"
echo "conditions: $(bench_conditions)"
echo "values: median over rounds; server CPU = all its threads' and processes' CPU time / wall time (100% = one core);"
echo "        wrk CPU likewise; other CPU = worst run's CPU used by processes other than the servers and wrk (% of one core);"
echo "        non-hits = access.log lines since warming that were not hits, warm-up runs included (allowed for squid workers 2 only)"
echo
echo "| configuration | req/s | p99 (ms) | server CPU | wrk CPU | other CPU | non-hits | all runs req/s | workers 2 / workers 1 req/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---|---:|"
declare -A RPS P99
for c in "${CONFIGS[@]}"; do
  RPS[$c]=$(col "$c" 3 | median)
  P99[$c]=$(col "$c" 4 | median)
  bench_summary workers "workers ${c##*-w}" "${c%-w*}" "${RPS[$c]}" "${P99[$c]}"
  ratio="—"
  [[ "$c" == *-w2 ]] && ratio=$(awk -v a="${RPS[$c]}" -v b="${RPS[${c%-w2}-w1]}" 'BEGIN { printf "%.2f", a / b }')
  printf '| %s, workers %s | %.0f | %.2f | %.0f%% | %.0f%% | %.0f%% | %s | %s | %s |\n' "${c%-w*}" "${c##*-w}" "${RPS[$c]}" "${P99[$c]}" \
    "$(col "$c" 5 | median)" "$(col "$c" 6 | median)" "$(col "$c" 7 | sort -g | tail -1)" \
    "$(awk -v n="${NON_HITS_OF[$c]}" -v t="${LINES_OF[$c]}" 'BEGIN { if (n && t) printf "%d (%.1f%%)", n, 100 * n / t; else printf "%d", n }')" "$(col "$c" 3 | paste -sd' ')" "$ratio"
done
if ((ROUNDS > 1)); then
  for p in $PROXIES; do
    paired=$(awk -F'\t' -v p="$p" '{ v[$1, $2] = $3 } END { for (r = 1; ((p "-w1", r) in v) && ((p "-w2", r) in v); r++) printf "%.2f\n", v[p "-w2", r] / v[p "-w1", r] }' "$RESULTS")
    printf 'per-round workers 2 / workers 1 req/s (%s): %s -> median %.2f\n' "$p" "$(paste -sd' ' <<<"$paired")" "$(median <<<"$paired")"
  done
fi
report_disturbed "$RESULTS" 7
