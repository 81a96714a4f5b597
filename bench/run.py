#!/usr/bin/env python3
"""relay7 benchmark harness: relay7 against nginx and HAProxy, side by side (issue 7).

Starts four identical backends, then relay7, nginx and HAProxy as reverse proxies with
equivalent configs (all generated into a temporary directory, all on 127.0.0.1), drives each
with wrk round by round (relay7 nginx haproxy relay7 nginx haproxy ...), and prints a table of
medians. See bench/README.md for what each scenario measures and how.

Standard library only. Every process it starts is stopped on exit, by pid (and by the process
group it created for that process), also on Ctrl-C.
"""

import argparse
import ctypes
import datetime
import http.client
import json
import shlex
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WRK_SCRIPT = os.path.join(HERE, "report.lua")
IDLE_CLIENT = os.path.join(HERE, "idle_clients.py")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not between fork and exec
except (OSError, AttributeError):
    _PRCTL = None

SMALL_BODY = "relay7 bench: a small fixed response body.\n"
BIG_PATH = "/1m.bin"
BIG_SIZE = 1 << 20
PROXIES = ("relay7", "nginx", "haproxy")
NOFILE_WANTED = 20000

SCENARIOS = {
    "keepalive": dict(kind="wrk", path="/", connections=50, headers=[],
                      title="small responses over keep-alive client connections "
                            "(upstream pool of 32 for 50 clients)"),
    "keepalive64": dict(kind="wrk", path="/pool64/", connections=50, headers=[],
                        title="small responses over keep-alive client connections "
                              "(upstream pool of 64: covers the 50 clients)"),
    "newconn": dict(kind="wrk", path="/", connections=50, headers=["Connection: close"],
                    title="a new client connection per request (Connection: close)"),
    "big": dict(kind="wrk", path=BIG_PATH, connections=8, headers=[],
                title="1 MiB responses over keep-alive client connections"),
    "idle": dict(kind="idle", path="/",
                 title="idle keep-alive client connections: memory per connection"),
    "iphash": dict(kind="wrk", path="/iphash", connections=50, headers=[],
                   title="small responses, ip_hash upstream, keep-alive clients"),
    "reload": dict(kind="reload", path="/", connections=50, headers=[],
                   title="small responses over keep-alive connections during reloads"),
    # TLS (issue 15): each proxy gets one TLS port per key type, each with one certificate.
    "tls-keepalive": dict(kind="wrk", tls="ecdsa", path="/", connections=50, headers=[],
                          title="small responses over keep-alive TLS connections (ECDSA P-256 "
                                "certificate)"),
    "tls-newconn-ecdsa": dict(kind="handshake", tls="ecdsa", path="/", connections=100,
                              title="a new TLS connection with a full handshake per request, "
                                    "ECDSA P-256 certificate"),
    "tls-newconn-rsa": dict(kind="handshake", tls="rsa", path="/", connections=100,
                            title="a new TLS connection with a full handshake per request, "
                                  "RSA-2048 certificate"),
    "tls-resumed": dict(kind="wrk", tls="ecdsa", per="handshake", path="/", connections=50,
                        headers=["Connection: close"],
                        title="a new TLS connection per request, session resumed (wrk keeps "
                              "each connection's session), ECDSA P-256 certificate"),
    "tls-idle": dict(kind="idle", tls="ecdsa", path="/",
                     title="idle keep-alive TLS connections: memory per connection"),
    # HTTP/2 (issue 16): h2load over TLS, ALPN h2, on a TLS port of its own (listener "h2",
    # the ECDSA certificate), so the HTTP/1.1 TLS ports keep the configs they had.
    "h2-c10-m10": dict(kind="h2", tls="h2", path="/", clients=10, streams=10,
                       title="small responses over HTTP/2 (TLS, ALPN h2): 10 connections, "
                             "10 concurrent streams each"),
    "h2-c1-m100": dict(kind="h2", tls="h2", path="/", clients=1, streams=100,
                       title="small responses over HTTP/2 (TLS, ALPN h2): 1 connection, "
                             "100 concurrent streams"),
}

# Mozilla "intermediate" (5.7), as relay7 has built in (relay7.json(5), TLS).
TLS12_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                 "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                 "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                 "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305")
TLS13_CIPHERS = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
KEY_TYPES = ("ecdsa", "rsa")
# Each proxy's TLS listeners: name -> (certificate key type, whether it offers ALPN h2).
TLS_LISTENERS = {"ecdsa": ("ecdsa", False), "rsa": ("rsa", False), "h2": ("ecdsa", True)}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- /proc ---------------------------------------------------------------------------------

def read_stat(pid):
    """(ppid, pgrp, utime+stime, cutime+cstime) in clock ticks, or None if pid is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data.rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3 of proc(5)), so field N is fields[N - 3].
    if fields[0] in ("Z", "X"):
        return None
    return (int(fields[1]), int(fields[2]), int(fields[11]) + int(fields[12]),
            int(fields[13]) + int(fields[14]))


def all_stats():
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = read_stat(int(name))
            if st is not None:
                stats[int(name)] = st
    return stats


def process_tree(root):
    """root and all of its live descendants: {pid: stat}."""
    stats = all_stats()
    if root not in stats:
        return {}
    children = {}
    for pid, st in stats.items():
        children.setdefault(st[0], []).append(pid)
    tree, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in tree:
            tree[pid] = stats[pid]
            todo.extend(children.get(pid, []))
    return tree


def tree_cpu_ticks(root):
    """CPU time of root and its descendants, live ones plus those already reaped."""
    return sum(st[2] + st[3] for st in process_tree(root).values())


def tree_wchar(root):
    """Bytes the live processes of the tree have written (to sockets and files): with the
    same requests, a full TLS handshake writes the certificate chain and a resumed one not."""
    total = 0
    for pid in process_tree(root):
        try:
            with open(f"/proc/{pid}/io") as f:
                for line in f:
                    if line.startswith("wchar:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def per_item(wchar0, wchar1, count):
    """Bytes written per request or handshake; NaN when nothing was counted: wchar counts
    write() and writev(), not send() or sendmsg(), which HAProxy uses."""
    if wchar1 is None or wchar1 == wchar0 or not count:
        return float("nan")
    return (wchar1 - wchar0) / count


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root):
    return sum(vm_rss_kib(pid) for pid in process_tree(root))


# --- processes -------------------------------------------------------------------------------

class Managed:
    """A process this harness started, in a process group of its own."""

    registry = []

    def __init__(self, name, argv, log_path, cwd):
        self.name, self.argv, self.log_path, self.cwd = name, argv, log_path, cwd
        self.popen = None
        self.exits = []  # (when, returncode) of earlier incarnations

    def start(self):
        logf = open(self.log_path, "ab")
        logf.write(f"\n--- {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode())
        logf.flush()
        self.popen = subprocess.Popen(self.argv, stdout=logf, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, cwd=self.cwd,
                                      start_new_session=True, preexec_fn=pin_for(self.name))
        logf.close()
        if self not in Managed.registry:
            Managed.registry.append(self)
        return self

    @property
    def pid(self):
        return self.popen.pid if self.popen else None

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def returncode(self):
        return self.popen.poll() if self.popen else None

    def signal(self, signum):
        # poll() first: a process we have reaped is never signalled (its pid may be reused).
        if self.alive():
            os.kill(self.popen.pid, signum)
            return True
        return False

    def stop(self, grace=5.0):
        if self.popen is None:
            return
        pid = self.popen.pid
        if self.popen.poll() is None:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.popen.wait(5)
        # Workers left behind by the master (same process group, which this harness created).
        deadline = time.time() + grace
        while time.time() < deadline:
            left = [p for p, st in all_stats().items() if st[1] == pid]
            if not left:
                break
            time.sleep(0.1)
        else:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    @classmethod
    def stop_all(cls):
        for proc in reversed(cls.registry):
            try:
                proc.stop()
            except Exception as e:  # keep stopping the others
                log(f"stopping {proc.name}: {e}")
        cls.registry.clear()


def pin_for(name):
    """What a child does before exec: ask for SIGTERM if this harness dies without cleaning up
    (SIGKILL, say), so no server outlives it; with --pin, the proxies run on the last CPU and
    everything else on the others."""
    cpus = sorted(os.sched_getaffinity(0))
    mine = None
    if ARGS.pin and len(cpus) >= 2:
        mine = {cpus[-1]} if name in PROXIES else set(cpus[:-1])

    def before_exec():
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        if mine:
            os.sched_setaffinity(0, mine)
    return before_exec


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def pick_ports(base, count):
    for start in range(base, 60000 - count, 100):
        ports = list(range(start, start + count))
        if all(port_free(p) for p in ports):
            return ports
    raise RuntimeError("no free block of loopback ports found")


def http_get(port, path, timeout=2.0, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_http(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited with status {proc.returncode()} while "
                               f"starting; see {proc.log_path}")
        try:
            status, _ = http_get(port, "/", timeout=1.0)
            if status == 200:
                return
            last = f"status {status}"
        except OSError as e:
            last = str(e)
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port} ({last})")


def describe_exit(rc):
    if rc is None:
        return "still running"
    if rc < 0:
        try:
            return f"killed by signal {-rc} ({signal.Signals(-rc).name})"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exited with status {rc}"


def tail(path, lines=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


# --- configs ---------------------------------------------------------------------------------

NGINX_TEMP_PATHS = ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path",
                    "uwsgi_temp_path", "scgi_temp_path")


def nginx_common(prefix, workers, nofile, worker_connections):
    user = "user www-data;\n" if os.geteuid() == 0 else ""
    temps = "".join(f"  {d} {prefix}/tmp/{d.split('_')[0]};\n" for d in NGINX_TEMP_PATHS
                    if nginx_has_directive(d))
    return (f"{user}worker_processes {workers};\nworker_rlimit_nofile {nofile};\n"
            f"daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log notice;\n"
            f"events {{ worker_connections {worker_connections}; }}\n", temps)


_NGINX_MODULES = None


def nginx_build_info():
    """What `nginx -V` says (version, configure arguments), read once."""
    global _NGINX_MODULES
    if _NGINX_MODULES is None:
        _NGINX_MODULES = subprocess.run(["nginx", "-V"], capture_output=True, text=True).stderr
    return _NGINX_MODULES


def nginx_has_directive(directive):
    # nginx-light lacks some modules (uwsgi, scgi); their temp path directives are then unknown.
    module = directive.split("_")[0]
    if module in ("client", "proxy"):
        return True
    return f"--without-http_{module}_module" not in nginx_build_info()


def nginx_tls_listen(port, h2):
    """The listen line of a TLS server block, with HTTP/2 as the installed nginx spells it:
    `http2 on;` from 1.25.1 on, the `http2` parameter of `listen` before (Debian 12 has
    1.22). Without the HTTP/2 module nginx would refuse the config; the port then answers
    HTTP/1.1 only and the h2 check before measuring says so."""
    if not h2 or not nginx_has_http2():
        return f"listen 127.0.0.1:{port} ssl backlog=4096;"
    if nginx_version() >= (1, 25, 1):
        return f"listen 127.0.0.1:{port} ssl backlog=4096;\n    http2 on;"
    return f"listen 127.0.0.1:{port} ssl http2 backlog=4096;"


def nginx_has_http2():
    return "--with-http_v2_module" in nginx_build_info()


def nginx_version():
    """(1, 22, 1) for nginx/1.22.1. The `http2` directive is not a module of its own, so
    nginx_has_directive() cannot tell; the version can."""
    for word in nginx_build_info().split():
        if word.startswith("nginx/"):
            return tuple(int(x) for x in word[6:].split(".")[:3] if x.isdigit())
    return (0,)


def backend_nginx_config(prefix, ports, www, workers):
    head, temps = nginx_common(prefix, workers, 4096, 2048)
    servers = "".join(f"""  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location / {{ default_type text/plain; return 200 "{SMALL_BODY.strip()}\\n"; }}
    location = {BIG_PATH} {{ root {www}; }}
  }}
