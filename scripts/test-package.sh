#!/usr/bin/env bash
# The Debian package, used as an administrator uses it, on this machine (root):
# pack it from the build directory as it is (no compile), lintian, the manual
# pages, the postinst on a copy of /etc without the proxy user (it makes one),
# dpkg -i (the files, their owners, the proxy user, the service enabled),
# the installed cuttle started as the unit starts it with the installed
# configuration (it becomes proxy) and a fetch through it twice (a miss, then a
# hit from /var/spool/cuttle), logrotate, then dpkg -r (cache, logs and
# configuration kept) and dpkg -P (all gone, squid's files untouched).
#
#   scripts/test-package.sh [BUILD_DIR]      (build.sh test runs it after ctest)
#
# It runs alone, after the test suite: it installs onto this machine. The proxy
# runs in a network namespace of its own, so the package's port 3128 meets no
# other listener (a system squid, a test's), and no service is started by the
# package: there is no systemd on CI, and where there is one policy-rc.d says no.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")

if [[ $EUID -ne 0 ]]; then
  echo "test-package: skipped (installing a package needs root)"
  exit 0
fi
if dpkg-query -W -f='${Status}' cuttle 2>/dev/null | grep -qv 'not-installed'; then
  echo "test-package: skipped: a cuttle package is on this machine; this test would replace and purge it" >&2
  exit 0
fi

