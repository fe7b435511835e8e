#!/usr/bin/env bash
# Warm start: how long cuttle takes, from being started on a store holding
# 1,000,000 objects, to serving its first cache hit. Target: < 1 s.
#
# 1. bench/fill_store (built here, EXCLUDE_FROM_ALL target) writes BENCH_OBJECTS
#    objects of BENCH_BODY bytes through store::ObjectWriter, as the proxy's cache
#    fill does: status 200, an nginx-like header block with
#    `Cache-Control: max-age=86400`, a per-object body, its SHA-256. Keys are
#    http://127.0.0.1:DEADPORT/obj/I where nothing listens on DEADPORT, so a miss
#    could never be answered 200: only a hit can.
# 2. BENCH_STARTS times: bench/first_hit.py starts cuttle (`cache_dir lmdb STORE
#    ...`, one worker, pinned to core 0) and polls it every millisecond (bounded:
#    30 s) until a request for a random stored object comes back 200,
#    `X-Cache: HIT`, byte-exact. The time
#    from exec to that reply is the warm-start time; the time to the first
#    accepted connection is printed too. Then a few more random objects must be
#    hits, the access.log must show TCP_HIT for them, and cuttle is stopped.
#    The page cache holds the store (a process restart, not a reboot); with
#    BENCH_DROP_CACHES=1 one more start follows `echo 3 >/proc/sys/vm/drop_caches`
#    (cold: every page comes from disk; this affects the whole machine).
# 3. Reports the store's size on disk, and cuttle's CPU time and bytes read up to
#    the first hit (a start-up that scanned the store would show here).
#    BENCH_STRACE=1 adds one start under `strace -f -c` (syscall summary).
#
# Environment (defaults in brackets):
#   BENCH_OBJECTS   objects to store                             [1000000]
#   BENCH_BODY      body bytes per object                        [1024]
#   BENCH_STORE     reuse/keep the store in this directory (filled only when it
#                   has no data.mdb); default: a temp dir, removed at exit
#   BENCH_STARTS    measured starts                              [3]
#   BENCH_DROP_CACHES, BENCH_STRACE: see above                  [0]
#   BENCH_KEEP      1: keep the temp dir;  CUTTLE_BINARY: as in forwarding.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"

OBJECTS="${BENCH_OBJECTS:-1000000}"
BODY="${BENCH_BODY:-1024}"
STARTS="${BENCH_STARTS:-3}"
DROP="${BENCH_DROP_CACHES:-0}"
STRACE="${BENCH_STRACE:-0}"
PROXY_CPU="${BENCH_PROXY_CPU:-0}"
require_uint OBJECTS BODY STARTS DROP STRACE PROXY_CPU
((OBJECTS >= 1 && STARTS >= 1)) || die "BENCH_OBJECTS and BENCH_STARTS must be >= 1"
((STRACE == 0)) || command -v strace >/dev/null || die "BENCH_STRACE=1 but strace is not installed"

bench_setup fill_store
FILL="$(dirname "$CUTTLE")/fill_store"
[[ -x "$FILL" ]] || FILL="$ROOT/build-bench/fill_store"
[[ -x "$FILL" ]] || die "fill_store not built ($FILL)"
bench_tmp

# Store capacity: generous, so that nothing is evicted while filling.
MBYTES=$(((OBJECTS * (BODY + 1024) >> 20) + 256))
STORE="${BENCH_STORE:-$TMP/store}"
mkdir -p "$STORE"
free_port DEAD_PORT  # nothing listens here: a miss cannot be answered 200
PREFIX_FILE="$STORE/bench-prefix"
if [[ -f "$STORE/data.mdb" && -f "$PREFIX_FILE" ]]; then
  PREFIX=$(cat "$PREFIX_FILE")
  log "reusing the filled store in $STORE (keys $PREFIX*)"
  DEAD_PORT=$(sed -E 's|http://127.0.0.1:([0-9]+)/.*|\1|' <<<"$PREFIX")
  ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$DEAD_PORT" 2>/dev/null || die "port $DEAD_PORT of the stored keys is in use"
  OBJECTS=$(cat "$STORE/bench-objects")
  MBYTES=$(cat "$STORE/bench-mbytes")  # the capacity it was filled with: nothing to evict
