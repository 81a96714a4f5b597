#!/usr/bin/env bash
# Package test (`make test-package`, as root): builds the Debian package, lints it, installs it
# with apt-get, runs the installed relay7 on a loopback test port in front of a demo backend,
# reloads it (a good file, then a broken one), stops it, purges the package and checks that
# nothing is left. Prints one PASS/FAIL line per check and ends with "N passed, M failed".
#
# The installed master is started in the background by this script, not through systemd: CI
# containers have no systemd. When PID 1 is systemd the packaged unit is checked as well.
#
# Environment:
#   RELAY7_PACKAGE_TEST_REUSE_DEB=1  test the .deb already in build/ instead of building it
#   RELAY7_PACKAGE_TEST_REPLACE=1    replace (and at the end purge) a relay7 package that was
#                                    installed before the test; implied when CI=true
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
root=$PWD
build=${BUILD:-build}
relay7=/usr/sbin/relay7

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {  # check DESCRIPTION COMMAND...: PASS when the command succeeds
  local description=$1
  shift
  if "$@"; then pass "$description"; else fail "$description"; fi
}
summary() {
  echo
  echo "${passed} passed, ${failed} failed"
}
abort() {  # a check the rest cannot do without
  fail "$*"
  exit 1
}

if [ "$(id -u)" -ne 0 ]; then
  echo "package_test.sh installs and purges a package: run it as root" >&2
  exit 2
fi

work=$(mktemp -d /tmp/relay7-package-test.XXXXXX)
backend_pid=
master_pid=
installed_by_us=0

# Whatever happens, stop what this script started and take the package off again.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$master_pid" ] && kill -0 "$master_pid" 2>/dev/null; then
    local workers
    workers=$(ps -o pid= --ppid "$master_pid" 2>/dev/null)
    kill -TERM "$master_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$master_pid" 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2086 # one argument per worker pid
    kill -KILL "$master_pid" $workers 2>/dev/null
  fi
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null
    wait "$backend_pid" 2>/dev/null
  fi
  if [ "$installed_by_us" = 1 ] && dpkg-query -W -f='${Status}' relay7 2>/dev/null | grep -q 'installed'; then
    echo "cleanup: purging the relay7 package"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq relay7 >"$work/cleanup-purge.log" 2>&1 ||
      cat "$work/cleanup-purge.log"
  fi
  rm -rf "$work"
  summary
  if [ "$failed" -ne 0 ] && [ "$status" -eq 0 ]; then status=1; fi
  exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted (SIGINT)"; exit 130' INT
trap 'fail "interrupted (SIGTERM)"; exit 143' TERM

show_log() {  # the last lines of a log, indented, for a FAIL line's context
  sed -e 's/^/    | /' "$1" | tail -n "${2:-30}"
}