""" for port in ports)
    return f"""{head}http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
{temps}{servers}}}
"""


def relay7_config(d, port, backends, tls=None):
    """tls: None, or {listener: (port, cert, key, h2)}: one TLS server block per listener."""
    servers = [f"127.0.0.1:{p}" for p in backends]
    locations = [
        {"path": "/", "proxy_pass": "http://backends"},
        {"path": "/pool64/", "proxy_pass": "http://backends64"},
        {"path": "/iphash", "proxy_pass": "http://backends_hash"},
        {"path": "/admin", "return": 403},
    ]
    # Everything else is relay7's default: Mozilla intermediate ciphers, X25519/P-256,
    # session tickets, ALPN h2 and http/1.1 (relay7.json(5), TLS). The h2 listener therefore
    # needs no key of its own, as a user's config would not; the HTTP/1.1 ones say
    # "http2": false, so that they offer http/1.1 only, as nginx's and HAProxy's do.
    tls_servers = [dict({
        "listen": [f"127.0.0.1:{tport}"],
        "tls": {"certificates": [{"cert": cert, "key": key}],
                "protocols": ["TLSv1.2", "TLSv1.3"]},
        "locations": locations,
    }, **({} if h2 else {"http2": False})) for tport, cert, key, h2 in (tls or {}).values()]
    return json.dumps({
        "workers": 1,
        "pid_file": f"{d}/relay7.pid",
        "error_log": {"path": f"{d}/error.log", "level": "info"},
        "access_log": {"path": "off"},
        "upstreams": {
            "backends": {"servers": servers, "keepalive": 32},
            "backends64": {"servers": servers, "keepalive": 64},
            "backends_hash": {"balance": "ip_hash", "servers": servers, "keepalive": 32},
        },
        "servers": [{
            "listen": [f"127.0.0.1:{port}"],
            "locations": locations,
        }] + tls_servers,
    }, indent=2) + "\n"


def nginx_proxy_config(d, port, backends, tls=None):
    head, temps = nginx_common(d, 1, NOFILE_WANTED, 16384)
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in backends)
    # The same request headers relay7 sets by default (its man page, HEADERS), so all three
    # proxies do the same work per request.
    proxy = """      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;"""
    locations = f"""    location / {{
      proxy_pass http://backends;
{proxy}
    }}
    location /pool64/ {{
      proxy_pass http://backends64;
{proxy}
    }}
    location /iphash {{
      proxy_pass http://backends_hash;
{proxy}
    }}
    location /admin {{ return 403; }}
"""
    # As nginx's users configure TLS (Mozilla's generator, "intermediate"): the same ciphers
    # and groups as relay7, a shared session cache and tickets. X-Forwarded-Proto is $scheme,
    # so "https" on these blocks.
    tls_servers = "".join(f"""  server {{
    {nginx_tls_listen(tport, h2)}
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers {TLS12_CIPHERS};
    ssl_prefer_server_ciphers off;
    ssl_ecdh_curve X25519:prime256v1;
    ssl_session_cache shared:SSL:10m;
    ssl_session_timeout 1d;
    ssl_session_tickets on;
{locations}  }}
""" for tport, cert, key, h2 in (tls or {}).values())
    return f"""{head}http {{
  access_log off;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  # Stream large responses with backpressure, as relay7 and HAProxy do, instead of spooling
  # them to temporary files on disk.
  proxy_max_temp_file_size 0;
{temps}  upstream backends {{
{servers}    keepalive 32;
    keepalive_requests 1000000;
  }}
  upstream backends64 {{
{servers}    keepalive 64;
    keepalive_requests 1000000;
  }}
  upstream backends_hash {{
    ip_hash;
{servers}    keepalive 32;
    keepalive_requests 1000000;
  }}
  server {{
    listen 127.0.0.1:{port} backlog=4096;
{locations}  }}
{tls_servers}}}
"""


def haproxy_config(d, port, backends, maxconn, nofile, tls=None):
    servers = "".join(f"  server b{i} 127.0.0.1:{p} pool-max-conn 32\n"
                      for i, p in enumerate(backends, 1))
    servers64 = "".join(f"  server b{i} 127.0.0.1:{p} pool-max-conn 64\n"
                        for i, p in enumerate(backends, 1))
    return f"""global
  nbthread 1
  maxconn {maxconn}
  # HAProxy sizes its descriptor limit for two per connection, more than the hard limit of
  # {nofile} here allows for maxconn {maxconn}; an idle client connection needs only one, so let
  # it start with a warning instead of refusing to.
  no strict-limits
  hard-stop-after 30s
{haproxy_tls_global() if tls else ""}
defaults
  mode http
  maxconn {maxconn}
  option forwardfor
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-request 60s
  timeout http-keep-alive 75s
  # On a reload HAProxy 2.6 closes idle client connections at once, racing with the client's
  # next request (a few failed requests per reload under keep-alive load); this keeps them
  # until their next response, which then says "Connection: close", as HAProxy before 2.4 did.
  option idle-close-on-response

frontend fe
  bind 127.0.0.1:{port} backlog 4096
{haproxy_routing("http")}{haproxy_tls_frontend(tls) if tls else ""}
backend backends
  balance roundrobin
{servers}
backend backends64
  balance roundrobin
{servers64}
backend backends_hash
  balance source
{servers}"""


def haproxy_tls_global():
    # As HAProxy's users configure TLS (Mozilla's generator, "intermediate": the client's
    # cipher order, as relay7 and nginx here); tickets and the shared session cache are on by
    # default (the generator turns tickets off; issue 15 wants them on in all three).
    return f"""  ssl-default-bind-ciphers {TLS12_CIPHERS}
  ssl-default-bind-ciphersuites {TLS13_CIPHERS}
  ssl-default-bind-options ssl-min-ver TLSv1.2 prefer-client-ciphers
  ssl-default-bind-curves X25519:P-256
  tune.ssl.default-dh-param 2048
"""


def haproxy_tls_frontend(tls):
    """The same routing as frontend fe, over TLS, X-Forwarded-Proto https; one bind per TLS
    listener, each with its own PEM (certificate and key in one file, as HAProxy wants); the h2
    listener offers ALPN h2 and http/1.1, as HAProxy's users enable HTTP/2."""
    binds = "".join(f"  bind 127.0.0.1:{tport} backlog 4096 ssl crt {pem} "
                    f"alpn {'h2,http/1.1' if h2 else 'http/1.1'} "
                    f"ssl-min-ver TLSv1.2 ciphers {TLS12_CIPHERS}\n"
                    for tport, pem, h2 in tls.values())
    return f"""
frontend fe_tls
{binds}{haproxy_routing("https")}"""


