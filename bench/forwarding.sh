#!/usr/bin/env bash
# Forwarding (cache miss) benchmark: cuttle against squid 5.7, in one run.
#
#   wrk (core 1) --> proxy (core 0) --> nginx origin (core 1 by default)
#
# Both proxies run with one worker, access logging on and no caching (cuttle gets
# no cache_dir and cache_mem 0; squid also `cache deny all`), so every
# request is a TCP_MISS forwarded over a kept-alive upstream connection. Runs
# alternate cuttle, squid, cuttle, squid, ... so drift on the machine hits both;
# each measured run is preceded by a short warm-up run that is thrown away.
# The table reports the MEDIAN over rounds of req/s and of p99 latency; the
# per-round cuttle/squid ratios (adjacent runs) are printed too.
#
# Pinning: the proxy under test gets core 0 to itself; wrk and nginx share core 1.
# Measured on the 2-core dev machine: the proxy saturates core 0 while wrk + nginx
# keep core 1 30-65% busy (squid, and cuttle at 16 KiB) but 80-99% at cuttle's
# 1 KiB rate, where that figure is partly client-bound (a lower bound). Putting
# nginx on core 0 instead takes CPU away from the proxy being measured. The
# "wrk+nginx core" column shows how close the client side came to its limit.
#
# Correctness is checked, not assumed: a first request through each proxy must
# return the byte-exact body with a Via header; every run must have zero non-2xx
# responses and zero socket errors, and the proxy's access.log must have grown by
# (about) the number of requests, with no cache hit. Any failure aborts loudly.
#
# The machine may be shared: before each run the script waits (bounded) until
# other processes are quiet, measures the CPU others used during the run, and
# repeats a disturbed run (BENCH_OTHER_MAX, BENCH_RETRIES).
#
# Everything listens on 127.0.0.1 only; every wait is bounded; all processes
# started here are stopped on exit.
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per measured run                   [10]
#   BENCH_WARMUP       seconds of warm-up before each run          [2]
#   BENCH_ROUNDS       measured runs per proxy and size            [2]
#   BENCH_CONNECTIONS  wrk connections                             [50]
#   BENCH_THREADS      wrk threads                                 [1]  (wrk has one core)
#   BENCH_SIZES        response sizes, among 1k 16k                ["1k 16k"]
#   BENCH_PROXY_CPU    core the proxies are pinned to              [0]
#   BENCH_CLIENT_CPU   core wrk is pinned to                       [1]
#   BENCH_ORIGIN_CPU   core nginx is pinned to                     [1]
#   BENCH_QUIET_MAX    % of one core others may use before a run   [10]
#   BENCH_QUIET_WAIT   max seconds to wait for that before a run   [300]
#   BENCH_OTHER_MAX    % of one core others may use during a run   [15]
#   BENCH_RETRIES      repeats of a run disturbed beyond that      [3]
#   BENCH_NICE         e.g. -10: run at that priority against background builds
#                      (start the script with setsid; see bench/lib.sh)
#   BENCH_KEEP         1: keep the temp dir (configs, logs) for inspection
#   CUTTLE_BINARY      use this cuttle instead of building build-bench/cuttle
#   BENCH_HELPER       none | auth | rewrite                      [none]
#                      auth: both proxies require Basic authentication through
#                      Squid's basic_ncsa_auth (every request carries the same
#                      credentials, so after the first the credentials cache
#                      answers); rewrite: every request goes through Squid's
#                      url_fake_rewrite (answers ERR: nothing changes). Issue 19's
#                      "requests per second with helpers" (reported as
#                      forwarding-auth / forwarding-rewrite in BENCH_SUMMARY).
#   BENCH_SUMMARY      FILE: also append each median as a tab-separated row
#                      "bench case server req/s p99_ms" to FILE (bench/compare.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"  # log, die, processes, nginx, CPU accounting, wrk
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-2}"
CONNS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-1}"
SIZES="${BENCH_SIZES:-1k 16k}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
ORIGIN_CPU="${BENCH_ORIGIN_CPU:-1}"
HELPER="${BENCH_HELPER:-none}"
[[ "$HELPER" == none || "$HELPER" == auth || "$HELPER" == rewrite ]] || die "BENCH_HELPER must be none, auth or rewrite"

