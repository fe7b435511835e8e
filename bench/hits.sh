#!/usr/bin/env bash
# Cached-hit benchmark: cuttle against squid 5.7 and against nginx serving the same
# files directly (the ceiling for one HTTP/1.1 server core), in one run.
#
#   wrk (core 1) --> cuttle | squid | nginx (core 0)
#
# Sizes 1 KiB, 16 KiB, 256 KiB and 8 MiB. nginx (one worker, core 0) is both the
# origin the proxies fetch from while warming and, in its own runs, the ceiling;
# during a proxy's runs it receives nothing (every request is a hit). Its files
# carry `Cache-Control: max-age=86400` (nginx `expires 1d`), so both proxies may
# serve them fresh for the whole run.
#
# cuttle: `cache_dir lmdb` (1 GB), `maximum_object_size 16 MB`, one worker.
# squid:  `cache_mem 256 MB`, `maximum_object_size_in_memory 16 MB`,
#         `maximum_object_size 16 MB`, `cache_dir ufs` (1 GB), one worker.
# Both log every request (access.log on), as in bench/forwarding.sh.
#
# Correctness is checked, not assumed: before measuring, each object is requested
# through each proxy until it is answered as a hit (bounded), the body must be
# byte-exact every time and the access.log must show TCP_HIT or TCP_MEM_HIT for
# it; nginx's answer must be byte-exact too. Every run must have zero non-2xx
# responses and zero socket errors, and every access.log line written since
# warming must be a hit (TCP_HIT, TCP_MEM_HIT, or their _ABORTED forms for the
# requests wrk cuts off when it stops). Any failure aborts loudly.
#
# Runs alternate cuttle, squid, nginx per size and round; each measured run follows
# a thrown-away warm-up run. The machine may be shared: the script waits (bounded)
# for other processes to be quiet before each run and repeats a run they disturbed.
#
# BENCH_PERF=1 adds a profiling phase after the measurements: `perf record -g` on
# cuttle while wrk loads it, per size, and prints the top symbols.
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per measured run                    [10]
#   BENCH_WARMUP       seconds of warm-up before each run           [2]
#   BENCH_ROUNDS       measured runs per server and size            [1]
#   BENCH_CONNECTIONS  wrk connections for 1k and 16k               [50]
#   BENCH_CONNECTIONS_LARGE  wrk connections for 256k and 8m        [10]
#   BENCH_THREADS      wrk threads for 1k, 16k, 256k                [1]
#   BENCH_THREADS_8M   wrk threads for 8m       [BENCH_CONNECTIONS_LARGE: one per connection]
#                      One wrk thread reads a readable socket until it is empty
#                      before it looks at the next one; a server that sends faster
#                      than wrk reads keeps that socket full, so wrk reads a whole
#                      8 MiB reply while the other connections wait, and the p99
#                      measures wrk's loop (cuttle: p99 0.8-1.4 s at 1 thread,
#                      ~120 ms at 10; squid, slower than wrk, ~220 ms either way).
#                      A thread per connection reads like independent clients do.
#   BENCH_SIZES        among 1k 16k 256k 8m                         ["1k 16k 256k 8m"]
#   BENCH_PROXY_CPU    core of the proxies and of nginx             [0]
#   BENCH_CLIENT_CPU   core of wrk                                  [1]
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES: as in forwarding.sh
#   BENCH_NICE         e.g. -10: run at that priority (see bench/lib.sh; needs setsid)
#   BENCH_PERF         1: profile cuttle per size afterwards (needs perf)
#   BENCH_PERF_SECONDS seconds of each profile                      [5]
#   BENCH_KEEP         1: keep the temp dir (configs, logs, wrk outputs, profiles)
#   CUTTLE_BINARY      use this cuttle instead of building build-bench/cuttle
#   BENCH_CUTTLE_STORE disk: `cache_dir lmdb` on /tmp; memory: no cache_dir, the memory
#                      cache (`cache_mem 1024 MB`, LMDB on tmpfs)                [disk]
#   BENCH_SUMMARY      FILE: also append each median as a tab-separated row
#                      "bench case server req/s p99_ms" to FILE (bench/compare.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"

DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-1}"
CONNS="${BENCH_CONNECTIONS:-50}"            # for 1k and 16k
CONNS_LARGE="${BENCH_CONNECTIONS_LARGE:-10}" # for 256k and 8m: 50 x 8 MiB in flight would
                                             # make every latency seconds long