def haproxy_routing(scheme):
    """A frontend's request rules and backends: the same for the plain and the TLS one."""
    return f"""  http-request deny deny_status 403 if {{ path_beg /admin }}
  http-request set-header X-Real-IP %[src]
  http-request set-header X-Forwarded-Proto {scheme}
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  use_backend backends_hash if {{ path_beg /iphash }}
  use_backend backends64 if {{ path_beg /pool64/ }}
  default_backend backends
"""


def make_certificates(tmp):
    """A self-signed ECDSA P-256 and RSA-2048 certificate (openssl CLI): {type: (cert, key,
    pem with both for HAProxy)}."""
    d = os.path.join(tmp, "tls")
    os.makedirs(d)
    os.chmod(d, 0o755)
    out = {}
    for kind, newkey in (("ecdsa", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
                         ("rsa", ["-newkey", "rsa:2048"])):
        cert, key, pem = (os.path.join(d, f"{kind}.{ext}") for ext in ("crt", "key", "pem"))
        r = subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-sha256",
                            "-days", "365", "-subj", "/CN=localhost", "-addext",
                            "subjectAltName=DNS:localhost,IP:127.0.0.1",
                            "-keyout", key, "-out", cert], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"openssl req ({kind}) failed: {r.stderr}")
        with open(pem, "w") as f:
            f.write(open(cert).read() + open(key).read())
        for path in (cert, key, pem):  # nginx workers run as www-data when started as root
            os.chmod(path, 0o644)
        out[kind] = (cert, key, pem)
    return out


def sign_floor(seconds):
    """`openssl speed` sign rates on this machine: {key type: µs per sign}, and the command."""
    argv = ["openssl", "speed", "-seconds", str(seconds), "ecdsap256", "rsa2048"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=20 * seconds + 60,
                       preexec_fn=pin_for("openssl"))
    floor = {}
    for line in r.stdout.splitlines():
        fields = line.split()
        if line.startswith("rsa 2048 bits") and len(fields) >= 7:
            floor["rsa"] = 1e6 / float(fields[5])
        elif "ecdsa (nistp256)" in line and len(fields) >= 8:
            floor["ecdsa"] = 1e6 / float(fields[6])
    if len(floor) != 2:
        log(f"!! could not read `{' '.join(argv)}`: {r.stdout[-500:]} {r.stderr[-500:]}")
    return floor, " ".join(argv)


# --- proxies ---------------------------------------------------------------------------------

class Proxy:
    def __init__(self, name, port, directory, argv, reload_fn, error_log):
        self.name, self.port, self.dir = name, port, directory
        self.proc = Managed(name, argv, os.path.join(directory, "stdout.log"), directory)
        self.reload_fn = reload_fn
        self.error_log = error_log
        self.events = []  # crashes and other notable things, for the report
        self.tls_ports = {}  # TLS listener (TLS_LISTENERS) -> port, when a TLS scenario runs
        self.h2_alpn = None  # what its h2 listener selected when offered h2 and http/1.1

    def start(self):
        self.proc.start()
        try:
            wait_http(self.port, self.proc)
        except RuntimeError as e:
            # The temporary directory goes away at exit: keep what the proxy said.
            raise RuntimeError(f"{e}\n--- {self.error_log}:\n{tail(self.error_log, 20)}"
                               f"--- {self.proc.log_path}:\n{tail(self.proc.log_path, 20)}")

    @property
    def pid(self):
        return self.proc.pid

    def workers(self):
        return sorted(p for p in process_tree(self.proc.pid) if p != self.proc.pid) \
            if self.proc.alive() else []

    def restart(self, where):
        if self.proc.alive():
            self.proc.stop()
        else:
            self.record_exit(where)
        self.start()

    def ensure_running(self, where):
        """Restarts the proxy if it has died, and records that it had."""
        if self.proc.alive():
            return
        self.record_exit(where)
        self.start()

    def record_exit(self, where):
        how = describe_exit(self.proc.returncode())
        self.events.append(dict(where=where, what=f"{self.name} {how}",
                                command=" ".join(self.proc.argv),
                                log=tail(self.error_log) + tail(self.proc.log_path)))
        log(f"!! {self.name} {how} ({where}); restarting it")


def start_proxies(tmp, ports, backends, idle_conns, tls_ports=None, certs=None):
    """tls_ports: None, or {proxy: {TLS listener: port}}; certs: make_certificates()."""
    proxies = {}
    tls_ports = tls_ports or {}

    def tls_for(name, pem=False):
        if name not in tls_ports:
            return None
        out = {}
        for listener, port in tls_ports[name].items():
            cert, key, both = certs[TLS_LISTENERS[listener][0]]
            h2 = TLS_LISTENERS[listener][1]
            out[listener] = (port, both, h2) if pem else (port, cert, key, h2)
        return out
    d = os.path.join(tmp, "relay7")
    os.makedirs(d)
    # A private copy: build/relay7 may be rebuilt while the benchmark runs, and a restart after
    # a crash (or a master that re-executes itself) must run the same binary as the other rounds.
    relay7_bin = os.path.join(d, "relay7")
    shutil.copy2(ARGS.relay7, relay7_bin)
    conf = os.path.join(d, "relay7.json")
    with open(conf, "w") as f:
        f.write(relay7_config(d, ports["relay7"], backends, tls_for("relay7")))

    def relay7_reload(p):
        return "sent SIGHUP" if p.proc.signal(signal.SIGHUP) else "skipped (not running)"
    proxies["relay7"] = Proxy("relay7", ports["relay7"], d, [relay7_bin, "-c", conf],
                              relay7_reload, os.path.join(d, "error.log"))

    d = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(d, "tmp"))
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_proxy_config(d, ports["nginx"], backends, tls_for("nginx")))

    def nginx_reload(p, d=d, conf=conf):
        if not p.proc.alive():
            return "skipped (not running)"
        r = subprocess.run(["nginx", "-q", "-p", d + "/", "-c", conf, "-s", "reload"],
                           capture_output=True, text=True, timeout=10)
        return "nginx -s reload" if r.returncode == 0 else f"nginx -s reload failed: {r.stderr}"
    proxies["nginx"] = Proxy("nginx", ports["nginx"], d, ["nginx", "-p", d + "/", "-c", conf],
                             nginx_reload, os.path.join(d, "error.log"))

    d = os.path.join(tmp, "haproxy")
    os.makedirs(d)
    conf = os.path.join(d, "haproxy.cfg")
    with open(conf, "w") as f:
        f.write(haproxy_config(d, ports["haproxy"], backends, max(idle_conns + 100, 2000),
                               NOFILE, tls_for("haproxy", pem=True)))

    def haproxy_reload(p):
        return "sent SIGUSR2" if p.proc.signal(signal.SIGUSR2) else "skipped (not running)"
    proxies["haproxy"] = Proxy("haproxy", ports["haproxy"], d,
                               ["haproxy", "-W", "-f", conf, "-p", os.path.join(d, "haproxy.pid")],
                               haproxy_reload, os.path.join(d, "stdout.log"))

    for p in proxies.values():
        p.tls_ports = dict(tls_ports.get(p.name, {}))
        log(f"starting {p.name} on 127.0.0.1:{p.port}"
            + "".join(f", TLS {k} on {port}" for k, port in p.tls_ports.items()))
        p.start()
    return proxies


def client_tls_context(alpn=("http/1.1",)):
    """What the harness's own TLS clients use: no verification (self-signed certificates),
    ALPN http/1.1 (an HTTP/1.1 client's offer) unless told otherwise."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(list(alpn))
    return ctx


H2_SETTINGS_NAMES = {1: "HEADER_TABLE_SIZE", 2: "ENABLE_PUSH", 3: "MAX_CONCURRENT_STREAMS",
                     4: "INITIAL_WINDOW_SIZE", 5: "MAX_FRAME_SIZE", 6: "MAX_HEADER_LIST_SIZE",
                     8: "ENABLE_CONNECT_PROTOCOL"}


def alpn_selected(port, offer):
    """(the protocol a TLS server selects from `offer` or None, and when it is h2 the
    parameters of the SETTINGS frame it sends first (RFC 9113, 3.4): {name: value})."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with client_tls_context(offer).wrap_socket(raw, server_hostname="localhost") as tls:
            selected = tls.selected_alpn_protocol()
            if selected != "h2":
                return selected, {}
            # Client preface, then our (empty) SETTINGS frame: length 0, type 4, flags 0.
            tls.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes(9))
            data = b""
            while len(data) < 9 or len(data) < 9 + int.from_bytes(data[:3], "big"):
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
            settings = {}
            if len(data) >= 9 and data[3] == 4:
                payload = data[9:9 + int.from_bytes(data[:3], "big")]
                for i in range(0, len(payload) - 5, 6):
                    ident = int.from_bytes(payload[i:i + 2], "big")
                    settings[H2_SETTINGS_NAMES.get(ident, f"0x{ident:x}")] = \
                        int.from_bytes(payload[i + 2:i + 6], "big")
            return selected, settings