for v in DURATION WARMUP ROUNDS CONNS THREADS PROXY_CPU CLIENT_CPU ORIGIN_CPU; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"
done
((ROUNDS >= 1 && DURATION >= 1 && CONNS >= 1 && THREADS >= 1)) || die "rounds, duration, connections and threads must be >= 1"
((THREADS <= CONNS)) || die "BENCH_THREADS must not exceed BENCH_CONNECTIONS"
for s in $SIZES; do [[ "$s" == 1k || "$s" == 16k ]] || die "unknown size '$s' in BENCH_SIZES (1k, 16k)"; done
ncpu=$(nproc)
for c in "$PROXY_CPU" "$CLIENT_CPU" "$ORIGIN_CPU"; do ((c < ncpu)) || die "core $c does not exist (nproc=$ncpu)"; done

# ---------------------------------------------------------------- setup
bench_setup

bench_tmp

# ---------------------------------------------------------------- origin: nginx
mkdir -p "$TMP/www"
for n in 1024 16384; do make_file "$TMP/www/$((n / 1024))k" "$n"; done
chmod -R a+rX "$TMP/www"
start_nginx "$ORIGIN_CPU" "$TMP/www"
for s in $SIZES; do
  want=$(stat -c %s "$TMP/www/$s")
  got=$(curl -sS --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$NGINX_PORT/$s") ||
    die "nginx does not serve /$s"
  [[ "$got" == "200 $want" ]] || die "nginx /$s answered '$got', want '200 $want'"
done

# ---------------------------------------------------------------- helpers
# The same helper lines in both configurations, before their http_access lines.
HELPER_LINES=""
AUTH_USER="bench:bench-password"
mkdir -p "$TMP/squid"
case "$HELPER" in
  auth)
    echo "bench:$(openssl passwd -apr1 bench-password)" >"$TMP/squid/passwd"
    HELPER_LINES="auth_param basic program /usr/lib/squid/basic_ncsa_auth $TMP/squid/passwd
auth_param basic children 5
acl login proxy_auth REQUIRED
http_access deny !login"
    ;;
  rewrite)
    HELPER_LINES="url_rewrite_program /usr/lib/squid/url_fake_rewrite
url_rewrite_children 5"
    ;;
esac
CURL_AUTH=()
[[ "$HELPER" == auth ]] && CURL_AUTH=(--proxy-user "$AUTH_USER")
BENCH_NAME=forwarding
[[ "$HELPER" == none ]] || BENCH_NAME="forwarding-$HELPER"

# ---------------------------------------------------------------- proxies
free_port CUTTLE_PORT
mkdir -p "$TMP/cuttle"
cat >"$TMP/cuttle/cuttle.conf" <<EOF
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $TMP/cuttle/cuttle.pid
access_log $TMP/cuttle/access.log
workers 1
via on
cache_mem 0 MB
collapsed_forwarding off
$HELPER_LINES
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
mkdir -p "$TMP/squid"
# Squid drops privileges to user `proxy`: its directory must be writable by it.
# `cache deny all` makes every request a miss; cache_mem 0 and no cache_dir
# leave squid with no store at all; pinger off avoids the ICMP helper process.
# collapsed_forwarding is off (Squid's default; set explicitly in both configs):
# with it, 50 concurrent requests for one URL could share one origin fetch.
cat >"$TMP/squid/squid.conf" <<EOF
http_port 127.0.0.1:$SQUID_PORT
workers 1
cache deny all
cache_mem 0 MB
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
$HELPER_LINES
http_access allow localhost
http_access deny all
EOF
chown -R proxy:proxy "$TMP/squid"
"$SQUID" -k parse -f "$TMP/squid/squid.conf" >"$TMP/squid/parse.log" 2>&1 ||
  die "squid rejects its config: $(tail -5 "$TMP/squid/parse.log")"
