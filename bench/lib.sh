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
  # found unwritable now rather than after the whole run
  [[ -z "${BENCH_SUMMARY:-}" ]] || { : >>"$BENCH_SUMMARY"; } 2>/dev/null || die "cannot write BENCH_SUMMARY=$BENCH_SUMMARY"
}

# bench_summary BENCH CASE SERVER REQ_S P99_MS: with BENCH_SUMMARY=FILE, appends
# one tab-separated row of a median result to FILE (read by bench/compare.sh).
bench_summary() {
  (($# == 5)) || die "bench_summary: 5 fields expected, got $#: $*"
  [[ -n "${BENCH_SUMMARY:-}" ]] || return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_SUMMARY" || die "cannot append to BENCH_SUMMARY=$BENCH_SUMMARY"
}

# report_disturbed RESULTS COLUMN: the warning printed when runs' other-CPU figures
# (COLUMN of RESULTS) stayed above OTHER_MAX after the retries.
report_disturbed() {
  local disturbed
  disturbed=$(awk -F'\t' -v m="$OTHER_MAX" -v c="$2" '$c > m' "$1" | wc -l)
  if ((disturbed > 0)); then
    echo
    echo "WARNING: $disturbed run(s) still had more than ${OTHER_MAX}% of a core used by other processes after $RETRIES retries;"
    echo "         the machine was not quiet: treat these numbers with care (BENCH_KEEP=1 keeps the raw rows)."
  fi
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
stop_pid() {  # stop_pid PID [SECONDS]: TERM, wait up to SECONDS (5), then KILL
  local pid="$1" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < ${2:-5} * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# start_time PID: the process's start time (jiffies after boot), to tell it from a
# later process that reuses its pid
start_time() { awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$1/stat" 2>/dev/null || true; }
descendants() {  # descendants PID: pids of its children, grandchildren, ...
  local kid
  for kid in $(cat /proc/"$1"/task/*/children 2>/dev/null || true); do
    echo "$kid"
    descendants "$kid"
  done
}
# stop_same PID:START: stop_pid PID unless it exited and the pid was reused since
stop_same() {
  [[ "$(start_time "${1%%:*}")" == "${1#*:}" ]] && stop_pid "${1%%:*}"
  return 0
}
# stop_tree PID [SECONDS]: stop_pid PID, then whatever of its descendants outlived it.
stop_tree() {
  local kid left=()
  for kid in $(descendants "$1"); do left+=("$kid:$(start_time "$kid")"); done
  stop_pid "$1" "${2:-5}"
  for kid in "${left[@]}"; do stop_same "$kid"; done
}
# "PID:START" of processes stopped after PIDS: squid's SMP kids, left behind
# (reparented, out of stop_tree's reach) if their master dies first.
KIDS=()
CLEANUP_GLOBS=()  # files processes leave behind (squid's SMP sockets and segments)
bench_cleanup() {
  local rc=$? i f
  trap - EXIT INT TERM
  [[ -n "$WRK_PID" ]] && stop_pid "$WRK_PID"
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_tree "${PIDS[i]}"; done
  for i in "${KIDS[@]}"; do stop_same "$i"; done
  for i in "${CLEANUP_GLOBS[@]}"; do
    while read -r f; do [[ -n "$f" ]] && rm -f -- "$f"; done < <(compgen -G "$i" || true)
  done
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
# Ports are taken below the kernel's ephemeral range: a port that an outgoing
# connection holds as its local end (a busy test suite holds thousands) accepts
# nothing, so the probe below finds it free, yet a server's bind to it fails.
PORT_TOP=60000
read -r PORT_TOP _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
((PORT_TOP > 21000)) || PORT_TOP=60000
free_port() {  # free_port VAR: a loopback TCP port nobody listens on (bounded tries)
  local i p
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % (PORT_TOP - 20000)))
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
# start_squid DIR CPU PORT CONFIG [SERVICE]: a squid 5.7 pinned to CPU (a taskset
# list), listening on 127.0.0.1:PORT, with CONFIG first and then its files in DIR
# (owned by user proxy, which squid drops to); no netdb, pinger, HTCP or digests.
# Without SERVICE: `squid -N`, one process, DIR/access.log. With SERVICE: SMP
# (`--foreground -n SERVICE`, CONFIG's `workers N`): a master, N worker kids and a
# coordinator, one DIR/access-K.log per kid (the stdio module does not append, so
# kids sharing one file would overwrite each other's lines); SERVICE names the
# shared memory segments and IPC sockets, which are removed on exit. Sets LAST_PID
# (the master) and LAST_PIDS (it and its kids).
start_squid() {
  local dir="$1" cpu="$2" port="$3" config="$4" service="${5:-}" mode=(-N) alog="$1/access.log" kids=1 i
  if [[ -n "$service" ]]; then
    mode=(--foreground -n "$service")
    alog="$dir/access-\${process_number}.log"
    kids=$(sed -n 's/^workers \([0-9][0-9]*\)$/\1/p' <<<"$config")
    [[ -n "$kids" ]] || die "start_squid $dir: SMP mode needs 'workers N' in its config"
    ((kids > 1)) && kids=$((kids + 1))  # the coordinator
    # squid's IPC sockets live here (DEFAULT_STATEDIR); the package creates it at boot
    [[ -d /var/run/squid ]] || install -d -o proxy -g proxy /var/run/squid || die "cannot create /var/run/squid"
    CLEANUP_GLOBS+=("/var/run/squid/$service-*.ipc" "/dev/shm/$service-*.shm")
  fi
  mkdir -p "$dir"
  cat >"$dir/squid.conf" <<EOF
$config
http_port 127.0.0.1:$port
pid_filename $dir/squid.pid
cache_log $dir/cache.log
access_log stdio:$alog
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
  taskset -c "$cpu" "$SQUID" "${mode[@]}" -f "$dir/squid.conf" >"$dir/out.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_listen "$port" "$LAST_PID" "squid ($dir)"
  LAST_PIDS=("$LAST_PID")
  if [[ -n "$service" ]]; then
    for ((i = 0; i < 100; i++)); do  # the kids start together; listening means one is up
      read -r -a LAST_PIDS <<<"$LAST_PID $(descendants "$LAST_PID" | paste -sd' ')"
      ((${#LAST_PIDS[@]} >= kids + 1)) && break
      sleep 0.1
    done
    ((${#LAST_PIDS[@]} >= kids + 1)) || die "squid ($dir): $((${#LAST_PIDS[@]} - 1)) kid process(es), want $kids (see $dir/cache.log)"
    for i in "${LAST_PIDS[@]:1}"; do KIDS+=("$i:$(start_time "$i")"); done
  fi
}

# start_cuttle DIR CPU PORT CONFIG [WORKERS]: $CUTTLE (-N, WORKERS worker threads,
# 1 by default) pinned to CPU (a taskset list) on 127.0.0.1:PORT, CONFIG first, its
# pid file and access.log in DIR. Sets LAST_PID.
start_cuttle() {
  local dir="$1" cpu="$2" port="$3" config="$4" workers="${5:-1}"
  mkdir -p "$dir"
  cat >"$dir/cuttle.conf" <<EOF
$config
http_port 127.0.0.1:$port
pid_filename $dir/cuttle.pid
access_log $dir/access.log
workers $workers
http_access allow localhost
http_access deny all
EOF
  # started as root, cuttle becomes user proxy (cache_effective_user), as squid does
  chown proxy:proxy "$dir"
  "$CUTTLE" -k parse -f "$dir/cuttle.conf" >"$dir/parse.log" 2>&1 ||
    die "cuttle rejects $dir/cuttle.conf: $(cat "$dir/parse.log")"
  taskset -c "$cpu" "$CUTTLE" -N -f "$dir/cuttle.conf" >"$dir/out.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_listen "$port" "$LAST_PID" "cuttle ($dir)"
}

# ---------------------------------------------------------------- cached hits
# Result codes of a hit (and of one wrk cut off when it stopped), in either proxy's log.
HIT_RE='TCP_(MEM_)?HIT(_ABORTED)?/'
# Squid also logs a connection closed before it sent any request (wrk opens its
# connections anew for each run and closes them when it stops) as
# "NONE_NONE/000 ... error:transaction-end-before-headers": not a request.
NOT_A_REQUEST_RE='NONE_NONE/000 0 - error:transaction-end-before-headers'

# A proxy's access logs: DIR/access.log, or DIR/access-K.log per SMP squid kid.
alog_cat() { cat "$1"/access*.log 2>/dev/null || true; }
alog_lines() { alog_cat "$1" | wc -l; }
alog_mark() {  # alog_mark DIR: "FILE LINES" for each access log in DIR now
  local f
  for f in "$1"/access*.log; do [[ -f "$f" ]] && echo "$f $(wc -l <"$f")"; done
  return 0
}
alog_since() {  # alog_since DIR MARK: the lines each access log got after MARK
  local f from
  for f in "$1"/access*.log; do
    [[ -f "$f" ]] || continue
    from=$(awk -v f="$f" '$1 == f { print $2 }' <<<"$2")
    tail -n +"$((${from:-0} + 1))" "$f"
  done
}

# warm_hit NAME PORT URL FILE DIR [IN_A_ROW]: requests URL through the proxy on
# 127.0.0.1:PORT until it answers with X-Cache: HIT IN_A_ROW times in a row (1 by
# default; new connections, so several SMP workers get asked), the body byte-exact
# (FILE) every time; then DIR's access log must show a TCP_HIT/TCP_MEM_HIT for URL
# (squid writes its stdio log with a delay: bounded wait). Dies otherwise.
warm_hit() {
  local name="$1" port="$2" url="$3" file="$4" dir="$5" want="${6:-1}" bytes out="" hits=0 n=0 deadline
  bytes=$(stat -c %s "$file")
  deadline=$((SECONDS + 30))
  while ((hits < want && SECONDS < deadline)); do
    n=$((n + 1))
    out=$(curl -sS --max-time 10 -x "http://127.0.0.1:$port" -D "$TMP/$name.headers" -o "$TMP/$name.body" \
      -w '%{http_code} %{size_download}' "$url" 2>/dev/null) || out="curl-error"
    if [[ "$out" == "200 $bytes" ]]; then
      cmp -s "$TMP/$name.body" "$file" || die "$name $url: body differs from the file (request $n)"
      if grep -qi '^x-cache: HIT' "$TMP/$name.headers"; then hits=$((hits + 1)); continue; fi
    fi
    hits=0
    sleep 0.2
  done
  ((hits >= want)) || die "$name never answered $url as a hit$( ((want > 1)) && echo " $want times in a row") within 30 s (last: '$out'; headers in $TMP/$name.headers)"
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    if alog_cat "$dir" | grep -F " $url " | grep -qE "$HIT_RE"; then
      log "$name: /${url##*/} is a hit after $n request(s)$( ((want > 1)) && echo " ($want in a row)"): $(alog_cat "$dir" | grep -F " $url " | grep -oE "$HIT_RE" | tail -1), body byte-exact"
      return 0
    fi
    sleep 0.2
  done
  die "$name answered $url with X-Cache: HIT but its access.log shows no TCP_HIT/TCP_MEM_HIT for it"
}

# check_hits NAME DIR MARK [MAX_PERCENT]: every line DIR's access logs got since
# MARK (alog_mark, taken after warming) is a hit, or all but MAX_PERCENT (0) of
# them; sets REQUEST_LINES and NON_HITS to their counts and dies beyond that.
check_hits() {
  REQUEST_LINES=$(alog_since "$2" "$3" | grep -vcE "$NOT_A_REQUEST_RE" || true)
  NON_HITS=$(alog_since "$2" "$3" | grep -vE "$NOT_A_REQUEST_RE" | grep -vcE "$HIT_RE" || true)
  ((NON_HITS * 100 <= REQUEST_LINES * ${4:-0})) || die "$1: $NON_HITS access.log line(s) since warming are not hits$( ((${4:-0} > 0)) && echo " (over ${4}% of $REQUEST_LINES)"), e.g. $(alog_since "$2" "$3" | grep -vE "$NOT_A_REQUEST_RE" | grep -vE "$HIT_RE" | head -2)"
}

# check_logged NAME DIR LINES0 REQUESTS: DIR's access logs grew by (about) REQUESTS
# lines since they had LINES0 (alog_lines); squid writes its stdio log with a delay,
# so 500 lines may be missing, after waiting up to 5 s for them.
check_logged() {
  local logged deadline=$((SECONDS + 5))
  while :; do
    logged=$(($(alog_lines "$2") - $3))
    ((logged + 500 >= $4)) && return 0
    ((SECONDS < deadline)) || break
    sleep 0.2
  done
  die "$1: wrk completed $4 requests but the access.log grew by only $logged lines"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