wait_for() {  # wait_for SECONDS COMMAND...: poll every 0.1 s until the command succeeds
  local tenths=$(($1 * 10))
  shift
  for _ in $(seq 1 "$tenths"); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { kill -0 "$1" 2>/dev/null; }
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# A port above 10000 that nothing listens on (the master binds it a moment later).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    if ! port_open "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# --- build ----------------------------------------------------------------------------------

version=$(sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' include/relay7/version.h)
deb="$build/relay7_${version}_$(dpkg --print-architecture).deb"
case $deb in /*) deb_path=$deb ;; *) deb_path=$root/$deb ;; esac

if dpkg-query -W -f='${Status}' relay7 2>/dev/null | grep -q 'installed'; then
  if [ "${RELAY7_PACKAGE_TEST_REPLACE:-0}" = 1 ] || [ "${CI:-}" = true ]; then
    echo "note: a relay7 package is installed already; it will be replaced and purged"
  else
    abort "a relay7 package is installed already (apt-get purge relay7, or set RELAY7_PACKAGE_TEST_REPLACE=1)"
  fi
fi

if ! make --no-print-directory -j"$(nproc)" "$build/relay7-demo-backend" >"$work/make.log" 2>&1; then
  show_log "$work/make.log"
  abort "build $build/relay7-demo-backend"
fi
if [ "${RELAY7_PACKAGE_TEST_REUSE_DEB:-0}" = 1 ] && [ -f "$deb" ]; then
  echo "note: testing the existing $deb"
elif make --no-print-directory deb >"$work/deb.log" 2>&1 && [ -f "$deb" ]; then
  pass "make deb built $deb"
else
  show_log "$work/deb.log"
  abort "make deb built $deb"
fi

# --- lintian --------------------------------------------------------------------------------

lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1
lintian_status=$?
grep -E '^[EWIPX]: ' "$work/lintian.log" | sed 's/^/    lintian: /'
if [ "$lintian_status" -eq 0 ] && ! grep -q '^E: ' "$work/lintian.log"; then
  pass "lintian reports no errors ($(grep -c '^W: ' "$work/lintian.log") warning(s))"
else
  show_log "$work/lintian.log"
  fail "lintian reports no errors"
fi

# --- install --------------------------------------------------------------------------------

installed_by_us=1
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb_path" >"$work/install.log" 2>&1; then
  pass "apt-get install ./$deb"
else
  show_log "$work/install.log"
  abort "apt-get install ./$deb"
fi

check "the binary is installed as $relay7" test -x "$relay7"
passwd_entry=$(getent passwd relay7)
check "system user relay7 exists" test -n "$passwd_entry"
check "relay7's home is /nonexistent and its shell nologin" \
  test "$(echo "$passwd_entry" | cut -d: -f6,7)" = "/nonexistent:/usr/sbin/nologin"
check "relay7 is a system user (uid below 1000)" test "$(id -u relay7 2>/dev/null || echo 65534)" -lt 1000
check "group relay7 exists" sh -c 'getent group relay7 >/dev/null'
check "/var/log/relay7 belongs to relay7:adm" \
  test "$(stat -c %U:%G /var/log/relay7 2>/dev/null)" = "relay7:adm"
check "/etc/relay7/relay7.json is a conffile" \
  sh -c "dpkg-query -W -f='\${Conffiles}' relay7 | grep -q ' /etc/relay7/relay7.json '"
check "/etc/logrotate.d/relay7 is installed" test -f /etc/logrotate.d/relay7
check "the systemd unit is installed" test -f /lib/systemd/system/relay7.service
check "README.Debian says where TLS certificates go" \
  sh -c 'zcat -f /usr/share/doc/relay7/README.Debian* | grep -q "/etc/ssl/private"'
check "man relay7 and man relay7.json find the pages" \
  sh -c 'man -w relay7 >/dev/null && man -w 5 relay7.json >/dev/null'
for page in /usr/share/man/man8/relay7.8.gz /usr/share/man/man5/relay7.json.5.gz; do
  warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
  check "$page renders without warnings" test -z "$warnings"
  if [ -n "$warnings" ]; then
    printf '%s\n' "$warnings" >"$work/man-warnings.log"
    show_log "$work/man-warnings.log"
  fi
done
if command -v logrotate >/dev/null; then
  check "logrotate accepts /etc/logrotate.d/relay7" \
    sh -c "logrotate -d /etc/logrotate.d/relay7 >'$work/logrotate.log' 2>&1 && ! grep -q '^error' '$work/logrotate.log'"
fi
if command -v systemd-analyze >/dev/null; then
  if systemd-analyze verify /lib/systemd/system/relay7.service >"$work/verify.log" 2>&1; then
    pass "systemd-analyze verify relay7.service"
  else
    show_log "$work/verify.log"
    fail "systemd-analyze verify relay7.service"
  fi
fi
# With systemd, installing started relay7.service on the default config (port 80; it fails to
# start when the port is taken). Reload and stop it through systemctl, so that the test master
# below can use the package's own pid_file and log directory.
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  check "relay7.service is enabled" sh -c 'systemctl is-enabled relay7.service >/dev/null'
  if systemctl is-active --quiet relay7.service; then
    check "systemctl reload relay7" systemctl reload relay7.service
    check "  and relay7.service is still active" systemctl is-active --quiet relay7.service
    check "systemctl stop relay7" systemctl stop relay7.service
    check "  and its master has exited" wait_for 5 sh -c '! [ -s /run/relay7.pid ]'
  else
    echo "note: relay7.service is not active (is port 80 taken?): $(systemctl is-active relay7.service)"
  fi
else
  echo "note: PID 1 is not systemd: relay7.service is not started"
fi

# --- the installed binary -------------------------------------------------------------------

"$relay7" -t -c /etc/relay7/relay7.json >"$work/t.out" 2>&1
check "relay7 -t accepts the installed /etc/relay7/relay7.json" \
  grep -qx 'relay7: configuration file /etc/relay7/relay7.json test is successful' "$work/t.out"
[ -s "$work/t.out" ] && show_log "$work/t.out" 5

"$build/relay7-demo-backend" --port 0 --host 127.0.0.1 --name package-test >"$work/backend.out" 2>&1 &
backend_pid=$!
wait_for 10 grep -q '^ready ' "$work/backend.out" || abort "the demo backend started"
backend_port=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$work/backend.out")
port=$(free_port) || abort "found a free port above 10000"
config=$work/relay7.json
# The package's own pid_file and log directory, so that its logrotate file is tested for real.
pid_file=/run/relay7.pid
logs=/var/log/relay7

write_config() {  # write_config EXTRA_LOCATION: the test config, with one more location
  cat >"$config" <<JSON
{
  "workers": 2,
  "user": "relay7",
  "pid_file": "$pid_file",
  "shutdown_timeout": "5s",
  "error_log": {"path": "$logs/error.log", "level": "info"},
  "access_log": {"path": "$logs/access.log"},
  "upstreams": {"demo": {"servers": ["127.0.0.1:$backend_port"]}},
  "servers": [{
    "listen": ["127.0.0.1:$port"],
    "locations": [
      {"path": "/", "proxy_pass": "http://demo"}$1
    ]
  }]
}
JSON
}
write_config ''
check "relay7 -t accepts the test config" sh -c "'$relay7' -t -c '$config' >/dev/null 2>&1"

setsid "$relay7" -c "$config" >"$work/master.out" 2>&1 </dev/null &
master_pid=$!
if wait_for 10 port_open "$port"; then
  pass "the installed relay7 listens on 127.0.0.1:$port"
else
  show_log "$work/master.out"
  show_log "$logs/error.log"
  abort "the installed relay7 listens on 127.0.0.1:$port"
fi
check "pid_file names the master" test "$(cat "$pid_file" 2>/dev/null)" = "$master_pid"
check "ps shows \"relay7: master process $config\"" \
  test "$(ps -o args= -p "$master_pid")" = "relay7: master process $config"
# "USER TITLE" of each worker, e.g. "relay7 relay7: worker process"
workers_as() { ps -o user=,args= --ppid "$master_pid" | awk '{$1 = $1; print}'; }
two_workers_as_relay7() {
  [ "$(workers_as | grep -cx 'relay7 relay7: worker process')" -eq 2 ] &&
    [ "$(workers_as | wc -l)" -eq 2 ]
}
if wait_for 10 two_workers_as_relay7; then
  pass "2 workers, titled \"relay7: worker process\", run as relay7"
else
  workers_as | sed 's/^/    | /'
  fail "2 workers, titled \"relay7: worker process\", run as relay7"
fi
workers_before=$(ps -o pid= --ppid "$master_pid" | tr -s ' \n' ' ')

status=$(curl -s -o "$work/body" -w '%{http_code}' "http://127.0.0.1:$port/package-test?x=1")
check "a request through relay7 reaches the backend (status $status)" \
  sh -c "[ '$status' = 200 ] && grep -q '\"port\":$backend_port' '$work/body'"
check "the access log records it" wait_for 3 grep -q 'GET /package-test?x=1 HTTP/1.1" 200' "$logs/access.log"

# --- log rotation ---------------------------------------------------------------------------

# The package's logrotate file, forced, with a state file of its own: it moves the logs, creates
# new ones for relay7 and runs `relay7 -s reopen`; master and workers must then write to the new
# files (the workers run as relay7, so they can reopen only files that relay7 may write).
if command -v logrotate >/dev/null; then
  if logrotate -f -s "$work/logrotate.state" /etc/logrotate.d/relay7 >"$work/logrotate-run.log" 2>&1; then
    pass "logrotate -f /etc/logrotate.d/relay7"
  else
    show_log "$work/logrotate-run.log"
    fail "logrotate -f /etc/logrotate.d/relay7"
  fi
  check "  rotated access.log and error.log" test -f "$logs/access.log.1" -a -f "$logs/error.log.1"
  check "  the new logs belong to relay7:adm" \
    test "$(stat -c %U:%G "$logs/access.log" "$logs/error.log" 2>/dev/null | sort -u)" = "relay7:adm"
  check "  the master reopened its error log" wait_for 3 grep -q 'log files reopened' "$logs/error.log"
  curl -s -o /dev/null "http://127.0.0.1:$port/after-rotation"
  check "  the workers write to the new access log" \
    wait_for 3 grep -q 'GET /after-rotation HTTP/1.1" 200' "$logs/access.log"
  if grep -q 'cannot open' "$logs/error.log" "$logs/error.log.1"; then
    grep -h 'cannot open' "$logs/error.log" "$logs/error.log.1" >"$work/reopen-errors.log"
    show_log "$work/reopen-errors.log"
    fail "  no worker failed to reopen a log"
  else
    pass "  no worker failed to reopen a log"
  fi
fi

# --- reload ---------------------------------------------------------------------------------

write_config ',
      {"path": "/reloaded", "return": 204}'
if "$relay7" -s reload -c "$config" >"$work/reload.out" 2>&1; then
  pass "relay7 -s reload: $(head -n 1 "$work/reload.out")"
else
  show_log "$work/reload.out"
  fail "relay7 -s reload"
fi
check "the reloaded config serves (/reloaded answers 204)" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/reloaded")" = 204
check "the old workers have exited" wait_for 10 sh -c "! kill -0 $workers_before 2>/dev/null"

cp "$config" "$work/good.json"
sed 's/"return": 204/"retirn": 204/' "$work/good.json" >"$config"
if "$relay7" -s reload -c "$config" >"$work/bad-reload.out" 2>&1; then
  fail "relay7 -s reload refuses a broken config (it exited 0)"
else
  pass "relay7 -s reload refuses a broken config (exit $?)"
fi
check "  and names the mistake" grep -q 'unknown key "retirn" (did you mean "return"?)' "$work/bad-reload.out"
check "  and the master keeps serving the last good config" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/reloaded")" = 204

# A file that passes -t but that the master cannot put in service: its new listen address is the
# demo backend's, which is taken. The master must refuse it and say why.
sed "s/\"listen\": \[\"127.0.0.1:$port\"\]/\"listen\": [\"127.0.0.1:$port\", \"127.0.0.1:$backend_port\"]/" \
  "$work/good.json" >"$config"
check "  (a config listening on the backend's port passes relay7 -t)" \
  sh -c "'$relay7' -t -c '$config' >/dev/null 2>&1"
if "$relay7" -s reload -c "$config" >"$work/bind-reload.out" 2>&1; then
  fail "relay7 -s reload reports that the master could not bind 127.0.0.1:$backend_port (it exited 0)"
else
  pass "relay7 -s reload reports that the master could not bind 127.0.0.1:$backend_port (exit $?)"
fi
grep -q "127.0.0.1:$backend_port" "$work/bind-reload.out" || show_log "$work/bind-reload.out"
check "  and names the address" grep -q "127.0.0.1:$backend_port" "$work/bind-reload.out"
check "  and the master keeps serving the last good config" \
  test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/reloaded")" = 204
check "  and the error log records the refusal" grep -q 'reload failed' "$logs/error.log"
cp "$work/good.json" "$config"

# --- stop -----------------------------------------------------------------------------------

workers_before=$(ps -o pid= --ppid "$master_pid" | tr -s ' \n' ' ')
if "$relay7" -s quit -c "$config" >"$work/quit.out" 2>&1; then
  pass "relay7 -s quit: $(head -n 1 "$work/quit.out")"
else
  show_log "$work/quit.out"
  fail "relay7 -s quit"
fi
check "the master has exited" wait_for 2 pid_gone "$master_pid"
check "its workers have exited" wait_for 2 sh -c "! kill -0 $workers_before 2>/dev/null"
check "the master removed its pid_file" test ! -e "$pid_file"
check "nothing listens on 127.0.0.1:$port any more" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"
if pid_gone "$master_pid"; then
  wait "$master_pid" 2>/dev/null
  check "the master exited with status 0" test "$?" -eq 0
  master_pid=
fi

# --- purge ----------------------------------------------------------------------------------

if DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq relay7 >"$work/purge.log" 2>&1; then
  pass "apt-get purge relay7"
  installed_by_us=0
else
  show_log "$work/purge.log"
  fail "apt-get purge relay7"
fi
check "the package is gone" sh -c "! dpkg-query -W -f='\${Status}' relay7 2>/dev/null | grep -q installed"
check "$relay7 is gone" test ! -e "$relay7"
check "/etc/relay7 is gone" test ! -e /etc/relay7
check "/var/log/relay7 is gone" test ! -e /var/log/relay7
check "/etc/logrotate.d/relay7 is gone" test ! -e /etc/logrotate.d/relay7
check "the relay7 user and group are gone" sh -c '! getent passwd relay7 && ! getent group relay7'