chown -R proxy:proxy "$TMP/squid"
log "starting squid $("$SQUID" -v | sed -n '1s/.*Version //p') on 127.0.0.1:$SQUID_PORT (core $PROXY_CPU)"
taskset -c "$PROXY_CPU" "$SQUID" -N -f "$TMP/squid/squid.conf" >"$TMP/squid/out.log" 2>&1 &
SQUID_PID=$!
PIDS+=("$SQUID_PID")
wait_listen "$SQUID_PORT" "$SQUID_PID" squid

proxy_port() { [[ "$1" == cuttle ]] && echo "$CUTTLE_PORT" || echo "$SQUID_PORT"; }
proxy_pid() { [[ "$1" == cuttle ]] && echo "$CUTTLE_PID" || echo "$SQUID_PID"; }

# One request through each proxy must come back 200 with the full body and a Via
# header; squid may answer 502/503 for its first requests while it settles.
for p in cuttle squid; do
  port=$(proxy_port "$p")
  ok=""
  deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    for s in $SIZES; do
      want=$(stat -c %s "$TMP/www/$s")
      out=$(curl -sS --max-time 5 -x "http://127.0.0.1:$port" "${CURL_AUTH[@]}" -D "$TMP/$p.headers" -o "$TMP/$p.body" \
        -w '%{http_code} %{size_download}' "http://127.0.0.1:$NGINX_PORT/$s" 2>/dev/null) || out="curl-error"
      if [[ "$out" == "200 $want" ]] && cmp -s "$TMP/$p.body" "$TMP/www/$s" && grep -qi '^via:' "$TMP/$p.headers"; then
        ok+="$s "
      fi
    done
    [[ "$ok" == *1k* || "$SIZES" != *1k* ]] && [[ "$ok" == *16k* || "$SIZES" != *16k* ]] && break
    ok=""
    sleep 0.2
  done
  [[ -n "$ok" ]] || die "$p did not forward correctly within 30 s (last: '$out'; see $TMP/$p.headers)"
  log "$p forwards correctly (200, byte-exact body, Via header)"
done

# ---------------------------------------------------------------- wrk
# wrk has no proxy support: send an absolute-form request line to the proxy port.
for s in $SIZES; do
  write_wrk_lua "$TMP/wrk-$s.lua" "http://127.0.0.1:$NGINX_PORT/$s" "127.0.0.1:$NGINX_PORT"
  [[ "$HELPER" == auth ]] &&
    echo "wrk.headers[\"Proxy-Authorization\"] = \"Basic $(printf %s "$AUTH_USER" | base64)\"" >>"$TMP/wrk-$s.lua"
done


# run_wrk PROXY SIZE SECONDS OUTFILE: sets WRK_TICKS (wrk's own CPU time)
run_wrk() { run_wrk_at "$CLIENT_CPU" "$(proxy_port "$1")" "$TMP/wrk-$2.lua" "$3" "$4" "$THREADS" "$CONNS"; }

RESULTS="$TMP/results.tsv"  # proxy size round req/s p99_ms proxy_cpu% proxy_core_busy% other_cpu% attempt client_core_busy%
: >"$RESULTS"

