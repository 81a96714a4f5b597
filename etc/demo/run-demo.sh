#!/usr/bin/env bash
# `make run`: four demo backends on 2222, 3333, 4444 and 5555 and relay7 on 8080 in front of them
# (the seed tutorial's "block /admin" scenario). Ctrl-C stops everything this script started.
set -euo pipefail
relay7=$1
backend=$2
here=$(cd "$(dirname "$0")" && pwd)
pids=()

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping relay7 and the demo backends"
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

wait_for_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "nothing is listening on port $1" >&2
  return 1
}

for port in 2222 3333 4444 5555; do
  "$backend" --port "$port" >/dev/null &
  pids+=($!)
done
for port in 2222 3333 4444 5555; do
  wait_for_port "$port"
done
"$relay7" -c "$here/relay7-demo.json" &
pids+=($!)
wait_for_port 8080

cat <<'TXT'

relay7 is listening on http://127.0.0.1:8080 in front of four backends (2222 3333 4444 5555).
Try, in another terminal:

  curl -s localhost:8080/hello                 # round robin: run it 4 times, watch "port"
  curl -s localhost:8080/summary/report?day=1  # /summary -> 2222/3333, arrives as /report?day=1
  curl -s localhost:8080/user-data/42          # /user-data -> 4444/5555
  curl -si localhost:8080/admin                # 403 from relay7; the backends never see it
  curl -s 'localhost:8080/big?bytes=10000000' | wc -c   # a streamed 10 MB response

The access log follows below. Press Ctrl-C to stop everything.

TXT
wait -n "${pids[@]}"
