#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in
# build-fuzz/, then runs each for SECONDS (default 60) on a scratch copy of its
# seed corpus (tests/fuzz/corpus/<target>, never written to). Fails when any
# target finds a crash, a leak, a timeout or a broken invariant; the input is
# kept under build-fuzz/artifacts/ (add it to the corpus once the bug is fixed).
#   scripts/fuzz.sh [SECONDS]
# Set CMAKE_CXX_COMPILER_LAUNCHER=ccache to reuse a compiler cache.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
# Six targets on two cores are three rounds, as five were. logformat,
# error_page, proxy_protocol and tls_client_hello are replayed from their corpora in every build
# (cuttle_fuzz_corpus_tests) and fuzzed by hand: scripts/fuzz.sh SECONDS TARGET….
targets=(icp_decode config_parser http_request http_conditionals store_record helper_reply)
[[ $# -gt 1 ]] && targets=("${@:2}")
build=build-fuzz
jobs="$(nproc)"

started="$(date +%s)"
# -O1 with line tables: quick to build, readable sanitizer reports; no NDEBUG, so
# assertions (Beast's, the standard library's) are checked too.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_FLAGS_FUZZ="-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=/usr/bin/clang++ -DCUTTLE_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target "${targets[@]/%/_fuzzer}" >"$build/build.log" 2>&1 || { tail -50 "$build/build.log" >&2; exit 1; }
echo "fuzz: built in $(($(date +%s) - started)) s"

scratch="$(mktemp -d /tmp/cuttle-fuzz-XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build/artifacts"

# Runs target $1 for $seconds; writes its summary line and exit status to $scratch.
run_target() {
  local t="$1" status=0
  cp -r "tests/fuzz/corpus/$t" "$scratch/$t"
  local options=()
  [[ -f "tests/fuzz/dict/$t.dict" ]] && options+=(-dict="tests/fuzz/dict/$t.dict")
  # ICP datagrams go up to 16 KiB; libFuzzer's default cap is 4 KiB.
  [[ "$t" == icp_decode ]] && options+=(-max_len=17000)
  local log="$build/artifacts/$t.log"
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: a leak or blow-up.
  "$build/${t}_fuzzer" "$scratch/$t" "${options[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" >"$log" 2>&1 || status=$?
  local runs rate corpus
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  corpus="$(find "$scratch/$t" -type f | wc -l)"
  if ((status != 0)); then
    printf '%-18s FAILED (exit %d) after %s runs; see %s\n' "$t" "$status" "${runs:-?}" "$log" >"$scratch/$t.summary"
    grep -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  else
    printf '%-18s %12s runs %8s exec/s  corpus %d inputs\n' "$t" "${runs:-?}" "${rate:-?}" "$corpus" >"$scratch/$t.summary"
  fi
  echo "$status" >"$scratch/$t.status"
}

# One target per core at a time: each still gets $seconds, the step takes less
# wall time (libFuzzer runs one process per target).
for t in "${targets[@]}"; do
  echo "fuzz: $t for ${seconds}s"
  run_target "$t" &
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
done
wait

failed=0
echo "fuzz: ${seconds}s per target"
for t in "${targets[@]}"; do
  printf '  %s' "$(cat "$scratch/$t.summary")"
  echo
  [[ "$(cat "$scratch/$t.status")" == 0 ]] || failed=1
done
exit "$failed"
