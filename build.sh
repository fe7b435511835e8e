#!/usr/bin/env bash
# One entry point for people and CI:
#   ./build.sh run      install dependencies, build the proxy alone, run it on the built-in config
#   ./build.sh test     install dependencies, build everything, run every test and the Debian
#                       package's test (as root), each fuzz target for 20 s, then every test
#                       that starts cuttle again against a cuttle built with AddressSanitizer + UBSan
#   ./build.sh package  install dependencies, build the proxy and its manual pages, make the
#                       Debian package build/package/cuttle_VERSION_ARCH.deb
#   ./build.sh          install dependencies and build everything
set -euo pipefail
cd "$(dirname "$0")"

# Each stage's wall time, so CI time can be followed stage by stage.
started=$SECONDS
stage_done() { echo "build.sh: $1 took $((SECONDS - started)) s"; started=$SECONDS; }

./scripts/install-deps.sh
# -g1: line tables for backtraces and perf, without the full debug info that
# made up a large part of the compile time of the coroutine-heavy sources.
# /usr: the installed paths the package, the unit and the binary agree on.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
# Running needs the proxy alone, not the test programs (minutes of compile);
# the package, the proxy and its manual pages.
targets=()
case "${1:-build}" in
  run) targets=(--target cuttle) ;;
  package) targets=(--target cuttle cuttle_manpages) ;;
esac
cmake --build build -j"$(nproc)" "${targets[@]}"
stage_done "dependencies and build"

case "${1:-build}" in
  run)
    # Started as root, cuttle gives up root for user proxy (cache_effective_user, as
    # squid does), so its state (./var) must be proxy's and reachable by proxy. A
    # checkout proxy cannot reach (under /root, say) keeps its state in
    # /var/lib/cuttle instead.
    binary="$PWD/build/cuttle"
    if [[ $EUID -eq 0 ]]; then
      if ! runuser -u proxy -- test -x "$PWD"; then
        install -d -o proxy -g proxy /var/lib/cuttle
        echo "build.sh: user proxy cannot reach $PWD; cuttle keeps its state in /var/lib/cuttle/var" >&2
        cd /var/lib/cuttle
      fi
      if [[ -d var ]]; then chown -R proxy:proxy var; fi  # left by a run as root before cuttle gave root up
    fi
    exec "$binary" -N "${@:2}"
    ;;
  test)
    # Everything in parallel: each test takes its ports from a range no other
    # process uses (tests/support/temp_dir.h), the load test alone runs serially.
    # Four per core: most tests wait on processes and sockets, not on the CPU (at
    # three per core the run was bound by its job slots; at four the cores are
    # still a third idle).
    ctest --test-dir build --output-on-failure --timeout 600 -j"$((4 * $(nproc)))" "${@:2}"
    stage_done "tests"
    # The Debian package from this build, installed, run and removed on this
    # machine: alone, after the suite, since it installs onto the machine
    # (scripts/test-package.sh; root only). CUTTLE_PACKAGE_TEST=0 skips it.
    if [[ "${CUTTLE_PACKAGE_TEST:-1}" != 0 ]]; then
      ./scripts/test-package.sh build
      stage_done "package test"
    fi
    # Then every libFuzzer target for a bounded time (clang build in build-fuzz/;
    # docs/reliability.md). CUTTLE_FUZZ_SECONDS=0 skips it.
    if [[ "${CUTTLE_FUZZ_SECONDS:-20}" != 0 ]]; then
      ./scripts/fuzz.sh "${CUTTLE_FUZZ_SECONDS:-20}"
      stage_done "fuzzing"
    fi
    # Then the whole suite under ASan + UBSan + LSan (build-asan/, zero reports
    # allowed). CUTTLE_ASAN=0 skips it. ThreadSanitizer: scripts/test-sanitizers.sh tsan.
    if [[ "${CUTTLE_ASAN:-1}" != 0 ]]; then
      ./scripts/test-sanitizers.sh asan
      stage_done "ASan + UBSan tests"
    fi
    ;;
  package)
    rm -rf build/package
    cpack --config build/CPackConfig.cmake -B build/package >/dev/null
    echo "build.sh: $(echo build/package/cuttle_*.deb) (install: apt install ./build/package/cuttle_*.deb)"
    ;;
  build) ;;
  *)
    echo "usage: $0 [build|run|test|package]" >&2
    exit 2
    ;;
esac
