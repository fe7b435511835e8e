#!/usr/bin/env bash
# Issue 8's side-by-side table in one command: runs bench/hits.sh, bench/misses.sh,
# bench/forwarding.sh and bench/workers.sh one after the other (each still usable
# alone) and prints one markdown table of cuttle against squid 5.7 and nginx, with
# each target and whether it is met.
#
#   bench/compare.sh > compare.md      (as root; progress and each script's own report on stderr)
#
# The table is built from the medians the scripts append to a BENCH_SUMMARY file
# (bench case server req/s p99_ms, tab-separated), never from their human tables.
# Any script failing (a failed check, a dead server) aborts the whole run loudly.
#
# Targets (issue 8 unless marked): 1 KiB hits >= 2x squid, >= 0.75x nginx and p99
# <= 1 ms; 16 KiB hits >= 0.75x nginx; 256 KiB hits >= 3x squid and >= 0.75x nginx;
# misses (stored) and revalidations >= 1.5x squid; workers 2 vs 1: reported as is.
# Marked (earlier targets in docs/performance.md): 8 MiB hits >= squid with p99 <=
# squid's; forwarding (nothing stored) >= squid.
#
# Environment (defaults in brackets):
#   BENCH_COMPARE      scripts to run, among hits misses forwarding workers   [all four]
#   BENCH_COMPARE_DIR  where each script's report, the summary rows and the table
#                      are written (kept)                  [a new /tmp/cuttle-compare.XXXXXX]
#   BENCH_SIZES        for hits.sh; forwarding.sh gets those of them it has (1k 16k)
#   BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_THREADS,
#   BENCH_QUIET_MAX, BENCH_QUIET_WAIT, BENCH_OTHER_MAX, BENCH_RETRIES, BENCH_KEEP, ...:
#                      passed to every script as they are (unset: each script's own
#                      default, e.g. 1 round, 2 for forwarding.sh; see their headers)
#   BENCH_NICE         applied once, here (start compare.sh with setsid); the scripts
#                      inherit the priority
#   CUTTLE_BINARY      the cuttle to measure; unset: built once here (Release,
#                      build-bench/, as the scripts do) and given to every script
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/bench/lib.sh"

SCRIPTS="${BENCH_COMPARE:-hits misses forwarding workers}"
for s in $SCRIPTS; do
  [[ " hits misses forwarding workers " == *" $s "* ]] || die "unknown script '$s' in BENCH_COMPARE (hits misses forwarding workers)"
done
[[ -n "${SCRIPTS// /}" ]] || die "BENCH_COMPARE is empty"
if [[ -n "${BENCH_COMPARE_DIR:-}" ]]; then
  OUT="$BENCH_COMPARE_DIR"
  mkdir -p "$OUT" || die "cannot create BENCH_COMPARE_DIR=$OUT"
else
  OUT="$(mktemp -d /tmp/cuttle-compare.XXXXXX)"
fi
export BENCH_SUMMARY="$OUT/summary.tsv"
: >"$BENCH_SUMMARY"

bench_setup  # dependencies, BENCH_NICE, and cuttle built once unless CUTTLE_BINARY is given
ORIGIN="$(cuttle_origin)"
export CUTTLE_BINARY="$CUTTLE"

# A script that is stopped runs its own clean-up (its servers, wrk): give it time.
CHILD=""
stop_child() { [[ -z "$CHILD" ]] || stop_tree "$CHILD" 60; }
trap 'stop_child; exit 130' INT
trap 'stop_child; exit 143' TERM

# run_script NAME [VAR=VALUE...]: bench/NAME.sh with its report in $OUT/NAME.md
run_script() {
  local name="$1" rc=0
  log "compare: running bench/$name.sh (report: $OUT/$name.md)"
  # BENCH_NICE is already in force for the whole session; the script would refuse
  # it for not leading its own session.
  env -u BENCH_NICE "${@:2}" "$ROOT/bench/$name.sh" >"$OUT/$name.md" &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  ((rc == 0)) || die "bench/$name.sh failed (exit $rc); its report so far: $OUT/$name.md, summary rows so far: $BENCH_SUMMARY"
  grep -q "^$name"$'\t' "$BENCH_SUMMARY" || die "bench/$name.sh wrote no summary rows to $BENCH_SUMMARY"
  { echo; echo "---- bench/$name.sh report ($OUT/$name.md)"; cat "$OUT/$name.md"; } >&2
}

notes=()
for s in $SCRIPTS; do
  if [[ "$s" == forwarding && -n "${BENCH_SIZES:-}" ]]; then
    sizes=$(tr ' ' '\n' <<<"$BENCH_SIZES" | grep -xE '1k|16k' | paste -sd' ' || true)
    if [[ -z "$sizes" ]]; then
      notes+=("forwarding.sh skipped: it has only 1k and 16k, BENCH_SIZES is '$BENCH_SIZES'")
      log "compare: ${notes[-1]}"
      continue
    fi
    run_script forwarding BENCH_SIZES="$sizes"
  else
    run_script "$s"
  fi
done
[[ -s "$BENCH_SUMMARY" ]] || die "no script ran: ${notes[*]}"
for s in $SCRIPTS; do
  [[ -f "$OUT/$s.md" ]] && grep -q '^WARNING: ' "$OUT/$s.md" &&
    notes+=("$s.sh: some runs were disturbed by other processes (see its WARNING in $OUT/$s.md)")