tmp=$(mktemp -d)
netns="cuttle-package-$$"
made_policy=0
pids=()
fail() { echo "test-package: FAILED: $*" >&2; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$netns" 2>/dev/null || true
  if dpkg-query -W -f='${Status}' cuttle 2>/dev/null | grep -qv 'not-installed'; then dpkg -P cuttle >/dev/null 2>&1 || true; fi
  if ((made_policy)); then rm -f /usr/sbin/policy-rc.d; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { echo "test-package: $*"; }

# Squid's files, which nothing here may change (same user, neighbouring paths).
squid_state() { stat -c '%n %U:%G %a %Y' /etc/squid /etc/squid/squid.conf /var/spool/squid /var/log/squid 2>/dev/null || true; }
squid_before=$(squid_state)

step "packing $build with cpack"
rm -rf "$build/package"
cpack --config "$build/CPackConfig.cmake" -B "$build/package" >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(echo "$build"/package/cuttle_*.deb)
[[ -f $deb ]] || fail "no .deb in $build/package"
dpkg-deb -f "$deb" Package Version Depends Recommends
depends=$(dpkg-deb -f "$deb" Depends)
if grep -q -- '-dev' <<<"$depends"; then fail "Depends names a -dev package: $depends"; fi
for lib in libssl3 libboost-url1.81.0 liblmdb0 libc-ares2 adduser; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib: $depends"
done

step "lintian (errors fail, warnings shown)"
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian reports errors"

step "postinst on a system without the proxy user (a mount namespace: a copy of /etc, empty /var/spool and /var/log)"
# Debian always has proxy (base-passwd), so this branch of the postinst runs
# nowhere else; here it runs on copies, and the machine's files stay as they are.
dpkg-deb -e "$deb" "$tmp/control"
cp -a /etc "$tmp/etc"
for db in passwd shadow group gshadow; do
  if [[ -f $tmp/etc/$db ]]; then sed -i '/^proxy:/d' "$tmp/etc/$db"; fi
done
# shellcheck disable=SC2016  # expanded by the inner shell
unshare --mount --propagation private bash -euo pipefail -c '
  mount --bind "$1/etc" /etc
  mount -t tmpfs none /var/spool
  mount -t tmpfs none /var/log
  mount --bind /bin/true /usr/bin/deb-systemd-helper  # enabling is checked with dpkg -i below
  if getent passwd proxy >/dev/null; then exit 1; fi  # the copy has no proxy
  sh "$1/control/postinst" configure
  getent passwd proxy | grep -q ":/usr/sbin/nologin$"
  getent group proxy >/dev/null
  [[ $(stat -c "%U:%G %a" /var/spool/cuttle /var/log/cuttle | sort -u) == "proxy:proxy 750" ]]
' check-postinst "$tmp" || fail "the postinst does not make the proxy user and its directories where they are missing"

# Packaged daemons are not started by this test (install-deps.sh does the same).
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  made_policy=1
fi

step "dpkg -i"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i"; }
owner() { stat -c '%U:%G' "$1"; }
getent passwd proxy >/dev/null || fail "no proxy user"
for f in /usr/sbin/cuttle /etc/cuttle/cuttle.conf /etc/logrotate.d/cuttle /lib/systemd/system/cuttle.service \
         /usr/share/man/man8/cuttle.8.gz /usr/share/man/man5/cuttle.conf.5.gz /usr/share/doc/cuttle/copyright \
         /usr/share/doc/cuttle/migrating-from-squid.md /usr/share/doc/cuttle/configuration.md \
         /usr/share/doc/cuttle/grafana-dashboard.json; do
  [[ -e $f ]] || fail "$f is not installed"
  [[ $(owner "$f") == root:root ]] || fail "$f belongs to $(owner "$f")"
done
for d in /var/spool/cuttle /var/log/cuttle; do
  [[ -d $d && $(owner "$d") == proxy:proxy ]] || fail "$d is missing or not proxy's"
done
[[ -L /etc/systemd/system/multi-user.target.wants/cuttle.service ]] || fail "the service is not enabled"
/usr/sbin/cuttle -v | grep -q "cuttle version" || fail "cuttle -v"
# systemd's own check of the unit (its commands exist, its man: pages too), where
# systemd is installed; it needs no running systemd.
if command -v systemd-analyze >/dev/null; then
  SYSTEMD_LOG_LEVEL=warning systemd-analyze verify /lib/systemd/system/cuttle.service || fail "systemd-analyze verify"
fi

step "man -l"
for page in /usr/share/man/man8/cuttle.8.gz /usr/share/man/man5/cuttle.conf.5.gz; do
  MANWIDTH=80 man -l "$page" >"$tmp/page.txt" 2>"$tmp/page.err" || fail "man -l $page"
  grep -q '^NAME' "$tmp/page.txt" || fail "man -l $page shows no NAME section"
done
grep -q 'http_port' "$tmp/page.txt" || fail "cuttle.conf(5) does not describe http_port"

step "the unit's commands, as root in a network namespace of their own"
unit=/lib/systemd/system/cuttle.service
start_pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
[[ -n $start_pre && -n $start ]] || fail "the unit has no ExecStartPre/ExecStart"
# shellcheck disable=SC2086  # the unit's command lines, split into words as systemd does
$start_pre || fail "ExecStartPre ($start_pre)"
(cd "$tmp" && /usr/sbin/cuttle -k parse) || fail "cuttle -k parse without -f"
ip netns add "$netns"
ip -n "$netns" link set lo up
in_ns() { ip netns exec "$netns" "$@"; }
mkdir -p "$tmp/www"
echo "served through the installed cuttle" >"$tmp/www/hello.txt"
touch -d '2 days ago' "$tmp/www/hello.txt"  # a heuristic lifetime of hours (refresh_pattern . 0 20% 4320)
in_ns python3 -m http.server 8080 --bind 127.0.0.1 --directory "$tmp/www" >"$tmp/origin.log" 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
in_ns $start >"$tmp/cuttle.log" 2>&1 &
pids+=($!)
listening() { in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
for _ in $(seq 100); do listening 3128 && listening 8080 && break; sleep 0.2; done
listening 3128 || { cat "$tmp/cuttle.log"; fail "the installed cuttle does not listen on 3128"; }
pid=$(cat /run/cuttle/cuttle.pid)
proxy_uid=$(id -u proxy)
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
[[ $uids == "$proxy_uid $proxy_uid $proxy_uid $proxy_uid" ]] || fail "cuttle runs with uids $uids, not proxy's"
[[ $(owner /run/cuttle) == proxy:proxy ]] || fail "/run/cuttle is not proxy's"
fetch() { in_ns curl -sS --fail -x http://127.0.0.1:3128 http://127.0.0.1:8080/hello.txt; }
[[ $(fetch) == "served through the installed cuttle" ]] || fail "fetch through cuttle"
# The store commits in the background: the next requests are hits once it has.
for _ in $(seq 25); do
  fetch >/dev/null
  grep -q 'TCP_HIT/200' /var/log/cuttle/access.log && break
  sleep 0.2
done
grep -q 'TCP_MISS/200' /var/log/cuttle/access.log || fail "no miss in access.log"
grep -q 'TCP_HIT/200' /var/log/cuttle/access.log || fail "no hit in access.log: $(cat /var/log/cuttle/access.log)"
[[ $(owner /var/log/cuttle/access.log) == proxy:proxy ]] || fail "access.log is not proxy's"
[[ $(owner /var/spool/cuttle/data.mdb) == proxy:proxy ]] || fail "the store is not proxy's"
(cd "$tmp" && /usr/sbin/cuttle -k check) || fail "cuttle -k check without -f does not find the running cuttle"

step "logrotate"
logrotate -s "$tmp/logrotate.state" -f /etc/logrotate.d/cuttle || fail "logrotate"
[[ -f /var/log/cuttle/access.log.1 ]] || fail "access.log was not rotated"
for _ in $(seq 25); do
  fetch >/dev/null
  [[ -s /var/log/cuttle/access.log ]] && break
  sleep 0.2
done
grep -q 'hello.txt' /var/log/cuttle/access.log || fail "cuttle did not reopen access.log after logrotate"

step "cuttle -k shutdown"
/usr/sbin/cuttle -k shutdown || fail "cuttle -k shutdown"
for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
! kill -0 "$pid" 2>/dev/null || fail "cuttle did not stop"

step "dpkg -i again (an upgrade): the cache and the logs stay"
dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i over the installed package"; }
for f in /var/spool/cuttle/data.mdb /var/log/cuttle/access.log /var/log/cuttle/access.log.1; do
  [[ -e $f ]] || fail "an upgrade removed $f"
done

step "dpkg -r: the cache, the logs and the configuration stay"
dpkg -r cuttle >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r"; }
[[ ! -e /usr/sbin/cuttle ]] || fail "/usr/sbin/cuttle is still there"
for f in /var/spool/cuttle/data.mdb /var/log/cuttle/access.log /etc/cuttle/cuttle.conf; do
  [[ -e $f ]] || fail "dpkg -r removed $f"
done

step "dpkg -P: all gone"
dpkg -P cuttle >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -P"; }
for f in /var/spool/cuttle /var/log/cuttle /etc/cuttle /etc/logrotate.d/cuttle /run/cuttle \
         /etc/systemd/system/multi-user.target.wants/cuttle.service; do
  [[ ! -e $f ]] || fail "dpkg -P left $f"
done
getent passwd proxy >/dev/null || fail "dpkg -P removed the proxy user (Debian's, squid's too)"
[[ $(squid_state) == "$squid_before" ]] || fail "squid's files changed"
step "passed"