THREADS="${BENCH_THREADS:-1}"
THREADS_8M="${BENCH_THREADS_8M:-$CONNS_LARGE}"
SIZES="${BENCH_SIZES:-1k 16k 256k 8m}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
PERF="${BENCH_PERF:-0}"
PERF_SECONDS="${BENCH_PERF_SECONDS:-5}"
require_uint DURATION WARMUP ROUNDS CONNS CONNS_LARGE THREADS THREADS_8M PROXY_CPU CLIENT_CPU PERF PERF_SECONDS
((ROUNDS >= 1 && DURATION >= 1 && CONNS >= 1 && THREADS >= 1 && THREADS_8M >= 1)) || die "rounds, duration, connections and threads must be >= 1"
((THREADS <= CONNS && THREADS <= CONNS_LARGE)) || die "BENCH_THREADS must not exceed BENCH_CONNECTIONS(_LARGE)"
((THREADS_8M <= CONNS_LARGE)) || die "BENCH_THREADS_8M must not exceed BENCH_CONNECTIONS_LARGE"
conns_for() { case "$1" in 1k | 16k) echo "$CONNS" ;; *) echo "$CONNS_LARGE" ;; esac; }
threads_for() { case "$1" in 8m) echo "$THREADS_8M" ;; *) echo "$THREADS" ;; esac; }
declare -A BYTES=([1k]=1024 [16k]=16384 [256k]=262144 [8m]=8388608)
for s in $SIZES; do [[ -n "${BYTES[$s]:-}" ]] || die "unknown size '$s' in BENCH_SIZES (1k 16k 256k 8m)"; done
ncpu=$(nproc)
for c in "$PROXY_CPU" "$CLIENT_CPU"; do ((c < ncpu)) || die "core $c does not exist (nproc=$ncpu)"; done
((PERF == 0)) || command -v perf >/dev/null || die "BENCH_PERF=1 but perf is not installed (apt-get install -y linux-perf)"

bench_setup
bench_tmp

# ---------------------------------------------------------------- files and nginx
mkdir -p "$TMP/www"
for s in $SIZES; do make_file "$TMP/www/$s" "${BYTES[$s]}"; done
chmod -R a+rX "$TMP/www"
start_nginx "$PROXY_CPU" "$TMP/www" "expires 1d;"
for s in $SIZES; do
  got=$(curl -sS --max-time 10 -o "$TMP/nginx.body" -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/$s") || got=curl-error
  [[ "$got" == 200 ]] && cmp -s "$TMP/nginx.body" "$TMP/www/$s" || die "nginx /$s: status '$got' or body differs"
done
log "nginx serves every file byte-exact"

# ---------------------------------------------------------------- proxies
free_port CUTTLE_PORT
mkdir -p "$TMP/cuttle"
cat >"$TMP/cuttle/cuttle.conf" <<EOF
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $TMP/cuttle/cuttle.pid
access_log $TMP/cuttle/access.log
workers 1
via on
$(if [[ "${BENCH_CUTTLE_STORE:-disk}" == memory ]]; then
    echo "cache_mem 1024 MB"; echo "maximum_object_size_in_memory 16 MB"
  else
    echo "cache_dir lmdb $TMP/cuttle/store 1024"
  fi)
maximum_object_size 16 MB
http_access allow localhost
http_access deny all
EOF
chown -R proxy:proxy "$TMP/cuttle"  # started as root, cuttle becomes proxy (cache_effective_user)
"$CUTTLE" -k parse -f "$TMP/cuttle/cuttle.conf" >"$TMP/cuttle/parse.log" 2>&1 ||
  die "cuttle rejects its config: $(cat "$TMP/cuttle/parse.log")"
log "starting cuttle on 127.0.0.1:$CUTTLE_PORT (core $PROXY_CPU): $CUTTLE"
taskset -c "$PROXY_CPU" "$CUTTLE" -N -f "$TMP/cuttle/cuttle.conf" >"$TMP/cuttle/out.log" 2>&1 &
CUTTLE_PID=$!
PIDS+=("$CUTTLE_PID")
wait_listen "$CUTTLE_PORT" "$CUTTLE_PID" cuttle

free_port SQUID_PORT
mkdir -p "$TMP/squid/cache"
# maximum_object_size must precede cache_dir (squid applies it per cache_dir).
cat >"$TMP/squid/squid.conf" <<EOF
http_port 127.0.0.1:$SQUID_PORT
workers 1
cache_mem 256 MB
maximum_object_size_in_memory 16 MB
maximum_object_size 16 MB
cache_dir ufs $TMP/squid/cache 1024 16 256
collapsed_forwarding off
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
log "creating squid's cache_dir (squid -z)"
timeout 60 "$SQUID" -N -z -f "$TMP/squid/squid.conf" >"$TMP/squid/z.log" 2>&1 || die "squid -z failed: $(tail -5 "$TMP/squid/z.log")"
chown -R proxy:proxy "$TMP/squid"
log "starting squid $("$SQUID" -v | sed -n '1s/.*Version //p') on 127.0.0.1:$SQUID_PORT (core $PROXY_CPU)"
taskset -c "$PROXY_CPU" "$SQUID" -N -f "$TMP/squid/squid.conf" >"$TMP/squid/out.log" 2>&1 &
SQUID_PID=$!
PIDS+=("$SQUID_PID")
wait_listen "$SQUID_PORT" "$SQUID_PID" squid

server_port() { case "$1" in cuttle) echo "$CUTTLE_PORT" ;; squid) echo "$SQUID_PORT" ;; nginx) echo "$NGINX_PORT" ;; esac; }
server_pids() { case "$1" in cuttle) echo "$CUTTLE_PID" ;; squid) echo "$SQUID_PID" ;; nginx) echo "${NGINX_PIDS[*]}" ;; esac; }