def https_get(port, path, timeout=2.0, session=None, ctx=None):
    """(status, body, ssl object facts) over a fresh TLS connection."""
    ctx = ctx or client_tls_context()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            tls.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n"
                        "Connection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            status = int(head.split(b"\r\n")[0].split()[1])
            info = dict(version=tls.version(), cipher=tls.cipher()[0],
                        alpn=tls.selected_alpn_protocol(), reused=tls.session_reused,
                        session=tls.session)
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return status, body, info


def dechunk(body):
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, body = out + body[:size], body[size + 2:]
    return out


def check_tls(proxies):
    """Each TLS port answers / and /admin like the plain one, selects ALPN http/1.1 when only
    that is offered, and resumes a session (what tls-resumed depends on); the h2 port selects h2
    when offered h2 and http/1.1, as a browser does. Returns (problems, facts)."""
    problems, facts = [], []
    for p in proxies.values():
        for kind, port in p.tls_ports.items():
            try:
                if TLS_LISTENERS[kind][1]:
                    p.h2_alpn, settings = alpn_selected(port, ("h2", "http/1.1"))
                    facts.append(f"{p.name} {kind}: offered h2 and http/1.1, selected "
                                 f"{p.h2_alpn or 'none'}" + (
                                     "; its first SETTINGS: " + ", ".join(
                                         f"{k} {v}" for k, v in settings.items())
                                     + (" (MAX_CONCURRENT_STREAMS absent: unlimited)"
                                        if "MAX_CONCURRENT_STREAMS" not in settings else "")
                                     if p.h2_alpn == "h2" else ""))
                    if p.h2_alpn != "h2":
                        problems.append(f"{p.name} TLS {kind}: offered h2 and http/1.1, "
                                        f"selected {p.h2_alpn or 'none'}: the HTTP/2 "
                                        "scenarios do not measure it")
                ctx = client_tls_context()  # a session resumes only from its own context
                status, body, info = https_get(port, "/", timeout=5, ctx=ctx)
                if status != 200 or body != SMALL_BODY.encode():
                    problems.append(f"{p.name} TLS {kind} GET /: status {status}, body "
                                    f"{body[:80]!r}")
                status2, _, _ = https_get(port, "/admin", timeout=5)
                if status2 != 403:
                    problems.append(f"{p.name} TLS {kind} GET /admin: status {status2}")
                if info["alpn"] != "http/1.1":
                    problems.append(f"{p.name} TLS {kind}: ALPN {info['alpn']!r}")
                _, _, again = https_get(port, "/", timeout=5, session=info["session"], ctx=ctx)
                facts.append(f"{p.name} {kind}: {info['version']} {info['cipher']}, ALPN "
                             f"{info['alpn']}, session resumed on a second connection: "
                             f"{'yes' if again['reused'] else 'NO'}")
                if not again["reused"]:
                    problems.append(f"{p.name} TLS {kind}: a second connection with the "
                                    "first one's session was not resumed")
            except (OSError, ValueError, IndexError) as e:
                problems.append(f"{p.name} TLS {kind}: {e}")
    return problems, facts


def check_equivalence(proxies):
    """Every proxy must answer the same way before anything is measured."""
    problems = []
    for p in proxies.values():
        checks = [("/", 200, SMALL_BODY.encode()), ("/iphash", 200, SMALL_BODY.encode()),
                  ("/pool64/", 200, SMALL_BODY.encode()),
                  (BIG_PATH, 200, None), ("/admin", 403, None), ("/admin/x", 403, None)]
        for path, want_status, want_body in checks:
            try:
                status, body = http_get(p.port, path, timeout=5)
            except OSError as e:
                problems.append(f"{p.name} GET {path}: {e}")
                continue
            if status != want_status:
                problems.append(f"{p.name} GET {path}: status {status}, expected {want_status}")
            if want_body is not None and body != want_body:
                problems.append(f"{p.name} GET {path}: unexpected body {body[:80]!r}")
            if path == BIG_PATH and len(body) != BIG_SIZE:
                problems.append(f"{p.name} GET {path}: {len(body)} bytes, expected {BIG_SIZE}")
    return problems


# --- measurements ----------------------------------------------------------------------------

def run_client(name, argv, seconds, proxy=None, during=None):
    """Runs a load client (wrk, h2load) that stops by itself after `seconds`, killing it 30 s
    later if it has not; samples the proxy's RSS every 250 ms meanwhile and calls `during(t)`
    about every 50 ms. Returns (what it printed, peak RSS of the proxy in KiB)."""
    out_path = os.path.join(TMP, f"{name}.out")
    with open(out_path, "wb") as out:
        client = Managed(name, argv, out_path, TMP)
        client.popen = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=pin_for(name))
        Managed.registry.append(client)
    start = time.time()
    peak_rss, next_sample = 0, 0.0
    while client.popen.poll() is None:
        now = time.time() - start
        if now > seconds + 30:
            client.stop()
            Managed.registry.remove(client)
            raise RuntimeError(f"{name} did not finish in time")
        if proxy and now >= next_sample:
            peak_rss = max(peak_rss, tree_rss_kib(proxy.pid))
            next_sample = now + 0.25
        if during:
            during(now)
        time.sleep(0.05)
    Managed.registry.remove(client)
    with open(out_path, errors="replace") as f:
        return f.read(), peak_rss


def run_wrk(port, path, seconds, connections, headers, proxy=None, during=None, tls=False):
    """Runs wrk; samples the proxy's RSS meanwhile; `during(t)` is called about every 50 ms."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", WRK_SCRIPT]
    for h in headers:
        argv += ["-H", h]
    argv.append(f"{'https' if tls else 'http'}://127.0.0.1:{port}{path}")
    cpu0 = tree_cpu_ticks(proxy.pid) if proxy else 0
    wchar0 = tree_wchar(proxy.pid) if proxy else 0
    text, peak_rss = run_client("wrk", argv, seconds, proxy, during)
    cpu1 = tree_cpu_ticks(proxy.pid) if proxy and proxy.proc.alive() else None
    wchar1 = tree_wchar(proxy.pid) if cpu1 is not None else None
    result = None
    for line in text.splitlines():
        if line.startswith("WRK_RESULT "):
            result = json.loads(line[len("WRK_RESULT "):])
    if result is None:
        raise RuntimeError(f"wrk printed no result: {' '.join(argv)}\n{text}")
    secs = result["duration_us"] / 1e6
    reqs = max(result["requests"], 1)
    result.update(
        rps=result["requests"] / secs,
        mbps=result["bytes"] / secs / 1e6,
        p50_ms=result["p50_us"] / 1000.0,
        p99_ms=result["p99_us"] / 1000.0,
        cpu_us=(cpu1 - cpu0) / CLK_TCK * 1e6 / reqs if cpu1 is not None else float("nan"),
        rss_mib=peak_rss / 1024.0,
        written=per_item(wchar0, wchar1, reqs),
        socket_errors=result["connect"] + result["read"] + result["write"] + result["timeout"],
        failed=result["connect"] + result["read"] + result["write"] + result["timeout"]
        + result["status"],
        argv=shlex.join(argv),
        port=port,
    )
    return result


def h2load_once(port, path, connections):
    """One h2load run: `connections` clients, one request each, so one full handshake each
    (h2load resumes the session when one client reconnects, never across clients or runs)."""
    argv = ["h2load", "--h1", "-t1", f"-c{connections}", f"-n{connections}",
            "-H", "Connection: close", f"https://127.0.0.1:{port}{path}"]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL, preexec_fn=pin_for("h2load"))
    out = dict(done=0, succeeded=0, failed=connections, status_2xx=0, protocol="?",
               cipher="?", temp_key="?", argv=shlex.join(argv), text=r.stdout + r.stderr)
    for line in r.stdout.splitlines():
        fields = line.replace(",", "").split()
        if line.startswith("requests:"):
            # requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout
            out.update(done=int(fields[5]), succeeded=int(fields[7]), failed=int(fields[9]))
        elif line.startswith("status codes:"):
            out["status_2xx"] = int(fields[2])
        elif line.startswith("TLS Protocol:"):
            out["protocol"] = fields[2]
        elif line.startswith("Cipher:"):
            out["cipher"] = fields[1]
        elif line.startswith("Server Temp Key:"):
            out["temp_key"] = " ".join(fields[3:5])
    return out


def run_handshakes(proxy, port, path, seconds, connections, measure=True):
    """Full TLS handshakes for `seconds`: h2load runs one after the other, each with
    `connections` new clients doing one request. Proxy CPU per handshake."""
    cpu0 = tree_cpu_ticks(proxy.pid)
    wchar0 = tree_wchar(proxy.pid)
    start = time.time()
    handshakes = failed = runs = 0
    peak_rss = 0
    first = None
    while time.time() - start < seconds:
        res = h2load_once(port, path, connections)
        runs += 1
        first = first or res
        handshakes += res["status_2xx"]
        failed += connections - res["status_2xx"]
        if measure:
            peak_rss = max(peak_rss, tree_rss_kib(proxy.pid))
        if res["done"] == 0:
            raise RuntimeError(f"h2load completed no request: {res['argv']}\n{res['text'][-1500:]}")
    elapsed = time.time() - start
    cpu1 = tree_cpu_ticks(proxy.pid) if proxy.proc.alive() else None
    wchar1 = tree_wchar(proxy.pid) if cpu1 is not None else None
    return dict(handshakes=handshakes, hps=handshakes / elapsed, runs=runs, failed=failed,
                written=per_item(wchar0, wchar1, handshakes),
                cpu_us=(cpu1 - cpu0) / CLK_TCK * 1e6 / max(handshakes, 1)
                if cpu1 is not None else float("nan"),
                rss_mib=peak_rss / 1024.0, protocol=first["protocol"], cipher=first["cipher"],
                temp_key=first["temp_key"], argv=first["argv"], port=port)


def percentile(sorted_values, q):
    """Nearest-rank percentile (the smallest value with at least q % of them at or below it)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil(n * q / 100)
    return sorted_values[int(rank) - 1]


