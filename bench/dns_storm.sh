#!/usr/bin/env bash
# A DNS lookup storm: cuttle against squid 5.7 with the same name server, in one run.
#
#   dns_storm.py --> cuttle | squid --> dnsmasq (127.53.0.53:53) --> a silent UDP socket
#                                   \-> nginx origin
#
# BENCH_NAMES distinct names (n<i>.storm.test, which dnsmasq answers at once with
# 127.0.0.1), one in BENCH_HUNG_EVERY of them under hang.test, which dnsmasq forwards
# to a socket that never answers. BENCH_CONCURRENCY requests at a time, each on a
# connection of its own. Reported per proxy: answered names per second, how long an
# answered name waited (p50/p99/max) while unanswered ones were pending, and what the
# unanswered ones got. Both proxies: one worker, dns_timeout BENCH_DNS_TIMEOUT,
# no cache (cache deny all), access.log on.
#
# Checked, not assumed: every answered name must get 200 and every hung one 503
# (502 from squid 5.7, see docs/configuration.md) within the run's time bound.
#
# Environment (defaults in brackets):
#   BENCH_NAMES [10000]  BENCH_HUNG_EVERY [50]  BENCH_CONCURRENCY [100]
#   BENCH_DNS_TIMEOUT [10]  BENCH_LIMIT (seconds per proxy) [240]
#   BENCH_PROXY_CPU [0]  BENCH_CLIENT_CPU [1]; CUTTLE_BINARY as in bench/forwarding.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"
NAMES="${BENCH_NAMES:-10000}"
HUNG_EVERY="${BENCH_HUNG_EVERY:-50}"
CONCURRENCY="${BENCH_CONCURRENCY:-100}"
DNS_TIMEOUT="${BENCH_DNS_TIMEOUT:-10}"
LIMIT="${BENCH_LIMIT:-240}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
CLIENT_CPU="${BENCH_CLIENT_CPU:-1}"
require_uint NAMES HUNG_EVERY CONCURRENCY DNS_TIMEOUT LIMIT PROXY_CPU CLIENT_CPU

bench_setup
bench_tmp
command -v dnsmasq >/dev/null || die "dnsmasq not found (scripts/install-deps.sh installs dnsmasq-base)"

# ---------------------------------------------------------------- name server
DNS_ADDRESS=127.53.0.53
python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True); time.sleep(100000)' >"$TMP/silent.port" &
PIDS+=("$!")
for _ in $(seq 50); do [[ -s "$TMP/silent.port" ]] && break; sleep 0.1; done
SILENT_PORT=$(cat "$TMP/silent.port")
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address="$DNS_ADDRESS" --port=53 \
  --user=root --group=root --pid-file= --cache-size=0 --local=/test/ --address=/storm.test/127.0.0.1 \
  --server="/hang.test/127.0.0.1#$SILENT_PORT" --log-facility="$TMP/dnsmasq.log" &
PIDS+=("$!")
for _ in $(seq 50); do grep -q "started, version" "$TMP/dnsmasq.log" 2>/dev/null && break; sleep 0.1; done
grep -q "started, version" "$TMP/dnsmasq.log" || die "dnsmasq did not start ($TMP/dnsmasq.log)"

# ---------------------------------------------------------------- origin and proxies
mkdir -p "$TMP/www"
echo storm >"$TMP/www/index.html"
chmod -R a+rX "$TMP/www"
start_nginx "$CLIENT_CPU" "$TMP/www"
COMMON="dns_nameservers $DNS_ADDRESS
dns_timeout $DNS_TIMEOUT seconds
cache deny all"
free_port CUTTLE_PORT
start_cuttle "$TMP/cuttle" "$PROXY_CPU" "$CUTTLE_PORT" "$COMMON"
free_port SQUID_PORT
start_squid "$TMP/squid" "$PROXY_CPU" "$SQUID_PORT" "$COMMON
workers 1
cache_mem 0 MB
icp_port 0"

# ---------------------------------------------------------------- measure
run_storm() {  # run_storm PROXY PORT: one JSON line in $TMP/PROXY.json
  log "$1: $NAMES names, one in $HUNG_EVERY never answered, $CONCURRENCY at a time"
  taskset -c "$CLIENT_CPU" python3 "$ROOT/bench/dns_storm.py" --proxy-port "$2" --origin-port "$NGINX_PORT" \
    --names "$NAMES" --hung-every "$HUNG_EVERY" --concurrency "$CONCURRENCY" \
    --timeout "$((DNS_TIMEOUT * 3))" --limit "$LIMIT" >"$TMP/$1.json" || die "$1: the storm client failed"
  python3 - "$TMP/$1.json" "$1" <<'PY' || die "$1: $(cat "$TMP/$1.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["unfinished"] == 0, "requests unfinished within the time bound"
assert r["answered_ok"] == r["answered_requests"], "answered names that did not get 200"
assert set(r["hung_statuses"]) <= {502, 503}, "hung names got " + str(r["hung_statuses"])
PY
}
run_storm cuttle "$CUTTLE_PORT"
run_storm squid "$SQUID_PORT"

# ---------------------------------------------------------------- report
echo
echo "squid $("$SQUID" -v | sed -n '1s/.*Version //p'), cuttle $CUTTLE, dnsmasq $(dnsmasq --version | sed -n '1s/Dnsmasq version \([^ ]*\).*/\1/p')"
echo "$NAMES names (1 in $HUNG_EVERY unanswered), $CONCURRENCY at a time, dns_timeout ${DNS_TIMEOUT}s; proxy on core $PROXY_CPU, client and nginx on $CLIENT_CPU"
echo
echo "| proxy | answered names/s | wait p50 (ms) | wait p99 (ms) | wait max (ms) | unanswered got | run (s) |"
echo "|---|---:|---:|---:|---:|---|---:|"
for p in cuttle squid; do
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print("| %s | %s | %s | %s | %s | %s | %s |" % (sys.argv[2], r["answered_per_second"], r["wait_p50_ms"], r["wait_p99_ms"],
      r["wait_max_ms"], "/".join(map(str, r["hung_statuses"])), r["seconds"]))' "$TMP/$p.json" "$p"
done
python3 -c 'import json, sys
c, s = (json.load(open(f)) for f in sys.argv[1:3])
print("\ncuttle/squid answered names per second: %.2f; answered-name p99 wait cuttle/squid: %.2f" %
      (c["answered_per_second"] / s["answered_per_second"], c["wait_p99_ms"] / max(s["wait_p99_ms"], 0.001)))' \
  "$TMP/cuttle.json" "$TMP/squid.json"
