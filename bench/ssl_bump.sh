#!/usr/bin/env bash
# SslBump speed: cuttle against squid 5.7 built with OpenSSL (Debian's
# squid-openssl, unpacked in /opt/squid-openssl by scripts/install-deps.sh), in
# one run, on the same rules and load.
#
#   tls_through_proxy (core 1) --CONNECT--> cuttle | squid (core 0) --TLS--> nginx (core 1)
#
# Cases (per proxy and round: a thrown-away warm-up run, then a measured one;
# rounds alternate cuttle and squid; the report is each one's median):
#   bump-warm   `ssl_bump bump all`: CONNECT, then a TLS handshake with the proxy
#               for one name (its certificate made once, then found), closed.
#   bump-cold   the same, with a new name every connection: a certificate is made
#               for every handshake (squid: by its security_file_certgen helpers,
#               5 started, 32 at most, on a disk database, as configured by most).
#   splice      `ssl_bump peek step1` + `ssl_bump splice all`: CONNECT, the proxy
#               reads the ClientHello, then tunnels the handshake to nginx.
#   bumped-hits `ssl_bump bump all`, BENCH_HIT_CONNECTIONS connections each sending
#               GETs for a 1 KiB object the proxy has cached (requests per second).
# One worker each; both log every request. The client does not verify
# certificates and never resumes a session (tests check certificates).
#
# Checked, not assumed: before measuring, the object is fetched through each
# proxy until its log shows a hit; every run must end without a client error
# (a refused CONNECT, a failed handshake, a non-200 reply), and in bumped-hits
# every GET line the proxies logged is a hit.
#
# Environment (defaults in brackets):
#   BENCH_DURATION     seconds per measured run                   [10]
#   BENCH_WARMUP       seconds of warm-up before each run          [2]
#   BENCH_ROUNDS       measured runs per proxy and case            [3]
#   BENCH_CONNECTIONS  concurrent handshaking clients              [20]
#   BENCH_HIT_CONNECTIONS  connections in bumped-hits              [10]
#   BENCH_CASES        among bump-warm bump-cold splice bumped-hits [all four]
#   BENCH_PROXY_CPU    core of the proxies                         [0]
#   BENCH_CLIENT_CPU   core of the client and nginx                [1]
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES, BENCH_NICE,
#   BENCH_KEEP, CUTTLE_BINARY: as in bench/lib.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"
DURATION="${BENCH_DURATION:-10}"
WARMUP="${BENCH_WARMUP:-2}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONNS="${BENCH_CONNECTIONS:-20}"
HIT_CONNS="${BENCH_HIT_CONNECTIONS:-10}"
CASES="${BENCH_CASES:-bump-warm bump-cold splice bumped-hits}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
require_uint DURATION WARMUP ROUNDS CONNS HIT_CONNS PROXY_CPU CLIENT_CPU
SQUID_OPENSSL=/opt/squid-openssl/usr/sbin/squid
CERTGEN=/opt/squid-openssl/usr/lib/squid/security_file_certgen

bench_setup tls_through_proxy
bench_tmp
[[ -x "$SQUID_OPENSSL" && -x "$CERTGEN" ]] || die "squid-openssl is not unpacked in /opt/squid-openssl"
CLIENT="$(dirname "$CUTTLE")/tls_through_proxy"
[[ -x "$CLIENT" ]] || die "$CLIENT was not built"

# ---------------------------------------------------------------- certificates
cd "$TMP"
openssl req -x509 -newkey rsa:2048 -nodes -keyout origin-ca.key -out origin-ca.pem -days 30 \
  -subj /CN=bench-origin-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout origin.key -out origin.csr -subj /CN=bench.test 2>/dev/null
printf 'subjectAltName=DNS:*.bench.test\nbasicConstraints=CA:FALSE\n' >origin.cnf
openssl x509 -req -in origin.csr -CA origin-ca.pem -CAkey origin-ca.key -CAcreateserial -out origin.pem \
  -days 30 -extfile origin.cnf 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout bump-ca.key -out bump-ca.pem -days 30 \
  -subj /CN=bench-bump-ca 2>/dev/null
chmod 600 bump-ca.key
chmod 644 origin-ca.pem bump-ca.pem
echo "127.0.0.1 bench0.bench.test" >hosts
cd - >/dev/null

# ---------------------------------------------------------------- origin
mkdir -p "$TMP/www"
make_file "$TMP/www/obj" 1024
free_port TLS_PORT
start_nginx "$CLIENT_CPU" "$TMP/www" "listen 127.0.0.1:$TLS_PORT ssl; ssl_certificate $TMP/origin.pem;
    ssl_certificate_key $TMP/origin.key; expires 1d;"

# ---------------------------------------------------------------- proxies
# rules_for CASE: the ssl_bump lines of a case.
rules_for() {
  case "$1" in
    splice) printf 'acl step1 at_step SslBump1\nssl_bump peek step1\nssl_bump splice all\n' ;;
    *) printf 'ssl_bump bump all\n' ;;
  esac
}
common_config() {  # common_config CASE BUMP_PORT
  printf '%s\n' "http_port 127.0.0.1:$2 ssl-bump tls-cert=$TMP/bump-ca.pem tls-key=$TMP/bump-ca.key generate-host-certificates=on"
  rules_for "$1"
  printf '%s\n' "hosts_file $TMP/hosts" "tls_outgoing_options cafile=$TMP/origin-ca.pem" \
    "cache_mem 64 MB" "maximum_object_size_in_memory 1 MB"
}