def parse_h2load(text):
    """The numbers h2load prints at the end (nghttp2 1.52): protocol, request and status counts,
    its own req/s."""
    out = dict(protocol=None, tls_version="?", cipher="?", rps=float("nan"), done=0,
               succeeded=0, failed=0, errored=0, timeout=0, status_2xx=0)
    for line in text.splitlines():
        fields = line.replace(",", "").split()
        if line.startswith("Application protocol:"):
            out["protocol"] = fields[2] if len(fields) > 2 else None
        elif line.startswith("TLS Protocol:"):
            out["tls_version"] = fields[2]
        elif line.startswith("Cipher:"):
            out["cipher"] = fields[1]
        elif line.startswith("finished in"):
            # finished in 5.00s, 12345.67 req/s, 1.23MB/s
            out["rps"] = float(fields[3])
        elif line.startswith("requests:"):
            # requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout
            out.update(done=int(fields[5]), succeeded=int(fields[7]), failed=int(fields[9]),
                       errored=int(fields[11]), timeout=int(fields[13]))
        elif line.startswith("status codes:"):
            out["status_2xx"] = int(fields[2])
    return out


def run_h2load(proxy, port, path, seconds, clients, streams, measure=True):
    """h2load over TLS for `seconds` (timing-based, -D): `clients` connections with `streams`
    concurrent streams each. h2load offers ALPN h2 and http/1.1, as a browser does; a run that
    did not negotiate h2, or in which any request failed or answered other than 2xx, is an
    error, not a number. Latency percentiles come from h2load's per-request log."""
    log_path = os.path.join(TMP, "h2load.tsv")
    if os.path.exists(log_path):
        os.unlink(log_path)  # h2load appends to its log file
    argv = ["h2load", "-t1", f"-c{clients}", f"-m{streams}", "-D", str(seconds),
            "--log-file", log_path, f"https://127.0.0.1:{port}{path}"]
    cpu0 = tree_cpu_ticks(proxy.pid)
    text, peak_rss = run_client("h2load", argv, seconds, proxy if measure else None)
    cpu1 = tree_cpu_ticks(proxy.pid) if proxy.proc.alive() else None
    res = parse_h2load(text)
    command = shlex.join(argv).replace(f" --log-file {log_path}", " --log-file LOG")
    if res["protocol"] != "h2":
        raise RuntimeError(f"h2load did not negotiate h2 with {proxy.name} (application "
                           f"protocol: {res['protocol'] or 'none'}): {command}\n{text[-1500:]}")
    # Per request: start time (µs since the epoch), status (-1: the stream failed), µs from
    # the request's start to the end of its response.
    latencies, other = [], 0
    with open(log_path) as f:
        for row in f:
            fields = row.split("\t")
            if len(fields) >= 3 and fields[1].startswith("2"):
                latencies.append(int(fields[2]))
            else:
                other += 1
    os.unlink(log_path)
    latencies.sort()
    bad = max(res["done"] - res["status_2xx"], res["failed"], res["errored"], res["timeout"],
              other)
    if bad or not res["status_2xx"]:
        raise RuntimeError(f"{bad} of {res['done']} requests failed or were not 2xx through "
                           f"{proxy.name} (h2load: {res['succeeded']} succeeded, {res['failed']} "
                           f"failed, {res['errored']} errored, {res['timeout']} timeout, "
                           f"{res['status_2xx']} 2xx; log: {other} rows not 2xx): "
                           f"{command}\n{text[-1500:]}")
    if len(latencies) != res["status_2xx"]:
        raise RuntimeError(f"h2load logged {len(latencies)} 2xx responses but counted "
                           f"{res['status_2xx']}: {command}")
    res.update(
        requests=res["status_2xx"],
        p50_ms=percentile(latencies, 50) / 1000.0,
        p99_ms=percentile(latencies, 99) / 1000.0,
        cpu_us=(cpu1 - cpu0) / CLK_TCK * 1e6 / res["status_2xx"]
        if cpu1 is not None else float("nan"),
        rss_mib=peak_rss / 1024.0,
        argv=command, port=port)
    return res


def settled_rss_kib(proxy, timeout=5.0):
    """The proxy's RSS once it stops moving (a fresh HAProxy master re-executes itself, for
    one, and shrinks a moment after it starts serving)."""
    deadline = time.time() + timeout
    last = tree_rss_kib(proxy.pid)
    while time.time() < deadline:
        time.sleep(0.3)
        now = tree_rss_kib(proxy.pid)
        if abs(now - last) <= max(64, last // 200):
            return now
        last = now
    return last


def warm_up(port, requests=200, tls=False):
    """A few requests on one keep-alive connection and a few on new ones, so that buffers,
    pools and upstream connections the proxy creates once are there before measuring."""
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=5,
                                           context=client_tls_context())
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        for _ in range(requests):
            conn.request("GET", "/")
            conn.getresponse().read()
    finally:
        conn.close()
    for _ in range(20):
        if tls:
            https_get(port, "/", timeout=5)
        else:
            http_get(port, "/", timeout=5)


def run_idle(proxy, connections, tls=None):
    port = proxy.tls_ports[tls] if tls else proxy.port
    warm_up(port, tls=bool(tls))
    before = settled_rss_kib(proxy)
    argv = [sys.executable, IDLE_CLIENT, "--port", str(port), "--connections",
            str(connections), "--hold", "120"] + (["--tls"] if tls else [])
    client = Managed("idle-client", argv, os.path.join(TMP, "idle.log"), TMP)
    client.popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.PIPE, text=True, start_new_session=True,
                                    preexec_fn=pin_for("idle-client"))
    Managed.registry.append(client)
    ready = {}

    def read_ready():
        ready["line"] = client.popen.stdout.readline()
    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    reader.join(90)
    line = ready.get("line", "")
    if not line.startswith("READY"):
        client.stop()
        Managed.registry.remove(client)
        raise RuntimeError(f"idle client did not get ready: {line!r} "
                           f"{client.popen.stderr.read()[-2000:] if client.popen.stderr else ''}")
    fields = dict(kv.split("=", 1) for kv in line.split()[1:4])
    time.sleep(0.5)
    after = settled_rss_kib(proxy)
    alive = proxy.proc.alive()
    after2 = tree_rss_kib(proxy.pid)
    try:
        out, err = client.popen.communicate("close\n", timeout=60)
    except subprocess.TimeoutExpired:
        client.stop()
        out, err = "", "idle client did not exit"
    Managed.registry.remove(client)
    closed = 0
    for l in out.splitlines():
        if l.startswith("CLOSED"):
            closed = int(l.split("=", 1)[1])
    ok = int(fields["ok"])
    if not alive or not proxy.proc.alive():
        after = after2 = float("nan")
    return dict(ok=ok, failed=int(fields["failed"]), first_error=fields.get("first_error", "-"),
                rss_before_mib=before / 1024.0, rss_after_mib=max(after, after2) / 1024.0,
                kib_per_conn=(max(after, after2) - before) / ok if ok else float("nan"),
                closed_by_server=closed, alive=alive, argv=" ".join(argv), stderr=err[-2000:],
                port=port)


# --- scenarios -------------------------------------------------------------------------------

def guarded(proxy, where, action):
    """Runs one measurement; a harness-level failure (a proxy that cannot be restarted, a
    client that hangs) is recorded and the run goes on with the next one."""
    try:
        return action()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        proxy.events.append(dict(where=where, what=f"measurement failed: {e}".strip(),
                                 command="", log=tail(proxy.error_log, 15)
                                 + tail(proxy.proc.log_path, 15)))
        log(f"!! {proxy.name} {where}: {e}")
        return None