# ---------------------------------------------------------------- warm and verify
# Each object through each proxy until it is a hit, byte-exact, and logged as one.
for p in cuttle squid; do
  for s in $SIZES; do warm_hit "$p" "$(server_port "$p")" "http://127.0.0.1:$NGINX_PORT/$s" "$TMP/www/$s" "$TMP/$p"; done
done
# From here on every request to a proxy must be a hit: remember where the logs are.
declare -A LOG_FROM
LOG_FROM[cuttle]=$(alog_mark "$TMP/cuttle")
LOG_FROM[squid]=$(alog_mark "$TMP/squid")

for s in $SIZES; do
  write_wrk_lua "$TMP/wrk-proxy-$s.lua" "http://127.0.0.1:$NGINX_PORT/$s" "127.0.0.1:$NGINX_PORT"
  write_wrk_lua "$TMP/wrk-nginx-$s.lua" "/$s" "127.0.0.1:$NGINX_PORT"
done

# ---------------------------------------------------------------- measure
RESULTS="$TMP/results.tsv"  # server size round req/s p99_ms server_cpu% server_core% other% attempt client_core%
: >"$RESULTS"

measure_once() {  # measure_once SERVER SIZE ROUND ATTEMPT: sets ROW and OTHER
  local srv="$1" s="$2" r="$3" a="$4" out port lua pids
  out="$TMP/wrk-$srv-$s-$r-$a.txt"
  port=$(server_port "$srv")
  read -r -a pids <<<"$(server_pids "$srv")"
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "$srv is no longer running (see $TMP)"; done
  lua="$TMP/wrk-proxy-$s.lua"
  [[ "$srv" == nginx ]] && lua="$TMP/wrk-nginx-$s.lua"
  if ((WARMUP > 0)); then
    run_wrk_at "$CLIENT_CPU" "$port" "$lua" "$WARMUP" "$out.warmup" "$(threads_for "$s")" "$(conns_for "$s")"
    parse_wrk "$out.warmup" "$srv /$s (warm-up)"
  fi
  local lines0=0 t0 n0 m0 c0 k0 w0
  [[ "$srv" != nginx ]] && lines0=$(alog_lines "$TMP/$srv")
  t0=$(proc_ticks "${pids[@]}")
  n0=$(proc_ticks "$CUTTLE_PID" "$SQUID_PID" "${NGINX_PIDS[@]}")
  m0=$(machine_busy)
  c0=$(core_busy "$PROXY_CPU")
  k0=$(core_busy "$CLIENT_CPU")
  w0=$(now_ns)
  run_wrk_at "$CLIENT_CPU" "$port" "$lua" "$DURATION" "$out" "$(threads_for "$s")" "$(conns_for "$s")"
  local t1 n1 m1 c1 k1 w1
  w1=$(now_ns)
  t1=$(proc_ticks "${pids[@]}")
  n1=$(proc_ticks "$CUTTLE_PID" "$SQUID_PID" "${NGINX_PIDS[@]}")
  m1=$(machine_busy)
  c1=$(core_busy "$PROXY_CPU")
  k1=$(core_busy "$CLIENT_CPU")
  parse_wrk "$out" "$srv /$s"
  if [[ "$srv" != nginx ]]; then
    check_logged "$srv /$s" "$TMP/$srv" "$lines0" "$REQUESTS"
    check_hits "$srv" "$TMP/$srv" "${LOG_FROM[$srv]}"
  fi
  # other = machine busy time minus all three servers and wrk (softirq excluded)
  ROW=$(awk -v p="$srv" -v s="$s" -v r="$r" -v a="$a" -v n="$REQUESTS" -v d="$DUR_US" -v p99="$P99_US" -v hz="$CLK_TCK" \
    -v tp="$((t1 - t0))" -v tn="$((n1 - n0))" -v tw="$WRK_TICKS" -v tm="$((m1 - m0))" -v wall="$((w1 - w0))" \
    -v cb="$(($(cut -d' ' -f1 <<<"$c1") - $(cut -d' ' -f1 <<<"$c0")))" -v ct="$(($(cut -d' ' -f2 <<<"$c1") - $(cut -d' ' -f2 <<<"$c0")))" \
    -v kb="$(($(cut -d' ' -f1 <<<"$k1") - $(cut -d' ' -f1 <<<"$k0")))" -v kt="$(($(cut -d' ' -f2 <<<"$k1") - $(cut -d' ' -f2 <<<"$k0")))" \
    'BEGIN { secs = d / 1e6; w = wall / 1e9; other = 100 * (tm - tn - tw) / hz / w; if (other < 0) other = 0;
             printf "%s\t%s\t%s\t%.0f\t%.3f\t%.0f\t%.0f\t%.0f\t%s\t%.0f\n", p, s, r, n / secs, p99 / 1000,
                    100 * tp / hz / secs, ct ? 100 * cb / ct : 0, other, a, kt ? 100 * kb / kt : 0 }')
  OTHER=$(cut -f8 <<<"$ROW")
  awk -F'\t' '{ printf "[bench] %-6s /%-4s round %s: %8s req/s  p99 %8.2f ms  server CPU %3s%%  busy: server core %3s%%, wrk core %3s%%  others %3s%% of a core\n",
                $1, $2, $3, $4, $5, $6, $7, $10, $8 }' <<<"$ROW" >&2
}