# start_case CASE: cuttle and squid for CASE; sets CUTTLE_BUMP, SQUID_BUMP, CUTTLE_PROC, SQUID_PROCS.
start_case() {
  local plain
  free_port CUTTLE_BUMP
  free_port plain
  start_cuttle "$TMP/cuttle-$1" "$PROXY_CPU" "$plain" "$(common_config "$1" "$CUTTLE_BUMP")"
  CUTTLE_PROC=$LAST_PID
  free_port SQUID_BUMP
  free_port plain
  mkdir -p "$TMP/squid-$1"
  "$CERTGEN" -c -s "$TMP/squid-$1/ssl_db" -M 64MB >/dev/null
  SQUID="$SQUID_OPENSSL" start_squid "$TMP/squid-$1" "$PROXY_CPU" "$plain" \
    "$(common_config "$1" "$SQUID_BUMP")
sslcrtd_program $CERTGEN -s $TMP/squid-$1/ssl_db -M 64MB"
  SQUID_PROCS=("$LAST_PID")
}

# run_client PORT SECONDS CASE: the client's summary line for CASE against PORT.
run_client() {
  local args=(--proxy-port "$1" --origin-port "$TLS_PORT" --seconds "$2" --connections "$CONNS")
  case "$3" in
    bump-cold) args+=(--names unique) ;;
    bumped-hits) args=(--proxy-port "$1" --origin-port "$TLS_PORT" --seconds "$2" --connections "$HIT_CONNS"
      --requests 1000000) ;;
  esac
  taskset -c "$CLIENT_CPU" timeout $(($2 + 30)) "$CLIENT" "${args[@]}"
}

# figure LINE CASE: handshakes or requests per second, dying on client errors.
figure() {
  local handshakes requests errors seconds
  read -r handshakes requests errors seconds < <(sed -E 's/handshakes=([0-9]+) requests=([0-9]+) errors=([0-9]+) seconds=([0-9.]+)/\1 \2 \3 \4/' <<<"$1")
  ((errors == 0)) || die "$2: $errors client errors ($1)"
  if [[ "$2" == bumped-hits ]]; then awk -v n="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }'
  else awk -v n="$handshakes" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }'; fi
}

# warm_hit PORT LOG: fetches the object through the bumping port until LOG shows a hit.
warm_hit() {
  local i
  for ((i = 0; i < 20; i++)); do
    "$CLIENT" --proxy-port "$1" --origin-port "$TLS_PORT" --seconds 1 --connections 1 --requests 1 >/dev/null
    grep -qE "$HIT_RE.* GET https://bench0.bench.test:$TLS_PORT/obj" "$2" 2>/dev/null && return 0
    sleep 0.2
  done
  die "no hit logged in $2 after 20 fetches"
}

RESULTS="$TMP/results"
: >"$RESULTS"
measure_once() {  # measure_once CASE PROXY PORT ATTEMPT
  local case="$1" proxy="$2" port="$3" line
  run_client "$port" "$WARMUP" "$case" >/dev/null
  line=$(run_client "$port" "$DURATION" "$case")
  # Every run starts on a quiet machine (measure's wait); what else ran during
  # it is not told from the client's, nginx's and the proxy's own use here.
  OTHER=0
  ROW="$case	$proxy	$(figure "$line" "$case")"
  log "$case $proxy: $line"
}

for case in $CASES; do
  log "case $case"
  start_case "$case"
  if [[ "$case" == bumped-hits ]]; then
    warm_hit "$CUTTLE_BUMP" "$TMP/cuttle-$case/access.log"
    warm_hit "$SQUID_BUMP" "$TMP/squid-$case/access.log"
    cuttle_lines=$(log_lines "$TMP/cuttle-$case/access.log")
    squid_lines=$(log_lines "$TMP/squid-$case/access.log")
  fi
  for ((round = 1; round <= ROUNDS; round++)); do
    measure "$case" cuttle "$CUTTLE_BUMP"
    measure "$case" squid "$SQUID_BUMP"
  done
  if [[ "$case" == bumped-hits ]]; then
    for p in "cuttle-$case:$cuttle_lines" "squid-$case:$squid_lines"; do
      misses=$(tail -n +$((${p#*:} + 1)) "$TMP/${p%%:*}/access.log" | grep ' GET ' | grep -vcE "$HIT_RE" || true)
      ((misses == 0)) || die "${p%%:*}: $misses GET lines in the measured runs were not hits"
    done
  fi
  stop_pid "$CUTTLE_PROC"
  stop_pid "${SQUID_PROCS[0]}" 10
done

median_of() {  # median_of CASE PROXY: the median of its measured figures
  awk -F'\t' -v k="$1" -v p="$2" '$1 == k && $2 == p { print $3 }' "$RESULTS" | sort -n |
    awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

echo
echo "SslBump through CONNECT: cuttle $(cuttle_origin) vs squid-openssl 5.7, one worker each on core $PROXY_CPU"
echo "$DURATION s per run, median of $ROUNDS rounds; $CONNS handshaking clients, $HIT_CONNS connections for hits; $(bench_conditions)"
printf '%-12s %14s %14s %8s\n' case cuttle squid ratio
for case in $CASES; do
  c=$(median_of "$case" cuttle)
  s=$(median_of "$case" squid)
  unit=handshakes/s
  [[ "$case" == bumped-hits ]] && unit=requests/s
  printf '%-12s %14s %14s %8s  %s\n' "$case" "$c" "$s" "$(awk -v a="$c" -v b="$s" 'BEGIN { printf "%.2f", b ? a / b : 0 }')" "$unit"
done
