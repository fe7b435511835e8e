# Shared set-up of the single-object hit scripts (hit_cpu.sh, hit_instructions.sh,
# speed_drift.sh): one file served by nginx as origin and cached by one cuttle,
# loopback only. Sourced, never run; the caller runs with `set -eu`:
#   one_object_dir NAME BYTES     temp dir $D, the file $D/www/obj, ports, $URL
#   start_origin [CPU]            nginx (pinned to CPU if given) -> $NGINX_PID
#   write_cuttle_conf [LINES]     $D/cuttle.conf (access log in $D), LINES added
#   await_hit                     proxy answers, then a byte-exact X-Cache HIT, else exit 1
# The caller starts cuttle ($CUTTLE_PID) itself (pinned, or under valgrind);
# on exit both are stopped and $D is removed.

one_object_dir() {
  D=$(mktemp -d "/tmp/cuttle-$1.XXXX")
  chmod 755 "$D"
  # Started as root, cuttle runs as user proxy (cache_effective_user): its store
  # and callgrind's output go here.
  if [[ $EUID -eq 0 ]]; then chown proxy:proxy "$D"; fi
  mkdir -p "$D/www"
  head -c "$2" /dev/urandom | base64 -w0 | head -c "$2" >"$D/www/obj" || true
  chmod -R a+rX "$D/www"
  NGINX_PORT=$((20000 + RANDOM % 5000)) CUTTLE_PORT=$((25000 + RANDOM % 5000))
  URL="http://127.0.0.1:$NGINX_PORT/obj"
  NGINX_PID="" CUTTLE_PID=""
  trap 'kill $CUTTLE_PID $NGINX_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$D"' EXIT
}

start_origin() {
  local nginx pin=()
  nginx=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -z "${1:-}" ]] || pin=(taskset -c "$1")
  cat >"$D/nginx.conf" <<N
worker_processes 1; daemon off; pid $D/nginx.pid; error_log $D/nginx.err;
events { worker_connections 1024; }
http { access_log off; sendfile on; server { listen 127.0.0.1:$NGINX_PORT; root $D/www; expires 1d; } }
N
  "${pin[@]}" "$nginx" -c "$D/nginx.conf" -p "$D" &
  NGINX_PID=$!
}

write_cuttle_conf() {
  cat >"$D/cuttle.conf" <<C
http_port 127.0.0.1:$CUTTLE_PORT
pid_filename $D/cuttle.pid
access_log $D/access.log
workers 1
via on
cache_dir lmdb $D/store 1024
maximum_object_size 16 MB
http_access allow localhost
http_access deny all
${1:-}
C
}

await_hit() {
  local i
  for i in $(seq 150); do curl -s -o /dev/null -x "127.0.0.1:$CUTTLE_PORT" "$URL" && break; sleep 0.2; done
  for i in 1 2 3; do curl -s -D "$D/header" -o "$D/body" -x "127.0.0.1:$CUTTLE_PORT" "$URL"; done
  grep -q "X-Cache: HIT" "$D/header" && cmp -s "$D/body" "$D/www/obj" ||
    { echo "not a byte-exact hit:" >&2; cat "$D/header" >&2; exit 1; }
  echo "wrk.path = \"$URL\"" >"$D/proxy.lua"
}
