# Shared helpers of the bench/*.sh benchmarks. Sourced, never run:
#   ROOT=...; source "$ROOT/bench/lib.sh"
# The caller runs with `set -euo pipefail`. Everything here listens on 127.0.0.1
# only and every wait is bounded.

# Never let an inherited proxy setting redirect curl/wrk somewhere else.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

SQUID=/usr/sbin/squid
NGINX=/usr/sbin/nginx

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { printf '\nbench: FAILED: %s\n' "$*" >&2; exit 1; }

# require_uint VAR...: each variable holds a non-negative integer
require_uint() {
  local v
  for v in "$@"; do [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a non-negative integer (got '${!v}')"; done
}

# bench_setup: root check, dependencies (squid, nginx, wrk), cuttle binary in $CUTTLE
# (CUTTLE_BINARY, or a Release build in build-bench/ of the working tree; extra
# CMake targets to build may be given as arguments).
bench_setup() {
  [[ $EUID -eq 0 ]] || die "run as root (squid is started as root and drops to user proxy)"
  # BENCH_NICE (e.g. -10): run this script and everything it starts at that nice
  # level, so that background work (other people's builds) on a shared machine
  # takes less CPU from the measured processes. With sched_autogroup (Linux
  # default) nice only weighs within a session's group, so the script must be the
  # leader of its own session (start it with `setsid`) and the group's nice is set
  # too; no other process is touched. Reported with the results.
  if [[ -n "${BENCH_NICE:-}" ]]; then
    [[ "$BENCH_NICE" =~ ^-?[0-9]+$ ]] || die "BENCH_NICE must be an integer"
    if [[ -w /proc/$$/autogroup && "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null)" == 1 ]]; then
      [[ "$(ps -o sid= -p $$ | tr -d ' ')" == "$$" ]] || die "BENCH_NICE needs its own session: run the script with setsid"
      echo "$BENCH_NICE" >"/proc/$$/autogroup" || die "cannot set the session's autogroup nice"
    fi
    renice -n "$BENCH_NICE" -p $$ >/dev/null || die "renice $BENCH_NICE failed"
    log "running at nice $BENCH_NICE (BENCH_NICE; $(cat /proc/$$/autogroup 2>/dev/null))"
  fi
  log "installing dependencies (CUTTLE_BENCH=1 scripts/install-deps.sh)"
  CUTTLE_BENCH=1 "$ROOT/scripts/install-deps.sh"
  local tool
  for tool in wrk taskset timeout curl "$SQUID" "$NGINX"; do
    command -v "$tool" >/dev/null || die "$tool not found after install-deps"
  done
  local targets=("$@")
  [[ -n "${CUTTLE_BINARY:-}" ]] || targets=(cuttle "${targets[@]}")
  if ((${#targets[@]})); then
    log "building ${targets[*]} (Release) in build-bench/"
    local build_log launcher=()
    build_log="$(mktemp /tmp/cuttle-bench-build.XXXXXX.log)"
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    if ! { cmake -S "$ROOT" -B "$ROOT/build-bench" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF "${launcher[@]}" &&
      CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(dirname "$ROOT")}" nice cmake --build "$ROOT/build-bench" -j"$(nproc)" \
        --target "${targets[@]}"; } >"$build_log" 2>&1; then
      tail -30 "$build_log" >&2
      die "building ${targets[*]} failed (full log: $build_log)"
    fi
    rm -f "$build_log"
  fi
  CUTTLE="${CUTTLE_BINARY:-$ROOT/build-bench/cuttle}"
  [[ -x "$CUTTLE" ]] || die "cuttle binary $CUTTLE is not executable"
}

# Describes the cuttle under test (for the report).
cuttle_origin() {
  if [[ -n "${CUTTLE_BINARY:-}" ]]; then
    echo "$CUTTLE (given by CUTTLE_BINARY; $("$CUTTLE" -v 2>&1 | head -1))"
  else
    local rev
    rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
    [[ -n "$(git -C "$ROOT" status --porcelain -- proxy store 2>/dev/null)" ]] && rev+=" + uncommitted changes under proxy/ or store/"
    echo "$CUTTLE (built from git $rev)"
  fi
}
# The conditions a figure was taken under, for the report.
bench_conditions() {
  echo "nice $(ps -o ni= -p $$ | tr -d ' ') (BENCH_NICE; $(cat /proc/$$/autogroup 2>/dev/null || echo 'no autogroup')); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---------------------------------------------------------------- processes
# bench_tmp: creates $TMP and installs the exit trap that stops every process in
# PIDS (reverse order) and WRK_PID, and removes $TMP unless BENCH_KEEP=1 or failure.
PIDS=()
WRK_PID=""
stop_pid() {  # pid: TERM, wait up to 5 s, then KILL
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
bench_cleanup() {
  local rc=$? i
  trap - EXIT INT TERM
  [[ -n "$WRK_PID" ]] && stop_pid "$WRK_PID"
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [[ "${BENCH_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
    log "configs and logs kept in $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
bench_tmp() {
  TMP="$(mktemp -d "/tmp/cuttle-bench.XXXXXX")"
  chmod 755 "$TMP"
  trap bench_cleanup EXIT
  trap 'printf "bench: FAILED at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

used_ports=" "
free_port() {  # free_port VAR: a loopback TCP port nobody listens on (bounded tries)
  local i p
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 40000))
    [[ "$used_ports" == *" $p "* ]] && continue
    if ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" 2>/dev/null; then  # nobody answers there
      used_ports+="$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "no free port found"
}

# wait_listen PORT PID NAME [SECONDS]: until something accepts on 127.0.0.1:PORT (20 s max)
wait_listen() {
  local port="$1" pid="$2" name="$3" deadline=$((SECONDS + ${4:-20}))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during startup (see $TMP)"
    if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$name did not listen on 127.0.0.1:$port within ${4:-20} s"
}

# make_file PATH BYTES: printable, not compressible by accident, deterministic
make_file() {
  awk -v n="$2" 'BEGIN { srand(7); for (i = 0; i < n; i++) printf "%c", 33 + int(rand() * 94) }' >"$1"
}

# start_nginx CPU ROOTDIR [EXTRA]: one nginx worker on 127.0.0.1:$NGINX_PORT serving
# ROOTDIR; EXTRA goes into its server block. Sets NGINX_PORT, NGINX_PID, NGINX_PIDS.
start_nginx() {
  local cpu="$1" root="$2" extra="${3:-}"
  free_port NGINX_PORT
  mkdir -p "$TMP/nginx"
  cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/client_body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=16 inactive=60s;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $root;
    $extra
  }
}
EOF
  log "starting nginx on 127.0.0.1:$NGINX_PORT (core $cpu)"
  taskset -c "$cpu" "$NGINX" -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" \
    >"$TMP/nginx/out.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_listen "$NGINX_PORT" "$NGINX_PID" nginx
  local i kids=""
  for ((i = 0; i < 50; i++)); do  # the worker appears shortly after the master listens
    kids=$(cat /proc/"$NGINX_PID"/task/*/children 2>/dev/null || true)
    [[ -n "$kids" ]] && break
    sleep 0.1
  done
  read -r -a NGINX_PIDS <<<"$NGINX_PID $kids"  # master + worker
}

# ---------------------------------------------------------------- CPU accounting
CLK_TCK=$(getconf CLK_TCK)
now_ns() { date +%s%N; }
machine_busy() {  # busy jiffies over all cores, without idle, iowait and irq/softirq
  # (loopback packet processing shows up as softirq, charged to no process;
  # counting it as "other" would blame our own traffic: ~8% of a core here)
  awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6 - $7 - $8 }' /proc/stat
}
core_busy() {  # "busy total" jiffies of one core
  awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}
proc_ticks() {  # utime+stime (all threads) summed over the given pids
  local t=0 p v
  for p in "$@"; do
    v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null) || v=0
    t=$((t + v))
  done
  echo "$t"
}
log_lines() { if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi; }

# The machine may be shared (another build, another benchmark). Before each run
# wait, bounded, until processes other than ours use at most QUIET_MAX % of one core.
QUIET_MAX="${BENCH_QUIET_MAX:-10}"    # % of one core
QUIET_WAIT="${BENCH_QUIET_WAIT:-300}" # seconds, per run
OTHER_MAX="${BENCH_OTHER_MAX:-15}"    # % of one core tolerated during a run
RETRIES="${BENCH_RETRIES:-3}"
require_uint QUIET_MAX QUIET_WAIT OTHER_MAX RETRIES
wait_quiet() {
  local start=$SECONDS b0 b1 other said=0
  while :; do
    b0=$(machine_busy)
    sleep 1
    b1=$(machine_busy)
    other=$(((b1 - b0) * 100 / CLK_TCK))
    ((other <= QUIET_MAX)) && return 0
    if ((SECONDS - start >= QUIET_WAIT)); then
      log "WARNING: other processes still use ${other}% of a core after ${QUIET_WAIT}s; measuring anyway"
      return 0
    fi
    ((said)) || log "waiting (up to ${QUIET_WAIT}s) for the machine to be quiet: other processes use ${other}% of a core"
    said=1
  done
}

# measure ARGS...: the script's measure_once ARGS... ATTEMPT (which must set ROW, a
# tab-separated result line, and OTHER, the % of a core other processes used
# meanwhile) after a quiet wait, repeated when other processes disturbed it;
# appends ROW to $RESULTS.
measure() {
  local a
  for ((a = 1; a <= RETRIES + 1; a++)); do
    wait_quiet
    measure_once "$@" "$a"
    ((OTHER <= OTHER_MAX)) && break
    ((a <= RETRIES)) && log "run disturbed by other processes (${OTHER}% of a core > ${OTHER_MAX}%); repeating it"
  done
  printf '%s\n' "$ROW" >>"$RESULTS"
}

# run_wrk_at CPU PORT LUA SECONDS OUTFILE THREADS CONNS: wrk pinned to CPU; sets
# WRK_TICKS (wrk's own CPU time). Dies if wrk fails.
WRK_TICKS=0
run_wrk_at() {
  local cpu="$1" port="$2" lua="$3" secs="$4" out="$5" threads="$6" conns="$7" rc=0
  timeout --kill-after=5 $((secs + 30)) bash -c 'taskset -c "$1" "${@:2}"; rc=$?; times >&3; exit $rc' run-wrk \
    "$cpu" wrk -t"$threads" -c"$conns" -d"$secs"s --timeout 5s --latency -s "$lua" \
    "http://127.0.0.1:$port/" >"$out" 2>&1 3>"$out.times" &
  WRK_PID=$!
  wait "$WRK_PID" || rc=$?
  WRK_PID=""
  ((rc == 0)) || die "wrk exited with $rc ($lua against port $port): $(cat "$out")"
  # `times` line 2: children's user and system time, e.g. "0m1.234s 0m0.567s"
  WRK_TICKS=$(awk -v hz="$CLK_TCK" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d", t * hz }' "$out.times")
  [[ -n "$WRK_TICKS" ]] || WRK_TICKS=0
}

# write_wrk_lua FILE PATH HOST [unique]: a wrk script requesting PATH (absolute-form
# for a proxy) with Host HOST, printing one "BENCH ..." summary line. With
# "unique", every request gets a query string of its own (PATH?time-thread-n):
# every request is a cache miss.
write_wrk_lua() {
  local unique=""
  [[ "${4:-}" == unique ]] && unique='
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
function request() n = n + 1; return wrk.format(nil, string.format("%s?%d-%d-%d", wrk.path, start, tid, n)) end
start = os.time()'
  cat >"$1" <<EOF
wrk.method = "GET"
wrk.path = "$2"
wrk.headers["Host"] = "$3"
$unique
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
}

# parse_wrk OUTFILE LABEL: sets REQUESTS DUR_US P50_US P99_US; dies on any non-2xx/3xx or socket error
parse_wrk() {
  local out="$1" what="$2" line e_conn e_read e_write e_status e_timeout
  line=$(grep '^BENCH ' "$out") || die "no summary from wrk for $what: $(cat "$out")"
  read -r REQUESTS DUR_US P50_US P99_US e_conn e_read e_write e_status e_timeout < <(
    sed -E 's/.*requests=([0-9]+) duration_us=([0-9]+) p50_us=([0-9]+) p99_us=([0-9]+) connect=([0-9]+) read=([0-9]+) write=([0-9]+) status=([0-9]+) timeout=([0-9]+)/\1 \2 \3 \4 \5 \6 \7 \8 \9/' <<<"$line")
  if grep -q 'Non-2xx or 3xx responses' "$out" || ((e_status > 0)); then
    die "$what: $e_status non-2xx/3xx responses (wrk output in $out)"
  fi
  ((e_conn + e_read + e_write + e_timeout == 0)) ||
    die "$what: socket errors connect=$e_conn read=$e_read write=$e_write timeout=$e_timeout ($out)"
  ((REQUESTS > 0)) || die "$what: no request completed"
}

# ---------------------------------------------------------------- proxies
# start_squid DIR CPU PORT CONFIG: a squid 5.7 (-N) pinned to CPU, listening on
# 127.0.0.1:PORT, with CONFIG first and then its files in DIR (owned by user
# proxy, which squid drops to); no netdb, pinger, HTCP or digests. Sets LAST_PID.
start_squid() {
  local dir="$1" cpu="$2" port="$3" config="$4"
  mkdir -p "$dir"
  cat >"$dir/squid.conf" <<EOF
$config
http_port 127.0.0.1:$port
pid_filename $dir/squid.pid
cache_log $dir/cache.log
access_log stdio:$dir/access.log
coredump_dir $dir
netdb_filename none
htcp_port 0
pinger_enable off
digest_generation off
shutdown_lifetime 1 second
http_access allow localhost
http_access deny all
EOF
  chown -R proxy:proxy "$dir"
  "$SQUID" -k parse -f "$dir/squid.conf" >"$dir/parse.log" 2>&1 ||
    die "squid rejects $dir/squid.conf: $(tail -5 "$dir/parse.log")"
  chown -R proxy:proxy "$dir"
  taskset -c "$cpu" "$SQUID" -N -f "$dir/squid.conf" >"$dir/out.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_listen "$port" "$LAST_PID" "squid ($dir)"
}

# start_cuttle DIR CPU PORT CONFIG: $CUTTLE (-N, one worker) pinned to CPU on
# 127.0.0.1:PORT, CONFIG first, its pid file and access.log in DIR. Sets LAST_PID.
start_cuttle() {
  local dir="$1" cpu="$2" port="$3" config="$4"
  mkdir -p "$dir"
  cat >"$dir/cuttle.conf" <<EOF
$config
http_port 127.0.0.1:$port
pid_filename $dir/cuttle.pid
access_log $dir/access.log
workers 1
http_access allow localhost
http_access deny all
EOF
  "$CUTTLE" -k parse -f "$dir/cuttle.conf" >"$dir/parse.log" 2>&1 ||
    die "cuttle rejects $dir/cuttle.conf: $(cat "$dir/parse.log")"
  taskset -c "$cpu" "$CUTTLE" -N -f "$dir/cuttle.conf" >"$dir/out.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_listen "$port" "$LAST_PID" "cuttle ($dir)"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