# measure_once PROXY SIZE ROUND ATTEMPT: one warm-up + one measured run; sets ROW and OTHER
measure_once() {
  local p="$1" s="$2" r="$3" a="$4" pid alog out
  out="$TMP/wrk-$p-$s-$r-$a.txt"
  pid=$(proxy_pid "$p")
  alog="$TMP/$p/access.log"
  kill -0 "$pid" 2>/dev/null || die "$p is no longer running (see $TMP/$p)"
  if ((WARMUP > 0)); then
    run_wrk "$p" "$s" "$WARMUP" "$out.warmup"
    grep -q '^BENCH ' "$out.warmup" || die "warm-up of $p failed: $(cat "$out.warmup")"
  fi

  local lines0 t0 n0 m0 c0 k0 w0
  lines0=$(log_lines "$alog")
  t0=$(proc_ticks "$pid")
  n0=$(proc_ticks "${NGINX_PIDS[@]}")
  m0=$(machine_busy)
  c0=$(core_busy "$PROXY_CPU")
  k0=$(core_busy "$CLIENT_CPU")
  w0=$(now_ns)
  run_wrk "$p" "$s" "$DURATION" "$out"
  local t1 n1 m1 c1 k1 w1
  w1=$(now_ns)
  t1=$(proc_ticks "$pid")
  n1=$(proc_ticks "${NGINX_PIDS[@]}")
  m1=$(machine_busy)
  c1=$(core_busy "$PROXY_CPU")
  k1=$(core_busy "$CLIENT_CPU")

  local line requests dur p99 e_conn e_read e_write e_status e_timeout
  line=$(grep '^BENCH ' "$out") || die "no summary from wrk for $p /$s: $(cat "$out")"
  read -r requests dur p99 e_conn e_read e_write e_status e_timeout < <(
    sed -E 's/.*requests=([0-9]+) duration_us=([0-9]+) p50_us=[0-9]+ p99_us=([0-9]+) connect=([0-9]+) read=([0-9]+) write=([0-9]+) status=([0-9]+) timeout=([0-9]+)/\1 \2 \3 \4 \5 \6 \7 \8/' <<<"$line")
  # Correctness: every response must be 2xx/3xx, with no socket errors.
  if grep -q 'Non-2xx or 3xx responses' "$out" || ((e_status > 0)); then
    die "$p /$s: $e_status non-2xx/3xx responses (wrk output in $out)"
  fi
  ((e_conn + e_read + e_write + e_timeout == 0)) ||
    die "$p /$s: socket errors connect=$e_conn read=$e_read write=$e_write timeout=$e_timeout ($out)"
  ((requests > 0)) || die "$p /$s: no request completed"

  # Every request must have been forwarded: logged, and as a miss, never a hit.
  # squid's stdio log is buffered, so allow a lag of a few hundred lines.
  local lines1 logged hits
  lines1=$(log_lines "$alog")
  logged=$((lines1 - lines0))
  ((logged + 500 >= requests)) || die "$p /$s: wrk completed $requests requests but $alog grew by only $logged lines"
  hits=$(grep -cE 'HIT/|COLLAPSED|REFRESH' "$alog" || true)
  ((hits == 0)) || die "$p answered $hits requests from its cache (see $alog); this benchmark is for the miss path"

  ROW=$(awk -v p="$p" -v s="$s" -v r="$r" -v a="$a" -v n="$requests" -v d="$dur" -v p99="$p99" -v hz="$CLK_TCK" \
    -v tp="$((t1 - t0))" -v tn="$((n1 - n0))" -v tw="$WRK_TICKS" -v tm="$((m1 - m0))" -v wall="$((w1 - w0))" \
    -v cb="$(($(cut -d' ' -f1 <<<"$c1") - $(cut -d' ' -f1 <<<"$c0")))" -v ct="$(($(cut -d' ' -f2 <<<"$c1") - $(cut -d' ' -f2 <<<"$c0")))" \
    -v kb="$(($(cut -d' ' -f1 <<<"$k1") - $(cut -d' ' -f1 <<<"$k0")))" -v kt="$(($(cut -d' ' -f2 <<<"$k1") - $(cut -d' ' -f2 <<<"$k0")))" \
    'BEGIN { secs = d / 1e6; w = wall / 1e9; other = 100 * (tm - tp - tn - tw) / hz / w; if (other < 0) other = 0;
             printf "%s\t%s\t%s\t%.0f\t%.3f\t%.0f\t%.0f\t%.0f\t%s\t%.0f\n", p, s, r, n / secs, p99 / 1000,
                    100 * tp / hz / secs, ct ? 100 * cb / ct : 0, other, a, kt ? 100 * kb / kt : 0 }')
  OTHER=$(cut -f8 <<<"$ROW")
  awk -F'\t' '{ printf "[bench] %-6s /%-3s round %s: %8s req/s  p99 %7.2f ms  proxy CPU %3s%%  busy: proxy core %3s%%, wrk+nginx core %3s%%  others %3s%% of a core\n",
                $1, $2, $3, $4, $5, $6, $7, $10, $8 }' <<<"$ROW" >&2
}