def scenario_wrk(name, spec, proxies, rounds, seconds, warmup):
    """The wrk scenarios, plain or TLS, the full-handshake ones (kind "handshake", h2load) and
    the HTTP/2 ones (kind "h2", h2load)."""
    results = {p: [] for p in proxies}
    tls = spec.get("tls")
    if spec["kind"] == "h2":
        # A proxy whose h2 port did not select h2 before measuring is not run at all: h2load
        # would fall back to HTTP/1.1, which is not what this scenario measures.
        for p in list(proxies.values()):
            if p.h2_alpn != "h2":
                p.events.append(dict(where=name, what="not measured: its h2 port selected ALPN "
                                     f"{p.h2_alpn or 'none'} when offered h2 and http/1.1",
                                     command="", log=""))
                log(f"!! {name}: {p.name} does not negotiate h2 (ALPN {p.h2_alpn or 'none'}); "
                    "not measured")
        proxies = {n: p for n, p in proxies.items() if p.h2_alpn == "h2"}

    def measure(p, secs, proxy):
        port = p.tls_ports[tls] if tls else p.port
        if spec["kind"] == "h2":
            return run_h2load(p, port, spec["path"], secs, spec["clients"], spec["streams"],
                              measure=proxy is not None)
        if spec["kind"] == "handshake":
            res = run_handshakes(p, port, spec["path"], secs, spec["connections"],
                                 measure=proxy is not None)
            res["sign_us"] = SIGN_FLOOR.get(tls, float("nan"))
            res["cpu_per_sign"] = res["cpu_us"] / res["sign_us"]
            return res
        return run_wrk(port, spec["path"], secs, spec["connections"], spec["headers"], proxy,
                       tls=bool(tls))

    def describe(res):
        if spec["kind"] == "handshake":
            return (f"{res['hps']:9.0f} handshakes/s ({res['runs']} h2load runs) cpu "
                    f"{res['cpu_us']:.1f} us/handshake = {res['cpu_per_sign']:.2f} signs, "
                    f"{res['protocol']} {res['cipher']} {res['temp_key']}, failed "
                    f"{res['failed']}", f"{res['failed']} failed handshakes or requests")
        if spec["kind"] == "h2":
            return (f"{res['rps']:9.0f} req/s p50 {res['p50_ms']:.2f} ms p99 {res['p99_ms']:.2f} "
                    f"ms cpu {res['cpu_us']:.1f} us/req rss {res['rss_mib']:.1f} MiB, "
                    f"{res['requests']} requests, all 2xx over {res['protocol']} "
                    f"({res['tls_version']} {res['cipher']})", "")
        return (f"{res['rps']:9.0f} req/s {res['mbps']:8.1f} MB/s "
                f"p50 {res['p50_ms']:.2f} ms p99 {res['p99_ms']:.2f} ms "
                f"cpu {res['cpu_us']:.1f} us/req rss {res['rss_mib']:.1f} MiB "
                f"failed {res['failed']}",
                f"{res['failed']} failed requests (connect {res['connect']}, read "
                f"{res['read']}, write {res['write']}, timeout {res['timeout']}, non-2xx/3xx "
                f"{res['status']})")
    if warmup:
        for p in proxies.values():
            guarded(p, f"{name} warm-up", lambda p=p: (
                p.ensure_running(f"{name} warm-up"), measure(p, 1, None)))
    for r in range(1, rounds + 1):
        for p in proxies.values():
            res = guarded(p, f"{name} round {r}", lambda p=p: (
                p.ensure_running(f"{name} round {r}"), measure(p, seconds, p))[1])
            if res is None:
                continue
            results[p.name].append(res)
            line, failure = describe(res)
            log(f"{name} round {r} {p.name:8s} {line}")
            if res.get("failed"):
                p.events.append(dict(where=f"{name} round {r}", what=failure,
                                     command=res["argv"], log=tail(p.error_log, 15)))
            if not p.proc.alive():
                p.ensure_running(f"{name} round {r} (died during the run)")
    return results


def scenario_idle(name, spec, proxies, rounds, connections):
    results = {p: [] for p in proxies}
    for r in range(1, rounds + 1):
        for p in proxies.values():
            # Freed memory is not given back to the system (by any of the three), so every round
            # starts on a fresh process: otherwise a second round reuses the first one's heap.
            res = guarded(p, f"{name} round {r}", lambda p=p: (
                p.restart(f"{name} round {r}"), run_idle(p, connections, spec.get("tls")))[1])
            if res is None:
                continue
            results[p.name].append(res)
            log(f"{name} round {r} {p.name:8s} ok {res['ok']} failed {res['failed']} "
                f"rss {res['rss_before_mib']:.1f} -> {res['rss_after_mib']:.1f} MiB = "
                f"{res['kib_per_conn']:.2f} KiB/conn, closed by proxy {res['closed_by_server']}")
            if res["failed"] or res["closed_by_server"] or not res["alive"]:
                p.events.append(dict(where=f"{name} round {r}",
                                     what=f"{res['failed']} connections failed (first: "
                                          f"{res['first_error']}), {res['closed_by_server']} "
                                          f"closed by the proxy while idle, alive: {res['alive']}",
                                     command=res["argv"], log=tail(p.error_log, 15)))
            if not p.proc.alive():
                p.ensure_running(f"{name} round {r} (died during the run)")
            time.sleep(0.5)
    for p in proxies.values():  # the next scenarios' RSS column starts from a fresh heap too
        guarded(p, f"after {name}", lambda p=p: p.restart(f"after {name}"))
    return results


def scenario_reload(name, spec, proxies, rounds, seconds, reloads, interval):
    results = {p: [] for p in proxies}
    run_seconds = max(seconds, int(reloads * interval + 2.999))
    for r in range(1, rounds + 1):
        for p in proxies.values():
            if guarded(p, f"{name} round {r}", lambda p=p: (
                    p.ensure_running(f"{name} round {r}"), True)[1]) is None:
                continue
            state = dict(sent=0, outcomes={}, died_after=None, worker_sets=set())
            state["worker_sets"].add(tuple(p.workers()))

            def during(t, p=p, state=state):
                due = 1.0 + state["sent"] * interval
                if state["sent"] < reloads and t >= due:
                    if state["died_after"] is None and not p.proc.alive():
                        state["died_after"] = state["sent"]
                    outcome = p.reload_fn(p)
                    state["sent"] += 1
                    state["outcomes"][outcome] = state["outcomes"].get(outcome, 0) + 1
                if p.proc.alive():
                    state["worker_sets"].add(tuple(p.workers()))
            res = guarded(p, f"{name} round {r}", lambda p=p, during=during: run_wrk(
                p.port, spec["path"], run_seconds, spec["connections"], spec["headers"], p,
                during))
            if res is None:
                continue
            if state["died_after"] is None and not p.proc.alive():
                state["died_after"] = state["sent"]
            res["reloads"] = state["sent"]
            res["reload_outcomes"] = state["outcomes"]
            res["died_after_reloads"] = state["died_after"]
            res["rc"] = p.proc.returncode()
            res["worker_generations"] = len({w for ws in state["worker_sets"] for w in ws})
            results[p.name].append(res)
            log(f"{name} round {r} {p.name:8s} {res['rps']:9.0f} req/s, {res['reloads']} reloads "
                f"{res['reload_outcomes']}, failed {res['failed']} (connect {res['connect']}, "
                f"read {res['read']}, write {res['write']}, timeout {res['timeout']}, "
                f"non-2xx/3xx {res['status']}), worker pids seen {res['worker_generations']}"
                + (f", DIED after {res['died_after_reloads']} reload(s): {describe_exit(res['rc'])}"
                   if res["died_after_reloads"] is not None else ""))
            if res["failed"] or res["died_after_reloads"] is not None:
                p.events.append(dict(where=f"{name} round {r}",
                                     what=f"{res['failed']} failed requests during "
                                          f"{res['reloads']} reloads ({res['reload_outcomes']})"
                                     + (f"; the process was gone after {res['died_after_reloads']}"
                                        f" reload(s): {describe_exit(res['rc'])}"
                                        if res["died_after_reloads"] is not None else ""),
                                     command=res["argv"], log=tail(p.error_log, 15)))
            if not p.proc.alive():
                # Not a separate crash event: the line above already says so.
                guarded(p, f"{name} round {r} restart", p.start)
            time.sleep(1.0)  # let old workers finish
    return results


def scan_error_log(proxy):
    """Counts warning-or-worse lines of a proxy's logs; HAProxy's start-up notes are expected."""
    levels = ("[warn]", "[warning]", "[error]", "[crit]", "[critical]", "[alert]", "[emerg]")
    count, sample = 0, ""
    for path in {proxy.error_log, proxy.proc.log_path}:
        try:
            with open(path, errors="replace") as f:
                for line in f:
                    low = line.lower()
                    if proxy.name == "haproxy":
                        # HAProxy logs every reload and stop at warning level; those, and the FD
                        # limit warning explained in haproxy_config(), are expected. A worker
                        # that exits with anything but 0 (or 143 when stopped) is not.
                        expected = ("fd limit", "stopped (cumulated conns", "exiting master",
                                    "all workers exited", "exited with code 0 ",
                                    "exited with code 143 ")
                        if any(e in low for e in expected):
                            continue
                        hit = "[warning]" in low or "[alert]" in low
                    else:
                        hit = any(level in low for level in levels)
                    if hit:
                        count += 1
                        sample = sample or line.strip()[:200]
        except OSError:
            pass
    return count, sample


# --- report ----------------------------------------------------------------------------------

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    if b == 0 or b != b or a != a:
        return "n/a"
    return f"{a / b:.2f}x"


