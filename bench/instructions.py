#!/usr/bin/env python3
"""Instructions per proxied request, counted by valgrind's callgrind (issue 14).

Wall-clock numbers on a shared 2-CPU machine move by 10% from run to run; the number of
instructions relay7's worker executes for a fixed number of requests does not. This starts one
nginx backend (the same `return 200` with a 43-byte body as bench/run.py) and runs relay7 with one
worker under callgrind twice, with the same warm-up and then N or 2N requests; the worker's
instruction count when it exits differs by the cost of N requests (start-up, warm-up and shutdown
cancel out). Valgrind's gdbserver does not follow the fork of a worker, so callgrind_control
cannot switch the count on and off in it; the difference needs nothing of it.

    python3 bench/instructions.py [--relay7 build/relay7] [--requests 20000]

Standard library only; every process it starts is stopped by pid.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BODY = "relay7 bench: a small fixed response body."


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def start(argv, log_path, cwd):
    log = open(log_path, "wb")
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                            start_new_session=True)


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def requests_over(port, count, keep_alive):
    """`count` GETs, over one keep-alive connection or each on its own; returns the failures."""
    failed = 0
    conn = None
    for _ in range(count):
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {} if keep_alive else {"Connection": "close"}
        conn.request("GET", "/", headers=headers)
        response = conn.getresponse()
        if response.read() != (BODY + "\n").encode() or response.status != 200:
            failed += 1
        if not keep_alive:
            conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return failed


def total_instructions(dump_path):
    with open(dump_path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {dump_path}")


def worker_instructions(relay7, tmp, relay_port, backend_port, workload):
    """Runs relay7 under callgrind, `workload(port)` against it, stops it; the worker's count."""
    run_dir = tempfile.mkdtemp(dir=tmp)
    config = os.path.join(run_dir, "relay7.json")
    with open(config, "w") as f:
        json.dump({"workers": 1, "pid_file": f"{run_dir}/relay7.pid",
                   "error_log": {"path": f"{run_dir}/relay7-error.log", "level": "warn"},
                   "upstreams": {"backends": {"servers": [f"127.0.0.1:{backend_port}"],
                                              "keepalive": 32}},
                   "servers": [{"listen": [f"127.0.0.1:{relay_port}"],
                                "locations": [{"path": "/", "proxy_pass": "http://backends"}]}]},
                  f)
    relay = start(["valgrind", "--tool=callgrind", f"--callgrind-out-file={run_dir}/out.%p",
                   relay7, "-c", config], os.path.join(run_dir, "relay7.log"), run_dir)
    try:
        wait_port(relay_port, timeout=120)
        workers = []
        deadline = time.time() + 30
        while not workers and time.time() < deadline:
            workers = children(relay.pid)
            time.sleep(0.2)
        if len(workers) != 1:
            raise RuntimeError(f"expected one worker under {relay.pid}, found {workers}")
        failed = workload(relay_port)
    finally:
        stop(relay)
    return total_instructions(os.path.join(run_dir, f"out.{workers[0]}")), failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relay7", default=os.path.join(ROOT, "build/relay7"))
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--keep-tmp", action="store_true")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "nginx"):
        if not shutil.which(tool):
            parser.error(f"{tool} is not installed")
    tmp = tempfile.mkdtemp(prefix="relay7-instructions-")
    os.chmod(tmp, 0o755)
    procs = []
    try:
        backend_port, relay_port = free_port(), free_port()
        user = "user www-data;\n" if os.geteuid() == 0 else ""
        with open(os.path.join(tmp, "nginx.conf"), "w") as f:
            f.write(f"""{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log notice;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_temp;
  proxy_temp_path {tmp}/proxy_temp;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{backend_port};
    location / {{ default_type text/plain; return 200 "{BODY}\\n"; }}
  }}
}}
""")
        procs.append(start(["nginx", "-p", tmp + "/", "-c", os.path.join(tmp, "nginx.conf")],
                           os.path.join(tmp, "nginx.log"), tmp))
        wait_port(backend_port)
        with open(os.path.join(tmp, "relay7.json"), "w") as f:
            json.dump({"workers": 1, "pid_file": f"{tmp}/relay7.pid",
                       "error_log": {"path": f"{tmp}/relay7-error.log", "level": "warn"},
                       "upstreams": {"backends": {"servers": [f"127.0.0.1:{backend_port}"],
                                                  "keepalive": 32}},
                       "servers": [{"listen": [f"127.0.0.1:{relay_port}"],
                                    "locations": [{"path": "/",
                                                   "proxy_pass": "http://backends"}]}]}, f)
        def warm_up(port):
            # Pools, buffers, parser strings, the clock: what the first requests create.
            return requests_over(port, 500, True) + requests_over(port, 100, False)

        results = {}
        for label, keep_alive in (("keepalive", True), ("newconn", False)):
            count = args.requests if keep_alive else max(args.requests // 4, 1000)
            counts = []
            failed = 0
            for n in (count, 2 * count):
                instructions, bad = worker_instructions(
                    args.relay7, tmp, relay_port, backend_port,
                    lambda port, n=n: warm_up(port) + requests_over(port, n, keep_alive))
                counts.append(instructions)
                failed += bad
            results[label] = dict(requests=count, instructions=counts[1] - counts[0],
                                  per_request=(counts[1] - counts[0]) / count, failed=failed)
        commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                                capture_output=True, text=True).stdout.strip()
        print(f"relay7 {commit}: instructions per proxied request (callgrind, one worker)")
        for label, r in results.items():
            print(f"  {label:10s} {r['per_request']:10.0f}  ({r['instructions']} for "
                  f"{r['requests']} more requests, {r['failed']} failed)")
        return 0 if all(r["failed"] == 0 for r in results.values()) else 1
    finally:
        for p in reversed(procs):
            stop(p)
        if args.keep_tmp:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