log "measuring: ${DURATION}s runs after ${WARMUP}s warm-up, $CONNS connections, $THREADS wrk thread(s), $ROUNDS round(s), sizes: $SIZES"
log "pinning: proxies on core $PROXY_CPU, wrk on core $CLIENT_CPU, nginx on core $ORIGIN_CPU"
for ((r = 1; r <= ROUNDS; r++)); do
  for s in $SIZES; do
    for p in cuttle squid; do measure "$p" "$s" "$r"; done
  done
done

# ---------------------------------------------------------------- report
col() { awk -F'\t' -v p="$1" -v s="$2" -v c="$3" '$1 == p && $2 == s { print $c }' "$RESULTS"; }

echo
echo "cuttle forwarding (miss path$([[ "$HELPER" == none ]] || echo ", helper: $HELPER")) vs squid $("$SQUID" -v | sed -n '1s/.*Version //p') -- $(date -u '+%Y-%m-%d %H:%M UTC')"
if [[ -n "${CUTTLE_BINARY:-}" ]]; then
  echo "cuttle: $CUTTLE (given by CUTTLE_BINARY; $("$CUTTLE" -v 2>&1 | head -1))"
else
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n "$(git -C "$ROOT" status --porcelain -- proxy 2>/dev/null)" ]] && rev+=" + uncommitted changes under proxy/"
  echo "cuttle: $CUTTLE (built from git $rev)"
fi
echo "machine: $ncpu cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
echo "wrk: $CONNS connections, $THREADS thread(s), ${DURATION}s per run after ${WARMUP}s warm-up, $ROUNDS round(s) per proxy, alternating"
echo "pinning: proxy on core $PROXY_CPU, wrk on core $CLIENT_CPU, nginx origin on core $ORIGIN_CPU; access logging on for both"
echo "values: median over rounds (req/s and p99 each); proxy CPU = proxy process CPU time / wall time;"
echo "        wrk+nginx core = how busy core $CLIENT_CPU was (near 100% means the load generator, not the proxy, limits);"
echo "        other CPU = worst run's CPU used by processes other than proxy, nginx and wrk (% of one core)"
echo
echo "| size | proxy | req/s | p99 (ms) | proxy CPU | wrk+nginx core | other CPU | all runs req/s |"
echo "|---|---|---:|---:|---:|---:|---:|---|"
declare -A RPS P99
for s in $SIZES; do
  for p in cuttle squid; do
    RPS[$p$s]=$(col "$p" "$s" 4 | median)
    P99[$p$s]=$(col "$p" "$s" 5 | median)
    bench_summary "$BENCH_NAME" "$s" "$p" "${RPS[$p$s]}" "${P99[$p$s]}"
    cpu=$(col "$p" "$s" 6 | median)
    other=$(col "$p" "$s" 8 | sort -g | tail -1)
    client=$(col "$p" "$s" 10 | median)
    printf '| %s | %s | %.0f | %.2f | %.0f%% | %.0f%% | %.0f%% | %s |\n' "$s" "$p" "${RPS[$p$s]}" "${P99[$p$s]}" "$cpu" "$client" "$other" \
      "$(col "$p" "$s" 4 | paste -sd' ')"
  done
done
echo
for s in $SIZES; do
  awk -v s="$s" -v cr="${RPS[cuttle$s]}" -v sr="${RPS[squid$s]}" -v cp="${P99[cuttle$s]}" -v sp="${P99[squid$s]}" \
    'BEGIN { printf "ratio cuttle/squid: %.2f (req/s, %s; higher is better)   p99 ratio: %.2f (lower is better)\n", cr / sr, s, cp / sp }'
  # Each round's cuttle and squid runs are back to back: their ratio cancels
  # slow drift of the machine's speed (shared host) better than the medians do.
  paired=$(awk -F'\t' -v s="$s" '$2 == s { v[$1, $3] = $4 } END { for (r = 1; (("cuttle", r) in v) && (("squid", r) in v); r++) printf "%.2f\n", v["cuttle", r] / v["squid", r] }' "$RESULTS")
  printf '  per-round req/s ratios (%s): %s -> median %.2f\n' "$s" "$(paste -sd' ' <<<"$paired")" "$(median <<<"$paired")"
done
report_disturbed "$RESULTS" 8