def table(columns, rows, medians):
    """columns: [(header, key, fmt)]; rows: proxy names; medians: {proxy: {key: value}}."""
    out = ["| proxy | " + " | ".join(c[0] for c in columns) + " |",
           "|---|" + "---:|" * len(columns)]
    nan = float("nan")
    for p in rows:
        out.append(f"| {p} | " + " | ".join(c[2].format(medians[p].get(c[1], nan))
                                            for c in columns) + " |")
    for other in ("nginx", "haproxy"):
        out.append(f"| relay7/{other} | " + " | ".join(
            ratio(medians["relay7"].get(c[1], nan), medians[other].get(c[1], nan))
            if c[1] not in NO_RATIO else "" for c in columns) + " |")
    return out


NO_RATIO = {"failed", "ok", "closed_by_server", "failed_total", "requests"}
SIGN_FLOOR, SIGN_FLOOR_CMD, TLS_FACTS = {}, "", []


def report(all_results, params, machine, proxies, started, finished):
    lines = [f"Run of {started:%Y-%m-%d %H:%M} UTC ({(finished - started).seconds // 60} min "
             f"{(finished - started).seconds % 60} s); {params}.", "",
             f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), kernel {machine['kernel']}, "
             f"load average {machine['load_before']} before and {machine['load_after']} after "
             f"the run. {machine['versions']}.", "",
             "Medians over the rounds. Ratios are relay7 divided by the other proxy: above 1 is "
             "better for req/s and MB/s, below 1 is better for latency, CPU and memory.", ""]
    for name, (spec, results) in all_results.items():
        lines.append(f"### {name}: {spec['title']}")
        lines.append("")
        done = [p for p in PROXIES if results[p]]
        if not done:
            lines += ["No round completed: see the failures below.", ""]
            continue
        first = results[done[0]][0]
        keys = {k for rs in results.values() for r in rs for k, v in r.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)}
        med = {}
        for p, rs in results.items():
            med[p] = {k: median([r.get(k) for r in rs]) for k in keys}
            med[p]["failed_total"] = sum(r.get("failed", 0) for r in rs)
        incomplete = [f"{p} {len(results[p])} of {ARGS.rounds}" for p in PROXIES
                      if len(results[p]) != ARGS.rounds]
        if incomplete:
            lines += [f"Rounds completed: {', '.join(incomplete)} (see the failures below).", ""]
        first_port = str(first.get("port", proxies[done[0]].port))
        if spec["kind"] == "wrk":
            lines.append(f"`{first['argv'].replace(WRK_SCRIPT, 'bench/report.lua')}`"
                         .replace(first_port, "PORT"))
            lines.append("")
            per = spec.get("per", "req")  # tls-resumed: one resumed handshake per request
            cols = [(f"{per}s/s" if per != "req" else "req/s", "rps", "{:.0f}")]
            if name == "big":
                cols.append(("MB/s", "mbps", "{:.0f}"))
            cols += [("p50 ms", "p50_ms", "{:.3f}"), ("p99 ms", "p99_ms", "{:.3f}"),
                     (f"CPU µs/{per}", "cpu_us", "{:.1f}"), ("peak RSS MiB", "rss_mib", "{:.1f}")]
            if spec.get("tls"):
                cols.append((f"bytes written/{per}", "written", "{:.0f}"))
            cols.append(("failed (all rounds)", "failed_total", "{:d}"))
            lines += table(cols, PROXIES, med)
        elif spec["kind"] == "handshake":
            lines.append(f"`{first['argv']}`".replace(first_port, "PORT") + " run again and "
                         f"again for {ARGS.duration} s (one full handshake per client); "
                         f"negotiated: {first['protocol']} {first['cipher']}, key exchange "
                         f"{first['temp_key']}. Floor: `{SIGN_FLOOR_CMD}` on this machine, "
                         f"{SIGN_FLOOR.get(spec['tls'], float('nan')):.1f} µs per "
                         f"{spec['tls'].upper()} sign.")
            lines.append("")
            cols = [("handshakes/s", "hps", "{:.0f}"), ("CPU µs/handshake", "cpu_us", "{:.1f}"),
                    ("CPU/handshake in signs", "cpu_per_sign", "{:.2f}"),
                    ("peak RSS MiB", "rss_mib", "{:.1f}"),
                    ("bytes written/handshake", "written", "{:.0f}"),
                    ("failed (all rounds)", "failed_total", "{:d}")]
            lines += table(cols, PROXIES, med)
        elif spec["kind"] == "h2":
            lines.append(f"`{first['argv']}`".replace(first_port, "PORT") + f"; negotiated "
                         f"{first['protocol']} over {first['tls_version']} {first['cipher']}. "
                         "req/s is h2load's; p50 and p99 are nearest-rank percentiles of the "
                         "per-request times in its `--log-file`; a round with any failed or "
                         "non-2xx request, or without h2, counts as failed, not as a number.")
            lines.append("")
            cols = [("req/s", "rps", "{:.0f}"), ("p50 ms", "p50_ms", "{:.3f}"),
                    ("p99 ms", "p99_ms", "{:.3f}"), ("CPU µs/req", "cpu_us", "{:.1f}"),
                    ("peak RSS MiB", "rss_mib", "{:.1f}"), ("requests/round", "requests", "{:.0f}")]
            lines += table(cols, PROXIES, med)
        elif spec["kind"] == "idle":
            lines.append(f"`bench/idle_clients.py --connections {params_idle(first)}"
                         f"{' --tls' if spec.get('tls') else ''}`: "
                         "proxy RSS before and with the connections open.")
            lines.append("")
            cols = [("connections", "ok", "{:.0f}"), ("RSS before MiB", "rss_before_mib", "{:.1f}"),
                    ("RSS after MiB", "rss_after_mib", "{:.1f}"),
                    ("KiB per connection", "kib_per_conn", "{:.2f}"),
                    ("closed by proxy", "closed_by_server", "{:.0f}")]
            lines += table(cols, PROXIES, med)
        else:
            r0 = first
            lines.append(f"`{r0['argv'].replace(WRK_SCRIPT, 'bench/report.lua')}`"
                         .replace(str(proxies[done[0]].port), "PORT")
                         + f", {r0['reloads']} reloads {ARGS.reload_interval} s apart "
                         "from its first second on")
            lines.append("")
            cols = [("req/s", "rps", "{:.0f}"), ("p50 ms", "p50_ms", "{:.3f}"),
                    ("p99 ms", "p99_ms", "{:.3f}"), ("failed (median)", "failed", "{:.0f}"),
                    ("failed (all rounds)", "failed_total", "{:d}")]
            lines += table(cols, PROXIES, med)
            lines.append("")
            for p in done:
                rs = results[p]
                died = [r["died_after_reloads"] for r in rs if r["died_after_reloads"] is not None]
                outcomes = {}
                for r in rs:
                    for k, v in r["reload_outcomes"].items():
                        outcomes[k] = outcomes.get(k, 0) + v
                how = ", ".join(f"{k} ({v}x)" for k, v in outcomes.items())
                lines.append(f"- {p}: {how}; " + (
                    f"the process was gone after {died[0]} reload(s) in {len(died)} of {len(rs)} "
                    f"round(s) ({describe_exit(next(r['rc'] for r in rs if r['died_after_reloads'] is not None))}), "
                    "so its reload is unsupported or broken (wrk's error counts then count "
                    "attempts on a closed port, not requests)"
                    if died else f"still serving after every reload; {median([r['worker_generations'] for r in rs]):.0f} "
                    "distinct worker pids seen per round") + "; failed per round: "
                    + ", ".join(str(r["failed"]) for r in rs)
                    + " (over all rounds: " + ", ".join(
                        f"{k} {sum(r[k] for r in rs)}" for k in
                        ("connect", "read", "write", "timeout")) + ", non-2xx/3xx "
                    + f"{sum(r['status'] for r in rs)})")
        lines.append("")
    if TLS_FACTS:
        lines.append("### TLS check before measuring")
        lines.append("")
        lines += [f"- {fact}" for fact in TLS_FACTS]
        lines.append("")
    events = [(p.name, e) for p in proxies.values() for e in p.events]
    if events:
        lines.append("### Failures and anomalies seen during the run")
        lines.append("")
        for name, e in events:
            lines.append(f"- {name}, {e['where']}: {e['what']}")
        lines.append("")
    return "\n".join(lines)


def params_idle(first):
    return first["argv"].split("--connections ")[1].split()[0]


def machine_info():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(argv):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except Exception as e:
            return f"{argv[0]}: {e}"
    commit = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    return dict(nproc=os.cpu_count(), cpu=cpu, kernel=platform.release(),
                load_before=" ".join(open("/proc/loadavg").read().split()[:3]),
                versions="; ".join([
                    f"relay7 {commit} ({version([os.path.abspath(ARGS.relay7), '--version'])})",
                    version(["nginx", "-v"]), " ".join(version(["haproxy", "-v"]).split()[:3]),
                    version(["wrk", "-v"]).split(" [")[0]]
                    + ([version(["h2load", "--version"])] if shutil.which("h2load") else [])))


# --- backends --------------------------------------------------------------------------------