log "measuring: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNS connections (1k, 16k) / $CONNS_LARGE (256k, 8m), $THREADS wrk thread(s) ($THREADS_8M at 8m), $ROUNDS round(s), sizes: $SIZES"
log "pinning: cuttle, squid and nginx on core $PROXY_CPU (one at a time under load), wrk on core $CLIENT_CPU"
for ((r = 1; r <= ROUNDS; r++)); do
  for s in $SIZES; do
    for srv in cuttle squid nginx; do measure "$srv" "$s" "$r"; done
  done
done

# ---------------------------------------------------------------- profile (optional)
if ((PERF)); then
  for s in $SIZES; do
    wait_quiet
    log "profiling cuttle at /$s for ${PERF_SECONDS}s (perf record -g)"
    perf record -g -o "$TMP/perf-cuttle-$s.data" -p "$CUTTLE_PID" -- sleep "$((PERF_SECONDS + 1))" \
      >"$TMP/perf-cuttle-$s.log" 2>&1 &
    perf_pid=$!
    PIDS+=("$perf_pid")
    run_wrk_at "$CLIENT_CPU" "$CUTTLE_PORT" "$TMP/wrk-proxy-$s.lua" "$PERF_SECONDS" "$TMP/wrk-perf-$s.txt" "$(threads_for "$s")" "$(conns_for "$s")"
    parse_wrk "$TMP/wrk-perf-$s.txt" "cuttle /$s (profiled)"
    wait "$perf_pid" || die "perf record failed: $(cat "$TMP/perf-cuttle-$s.log")"
    # (perf pads its columns to very long lines: squeeze the blanks, cut long C++ names)
    perf report -i "$TMP/perf-cuttle-$s.data" --stdio --no-children --percent-limit 0.8 -g none \
      --sort dso,symbol 2>/dev/null | grep -E '^ +[0-9]' | awk '{ sub(/ +- +-$/, ""); $1 = $1; print }' |
      cut -c1-150 >"$TMP/perf-cuttle-$s.txt" || true
    perf report -i "$TMP/perf-cuttle-$s.data" --stdio --no-children -g none --sort dso 2>/dev/null |
      grep -E '^ +[0-9]' | awk '{ sub(/ +- +-$/, ""); $1 = $1; print }' | head -6 >"$TMP/perf-cuttle-$s.dso.txt" || true
  done
  check_hits cuttle "$TMP/cuttle" "${LOG_FROM[cuttle]}"