else
  PREFIX="http://127.0.0.1:$DEAD_PORT/obj/"
  log "filling $STORE with $OBJECTS objects of $BODY bytes (fill_store, cache_dir size $MBYTES MB)"
  fill_out=$(nice "$FILL" "$STORE" "$MBYTES" "$OBJECTS" "$PREFIX" "$BODY") || die "fill_store failed: $fill_out"
  log "$fill_out"
  grep -q "objects=$OBJECTS " <<<"$fill_out" || die "the store does not hold $OBJECTS objects: $fill_out"
  echo "$PREFIX" >"$PREFIX_FILE"
  echo "$OBJECTS" >"$STORE/bench-objects"
  echo "$MBYTES" >"$STORE/bench-mbytes"
fi
sync
DISK_APPARENT=$(stat -c %s "$STORE/data.mdb")
DISK_USED=$(($(stat -c %b "$STORE/data.mdb") * $(stat -c %B "$STORE/data.mdb")))

free_port CUTTLE_PORT
mkdir -p "$TMP/cuttle"
cat >"$TMP/cuttle/cuttle.conf" <<EOF
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $TMP/cuttle/cuttle.pid
access_log $TMP/cuttle/access.log
workers 1
cache_dir lmdb $STORE $MBYTES
maximum_object_size 16 MB
http_access allow localhost
http_access deny all
EOF
chown -R proxy:proxy "$TMP/cuttle"  # started as root, cuttle becomes proxy (cache_effective_user)
"$CUTTLE" -k parse -f "$TMP/cuttle/cuttle.conf" >"$TMP/cuttle/parse.log" 2>&1 ||
  die "cuttle rejects its config: $(cat "$TMP/cuttle/parse.log")"

# try_hit I: one request for object I; 0 when it is a byte-exact hit
try_hit() {
  local out
  out=$(curl -sS --max-time 2 -x "http://127.0.0.1:$CUTTLE_PORT" -D "$TMP/hit.headers" -o "$TMP/hit.body" \
    -w '%{http_code}' "$PREFIX$1" 2>/dev/null) || return 1
  [[ "$out" == 200 ]] && grep -qi '^x-cache: HIT' "$TMP/hit.headers" || return 1
  "$FILL" --body "$1" "$BODY" | cmp -s - "$TMP/hit.body" || die "object $1: body differs from what was stored"
}