done

settings=""
for v in BENCH_DURATION BENCH_WARMUP BENCH_ROUNDS BENCH_CONNECTIONS BENCH_SIZES BENCH_QUIET_WAIT BENCH_RETRIES; do
  [[ -n "${!v:-}" ]] && settings+="${settings:+ }$v=${!v}"
done

# ---------------------------------------------------------------- the table
{
  echo "issue 8: cuttle vs squid $("$SQUID" -v | sed -n '1s/.*Version //p') vs nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') -- $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cuttle: $ORIGIN"
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "scripts: $SCRIPTS; settings: ${settings:-the defaults of each script}"
  echo "conditions: $(bench_conditions)"
  echo "values: medians over each script's rounds; pinning, connections and checks as in each script (reports in $OUT)"
  echo
  awk -F'\t' '
    NF != 5 { printf "compare.sh: malformed summary row %d: %s\n", NR, $0 > "/dev/stderr"; bad = 1; exit 1 }
    { k = $1 SUBSEP $2; if (!(k in seen)) { seen[k] = 1; order[++n] = k }; rps[k, $3] = $4; p99[k, $3] = $5 }
    function has(k, s) { return (k, s) in rps }
    function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
    END {
      if (bad) exit 1
      print "| benchmark | size/mode | cuttle req/s | squid req/s | nginx req/s | cuttle/squid | cuttle/nginx | p99 cuttle (ms) | p99 squid (ms) | target | met |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, bc, SUBSEP); b = bc[1]; c = bc[2]
        cu = has(k, "cuttle") ? rps[k, "cuttle"] : ""; sq = has(k, "squid") ? rps[k, "squid"] : ""
        ng = has(k, "nginx") ? rps[k, "nginx"] : ""
        pc = has(k, "cuttle") ? p99[k, "cuttle"] : ""; ps = has(k, "squid") ? p99[k, "squid"] : ""
        cs = (cu != "" && sq > 0) ? cu / sq : ""; cn = (cu != "" && ng > 0) ? cu / ng : ""
        # need: which figures the verdict uses (s: cuttle/squid, n: cuttle/nginx, p: p99)
        target = "-"; need = ""; ok = 1
        if (b == "hits" && c == "1k") { target = ">= 2x squid, >= 0.75x nginx, p99 <= 1 ms"; need = "snp"; ok = cs >= 2 && cn >= 0.75 && pc <= 1 }
        else if (b == "hits" && c == "16k") { target = ">= 0.75x nginx"; need = "n"; ok = cn >= 0.75 }
        else if (b == "hits" && c == "256k") { target = ">= 3x squid, >= 0.75x nginx"; need = "sn"; ok = cs >= 3 && cn >= 0.75 }
        else if (b == "hits" && c == "8m") { target = ">= squid, p99 <= squid (*)"; need = "sq"; ok = cs >= 1 && pc <= ps }
        else if (b == "misses") { target = ">= 1.5x squid"; need = "s"; ok = cs >= 1.5 }
        else if (b == "forwarding") { target = ">= squid (*)"; need = "s"; ok = cs >= 1 }
        else if (b == "workers") {
          target = "reported as is"
          if (c == "workers 2") {
            k1 = b SUBSEP "workers 1"; r = ""
            if (has(k, "cuttle") && has(k1, "cuttle")) r = r sprintf("cuttle %.2f", rps[k, "cuttle"] / rps[k1, "cuttle"])
            if (has(k, "squid") && has(k1, "squid")) r = r (r == "" ? "" : ", ") sprintf("squid %.2f", rps[k, "squid"] / rps[k1, "squid"])
            if (r != "") target = target " (workers 2 / workers 1: " r ")"
          }
        }
        if (need == "") met = "-"
        else if ((need ~ /s/ && cs == "") || (need ~ /n/ && cn == "") || (need ~ /p/ && pc == "") || (need ~ /q/ && (pc == "" || ps == ""))) met = "n/a"
        else met = ok ? "yes" : "**NO**"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", b, c, fmt(cu, "%.0f"), fmt(sq, "%.0f"), fmt(ng, "%.0f"),
               fmt(cs, "%.2f"), fmt(cn, "%.2f"), fmt(pc, "%.2f"), fmt(ps, "%.2f"), target, met
      }
    }' "$BENCH_SUMMARY"
  echo
  echo "(*) not an issue 8 target: the earlier one, from docs/performance.md."
  echo "hits: cached hits (bench/hits.sh); misses: miss = unique URLs fetched and stored, refresh = revalidations"
  echo "answered 304 (bench/misses.sh); forwarding: nothing stored (bench/forwarding.sh); workers: 1 KiB hits,"
  echo "workers 1 pinned as in hits.sh, workers 2 and its wrk not pinned, sharing both cores (bench/workers.sh;"
  echo "squid workers 2 loses the object from its shared memory cache now and then: its misses are in workers.md)."
  for n in "${notes[@]}"; do echo "NOTE: $n"; done
} | tee "$OUT/compare.md"
log "compare: table in $OUT/compare.md, each script's report and summary.tsv in $OUT"