fi

# ---------------------------------------------------------------- report
col() { awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$1 == p && $2 == s { print $c }' "$RESULTS"; }
echo
echo "cached hits: cuttle vs squid $("$SQUID" -v | sed -n '1s/.*Version //p') vs nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') -- $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cuttle: $(cuttle_origin)"
echo "machine: $ncpu cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "wrk: $CONNS connections for 1k/16k, $CONNS_LARGE for 256k/8m, $THREADS thread(s) ($THREADS_8M at 8m), ${DURATION}s per run after ${WARMUP}s warm-up, $ROUNDS round(s), alternating"
echo "pinning: server under test on core $PROXY_CPU, wrk on core $CLIENT_CPU; access logging on for both proxies"
echo "conditions: $(bench_conditions)"
echo "values: median over rounds; server CPU = its CPU time / wall time; wrk core = how busy core $CLIENT_CPU was;"
echo "        other CPU = worst run's CPU used by processes other than the servers and wrk (% of one core)"
echo
echo "| size | server | req/s | MB/s | p99 (ms) | server CPU | wrk core | other CPU | all runs req/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---|"
declare -A RPS P99
for s in $SIZES; do
  for srv in cuttle squid nginx; do
    RPS[$srv$s]=$(col "$srv" "$s" 4 | median)
    P99[$srv$s]=$(col "$srv" "$s" 5 | median)
    bench_summary hits "$s" "$srv" "${RPS[$srv$s]}" "${P99[$srv$s]}"
    printf '| %s | %s | %.0f | %.0f | %.2f | %.0f%% | %.0f%% | %.0f%% | %s |\n' "$s" "$srv" "${RPS[$srv$s]}" \
      "$(awk -v r="${RPS[$srv$s]}" -v b="${BYTES[$s]}" 'BEGIN { print r * b / 1e6 }')" "${P99[$srv$s]}" \
      "$(col "$srv" "$s" 6 | median)" "$(col "$srv" "$s" 10 | median)" "$(col "$srv" "$s" 8 | sort -g | tail -1)" \
      "$(col "$srv" "$s" 4 | paste -sd' ')"
  done
done
echo
echo "| size | cuttle/squid req/s | cuttle/nginx req/s | p99 cuttle/squid | target | met |"
echo "|---|---:|---:|---:|---|---|"
for s in $SIZES; do
  awk -v s="$s" -v c="${RPS[cuttle$s]}" -v q="${RPS[squid$s]}" -v n="${RPS[nginx$s]}" -v cp="${P99[cuttle$s]}" -v qp="${P99[squid$s]}" '
    BEGIN { need = (s == "1k") ? 2 : 1; ok = (c / q >= need) && (cp <= qp)
            printf "| %s | %.2f | %.2f | %.2f | req/s >= %dx squid, p99 <= squid | %s |\n", s, c / q, c / n, cp / qp, need, ok ? "yes" : "NO" }'
done
if ((ROUNDS > 1)); then
  for s in $SIZES; do
    paired=$(awk -F'\t' -v s="$s" '$2 == s { v[$1, $3] = $4 } END { for (r = 1; (("cuttle", r) in v) && (("squid", r) in v); r++) printf "%.2f\n", v["cuttle", r] / v["squid", r] }' "$RESULTS")
    printf 'per-round cuttle/squid req/s (%s): %s -> median %.2f\n' "$s" "$(paste -sd' ' <<<"$paired")" "$(median <<<"$paired")"
  done
fi
report_disturbed "$RESULTS" 8
if ((PERF)); then
  for s in $SIZES; do
    echo
    echo "perf (cuttle, /$s, ${PERF_SECONDS}s, self time): by DSO"
    sed 's/^/    /' "$TMP/perf-cuttle-$s.dso.txt"
    echo "  top symbols (>= 0.8%; a stripped library shows addresses, e.g. libcrypto's SHA-256)"
    head -25 "$TMP/perf-cuttle-$s.txt" | sed 's/^/    /'
  done
fi