RESULTS="$TMP/starts.tsv"  # label ms_to_listen ms_to_hit cpu_ms read_bytes rss_kb
: >"$RESULTS"
# start_once LABEL [WRAPPER...]: one start, measured by bench/first_hit.py (which
# starts cuttle and polls it every millisecond); cuttle is stopped afterwards.
start_once() {
  local label="$1" i pid obj line listen_ms hit_ms
  shift
  obj=$(((RANDOM * 32768 + RANDOM) % OBJECTS))
  "$FILL" --body "$obj" "$BODY" >"$TMP/want.body"
  : >"$TMP/cuttle/access.log"
  line=$(python3 "$ROOT/bench/first_hit.py" "$CUTTLE_PORT" "$PREFIX$obj" "$TMP/want.body" 30 -- \
    taskset -c "$PROXY_CPU" "$@" "$CUTTLE" -N -f "$TMP/cuttle/cuttle.conf" 2>"$TMP/first-$label.err") ||
    die "no byte-exact hit for object $obj within 30 s of starting cuttle ($label): $(cat "$TMP/first-$label.err")"
  read -r pid listen_ms hit_ms < <(sed -E 's/FIRST pid=([0-9]+) listen_ms=([0-9.]+) hit_ms=([0-9.]+).*/\1 \2 \3/' <<<"$line")
  PIDS+=("$pid")
  # With a wrapper (strace), the figures below are the wrapper's child's: cuttle.
  local cpid="$pid" kids
  if (($#)); then
    kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
    [[ -n "$kids" ]] && cpid=${kids%% *}
  fi
  local cpu_ms read_bytes rss
  cpu_ms=$(awk -v hz="$CLK_TCK" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$cpid/stat" 2>/dev/null || echo -1)
  read_bytes=$(awk '/^read_bytes/ { print $2 }' "/proc/$cpid/io" 2>/dev/null || echo -1)
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$cpid/status" 2>/dev/null || echo -1)
  for i in 0 $((OBJECTS - 1)) $((RANDOM % OBJECTS)) $((RANDOM * 7 % OBJECTS)); do
    try_hit "$i" || die "object $i is not a byte-exact hit after start-up ($label)"
  done
  local deadline2=$((SECONDS + 10)) hits=0
  while ((SECONDS < deadline2)); do
    hits=$(grep -cE 'TCP_(MEM_)?HIT/200' "$TMP/cuttle/access.log" || true)
    ((hits >= 5)) && break
    sleep 0.1
  done
  ((hits >= 5)) || die "access.log shows $hits TCP_HIT lines, expected 5 ($label)"
  bad=$(grep -vcE 'TCP_(MEM_)?HIT/' "$TMP/cuttle/access.log" || true)
  ((bad == 0)) || die "access.log has $bad non-hit line(s) ($label): $(grep -vE 'TCP_(MEM_)?HIT/' "$TMP/cuttle/access.log" | head -2)"
  [[ "$cpid" != "$pid" ]] && stop_pid "$cpid"  # the wrapper then exits by itself
  stop_pid "$pid"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$listen_ms" "$hit_ms" "$cpu_ms" "$read_bytes" "$rss" >>"$RESULTS"
  log "start $label: listening after $listen_ms ms, first hit (object $obj) after $hit_ms ms; cuttle CPU ${cpu_ms} ms, read ${read_bytes} bytes from disk, RSS ${rss} kB"
}

start_once prime  # maps the store into the page cache as any earlier run would have
for ((n = 1; n <= STARTS; n++)); do wait_quiet; start_once "warm$n"; done
if ((DROP)); then
  sync
  echo 3 >/proc/sys/vm/drop_caches
  start_once cold
fi
if ((STRACE)); then
  start_once strace strace -f -c -o "$TMP/strace.txt"
fi

echo
echo "warm start: cuttle on a store of $OBJECTS objects ($BODY-byte bodies) -- $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "cuttle: $(cuttle_origin)"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); store on $(df -P "$STORE" | awk 'NR == 2 { print $1 }')"
echo "store: data.mdb $(awk -v b="$DISK_APPARENT" 'BEGIN { printf "%.2f GB", b / 1e9 }') apparent, $(awk -v b="$DISK_USED" 'BEGIN { printf "%.2f GB", b / 1e9 }') allocated on disk ($(awk -v b="$DISK_USED" -v n="$OBJECTS" 'BEGIN { printf "%.0f", b / n }') bytes per object); cache_dir $MBYTES MB"
echo
echo "| start | page cache | to listening (ms) | to first hit (ms) | cuttle CPU until then (ms) | read from disk (bytes) | RSS (kB) |"
echo "|---|---|---:|---:|---:|---:|---:|"
awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, ($1 == "cold" ? "dropped" : "warm"), $2, $3, $4, $5, $6 }' "$RESULTS"
med=$(awk -F'\t' '$1 ~ /^warm/ { print $3 }' "$RESULTS" | median)
echo
echo "median time to first hit over $STARTS warm starts: $med ms (target < 1000 ms: $(awk -v m="$med" 'BEGIN { print (m < 1000) ? "met" : "MISSED" }'))"
if ((STRACE)); then
  echo
  echo "strace -f -c of one start (until the first hits and the stop):"
  head -25 "$TMP/strace.txt" | sed 's/^/    /'
fi