def start_backends(kind, ports, tmp, workers):
    www = os.path.join(tmp, "www")
    os.makedirs(www, exist_ok=True)
    with open(os.path.join(www, BIG_PATH.lstrip("/")), "wb") as f:
        f.write(bytes((i * 7 + 13) % 251 for i in range(256)) * (BIG_SIZE // 256))
    procs = []
    if kind == "nginx":
        d = os.path.join(tmp, "backends")
        os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(backend_nginx_config(d, ports, www, workers))
        procs.append(Managed("backend-nginx", ["nginx", "-p", d + "/", "-c", conf],
                             os.path.join(d, "stdout.log"), d).start())
    else:
        demo = os.path.abspath(ARGS.demo_backend)
        for port in ports:
            procs.append(Managed(f"backend-{port}", [demo, "--port", str(port)],
                                 os.path.join(tmp, f"backend-{port}.log"), tmp).start())
    for port in ports:
        wait_http(port, None)
    return procs


def compare_backends():
    """Drives the nginx backend and relay7-demo-backend directly with wrk, for bench/README.md."""
    ports = pick_ports(ARGS.base_port, 8)
    start_backends("nginx", ports[:4], TMP, ARGS.backend_workers)
    start_backends("demo", ports[4:], TMP, 1)
    seconds = ARGS.duration
    for r in range(ARGS.rounds):
        for kind, port in (("nginx", ports[0]), ("relay7-demo-backend", ports[4])):
            res = run_wrk(port, "/", seconds, 50, [])
            print(f"round {r + 1} {kind:20s} {res['rps']:9.0f} req/s p50 {res['p50_ms']:.3f} ms "
                  f"p99 {res['p99_ms']:.3f} ms", flush=True)


# --- main ------------------------------------------------------------------------------------

def raise_nofile():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = NOFILE_WANTED if hard == resource.RLIM_INFINITY else min(hard, NOFILE_WANTED)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main():
    global ARGS, TMP
    parser = argparse.ArgumentParser(description="relay7 vs nginx vs HAProxy (bench/README.md)")
    parser.add_argument("--relay7", default=os.path.join(ROOT, "build/relay7"))
    parser.add_argument("--demo-backend", default=os.path.join(ROOT, "build/relay7-demo-backend"))
    parser.add_argument("--backend", choices=("nginx", "demo"), default="nginx",
                        help="what serves as the four backends (default nginx)")
    parser.add_argument("--backend-workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=None, help="rounds per scenario (3)")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run (5)")
    parser.add_argument("--scenarios", default="",
                        help="space- or comma-separated subset of: " + " ".join(SCENARIOS))
    parser.add_argument("--idle-connections", type=int, default=None, help="(10000)")
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--reload-interval", type=float, default=None,
                        help="seconds between two reloads (0.25)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 1 round of 1 s, 1000 idle connections, reloads 0.1 s apart")
    parser.add_argument("--base-port", type=int, default=21000)
    parser.add_argument("--out", default=os.path.join(ROOT, "build/bench/latest.md"),
                        help="where to write the Markdown report (and .json beside it)")
    parser.add_argument("--pin", action="store_true",
                        help="run the proxies on the last CPU, backends and clients on the others")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the temporary directory")
    parser.add_argument("--compare-backends", action="store_true",
                        help="only measure the two possible backends directly")
    ARGS = parser.parse_args()

    quick = ARGS.quick
    rounds = ARGS.rounds or (1 if quick else 3)
    seconds = ARGS.duration or (1 if quick else 5)
    ARGS.rounds, ARGS.duration = rounds, seconds
    idle_conns = ARGS.idle_connections or (1000 if quick else 10000)
    interval = ARGS.reload_interval or (0.1 if quick else 0.25)
    ARGS.reload_interval = interval
    chosen = [s for s in ARGS.scenarios.replace(",", " ").split() if s] or list(SCENARIOS)
    unknown = [s for s in chosen if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {' '.join(unknown)}; known: {' '.join(SCENARIOS)}")
    tls_chosen = [s for s in chosen if SCENARIOS[s].get("tls")]
    h2_chosen = [s for s in chosen if SCENARIOS[s]["kind"] == "h2"]
    for tool in ("wrk", "nginx", "haproxy") + (("openssl", "h2load") if tls_chosen else ()):
        if not shutil.which(tool):
            parser.error(f"{tool} is not installed (run `make deps-bench`)")
    needed = ARGS.demo_backend if ARGS.compare_backends or ARGS.backend == "demo" else None
    for binary in ([] if ARGS.compare_backends else [ARGS.relay7]) + ([needed] if needed else []):
        if not os.access(binary, os.X_OK):
            parser.error(f"{binary} is not built (run `make`)")
    global NOFILE
    nofile = NOFILE = raise_nofile()
    if ("idle" in chosen or "tls-idle" in chosen) and nofile < idle_conns + 200:
        log(f"open file limit is {nofile}: lowering idle connections to {nofile - 500}")
        idle_conns = nofile - 500

    TMP = tempfile.mkdtemp(prefix="relay7-bench-")
    os.chmod(TMP, 0o755)  # nginx workers (www-data) read the 1 MiB file from here

    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        if ARGS.compare_backends:
            compare_backends()
            return 0
        started = datetime.datetime.now(datetime.timezone.utc)
        machine = machine_info()
        # The TLS listeners exist only when a TLS scenario runs, so the other scenarios run
        # on exactly the configs they always had; the h2 one only when an HTTP/2 one runs.
        listeners = (KEY_TYPES + (("h2",) if h2_chosen else ())) if tls_chosen else ()
        ports = pick_ports(ARGS.base_port, 8 + len(PROXIES) * len(listeners))
        backends = ports[:4]
        log(f"temporary directory {TMP}; backends ({ARGS.backend}) on {backends}")
        start_backends(ARGS.backend, backends, TMP, ARGS.backend_workers)
        tls_ports = certs = None
        if tls_chosen:
            certs = make_certificates(TMP)
            n = len(listeners)
            tls_ports = {p: dict(zip(listeners, ports[8 + n * i:8 + n * (i + 1)]))
                         for i, p in enumerate(PROXIES)}
        proxies = start_proxies(TMP, dict(zip(PROXIES, ports[4:7])), backends, idle_conns,
                                tls_ports, certs)
        problems = check_equivalence(proxies)
        if tls_chosen:
            tls_problems, facts = check_tls(proxies)
            problems += tls_problems
            TLS_FACTS.extend(facts)
            if any(SCENARIOS[s]["kind"] == "handshake" for s in tls_chosen):
                global SIGN_FLOOR_CMD
                floor, SIGN_FLOOR_CMD = sign_floor(1 if quick else 3)
                SIGN_FLOOR.update(floor)
                log(f"{SIGN_FLOOR_CMD}: " + ", ".join(f"{k} {v:.1f} us/sign"
                                                       for k, v in floor.items()))
        for problem in problems:
            log(f"!! {problem}")
        all_results = {}
        for name in chosen:
            spec = SCENARIOS[name]
            log(f"scenario {name}: {spec['title']}")
            if spec["kind"] in ("wrk", "handshake", "h2"):
                res = scenario_wrk(name, spec, proxies, rounds, seconds, warmup=not quick)
            elif spec["kind"] == "idle":
                res = scenario_idle(name, spec, proxies, rounds, idle_conns)
            else:
                res = scenario_reload(name, spec, proxies, rounds, seconds, ARGS.reloads, interval)
            all_results[name] = (spec, res)
        for p in proxies.values():
            if not p.proc.alive():
                p.record_exit("end of the run")
            count, sample = scan_error_log(p)
            if count:
                p.events.append(dict(where="whole run", what=f"{count} warning/error line(s) in "
                                     f"its error log, e.g. {sample}", command="", log=""))
        finished = datetime.datetime.now(datetime.timezone.utc)
        machine["load_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
        params = (f"{rounds} round(s) of {seconds} s per scenario, proxies alternating "
                  f"{' '.join(PROXIES)}; backends: {ARGS.backend} "
                  f"({ARGS.backend_workers} worker), 4 ports")
        text = report(all_results, params, machine, proxies, started, finished)
        if problems:
            text += "\n### Equivalence check problems\n\n" + "\n".join(f"- {x}" for x in problems)
        print(text)
        events = [dict(proxy=p.name, **e) for p in proxies.values() for e in p.events]
        for e in events:
            print(f"\n--- {e['proxy']}: {e['where']}: {e['what']}\ncommand: {e['command']}\n"
                  f"log tail:\n{e['log']}", file=sys.stderr)
        if ARGS.out:
            os.makedirs(os.path.dirname(os.path.abspath(ARGS.out)), exist_ok=True)
            with open(ARGS.out, "w") as f:
                f.write(text + "\n")
            with open(os.path.splitext(ARGS.out)[0] + ".json", "w") as f:
                json.dump(dict(machine=machine, params=params, events=events,
                               sign_floor=SIGN_FLOOR, tls_check=TLS_FACTS,
                               results={n: r for n, (s, r) in all_results.items()}),
                          f, indent=1, default=str)
            log(f"report written to {ARGS.out}")
        return 0
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except RuntimeError as e:
        log(f"!! {e}")
        return 1
    finally:
        Managed.stop_all()
        if ARGS.keep_tmp:
            log(f"kept {TMP}")
        else:
            shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
