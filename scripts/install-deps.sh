#!/usr/bin/env bash
# Installs every Debian package cuttle needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so re-running costs seconds.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-url1.81-dev
  libssl-dev openssl liblmdb-dev prometheus-cpp-dev libgtest-dev
  libc-ares-dev  # DNS: dns_nameservers, TTLs, lookups that never block each other
  squid squidclient curl ca-certificates
  squidguard python3  # helpers in tests: squidGuard as a URL rewriter, tests/helpers/*.py
  slapd  # Squid's LDAP helpers in tests run against a slapd the test starts
  krb5-kdc krb5-admin-server krb5-user  # Negotiate tests: a KDC the test starts, kadmin.local, kinit
  libdbd-sqlite3-perl  # Squid's ext_sql_session_acl over an SQLite session table in tests
  nodejs chromium libnss3-tools iproute2 prometheus
  wrk  # the reload-under-load test
  dnsmasq-base  # a real DNS server for the dns_nameservers tests
  haproxy  # a load balancer in front, sending PROXY protocol headers, in tests
  nftables  # interception tests: NAT REDIRECT and TPROXY rules in namespaces the tests make
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer, ASan, UBSan
  file  # ./build.sh package: CPack finds the binaries for dpkg-shlibdeps with it
  lintian man-db logrotate  # scripts/test-package.sh: the .deb checked, its manual pages, its logrotate file
)
# Benchmarks also want a reference web server.
if [[ "${CUTTLE_BENCH:-0}" == 1 ]]; then
  packages+=(nginx util-linux)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Packaged daemons are not started while installing (tests start their own;
  # krb5-admin-server's would fail without a realm and fail the install).
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# squid built with OpenSSL (https_port, SSL-Bump) for differential tests. Debian's
# squid-openssl conflicts with squid, so it is unpacked beside it, not installed.
if [[ ! -x /opt/squid-openssl/usr/sbin/squid ]]; then
  scratch="$(mktemp -d)"
  chown _apt "$scratch" 2>/dev/null || true  # apt downloads as user _apt
  (cd "$scratch" && { apt-get download -qq squid-openssl || { apt-get update -qq && apt-get download -qq squid-openssl; }; })
  dpkg -x "$scratch"/squid-openssl_*.deb /opt/squid-openssl
  rm -rf "$scratch"
fi

# The Debian squid package starts a system-wide squid on :3128; cuttle's default
# port is the same and tests start their own squids, so keep the system one off.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet squid 2>/dev/null; then
  systemctl stop squid || true
fi
# Likewise the packaged slapd (tests start their own on free ports).
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet slapd 2>/dev/null; then
  systemctl stop slapd || true
fi
# Likewise the packaged Prometheus (tests start their own on free ports).
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus || true
fi
if pgrep -x squid >/dev/null 2>&1 && [[ -f /run/squid.pid ]]; then
  kill "$(cat /run/squid.pid)" 2>/dev/null || true
fi
exit 0
